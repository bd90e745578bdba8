"""The ``relais`` command: prepare a home, load the demo organisation, and print what a run produced.

``relais init`` creates the home's folders, its ``relais.toml``, Dagster's instance settings and the
pseudonymisation key; ``relais demo`` copies the demo organisation's exports into the home's inbox;
``relais summary`` prints where the results are and the headline figures of the last months, read
from the published snapshot (opened read-only, like an analyst would); ``relais data-dictionary``
prints the snapshot's data dictionary; ``relais erase --agent-id ID`` removes every trace of one
person; ``relais consent serve`` runs the ambassadors' consent page (LinkedIn data portability) and
``relais consent links`` prints one signed invitation link per current consenting ambassador.
``demo`` and ``erase`` create the home's folders and files as ``init`` does; the commands that only
read the home create nothing.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from pipelines.settings import SettingsError, load_home, ready_home
from relais.home import RelaisHome
from relais.privacy.pseudonym import stored_key
from relais.quality.runner import CheckOutcome, summary_line
from relais.shipped import SEEDS
from relais.sources.linkedin_api.tokens import TokenStore
from relais.warehouse.recovery import last_recovery
from relais.warehouse.serving_meta import data_dictionary
from relais.warehouse.tables import table_exists

DEMO_INBOX = SEEDS / "demo" / "inbox"
SUMMARY_MONTHS = 6
PREPARING = frozenset({"init", "demo", "erase"})
"""The commands that write to the home, which they create first (the others only read it)."""


def copy_demo(inbox: Path) -> int:
    """Copy the demo organisation's exports into ``inbox``; return the number of files copied."""
    shutil.copytree(DEMO_INBOX, inbox, dirs_exist_ok=True)
    return sum(1 for p in DEMO_INBOX.rglob("*") if p.is_file())


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f} %"


