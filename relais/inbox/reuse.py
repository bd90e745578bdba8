"""Keeping what the last run read: why a monthly refresh costs a fraction of a full one.

A refresh rebuilds every table from the inbox, but most of the inbox has not changed since the
last run. Two things are kept between runs, both in the warehouse:

- the inbox scan (``raw.inbox_scan``): a file whose size, modification and status-change times are
  unchanged is not hashed or opened again;
- each loaded file's rows (``raw.ingested_files``): a file whose path, content hash, modification
  time, archive and owner are all those of the last run keeps its rows, its ledger entry and its
  quarantined rows; every other file is read again, and the rows of files that left the inbox, or
  whose owner changed or withdrew, are deleted. A zip member's content hash is its identity
  (``relais.inbox.scan.member_identity``: size, CRC-32 and first 64 KiB), and its modification time
  is its zip's, so a member is kept only when its zip's modification time is unchanged too.

Both are thrown away when the code that reads files changes (``reader_fingerprint``) or when
``full_refresh = true`` is set in relais.toml, so a refresh never mixes rows read by two versions
of a parser. The owner is decided again at every run (the privacy gate is never cached).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from functools import cache
from itertools import groupby
from operator import itemgetter
from pathlib import Path

import duckdb
import polars as pl

from relais.inbox.scan import Recognised
from relais.ledger import LOADED, FileOutcome
from relais.settings import Settings
from relais.sources.io.files import InboxFile, PreviousReads
from relais.warehouse.tables import table_columns, table_exists

LIBRARY = Path(__file__).resolve().parent.parent
ROW_SHAPING_CODE = ("sources", "inbox", "ledger.py")
"""The library's code that shapes raw rows (readers, recognition, ingestion): what the fingerprint covers."""
SCAN_TABLE = "raw.inbox_scan"
READS_TABLE = "raw.ingested_files"
STATE_TABLE = "raw.reuse_state"

_SCAN_SCHEMA: dict[str, pl.DataType] = {
    "disk_path": pl.String(),
    "stamp_size": pl.Int64(),
    "stamp_mtime_ns": pl.Int64(),
    "stamp_ctime_ns": pl.Int64(),
    "file_sha256": pl.String(),
    "loose": pl.Boolean(),
    "may_duplicate": pl.Boolean(),
    "position": pl.Int64(),
    "path": pl.String(),
    "container": pl.String(),
    "container_type": pl.String(),
    "kind": pl.String(),
    "reason": pl.String(),
    "sha256": pl.String(),
    "size_bytes": pl.Int64(),
    "modified_at": pl.Float64(),
}
_READS_SCHEMA: dict[str, pl.DataType] = {
    "asset": pl.String(),
    "source_file": pl.String(),
    "sha256": pl.String(),
    "modified_at": pl.Float64(),
    "container": pl.String(),
    "agent_id": pl.String(),
}


@cache
def reader_fingerprint() -> str:
    """A digest of the code that shapes raw rows (``ROW_SHAPING_CODE``): any change to a reader changes it.

    Reports, marts, quality suites and the Dagster wrappers are not in it: editing them keeps the
    files already read.
    """
    return code_fingerprint(ROW_SHAPING_CODE)


