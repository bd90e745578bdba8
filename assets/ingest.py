"""Dagster assets that read the inbox into ``raw.*`` tables (thin wrappers around ``relais.inbox``).

``raw/inbox_files`` recognises every file; ``raw/roster``, the LinkedIn archive tables and
``raw/page_posts`` read the files of their kind. Each replaces its tables whole and its slice of
the file ledger and of ``quarantine.rows``, and logs every quarantined row with file and row.
"""

from collections import Counter
from dataclasses import asdict
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import polars as pl
from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    MaterializeResult,
    ResourceParam,
    asset,
    multi_asset,
)
from dagster_duckdb import DuckDBResource

from relais.home import RelaisHome
from relais.inbox.ingest_archives import ingest_archives, ingest_rosters
from relais.inbox.reuse import fingerprints, load_scan, previous_reads, record_reads, reuse_enabled, save_scan
from relais.inbox.scan import InboxFile, scan_inbox
from relais.ledger import IGNORED, QUARANTINED, FileOutcome, Ledger
from relais.privacy.retention import apply_retention
from relais.sources.linkedin_archive import Ambassador
from relais.warehouse.database import DuckDBWriter, ensure_warehouse, replace_ledger, replace_table

GROUP = "ingest"
STR, INT, FLOAT, DATE, TS, BOOL = (
    pl.String(),
    pl.Int64(),
    pl.Float64(),
    pl.Date(),
    pl.Datetime("us"),
    pl.Boolean(),
)
SOURCE = {"archive": STR, "agent_id": STR, "_source_file": STR, "_source_row": INT}

INBOX_SCHEMA = {
    "path": STR,
    "container": STR,
    "container_type": STR,
    "kind": STR,
    "reason": STR,
    "sha256": STR,
    "size_bytes": INT,
    "modified_at": FLOAT,
}
ROSTER_SCHEMA = {
    "agent_key": STR,
    "email_key": STR,
    "agent_id": STR,
    "first_name": STR,
    "last_name": STR,
    "email": STR,
    "department": STR,
    "site": STR,
    "job_title": STR,
    "enrolled_on": DATE,
    "is_current": BOOL,
    "is_ambassador": BOOL,
    "_source_file": STR,
    "_source_row": INT,
}
ARCHIVE_SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "li_shares": {
        "shared_at": TS,
        "share_link": STR,
        "share_key": STR,
        "commentary": STR,
        "shared_url": STR,
        "target_key": STR,
        "media_url": STR,
        "visibility": STR,
        **SOURCE,
    },
    "li_instant_reposts": {"reposted_at": TS, "link": STR, "target_key": STR, **SOURCE},
    "li_comments": {"commented_at": TS, "link": STR, "target_key": STR, "message": STR, **SOURCE},
    "li_reactions": {"reacted_at": TS, "reaction_type": STR, "link": STR, "target_key": STR, **SOURCE},
    "li_skills": {"skill_name": STR, **SOURCE},
    "li_endorsements_received": {"endorsed_at": TS, "skill_name": STR, "status": STR, **SOURCE},
    "li_connections": {"connected_on": DATE, **SOURCE},
}
ARCHIVE_DESCRIPTIONS = {
    "li_shares": "Shares.csv rows of ambassadors' archives: own posts and reshares with comment.",
    "li_instant_reposts": "InstantReposts.csv rows of ambassadors' archives: reposts without comment.",
    "li_comments": "Comments.csv rows of ambassadors' archives: comments they wrote (Date may be empty).",
    "li_reactions": "Reactions.csv rows of ambassadors' archives: reactions they gave.",
    "li_skills": "Skills.csv rows of ambassadors' archives: skills declared on their profile.",
    "li_endorsements_received": "Endorsements received, reduced to date, skill and status (no endorser).",
    "li_connections": "Connections reduced to the date each was made (no names, e-mails or companies).",
}
OWNERS_SCHEMA = {"archive": STR, "agent_id": STR, "matched_by": STR, "reason": STR, "files": INT}
NOT_INGESTED = {"system", "duplicate"}
MAX_LOGGED_PROBLEMS = 50
ASSET_ARCHIVES = "raw/linkedin_archives"


def load_inventory(con: duckdb.DuckDBPyConnection, kinds: set[str]) -> list[InboxFile]:
    """The recognised inbox files of the given kinds, from ``raw.inbox_files``."""
    rows = con.sql("SELECT * FROM raw.inbox_files ORDER BY path").pl().to_dicts()
    return [InboxFile(**r) for r in rows if r["kind"] in kinds]


