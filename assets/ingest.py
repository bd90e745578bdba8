"""Dagster assets that read the inbox into ``raw.*`` tables: one scan, then one asset per source.

``raw/inbox_files`` recognises every file; then each source of ``relais.sources.registry`` gets
one multi-asset (``source_asset``) that reads its files with the source's reader into its raw
tables, replaces its slice of the file ledger and of ``quarantine.rows``, and logs every
quarantined file and row. The wrappers hold no knowledge of any source.
"""

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    AssetSpec,
    MaterializeResult,
    ResourceParam,
    asset,
    multi_asset,
)
from dagster_duckdb import DuckDBResource

from relais.home import RelaisHome
from relais.inbox.refreshed import note_scanned
from relais.inbox.reuse import fingerprints, load_scan, previous_reads, record_reads, reuse_enabled, save_scan
from relais.inbox.scan import content_digest, inbox_entries, scan_inbox
from relais.ledger import IGNORED, QUARANTINED, FileOutcome, Ledger
from relais.privacy.retention import apply_retention
from relais.privacy.withdrawals import withdrawn_tokens
from relais.sources import registry
from relais.sources.io.files import InboxFile, PreviousReads
from relais.sources.readers.analytics import parse_workers
from relais.sources.source import FLOAT, INT, STR, Ambassador, Batch, Source
from relais.warehouse.tables import ensure_warehouse, replace_table
from relais.warehouse.writer import DuckDBWriter, replace_ledger

