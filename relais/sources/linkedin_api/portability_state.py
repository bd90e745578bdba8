"""What the data-portability pull knows of each consenting member, kept between runs.

Kept as JSON in ``<home>/state/linkedin_portability.json``, rewritten atomically. Per member (by
roster ``agent_id``): each snapshot domain's status (``read``, with its row count and when, or
``pending`` since when LinkedIn first answered that it is not built yet), the changelog cursor (the
latest ``processedAt`` read, in epoch milliseconds, with the ids of the events at that very moment,
which the next inclusive ``startTime`` returns again), the last pull, the gaps of the changelog
(days whose events LinkedIn no longer kept when Relais asked) and any DAY-limit block. The pure
``portability_status`` flattens it into rows for the warehouse.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

FORMAT_KEY = "relais_linkedin_portability_state"
FORMAT_VERSION = 1
READ = "read"
PENDING = "pending"
GAP = "gap"
NOT_READ = "not-read"
CHANGELOG = "changelog"


def as_utc(moment: datetime) -> datetime:
    """An aware UTC datetime (naive values are taken as UTC)."""
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def stamp(moment: datetime) -> str:
    """A moment written ``2026-11-22T09:00:00Z``."""
    return as_utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_stamp(text: str) -> datetime:
    """The aware UTC moment of an ISO text (``Z`` or an offset; naive means UTC)."""
    return as_utc(datetime.fromisoformat(text.replace("Z", "+00:00")))


@dataclass
class DomainState:
    """One snapshot domain of one member: read (rows, when) or pending (since when)."""

    status: str
    since: datetime
    rows: int | None = None
    last_read: datetime | None = None

    def due(self, now: datetime, refresh_days: int) -> bool:
        """True when the domain must be asked again: still pending, or read ``refresh_days`` ago or more."""
        if self.status != READ:
            return True
        return as_utc(now) - self.since >= timedelta(days=refresh_days)


@dataclass(frozen=True)
class Gap:
    """Days of a member's changelog whose events were gone (older than LinkedIn's 28 days) when asked."""

    first: date
    last: date
    found_at: datetime


@dataclass
class MemberState:
    """Everything the pull keeps for one member (see the module docstring)."""

    domains: dict[str, DomainState] = field(default_factory=dict)
    cursor: int | None = None
    ids_at_cursor: list[str] = field(default_factory=list)
    events_read: int = 0
    changelog_read_at: datetime | None = None
    last_pull: datetime | None = None
    gaps: list[Gap] = field(default_factory=list)
    blocked_until: datetime | None = None

    def mark_read(self, domain: str, rows: int, now: datetime) -> None:
        """The domain answered: remember how many rows and when."""
        self.domains[domain] = DomainState(READ, as_utc(now), rows, as_utc(now))

    def mark_pending(self, domain: str, now: datetime) -> DomainState:
        """The domain is not built yet: pending since the first time it said so (earlier reads kept)."""
        known = self.domains.get(domain)
        if known is not None and known.status == PENDING:
            return known
        last_read = known.last_read if known is not None else None
        rows = known.rows if known is not None else None
        self.domains[domain] = DomainState(PENDING, as_utc(now), rows, last_read)
        return self.domains[domain]

    def pending_domains(self) -> list[str]:
        """The domains LinkedIn has not built yet, sorted."""
        return sorted(name for name, domain in self.domains.items() if domain.status == PENDING)

    def add_gap(self, first: date, last: date, now: datetime) -> Gap:
        """Record a gap (once: the same days found again are not added twice)."""
        for gap in self.gaps:
            if (gap.first, gap.last) == (first, last):
                return gap
        gap = Gap(first, last, as_utc(now))
        self.gaps.append(gap)
        return gap

    def blocked(self, now: datetime) -> datetime | None:
        """When the member's DAY-limit block ends if it still holds at ``now``; a past block is cleared."""
        if self.blocked_until is not None and as_utc(now) < self.blocked_until:
            return self.blocked_until
        self.blocked_until = None
        return None


@dataclass
class PortabilityState:
    """The state of every member the portability pull has seen, by agent id."""

    members: dict[str, MemberState] = field(default_factory=dict)

    def member(self, agent_id: str) -> MemberState:
        """A member's state (a fresh one for a member never seen)."""
        return self.members.setdefault(agent_id, MemberState())

    def forget(self, agent_id: str) -> bool:
        """Drop a member's state (consent withdrawn); True when there was one."""
        return self.members.pop(agent_id, None) is not None