def report(context: AssetExecutionContext, ledger: Ledger) -> dict[str, Any]:
    """Log quarantined files and rows (file, row, reason) and return summary metadata."""
    for outcome in ledger.files:
        if outcome.status == QUARANTINED:
            context.log.warning(f"Quarantined file {outcome.source_file}: {outcome.reason}")
    for problem in ledger.problems[:MAX_LOGGED_PROBLEMS]:
        context.log.warning(f"Quarantined {problem.message()}")
    if len(ledger.problems) > MAX_LOGGED_PROBLEMS:
        context.log.warning(
            f"... and {len(ledger.problems) - MAX_LOGGED_PROBLEMS} more rows: see quarantine.rows"
        )
    statuses = Counter(f.status for f in ledger.files)
    return {
        "files": len(ledger.files),
        "files_by_status": dict(statuses),
        "rows_read": sum(f.rows_read for f in ledger.files),
        "rows_quarantined": max(
            ledger.problem_count, len(ledger.problems), sum(f.rows_quarantined for f in ledger.files)
        ),
    }


@asset(
    key=["raw", "inbox_files"],
    deps=[AssetKey(["raw", "linkedin_api_pull"])],
    kinds={"duckdb"},
    group_name=GROUP,
)
def inbox_files(
    context: AssetExecutionContext, home: ResourceParam[RelaisHome], warehouse: DuckDBResource
) -> MaterializeResult:
    """Every file under the inbox with the kind recognised from its header line or sheet names.

    Zip files and folders holding LinkedIn archive files are archives; their members are listed
    one by one. A file nobody recognises is quarantined with the reason, and the run goes on. Files
    first seen more than ``inbox_retention_days`` ago (relais.toml; 0 keeps them) are deleted first.
    """
    days = int(home.settings.get("inbox_retention_days", 0) or 0)
    today = datetime.now(ZoneInfo(home.timezone)).date()
    with warehouse.get_connection() as con:
        ensure_warehouse(con)
        known = load_scan(con, reuse_enabled(home.settings))
    registry = home.root / "state" / "inbox_first_seen.json"
    retention = apply_retention(home.inbox, registry, days, today, fingerprints(known))
    if retention.deleted:
        context.log.info(f"Retention: {len(retention.deleted)} inbox file(s) older than {days} days deleted")
    before = dict(known)
    items = scan_inbox(home.inbox, known)
    unchanged = sum(1 for path, rec in known.items() if before.get(path) is rec)
    context.log.info(f"Inbox scan: {len(known)} file(s), {unchanged} unchanged since the last run (not read)")
    ledger = Ledger()
    for item in items:
        if item.kind == "unknown":
            ledger.files.append(_file_outcome(item, QUARANTINED, item.reason))
        elif item.kind in NOT_INGESTED:
            ledger.files.append(_file_outcome(item, IGNORED, item.reason))
    with warehouse.get_connection() as con:
        count = replace_table(con, "raw.inbox_files", (asdict(i) for i in items), INBOX_SCHEMA)
        replace_ledger(con, "raw/inbox_files", ledger.files, ledger.problems)
        save_scan(con, known)
    metadata = report(context, ledger)
    kinds = Counter(i.kind for i in items)
    archives = len({i.container for i in items if i.kind.startswith("li_")})
    context.log.info(f"Inbox {home.inbox}: {count} files, {archives} LinkedIn archives, kinds {dict(kinds)}")
    return MaterializeResult(
        metadata={
            "dagster/row_count": count,
            "archives": archives,
            "kinds": dict(kinds),
            "quarantined_files": metadata["files_by_status"].get(QUARANTINED, 0),
            "unchanged_files": unchanged,
        }
    )


def _file_outcome(item: InboxFile, status: str, reason: str) -> FileOutcome:
    return FileOutcome(
        item.path,
        item.kind,
        status,
        reason,
        container=item.container,
        sha256=item.sha256,
        size_bytes=item.size_bytes,
    )


