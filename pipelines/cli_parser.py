"""The `relais` command line: its commands, options and help texts, in plain words and with examples.

Every command's `--help` says what it reads and writes, where the home is (RELAIS_HOME and its
default), the default of each option and an example. Wrong values are refused by the parser with
one line and status 2, before anything runs.
"""

from __future__ import annotations

import argparse
from pathlib import Path

HOME = """\
RELAIS_HOME is the folder holding everything Relais reads and writes: inbox/ (the exports you drop),
warehouse.duckdb, serving/ (the analysts' snapshot and the dashboard), reports/, quality/ and the
settings file relais.toml. Default: .relais in the current folder. DAGSTER_HOME (default:
RELAIS_HOME/dagster) keeps Dagster's run history."""

EXAMPLES = """\
examples:
  relais demo && relais refresh           load the demo organisation, refresh everything
  RELAIS_HOME=/srv/relais relais refresh  refresh the home in /srv/relais
  relais summary                          where the results are, and the last months' figures
  relais erase --agent-id VDA00123        erase one person (asks for confirmation)"""


class Formatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the descriptions' and examples' line breaks; a little more room for option names."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=32)


def port(value: str) -> int:
    """A TCP port, 0 (any free port) to 65535."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number (0 to 65535)") from None
    if not 0 <= number <= 65535:
        raise argparse.ArgumentTypeError(f"{number} is not a port number (0 to 65535)")
    return number


def positive_days(value: str) -> int:
    """A number of days, 1 or more."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of days") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"{number}: an invitation must be valid for at least 1 day")
    return number


def agent_id(value: str) -> str:
    """An HR identifier, not blank."""
    if not value.strip():
        raise argparse.ArgumentTypeError("the agent id is empty: give the roster's agent_id (matricule)")
    return value.strip()


def _command(
    commands: argparse._SubParsersAction, name: str, summary: str, details: str, examples: str
) -> argparse.ArgumentParser:
    """A sub-command whose help has a one-line summary (shown by `relais --help`), details and examples."""
    return commands.add_parser(
        name,
        help=summary,
        description=f"{summary[0].upper()}{summary[1:]}.\n\n{details}\n\n{HOME}",
        epilog=f"example{'s' if examples.count(chr(10)) else ''}:\n{examples}",
        formatter_class=Formatter,
    )


def _action(actions: argparse._SubParsersAction, name: str, summary: str) -> argparse.ArgumentParser:
    """An action of a command (``relais consent links``), its summary also heading its own help."""
    return actions.add_parser(
        name, help=summary, description=f"{summary[0].upper()}{summary[1:]}.", formatter_class=Formatter
    )


def _linkedin_token(commands: argparse._SubParsersAction) -> None:
    tokens = _command(
        commands,
        "linkedin-token",
        "store, remove or list the LinkedIn API tokens",
        "The tokens are read from standard input (never from the command line, where other users\n"
        "can see them) and kept encrypted in RELAIS_HOME/secrets/linkedin_tokens.json; they are never\n"
        "printed.",
        "  relais linkedin-token organization --urn urn:li:organization:12345 < org-token.txt\n"
        "  relais linkedin-token list",
    )
    actions = tokens.add_subparsers(title="actions", dest="action", required=True, metavar="ACTION")
    organization = _action(actions, "organization", "store the institution's token")
    organization.add_argument(
        "--urn", required=True, metavar="URN", help="the Page's URN, e.g. urn:li:organization:12345"
    )
    member = _action(actions, "member", "store an ambassador's token")
    member.add_argument(
        "--agent-id", required=True, type=agent_id, metavar="ID", help="the ambassador's HR id (matricule)"
    )
    member.add_argument(
        "--person-urn", required=True, metavar="URN", help="their LinkedIn URN, e.g. urn:li:person:AbC123"
    )
    remove = _action(actions, "remove", "forget an ambassador's token")
    remove.add_argument(
        "--agent-id", required=True, type=agent_id, metavar="ID", help="the ambassador's HR id (matricule)"
    )
    _action(actions, "list", "who has a token stored (tokens are never shown)")


def _consent(commands: argparse._SubParsersAction) -> None:
    consent = _command(
        commands,
        "consent",
        "the ambassadors' consent page (LinkedIn Member Data Portability)",
        "Each ambassador authorises the organisation's LinkedIn application once, on this page; every\n"
        "refresh then reads their data. See docs/portability.md for the LinkedIn application and the\n"
        "settings it needs (linkedin_client_id, consent_public_url in relais.toml).",
        "  relais consent links --days 14\n"
        "  relais consent serve --host 0.0.0.0 --port 8765\n"
        "  relais consent status",
    )
    actions = consent.add_subparsers(title="actions", dest="action", required=True, metavar="ACTION")
    serve = _action(actions, "serve", "serve the consent page (LinkedIn OAuth) until Ctrl+C")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=port, default=8765, help="port to listen on (default: 8765)")
    links = _action(actions, "links", "print one invitation link per current consenting ambassador")
    links.add_argument(
        "--days", type=positive_days, default=30, help="how many days the links stay valid (default: 30)"
    )
    _action(actions, "status", "who consented, token expiry, pending snapshot domains, changelog gaps")


