"""The `relais` command: prepare a home, refresh it, print what a run produced, erase a person.

Each command is a function here returning the exit status; the parser and every help text are in
`pipelines.cli_parser`. A problem the operator can fix (no home, no terminal to confirm on, an
unknown agent id, unusable settings) is one line on standard error naming the problem and the
fix, with status 1 (or 2 for a wrong command line or unusable settings), never a traceback.
`init`, `demo` and `erase` create the home's folders and files as needed; the commands that only
read the home create nothing.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import shutil
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from pipelines.cli_parser import build_parser
from pipelines.settings import HOME_ENV, SettingsError, home_root, load_home, ready_home
from pipelines.summary import summary_text
from relais.home import RelaisHome
from relais.privacy.pseudonym import stored_key
from relais.shipped import SEEDS
from relais.sources.linkedin_api.tokens import TokenStore
from relais.warehouse.serving_meta import data_dictionary

DEMO_INBOX = SEEDS / "demo" / "inbox"
PREPARING = frozenset({"init", "demo", "erase"})
"""The commands that write to the home, which they create first (the others only read it)."""
NEEDS_HOME = frozenset({"summary", "data-dictionary", "refresh", "erase", "consent"})
"""The commands that make sense only on an existing home: without one, they say how to make it."""


class CommandError(Exception):
    """A problem the operator can fix: its message names it and the fix; ``status`` is the exit status."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


def copy_demo(inbox: Path) -> int:
    """Copy the demo organisation's exports into ``inbox``; return the number of files copied."""
    shutil.copytree(DEMO_INBOX, inbox, dirs_exist_ok=True)
    return sum(1 for p in DEMO_INBOX.rglob("*") if p.is_file())


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


def write_data_dictionary(serving: Path, out: Path | None) -> int:
    """Print the published snapshot's data dictionary, or write it to ``out``."""
    if not serving.exists():
        raise CommandError(f"no snapshot at {serving} yet: run `relais refresh` first")
    with duckdb.connect(str(serving), read_only=True) as con:
        text = data_dictionary(con, con.execute("SELECT current_database()").fetchall()[0][0])
    if out is None:
        print(text, end="")
        return 0
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as error:
        raise CommandError(
            f"--out {out}: cannot write it ({error.strerror}): choose a writable file"
        ) from None
    print(f"Data dictionary written to {out}")
    return 0


def erase_target_known(home: RelaisHome, agent_id: str) -> bool:
    """Whether ``agent_id`` names someone to erase: in a roster (inbox or warehouse), in an erasure
    left unfinished, or erased before (running it again checks that no trace is left)."""
    from pipelines.erase import identify, pending_file

    person = identify(home, agent_id)
    return (
        bool(person.first_names or person.emails)
        or pending_file(home, agent_id).exists()
        or home.pseudonymiser.erasure_token(agent_id) in home.erased_tokens
    )


def confirm_erasure(home: RelaisHome, agent_id: str) -> bool:
    """Ask on the terminal whether to erase; without a terminal, say to add ``--yes`` (exit status 2)."""
    if not sys.stdin.isatty():
        raise CommandError(
            "erase asks for confirmation and there is no terminal to ask on: add --yes to confirm "
            "(nothing was erased)",
            status=2,
        )
    question = f"Erase every trace of agent {agent_id} from {home.root}? This cannot be undone [y/N] "
    try:
        answer = input(question)
    except (EOFError, KeyboardInterrupt):
        print()
        return False
    return answer.strip().lower() in {"y", "yes", "o", "oui"}


def erase_command(home: RelaisHome, agent_id: str, confirmed: bool) -> int:
    """Erase one person after confirmation; exit 0 when no trace is left, 1 otherwise."""
    from pipelines.erase import dagster_home_from_env, erase_agent
    from pipelines.runs import refresh_home, regenerate_reports

    agent_id = agent_id.strip()
    if not erase_target_known(home, agent_id):
        raise CommandError(
            f"agent id {agent_id!r} is in no roster of {home.root} (inbox or warehouse) and was never "
            "erased there: check the id (the roster's agent_id or matricule column); nothing was erased"
        )
    if not confirmed and not confirm_erasure(home, agent_id):
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