@asset(key=["raw", "roster"], deps=[inbox_files], kinds={"duckdb"}, group_name=GROUP)
def roster(
    context: AssetExecutionContext, home: ResourceParam[RelaisHome], warehouse: DuckDBResource
) -> MaterializeResult:
    """HR roster rows: every person counts towards a department; only ambassadors keep personal data.

    English or French headers, comma or semicolon, UTF-8 or Windows-1252, ISO or DD/MM/YYYY dates.
    With several roster files the most recently modified file wins for each person.
    """
    with warehouse.get_connection() as con:
        items = load_inventory(con, {"hr_roster"})
        rows, ledger = ingest_rosters(home.inbox, items, home.pseudonymiser, home.erased_tokens)
        count = replace_table(con, "raw.roster", rows, ROSTER_SCHEMA)
        replace_ledger(con, "raw/roster", ledger.files, ledger.problems)
    if not items:
        context.log.warning(
            "No HR roster in the inbox: no ambassador can be identified, no archive is loaded."
        )
    metadata = report(context, ledger)
    ambassadors = sum(1 for r in rows if r["is_current"] and r["is_ambassador"])
    context.log.info(f"Roster: {count} rows from {len(items)} file(s), {ambassadors} consenting ambassadors")
    return MaterializeResult(metadata={"dagster/row_count": count, "ambassadors": ambassadors, **metadata})


@multi_asset(
    specs=[
        *(
            AssetSpec(
                ["raw", kind],
                deps=[roster],
                kinds={"duckdb"},
                group_name=GROUP,
                description=ARCHIVE_DESCRIPTIONS[kind],
            )
            for kind in ARCHIVE_SCHEMAS
        ),
        AssetSpec(
            ["raw", "archive_owners"],
            deps=[roster],
            kinds={"duckdb"},
            group_name=GROUP,
            description="One row per LinkedIn archive: whose it is and how that was found, or why nobody's.",
        ),
    ],
)
def linkedin_archives(
    context: AssetExecutionContext, home: ResourceParam[RelaisHome], warehouse: DuckDBResource
):
    """Read the LinkedIn archives of consenting ambassadors into one raw table per archive file kind.

    An archive belongs to the ambassador whose roster e-mail is in its Email Addresses.csv, else to
    the one whose agent id is a token of its name; other archives are reported and left unread.
    """
    with warehouse.get_connection() as con:
        items = load_inventory(con, {k for k in (*ARCHIVE_SCHEMAS, "li_email_addresses", "li_unused")})
        people = con.execute(
            "SELECT agent_id, email FROM raw.roster WHERE is_current AND is_ambassador ORDER BY agent_id"
        ).fetchall()
        email_keys = {
            r[0]
            for r in con.execute(
                "SELECT email_key FROM raw.roster WHERE is_current AND email_key IS NOT NULL"
            ).fetchall()
        }
        ambassadors = [Ambassador(agent_id, email) for agent_id, email in people]
        tables = {kind: (f"raw.{kind}", schema) for kind, schema in ARCHIVE_SCHEMAS.items()}
        previous = previous_reads(con, ASSET_ARCHIVES, tables.values(), reuse_enabled(home.settings))
        writer = DuckDBWriter(con, ASSET_ARCHIVES, tables, keep=previous.kept)
        owners, ledger = ingest_archives(
            home.inbox, items, ambassadors, email_keys, home.pseudonymiser, writer, previous
        )
        counts = writer.close()
        replace_table(con, "raw.archive_owners", owners, OWNERS_SCHEMA)
        replace_ledger(con, ASSET_ARCHIVES, ledger.files)
        record_reads(con, ASSET_ARCHIVES, ledger.loaded)
    context.log.info(
        f"Archive files: {len(previous.kept)} unchanged since the last run (rows kept), "
        f"{len(ledger.loaded) - len(previous.kept)} read"
    )
    ledger.problems = writer.logged_problems
    ledger.problem_count = writer.problem_count
    for owner in owners:
        if owner["agent_id"] is None:
            context.log.warning(f"Archive {owner['archive']} not loaded: {owner['reason']}")
    metadata = report(context, ledger)
    loaded = sum(1 for o in owners if o["agent_id"])
    context.log.info(f"LinkedIn archives: {loaded} of {len(owners)} loaded; rows {counts}")
    for kind, count in counts.items():
        yield MaterializeResult(asset_key=["raw", kind], metadata={"dagster/row_count": count})
    yield MaterializeResult(
        asset_key=["raw", "archive_owners"],
        metadata={
            "dagster/row_count": len(owners),
            "loaded": loaded,
            "not_loaded": len(owners) - loaded,
            "files_kept_from_last_run": len(previous.kept),
            **metadata,
        },
    )


INGEST_ASSETS = [inbox_files, roster, linkedin_archives]
ROW_TABLES = ["raw.roster", *(f"raw.{kind}" for kind in ARCHIVE_SCHEMAS)]
"""Raw tables whose rows carry ``_source_file``: what row conservation counts."""