def portability_status(state: PortabilityState) -> list[dict[str, Any]]:
    """Rows for the warehouse: per member, one per snapshot domain, one for the changelog, one per gap.

    Each row has ``agent_id``, ``domain`` (a snapshot domain or "changelog"), ``status`` ("read",
    "pending", "not-read" or "gap"), ``since`` (naive UTC: when read, pending since, or the gap's
    discovery), ``rows`` (rows or events read, None when unknown) and ``gap_from``/``gap_to`` (days,
    gaps only). Members and domains come sorted, so equal states give equal rows.
    """
    rows: list[dict[str, Any]] = []

    def row(agent_id: str, domain: str, status: str, since: datetime | None, count: int | None) -> dict:
        naive = as_utc(since).replace(tzinfo=None) if since else None
        return {"agent_id": agent_id, "domain": domain, "status": status, "since": naive, "rows": count}

    for agent_id, member in sorted(state.members.items()):
        for name, domain in sorted(member.domains.items()):
            rows.append({**row(agent_id, name, domain.status, domain.since, domain.rows), **_no_gap()})
        changelog_status = READ if member.changelog_read_at else NOT_READ
        rows.append(
            {
                **row(agent_id, CHANGELOG, changelog_status, member.changelog_read_at, member.events_read),
                **_no_gap(),
            }
        )
        for gap in sorted(member.gaps, key=lambda g: (g.first, g.last)):
            dates = {"gap_from": gap.first, "gap_to": gap.last}
            rows.append({**row(agent_id, CHANGELOG, GAP, gap.found_at, None), **dates})
    return rows


def _no_gap() -> dict[str, None]:
    return {"gap_from": None, "gap_to": None}


def load_portability_state(path: Path) -> PortabilityState:
    """Read the state file (an empty state when it does not exist yet)."""
    if not path.exists():
        return PortabilityState()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get(FORMAT_KEY) != FORMAT_VERSION:
            raise ValueError("not a Relais data-portability state file")
        return PortabilityState({agent: _member(entry) for agent, entry in data.get("members", {}).items()})
    except (ValueError, TypeError, AttributeError, KeyError) as exc:
        raise ValueError(
            f"{path} cannot be read ({exc}); delete it and the next run reads every member's snapshot "
            "again (changelog events older than 28 days are then reported as a gap)"
        ) from None


def save_portability_state(path: Path, state: PortabilityState) -> None:
    """Write the state file atomically (temporary file, then rename)."""
    document = {
        FORMAT_KEY: FORMAT_VERSION,
        "members": {agent: _member_json(member) for agent, member in sorted(state.members.items())},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=".portability-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(document, handle, indent=2)
            handle.write("\n")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _optional_stamp(moment: datetime | None) -> str | None:
    return stamp(moment) if moment else None


def _optional_moment(text: Any) -> datetime | None:
    return parse_stamp(text) if isinstance(text, str) and text else None


def _member_json(member: MemberState) -> dict[str, Any]:
    domains = {}
    for name, domain in sorted(member.domains.items()):
        entry: dict[str, Any] = {"status": domain.status, "since": stamp(domain.since)}
        if domain.rows is not None:
            entry["rows"] = domain.rows
        if domain.last_read is not None:
            entry["last_read"] = stamp(domain.last_read)
        domains[name] = entry
    return {
        "domains": domains,
        "changelog": {
            "cursor": member.cursor,
            "ids_at_cursor": list(member.ids_at_cursor),
            "events_read": member.events_read,
            "read_at": _optional_stamp(member.changelog_read_at),
        },
        "last_pull": _optional_stamp(member.last_pull),
        "gaps": [
            {"from": gap.first.isoformat(), "to": gap.last.isoformat(), "found_at": stamp(gap.found_at)}
            for gap in member.gaps
        ],
        "blocked_until": _optional_stamp(member.blocked_until),
    }


def _member(entry: dict[str, Any]) -> MemberState:
    domains = {
        name: DomainState(
            status=value["status"],
            since=parse_stamp(value["since"]),
            rows=value.get("rows"),
            last_read=_optional_moment(value.get("last_read")),
        )
        for name, value in entry.get("domains", {}).items()
    }
    changelog = entry.get("changelog") or {}
    cursor = changelog.get("cursor")
    if cursor is not None and (isinstance(cursor, bool) or not isinstance(cursor, int)):
        raise ValueError(f"changelog cursor {cursor!r} is not epoch milliseconds")
    gaps = [
        Gap(date.fromisoformat(g["from"]), date.fromisoformat(g["to"]), parse_stamp(g["found_at"]))
        for g in entry.get("gaps", [])
    ]
    return MemberState(
        domains=domains,
        cursor=cursor,
        ids_at_cursor=[str(i) for i in changelog.get("ids_at_cursor", [])],
        events_read=int(changelog.get("events_read", 0)),
        changelog_read_at=_optional_moment(changelog.get("read_at")),
        last_pull=_optional_moment(entry.get("last_pull")),
        gaps=gaps,
        blocked_until=_optional_moment(entry.get("blocked_until")),
    )