def refresh_command(home: RelaisHome) -> int:
    """Refresh the whole home with a line per step, then print the summary; exit 1 naming the failed step."""
    from pipelines.refresh import InstanceUnavailable, run_refresh, step_label

    started = time.monotonic()
    try:
        outcome = run_refresh(home, write=lambda line: print(line, flush=True))
    except InstanceUnavailable as error:
        raise CommandError(str(error)) from None
    took = time.monotonic() - started
    if not outcome.success:
        where = f" at step {step_label(outcome.failed_step)}" if outcome.failed_step else ""
        raise CommandError(
            f"the refresh failed{where}: {outcome.failure} (run {outcome.run_id}; its whole log is in "
            "the Dagster UI, `make dev`). The previous snapshot and reports stay as they were."
        )
    duration = f"{took // 60:.0f} min {took % 60:.0f} s" if took >= 60 else f"{took:.0f} s"
    print(f"Refresh done in {duration} (Dagster run {outcome.run_id}).")
    print()
    print(summary_text(home))
    return 0


def consent_command(home: RelaisHome, args: argparse.Namespace) -> int:
    """Serve the consent page, or print the invitation links; exit 2 when the page is not configured."""
    from relais.consent.gate import RosterUnavailable, current_ambassadors
    from relais.consent.invitations import consent_key, invitation_link, new_invitation

    if args.action == "links":
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


def missing_home_message(root: Path) -> str:
    """What to say when the home does not exist: where it was looked for, and how to make one."""
    where = "set by RELAIS_HOME" if os.environ.get(HOME_ENV) else "RELAIS_HOME is not set: .relais here"
    return (
        f"no Relais home at {root} ({where}): create it with `relais demo` (the demo organisation) or "
        "`relais init` (then drop the exports into its inbox/), or set RELAIS_HOME to your home folder"
    )


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `relais` command; every problem the operator can fix is one line, status 1 or 2."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help (0) or a wrong command line (2), already printed by argparse
        return int(stop.code or 0)
    try:
        if args.command == "organisations" or getattr(args, "organisation", None):
            return deployment_command(args)
        if args.command in NEEDS_HOME and not home_root().is_dir():
            raise CommandError(missing_home_message(home_root()))
        home = ready_home() if args.command in PREPARING else load_home()
        return run_command(home, args)
    except SettingsError as error:
        for line in str(error).splitlines():
            print(f"relais: {line}", file=sys.stderr)
        return 2
    except CommandError as error:
        print(f"relais: {error}", file=sys.stderr)
        return error.status
    except KeyboardInterrupt:
        print("relais: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (`relais consent links | head`): not an error
        sys.stderr.close()
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def deployment_command(args: argparse.Namespace) -> int:
    """`relais organisations` or `relais refresh --organisation SLUG`, on RELAIS_DEPLOYMENT."""
    from pipelines.deployment_cli import organisations_command, refresh_organisation_command
    from pipelines.organisations import deployment_root
    from pipelines.refresh import InstanceUnavailable
    from relais.deployment import DeploymentError

    try:
        root = deployment_root()
        if args.command == "organisations":
            return organisations_command(root)
        status, failure = refresh_organisation_command(
            root, args.organisation, lambda line: print(line, flush=True)
        )
    except (DeploymentError, InstanceUnavailable) as error:
        raise CommandError(str(error), status=2) from None
    if failure:
        raise CommandError(failure)
    from pipelines.organisations import organisation_home
    from relais.deployment import find_organisation

    print()
    print(summary_text(organisation_home(find_organisation(root, args.organisation))))
    return status


def run_command(home: RelaisHome, args: argparse.Namespace) -> int:
    """Run the parsed command on the home; return the exit status."""
    if args.command == "demo":
        count = copy_demo(home.inbox)
        print(f"Copied {count} demo files into {home.inbox}")
        print("Next: `relais refresh` reads them and publishes the results.")
    elif args.command == "summary":
        print(summary_text(home))
        return 0 if home.serving.exists() else 1
    elif args.command == "refresh":
        return refresh_command(home)
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