def code_fingerprint(parts: Iterable[str]) -> str:
    """A digest of the library's Python files under ``parts`` (folders or files of ``relais/``),
    their paths and their bytes: any edit to one of them changes it."""
    digest = hashlib.sha256()
    for part in parts:
        root = LIBRARY / part
        for path in sorted(root.rglob("*.py")) if root.is_dir() else [root]:
            digest.update(path.relative_to(LIBRARY).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def reuse_enabled(settings: Settings) -> bool:
    """False when relais.toml asks for ``full_refresh = true`` (read every file again)."""
    return not settings.full_refresh


def _state_matches(con: duckdb.DuckDBPyConnection, key: str) -> bool:
    if not table_exists(con, STATE_TABLE):
        return False
    rows = con.execute(f"SELECT fingerprint FROM {STATE_TABLE} WHERE key = ?", [key]).fetchall()
    return bool(rows) and rows[0][0] == reader_fingerprint()


def _save_state(con: duckdb.DuckDBPyConnection, key: str) -> None:
    con.execute(f"CREATE TABLE IF NOT EXISTS {STATE_TABLE} (key VARCHAR, fingerprint VARCHAR)")
    con.execute(f"DELETE FROM {STATE_TABLE} WHERE key = ?", [key])
    con.execute(f"INSERT INTO {STATE_TABLE} VALUES (?, ?)", [key, reader_fingerprint()])


def load_scan(con: duckdb.DuckDBPyConnection, enabled: bool = True) -> dict[str, Recognised]:
    """The last inbox scan by file (empty when disabled, missing, or made by other code)."""
    if not enabled or not table_exists(con, SCAN_TABLE) or not _state_matches(con, SCAN_TABLE):
        return {}
    fields = list(InboxFile.__dataclass_fields__)
    stamp = ["disk_path", "stamp_size", "stamp_mtime_ns", "stamp_ctime_ns", "file_sha256", "loose"]
    columns = ", ".join([*stamp, "may_duplicate", *(f'"{name}"' for name in fields)])
    rows = con.execute(f"SELECT {columns} FROM {SCAN_TABLE} ORDER BY disk_path, position").fetchall()
    known: dict[str, Recognised] = {}
    for disk_path, group in groupby(rows, key=itemgetter(0)):
        records = list(group)
        first = records[0]
        known[disk_path] = Recognised(
            (first[1], first[2], first[3]),
            first[4],
            tuple(InboxFile(*record[7:]) for record in records),
            first[5],
            first[6],
        )
    return known


def save_scan(con: duckdb.DuckDBPyConnection, known: Mapping[str, Recognised]) -> None:
    """Keep this scan for the next run (one row per entry, with its file's size and times)."""
    rows = (
        {
            "disk_path": disk_path,
            "stamp_size": rec.stamp[0],
            "stamp_mtime_ns": rec.stamp[1],
            "stamp_ctime_ns": rec.stamp[2],
            "file_sha256": rec.sha256,
            "loose": rec.loose,
            "may_duplicate": rec.may_duplicate,
            "position": position,
            **item.__dict__,
        }
        for disk_path, rec in known.items()
        for position, item in enumerate(rec.items)
    )
    data = pl.DataFrame(list(rows), schema=_SCAN_SCHEMA, orient="row")  # noqa: F841 - DuckDB reads it
    con.execute(f"CREATE OR REPLACE TABLE {SCAN_TABLE} AS SELECT * FROM data")
    _save_state(con, SCAN_TABLE)


def fingerprints(known: Mapping[str, Recognised]) -> dict[str, list]:
    """``path -> [size, mtime_ns, sha256]`` of a scan, the form ``fingerprint_inbox`` takes as known."""
    return {path: [rec.stamp[0], rec.stamp[1], rec.sha256] for path, rec in known.items()}


def previous_reads(
    con: duckdb.DuckDBPyConnection,
    asset: str,
    tables: Iterable[tuple[str, Mapping[str, pl.DataType]]],
    enabled: bool = True,
) -> PreviousReads:
    """What ``asset`` loaded last time, if its rows can be trusted: same reader code, tables intact."""
    empty = PreviousReads(asset)
    trusted = table_exists(con, READS_TABLE) and _state_matches(con, f"{READS_TABLE}:{asset}")
    if not enabled or not trusted:
        return empty
    if not _has_columns(con, READS_TABLE, _READS_SCHEMA):
        return empty
    for table, schema in tables:
        if not _has_columns(con, table, schema):
            return empty
    query = f"SELECT source_file, sha256, modified_at, container, agent_id FROM {READS_TABLE} WHERE asset = ?"
    files = {source: tuple(known) for source, *known in con.execute(query, [asset]).fetchall()}
    ledger = con.execute(
        "SELECT * EXCLUDE (asset) FROM raw.file_ledger WHERE asset = ? AND status = ?", [asset, LOADED]
    )
    names = [d[0] for d in ledger.description]
    outcomes = {
        row[names.index("source_file")]: FileOutcome(**dict(zip(names, row, strict=True)))
        for row in ledger.fetchall()
    }
    return PreviousReads(asset, files, outcomes)


def _has_columns(con: duckdb.DuckDBPyConnection, table: str, schema: Mapping[str, pl.DataType]) -> bool:
    return table_columns(con, table) == set(schema)


def record_reads(
    con: duckdb.DuckDBPyConnection, asset: str, loaded: Iterable[tuple[InboxFile, str | None]]
) -> int:
    """Remember the files ``asset`` loaded this run (content hash, modified time, archive, owner)."""
    rows = [
        {"asset": asset, "source_file": f.path, "sha256": f.sha256, "modified_at": f.modified_at}
        | {"container": f.container, "agent_id": owner}
        for f, owner in loaded
    ]
    data = pl.DataFrame(rows, schema=_READS_SCHEMA, orient="row")  # noqa: F841 - DuckDB reads it
    if not _has_columns(con, READS_TABLE, _READS_SCHEMA):
        con.execute(f"CREATE OR REPLACE TABLE {READS_TABLE} AS SELECT * FROM data LIMIT 0")
    con.execute(f"DELETE FROM {READS_TABLE} WHERE asset = ?", [asset])
    con.execute(f"INSERT INTO {READS_TABLE} BY NAME SELECT * FROM data")
    _save_state(con, f"{READS_TABLE}:{asset}")
    return len(rows)