def build_parser() -> argparse.ArgumentParser:
    """The parser of the `relais` command and of each of its commands."""
    parser = argparse.ArgumentParser(
        prog="relais",
        description="Relais: the analytics of a LinkedIn ambassador programme, on the organisation's "
        f"own machine.\n\n{HOME}",
        epilog=EXAMPLES,
        formatter_class=Formatter,
    )
    commands = parser.add_subparsers(title="commands", dest="command", required=True, metavar="COMMAND")
    _command(
        commands,
        "init",
        "create the home folder and its settings",
        "Creates RELAIS_HOME with inbox/, serving/, relais.toml (copied from the defaults, to edit),\n"
        "Dagster's settings and the pseudonymisation key (secrets/pseudonym.key, back it up).\n"
        "An existing home is left as it is.",
        "  RELAIS_HOME=/srv/relais relais init",
    )
    _command(
        commands,
        "demo",
        "copy the demo organisation's exports into the home's inbox",
        "A fictional town (seeds/demo/): its HR roster, its ambassadors' LinkedIn archives and the\n"
        "Page's exports. The home is created if needed. Then run `relais refresh`.",
        "  relais demo && relais refresh",
    )
    refresh = _command(
        commands,
        "refresh",
        "read the inbox, rebuild and check every table, publish the snapshot, reports and dashboard",
        "The same run as `dagster asset materialize --select '*' -m pipelines.definitions`, with one\n"
        "line per step and, at the end, what `relais summary` prints. One run writes a home at a time:\n"
        "a refresh started while another writes waits for it. The run is recorded in DAGSTER_HOME\n"
        "(seen in the Dagster UI, `make dev`). Exit status 1 when a step fails, naming it; the\n"
        "previous snapshot and reports then stay in place.\n\n"
        "In a deployment serving many organisations (RELAIS_DEPLOYMENT: the folder holding\n"
        "organisations/<slug>/ homes), --organisation SLUG refreshes that organisation's home as its\n"
        "partition of `pipelines.deployment`, recorded in DAGSTER_HOME (default:\n"
        "RELAIS_DEPLOYMENT/dagster), where the UI shows it beside the runs the sensor queued.",
        "  RELAIS_HOME=/srv/relais relais refresh\n"
        "  RELAIS_DEPLOYMENT=/srv/relais-homes relais refresh --organisation ville-a",
    )
    refresh.add_argument(
        "--organisation",
        metavar="SLUG",
        help="refresh this organisation of the deployment named by RELAIS_DEPLOYMENT (default: the "
        "home named by RELAIS_HOME)",
    )
    _command(
        commands,
        "organisations",
        "list the organisations of a deployment and register them as Dagster partitions",
        "Reads RELAIS_DEPLOYMENT (the folder holding organisations/<slug>/ homes and, optionally,\n"
        "relais-deployment.toml) and prints each organisation: its home, when its snapshot was last\n"
        "published and whether it shares its figures with the network of peers. Each is added as a\n"
        "partition of the Dagster instance in DAGSTER_HOME (default: RELAIS_DEPLOYMENT/dagster), and a\n"
        "partition whose home left is removed, as the running sensor would do.",
        "  RELAIS_DEPLOYMENT=/srv/relais-homes relais organisations",
    )
    _command(
        commands,
        "summary",
        "print where the results are and the headline figures of the last months",
        "Reads the published snapshot (serving/relais.duckdb) read-only. The last complete month\n"
        "comes first; a month the data does not cover to its last day is marked partial.",
        "  relais summary",
    )
    _linkedin_token(commands)
    dictionary = _command(
        commands,
        "data-dictionary",
        "print (or write) the snapshot's data dictionary",
        "Every published table and column with its definition, as Markdown.",
        "  relais data-dictionary --out docs/data-dictionary.md",
    )
    dictionary.add_argument(
        "--out", type=Path, metavar="FILE", help="write it to FILE instead of printing it (default: print)"
    )
    erase = _command(
        commands,
        "erase",
        "remove every trace of one person (right to erasure), rebuild, and verify",
        "Removes the person from the inbox's files, the warehouse, the snapshot, the reports and\n"
        "Dagster's history, refreshes the home, then searches every file for them. Asks for\n"
        "confirmation unless --yes is given (without a terminal, --yes is required). Exit status 0\n"
        "when no trace is left, 1 otherwise. Run it again to finish an interrupted erasure.",
        "  relais erase --agent-id VDA00123\n  relais erase --agent-id VDA00123 --yes    (in a script)",
    )
    erase.add_argument(
        "--agent-id",
        required=True,
        type=agent_id,
        metavar="ID",
        help="the person's HR id (the roster's matricule)",
    )
    erase.add_argument("--yes", action="store_true", help="do not ask for confirmation (default: ask)")
    _consent(commands)
    return parser
