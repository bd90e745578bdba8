"""Who consented through the consent page, and where each member's data-portability pull stands.

``status_lines`` turns the token store's portability members (consent date, scopes, expiry) and the
pull's state (snapshot domains read or pending, changelog events, gaps) into the lines `relais
consent status` prints: one block per member, then the number of withdrawals recorded. Pure: the
command reads the files and passes them in; no token is ever part of a line.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from relais.sources.linkedin_api.portability_state import (
    CHANGELOG,
    GAP,
    PENDING,
    READ,
    PortabilityState,
    parse_stamp,
    portability_status,
)
from relais.sources.linkedin_api.tokens import MemberCredentials


def _when(text: str | None) -> str:
    if not text:
        return "unknown"
    try:
        return f"{parse_stamp(text):%Y-%m-%d %H:%M} UTC"
    except ValueError:
        return text


def _expiry(text: str | None, now: datetime) -> str:
    if not text:
        return "expiry unknown"
    try:
        moment = parse_stamp(text)
    except ValueError:
        return f"expires {text}"
    if moment <= now:
        return f"EXPIRED on {moment:%Y-%m-%d}: send a new link (relais consent links)"
    return f"expires {moment:%Y-%m-%d} ({(moment - now).days} days)"


def _pull_line(rows: list[dict[str, Any]]) -> list[str]:
    if not rows:
        return ["    not pulled yet: the next refresh reads the snapshot and the changelog"]
    domains = [r for r in rows if r["domain"] != CHANGELOG]
    read = [r for r in domains if r["status"] == READ]
    pending = [r for r in domains if r["status"] == PENDING]
    lines = [f"    snapshot: {len(read)} domain(s) read ({sum(r['rows'] or 0 for r in read)} rows)"]
    if pending:
        names = ", ".join(f"{r['domain']} since {r['since']:%Y-%m-%d %H:%M}" for r in pending)
        lines.append(f"    pending (LinkedIn has not built them yet, asked again each refresh): {names}")
    changelog = next((r for r in rows if r["domain"] == CHANGELOG and r["status"] != GAP), None)
    if changelog and changelog["since"]:
        lines.append(
            f"    changelog: {changelog['rows'] or 0} event(s), last read {changelog['since']:%Y-%m-%d %H:%M}"
        )
    else:
        lines.append("    changelog: not read yet")
    for gap in (r for r in rows if r["status"] == GAP):
        lines.append(
            f"    GAP: events from {gap['gap_from']} to {gap['gap_to']} were gone "
            "(older than LinkedIn's 28 days)"
        )
    return lines


def status_lines(
    members: list[MemberCredentials], state: PortabilityState, withdrawals: int, now: datetime
) -> list[str]:
    """The consent status: per member, consent, expiry and the pull's progress; then withdrawals."""
    by_member: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in portability_status(state):
        by_member[row["agent_id"]].append(row)
    if not members:
        lines = ["No ambassador has consented on the consent page yet (relais consent links, then serve)."]
    else:
        lines = [f"{len(members)} ambassador(s) consented on the consent page:"]
    for member in members:
        scopes = ", ".join(member.scopes) or "scopes unknown"
        lines.append(
            f"  {member.agent_id}: consented {_when(member.consented_at)} ({scopes}); "
            f"{_expiry(member.expires_at, now)}"
        )
        lines.extend(_pull_line(by_member.get(member.agent_id, [])))
    lines.append(
        f"{withdrawals} withdrawal(s) recorded from revoked LinkedIn authorisations "
        "(their data left at the refresh that found them)."
    )
    return lines