GROUP = "ingest"
NOT_INGESTED = {"system", "duplicate"}
MAX_LOGGED_PROBLEMS = 50
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
    The files new or changed since the last scan are recognised in ``parse_workers`` processes.
    """
    days = home.settings.inbox_retention_days
    today = datetime.now(ZoneInfo(home.timezone)).date()
    with warehouse.get_connection() as con:
        ensure_warehouse(con)
        known = load_scan(con, reuse_enabled(home.settings))
    registry = home.root / "state" / "inbox_first_seen.json"
    entries = inbox_entries(home.inbox) if home.inbox.exists() else []  # the inbox walked once
    retention = apply_retention(home.inbox, registry, days, today, fingerprints(known), entries)
    if retention.deleted:
        context.log.info(f"Retention: {len(retention.deleted)} inbox file(s) older than {days} days deleted")
        gone = set(retention.deleted)
        entries = [entry for entry in entries if entry.relative not in gone]
    before = dict(known)
    items = scan_inbox(
        home.inbox,
        known,
        workers=parse_workers(home.settings.parse_workers),
        say=context.log.info,
        entries=entries,
        digests=retention.fingerprint,
    )
    # the contents as they were before the scan: a file dropped during it is new at the next run
    note_scanned(home.root / "state", context.run_id, content_digest(retention.fingerprint))
    unchanged = sum(1 for path, rec in known.items() if before.get(path) is rec)
    context.log.info(
        f"Inbox scan: {len(known):,} file(s), {unchanged:,} unchanged since the last run (not read)"
    )
    ledger = Ledger()
    for item in items:
        if item.kind == "unknown":
            ledger.files.append(_file_outcome(item, QUARANTINED, item.reason))
        elif item.kind in NOT_INGESTED:
            ledger.files.append(_file_outcome(item, IGNORED, item.reason))
    with warehouse.get_connection() as con:
        count = replace_table(con, "raw.inbox_files", (i.__dict__ for i in items), INBOX_SCHEMA)
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


def _ambassadors(con: duckdb.DuckDBPyConnection) -> list[Ambassador]:
    rows = con.execute(
        "SELECT agent_id, email, first_name, last_name FROM raw.roster "
        "WHERE is_current AND is_ambassador ORDER BY agent_id"
    ).fetchall()
    return [Ambassador(*row) for row in rows]


def _email_keys(con: duckdb.DuckDBPyConnection) -> set[str]:
    query = "SELECT email_key FROM raw.roster WHERE is_current AND email_key IS NOT NULL"
    return {row[0] for row in con.execute(query).fetchall()}


def ingest(context: AssetExecutionContext, source: Source, home: RelaisHome, warehouse: DuckDBResource):
    """Read one source's inbox files into its raw tables; yield one result per table.

    Every row problem goes to ``quarantine.rows`` through the writer; a source that reuses reads
    keeps the rows of files unchanged since the last run and records what it read this time.
    """
    tables = {t.name: (f"raw.{t.name}", t.schema) for t in source.tables}
    with warehouse.get_connection() as con:
        items = load_inventory(con, set(source.inbox_kinds))
        reuse = source.reuses_reads and reuse_enabled(home.settings)
        previous = (
            previous_reads(con, source.asset, [t for t in tables.values() if "_source_file" in t[1]], reuse)
            if source.reuses_reads
            else PreviousReads(source.asset)
        )
        writer = DuckDBWriter(con, source.asset, tables, keep=previous.kept)
        needs_people = source.needs_roster
        batch = Batch(
            inbox=home.inbox,
            items=items,
            sink=writer,
            people=_ambassadors(con) if needs_people else [],
            email_keys=_email_keys(con) if needs_people else set(),
            pseudonymiser=home.pseudonymiser,
            erased_tokens=home.erased_tokens,
            withdrawn_tokens=withdrawn_tokens(home),
            workers=parse_workers(home.settings.parse_workers),
            previous=previous,
            say=context.log.info,
        )
        read = source.read(batch)
        for problem in read.ledger.problems:
            writer.problem(problem)
        counts = writer.close()
        replace_ledger(con, source.asset, read.ledger.files)
        if source.reuses_reads:
            record_reads(con, source.asset, read.ledger.loaded)
    read.ledger.problems = writer.logged_problems
    read.ledger.problem_count = writer.problem_count
    for line in read.warnings:
        context.log.warning(line)
    for line in read.notes:
        context.log.info(line)
    if source.reuses_reads:
        context.log.info(
            f"{source.display_name}: {len(previous.kept)} file(s) unchanged since the last run (rows kept), "
            f"{len(read.ledger.loaded) - len(previous.kept)} read"
        )
    metadata = {**report(context, read.ledger), **read.metadata}
    if source.reuses_reads:
        metadata["files_kept_from_last_run"] = len(previous.kept)
    context.log.info(f"{source.display_name}: {len(items)} file(s), rows {counts}")
    for table, count in counts.items():
        yield MaterializeResult(asset_key=["raw", table], metadata={"dagster/row_count": count, **metadata})


def source_asset(source: Source, deps: list[AssetKey]) -> AssetsDefinition:
    """The multi-asset of one source: one asset per raw table it fills, run by ``ingest``."""

    @multi_asset(
        name=source.name,
        specs=[
            AssetSpec(
                ["raw", t.name], deps=deps, kinds={"duckdb"}, group_name=GROUP, description=t.description
            )
            for t in source.tables
        ],
        description=source.description,
    )
    def _read(context: AssetExecutionContext, home: ResourceParam[RelaisHome], warehouse: DuckDBResource):
        yield from ingest(context, source, home, warehouse)

    return _read


def source_assets(sources: Sequence[Source] | None = None) -> list[AssetsDefinition]:
    """One multi-asset per source, after the inbox scan (and after the roster for those that need it)."""
    sources = registry.current(sources)
    roster = next((s for s in sources if "hr_roster" in s.kinds), None)
    roster_keys = [AssetKey(["raw", t.name]) for t in roster.tables] if roster else []
    return [
        source_asset(s, [inbox_files.key, *(roster_keys if s.needs_roster and s is not roster else [])])
        for s in sources
    ]


def ingest_assets(sources: Sequence[Source] | None = None) -> list[AssetsDefinition]:
    """The inbox scan and every source's asset."""
    return [inbox_files, *source_assets(sources)]