def summary_text(serving: Path, warehouse: Path) -> str:
    """The paths of a home's results and a table of the headline figures of its last months."""
    lines = [f"Analysts' snapshot : {serving}", f"Working warehouse  : {warehouse}"]
    if not serving.exists():
        return "\n".join([*lines, "No snapshot published yet: run the pipeline first."])
    with duckdb.connect(str(serving), read_only=True) as con:
        rows = con.execute(
            "SELECT month, headcount, enrolled, active, participation_rate, adoption_rate, posts, reshares, "
            "institution_reshares, impressions, engagements_received, page_impressions "
            "FROM marts.programme_month ORDER BY month DESC LIMIT ?",
            [SUMMARY_MONTHS],
        ).fetchall()
        tables = [
            r[0]
            for r in con.execute(
                "SELECT table_schema || '.' || table_name FROM information_schema.tables ORDER BY 1"
            ).fetchall()
        ]
    lines.append(f"Published tables   : {', '.join(tables)}")
    if warehouse.exists():
        with duckdb.connect(str(warehouse), read_only=True) as con:
            files, rows_q = con.execute(
                "SELECT (SELECT count(*) FROM quarantine.files), (SELECT count(*) FROM quarantine.rows)"
            ).fetchall()[0]
        lines.append(f"Quarantine         : {files} file(s), {rows_q} row(s) (warehouse schema quarantine)")
        lines.append(quality_line(warehouse))
    recovery = last_recovery(warehouse.parent / "state")
    if recovery is not None:
        lines.append(f"Last recovery      : {recovery.recovered_at}: {recovery.summary()}")
    reports = sorted((warehouse.parent / "reports").glob("[0-9][0-9][0-9][0-9]-[0-9][0-9]/*.html"))
    if reports:
        lines.append(f"Monthly report     : {reports[-1]} (and .pdf, a page per department, CSV)")
    header = (
        "month",
        "staff",
        "enrolled",
        "active",
        "particip.",
        "adoption",
        "posts",
        "reshares",
        "of institution",
        "impressions",
        "engagements",
        "Page impr.",
    )
    table = [header] + [
        (
            str(m)[:7],
            str(h),
            str(e),
            str(a),
            _percent(p),
            _percent(ad),
            str(po),
            str(r),
            str(i),
            str(im),
            str(en),
            "—" if pg is None else str(pg),
        )
        for m, h, e, a, p, ad, po, r, i, im, en, pg in reversed(rows)
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    lines.append("")
    lines.append(f"Programme, last {len(rows)} months:")
    for row in table:
        lines.append("  " + "  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)))
    return "\n".join(lines)


def _read_token() -> str:
    """The token from standard input (never from the command line, where other users can see it)."""
    token = getpass.getpass("Token: ") if sys.stdin.isatty() else sys.stdin.readline()
    token = token.strip()
    if not token:
        raise SystemExit("relais: no token given on standard input")
    return token


def linkedin_token(home_tokens: Path, args: argparse.Namespace) -> str:
    """Store, remove or list LinkedIn API tokens; return what to tell the operator (never a token)."""
    store = TokenStore(home_tokens)
    if args.action == "organization":
        store.set_organization(args.urn, _read_token())
        return f"Stored the organisation's token for {args.urn} in {home_tokens}"
    if args.action == "member":
        store.set_member(args.agent_id, args.person_urn, _read_token())
        return f"Stored the token of {args.agent_id} in {home_tokens}"
    if args.action == "remove":
        removed = store.remove_member(args.agent_id)
        return f"Removed the token of {args.agent_id}" if removed else f"No token stored for {args.agent_id}"
    organization = store.organization()
    lines = [f"organisation: {organization.urn if organization else 'none'}"]
    lines += [f"member: {agent_id}" for agent_id in store.member_ids()]
    return "\n".join(lines)


def quality_line(warehouse: Path) -> str:
    """The one-line summary of the last run's quality checks, with where the Data Docs are."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        exists = table_exists(con, "marts.quality_checks")
        rows = (
            con.execute(
                "SELECT table_name, check_name, severity, success, unexpected_count "
                "FROM marts.quality_checks "
                "WHERE run_id = (SELECT run_id FROM marts.quality_checks ORDER BY checked_at DESC LIMIT 1)"
            ).fetchall()
            if exists
            else []
        )
    if not rows:
        return "Quality            : no check has run yet"
    outcomes = [CheckOutcome(t, c, s, ok, n) for t, c, s, ok, n in rows]
    docs = warehouse.parent / "quality"
    return f"Quality            : {summary_line(outcomes).removeprefix('Quality: ')} (Data Docs: {docs})"


def write_data_dictionary(serving: Path, out: Path | None) -> int:
    """Print the published snapshot's data dictionary, or write it to ``out``."""
    if not serving.exists():
        print(f"No snapshot at {serving}: run the pipeline first.", file=sys.stderr)
        return 1
    with duckdb.connect(str(serving), read_only=True) as con:
        text = data_dictionary(con, con.execute("SELECT current_database()").fetchall()[0][0])
    if out is None:
        print(text, end="")
    else:
        out.write_text(text, encoding="utf-8")
        print(f"Data dictionary written to {out}")
    return 0


def erase_command(home: RelaisHome, agent_id: str, confirmed: bool) -> int:
    """Erase one person after confirmation; exit 0 when no trace is left, 1 otherwise."""
    from pipelines.erase import dagster_home_from_env, erase_agent
    from pipelines.runs import refresh_home, regenerate_reports

    if not confirmed:
        answer = input(
            f"Erase every trace of agent {agent_id} from {home.root}? This cannot be undone [y/N] "
        )
        if answer.strip().lower() not in {"y", "yes", "o", "oui"}:
            print("Nothing erased.")
            return 1
    record, traces = erase_agent(
        home,
        agent_id,
        refresh=lambda: refresh_home(home),
        regenerate_reports=lambda: regenerate_reports(home),
        dagster_homes=dagster_home_from_env(),
    )
    for note in record.notes:
        print(f"  note: {note}")
    if traces:
        print(f"Erasure incomplete: {len(traces)} file(s) still mention the person:", file=sys.stderr)
        for path in traces:
            print(f"  {path}", file=sys.stderr)
        return 1
    print(f"Erased: no trace left under {home.root} (audit log: {home.erasure_dir / 'audit.log'})")
    return 0


def consent_command(home: RelaisHome, args: argparse.Namespace) -> int:
    """Serve the consent page, or print the invitation links; exit 2 when the page is not configured."""
    from relais.consent.gate import RosterUnavailable, current_ambassadors
    from relais.consent.invitations import consent_key, invitation_link, new_invitation

    if args.action == "links":
        if args.days < 1:
            print(
                f"relais: --days {args.days}: an invitation must be valid for at least 1 day", file=sys.stderr
            )
            return 2
        try:
            ambassadors = current_ambassadors(home.warehouse)
        except RosterUnavailable as missing:
            print(f"relais: {missing}", file=sys.stderr)
            return 1
        if not ambassadors:
            print("No current consenting ambassador in the roster: no link to send.")
            return 0
        key, now = consent_key(home.root), datetime.now(UTC)
        print(f"Invitation links, valid {args.days} days (agent id, first name, link):")
        for ambassador in ambassadors:
            link = invitation_link(
                home.settings.consent_public_url, new_invitation(key, ambassador.agent_id, now, args.days)
            )
            print(f"{ambassador.agent_id}\t{ambassador.first_name or ''}\t{link}")
        return 0
    if args.action == "status":
        return consent_status(home)
    return serve_consent(home, args.host, args.port)


def consent_status(home: RelaisHome) -> int:
    """Print who consented and where their data-portability pull stands; 1 when a file is unreadable."""
    from relais.consent.status import status_lines
    from relais.privacy.withdrawals import withdrawn_tokens
    from relais.sources.linkedin_api.portability import portability_state_path
    from relais.sources.linkedin_api.portability_state import load_portability_state
    from relais.sources.linkedin_api.tokens import TokenStore

    try:
        store = TokenStore(home.linkedin_tokens)
        members = store.portability_members() if home.linkedin_tokens.exists() else []
        state = load_portability_state(portability_state_path(home))
    except ValueError as error:
        print(f"relais: {error}", file=sys.stderr)
        return 1
    for line in status_lines(members, state, len(withdrawn_tokens(home)), datetime.now(UTC)):
        print(line)
    return 0


def serve_consent(home: RelaisHome, host: str, port: int) -> int:
    """Run the consent page with uvicorn until interrupted (never prints a secret)."""
    import uvicorn

    from relais.consent.app import ConsentNotConfigured, consent_app, redirect_uri

    try:
        app = consent_app(home)
    except ConsentNotConfigured as error:
        print(f"relais: the consent page cannot start: {error}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    public_url = home.settings.consent_public_url
    print(f"Consent page served on http://{host}:{port}/ (public address: {public_url})")
    print(f"Redirect URL to register in the LinkedIn application: {redirect_uri(public_url)}")
    print("Send the links of `relais consent links`; stop with Ctrl+C.")
    uvicorn.run(app, host=host, port=port, access_log=False, log_level="warning", server_header=False)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``relais`` command; unusable settings exit with status 2, one line each."""
    parser = argparse.ArgumentParser(prog="relais", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("init", help="create the home folder (RELAIS_HOME, default .relais) and its settings")
    commands.add_parser("demo", help="copy the demo organisation's exports into the home's inbox")
    commands.add_parser("summary", help="print where the results are and the headline figures")
    tokens = commands.add_parser(
        "linkedin-token", help="store LinkedIn API tokens (read from standard input)"
    )
    actions = tokens.add_subparsers(dest="action", required=True)
    actions.add_parser("organization", help="the institution's token").add_argument("--urn", required=True)
    member = actions.add_parser("member", help="an ambassador's token")
    member.add_argument("--agent-id", required=True)
    member.add_argument("--person-urn", required=True)
    actions.add_parser("remove", help="forget an ambassador's token").add_argument(
        "--agent-id", required=True
    )
    actions.add_parser("list", help="who has a token stored (tokens are never shown)")
    dictionary = commands.add_parser(
        "data-dictionary", help="print (or write) the snapshot's data dictionary"
    )
    dictionary.add_argument("--out", type=Path, help="write it to this file instead of printing it")
    erase = commands.add_parser(
        "erase", help="remove every trace of one person (right to erasure), rebuild, and verify"
    )
    erase.add_argument("--agent-id", required=True, help="the person's HR identifier (matricule)")
    erase.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    consent = commands.add_parser(
        "consent", help="the ambassadors' consent page (LinkedIn Member Data Portability)"
    )
    consent_actions = consent.add_subparsers(dest="action", required=True)
    serve = consent_actions.add_parser("serve", help="serve the consent page (LinkedIn OAuth)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8765, help="port to listen on (default 8765)")
    links = consent_actions.add_parser(
        "links", help="print one invitation link per current consenting ambassador"
    )
    links.add_argument("--days", type=int, default=30, help="how long the links stay valid (default 30)")
    consent_actions.add_parser(
        "status", help="who consented, token expiry, pending snapshot domains, changelog gaps"
    )
    args = parser.parse_args(argv)
    try:
        home = ready_home() if args.command in PREPARING else load_home()
    except SettingsError as error:
        for line in str(error).splitlines():
            print(f"relais: {line}", file=sys.stderr)
        return 2
    try:
        return run_command(home, args)
    except BrokenPipeError:  # the reader went away (``relais consent links | head``): not an error
        sys.stderr.close()
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def run_command(home: RelaisHome, args: argparse.Namespace) -> int:
    """Run the parsed command on the home; return the exit status."""
    if args.command == "demo":
        count = copy_demo(home.inbox)
        print(f"Copied {count} demo files into {home.inbox}")
    elif args.command == "summary":
        print(summary_text(home.serving, home.warehouse))
    elif args.command == "linkedin-token":
        print(linkedin_token(home.linkedin_tokens, args))
    elif args.command == "data-dictionary":
        return write_data_dictionary(home.serving, args.out)
    elif args.command == "erase":
        return erase_command(home, args.agent_id, args.yes)
    elif args.command == "consent":
        return consent_command(home, args)
    else:
        if not home.pseudonym_secret:
            stored_key(home.pseudonym_key)  # made now, to be backed up with the home
        print(f"Home ready: {home.root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
