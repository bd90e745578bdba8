"""Compacting the warehouse file, so that rows a run removed cannot be read from the disk.

The rewrite costs a copy of the whole warehouse (40 s at scale L), so a refresh does it only when
something left the warehouse since the last rewrite: ``removed_since_rewrite`` compares what the
warehouse holds now (every file of the ledger with its content digest and status, every consenting
ambassador) with what it held then, kept as digests in ``raw.compacted_content`` by
``record_content`` once the rewrite is done. A file removed, replaced, re-classified (an
ambassador's archive excluded after a withdrawal), an ambassador gone (withdrawal, erasure):
rewrite. Only additions: no rewrite, as no row was deleted (replaced derived tables only free
blocks of figures that are recomputed, not rows of anyone or anything removed).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import duckdb


def compact_database(path: Path, config: Mapping[str, Any] | None = None) -> int:
    """Rewrite a DuckDB file into a fresh one and swap it in; return the bytes saved.

    DuckDB leaves the blocks of replaced or dropped tables in the file until they are reused, so
    rows removed by a run (a withdrawn consent, a replaced raw table) could still be read from the
    disk. Copying the live tables into a new file and renaming it over the old one leaves no trace.
    Every connection to ``path`` must be closed. ``config`` is the warehouse's connection settings
    (its ``memory_limit`` and spill folder), so the copy stays within the same memory.
    """
    fresh = path.with_name(f".{path.name}.compact.tmp")
    fresh.unlink(missing_ok=True)
    before = path.stat().st_size
    source = str(path).replace("'", "''")
    with duckdb.connect(str(fresh), config=dict(config or {})) as con:
        con.execute(f"ATTACH '{source}' AS old (READ_ONLY)")
        con.execute(f"COPY FROM DATABASE old TO {_database_name(con)}")
        con.execute("DETACH old")
        con.execute("CHECKPOINT")
    os.replace(fresh, path)
    path.with_name(path.name + ".wal").unlink(missing_ok=True)
    return before - path.stat().st_size


CONTENT_TABLE = "raw.compacted_content"
CONTENT_SQL = """
SELECT sha256(concat_ws(chr(31), 'file', asset, source_file, coalesce(sha256, ''), status)) AS digest
FROM raw.file_ledger
UNION ALL
SELECT sha256(concat_ws(chr(31), 'agent', agent_key)) AS digest FROM staging.agents
"""
"""Digests of what the warehouse holds: ledger entries and consenting ambassadors (never in clear)."""


def _has_table(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    schema, name = table.split(".")
    found = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = ? AND table_name = ?", [schema, name]
    ).fetchall()
    return bool(found[0][0])


def removed_since_rewrite(con: duckdb.DuckDBPyConnection) -> int | None:
    """How many entries the warehouse held at its last rewrite and holds no more (a file removed,
    replaced or re-classified, an ambassador gone); ``None`` when no rewrite was recorded (or the
    tables compared are missing): rewrite then."""
    if not all(_has_table(con, t) for t in (CONTENT_TABLE, "raw.file_ledger", "staging.agents")):
        return None
    query = f"SELECT count(*) FROM {CONTENT_TABLE} WHERE digest NOT IN (SELECT digest FROM ({CONTENT_SQL}))"
    return int(con.execute(query).fetchall()[0][0])


def record_content(con: duckdb.DuckDBPyConnection) -> None:
    """Remember what the warehouse holds now, after a rewrite, for the next refresh to compare."""
    con.execute(f"CREATE OR REPLACE TABLE {CONTENT_TABLE} AS SELECT DISTINCT digest FROM ({CONTENT_SQL})")
    con.execute("CHECKPOINT")


def _database_name(con: duckdb.DuckDBPyConnection) -> str:
    return str(con.execute("SELECT current_database()").fetchall()[0][0])
