"""Compacting the warehouse file, so that rows a run removed cannot be read from the disk."""

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


def _database_name(con: duckdb.DuckDBPyConnection) -> str:
    return str(con.execute("SELECT current_database()").fetchall()[0][0])
