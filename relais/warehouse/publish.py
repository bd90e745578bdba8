"""Publishing the analysts' snapshot: a new DuckDB file swapped in atomically, Parquet beside it.

The published tables are copied from the warehouse into a temporary file beside the snapshot,
with ``marts.meta`` and the documentation as comments, which is then renamed over it. An analyst
whose read-only connection is open keeps reading the old file whole (the rename does not touch an
open file), the next connection sees the new one, and no lock of the reader ever blocks the run.
Each table is also written as ``serving/parquet/<table>.parquet`` for BI tools, and the data
dictionary as ``serving/data-dictionary.md``.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from relais.warehouse.metric_docs import TableDoc
from relais.warehouse.serving_meta import data_dictionary, write_meta
from relais.warehouse.tables import table_columns, table_exists

PUBLISHED_SCHEMA = "marts"


def published_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The tables of the warehouse's ``marts`` schema, in name order."""
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = ? ORDER BY table_name",
        [PUBLISHED_SCHEMA],
    ).fetchall()
    return [r[0] for r in rows]


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def comment_tables(con: duckdb.DuckDBPyConnection, database: str, docs: dict[str, TableDoc]) -> None:
    """Attach the documentation of ``docs/metrics.md`` to the published tables and columns."""
    for name, doc in docs.items():
        schema, table = name.split(".")
        target = f"{database}.{schema}.{table}"
        if not table_exists(con, name, database):
            continue
        if doc.description:
            con.execute(f"COMMENT ON TABLE {target} IS {_quote(doc.description)}")
        present = table_columns(con, name, database)
        for column, column_doc in doc.columns.items():
            if column in present:
                con.execute(f'COMMENT ON COLUMN {target}."{column}" IS {_quote(column_doc.comment())}')


@dataclass(frozen=True)
class Publication:
    """What one publication wrote."""

    snapshot: Path
    parquet_dir: Path
    dictionary: Path
    tables: list[str]


def _export_parquet(con: duckdb.DuckDBPyConnection, database: str, tables: list[str], folder: Path) -> None:
    folder.mkdir(parents=True)
    for table in tables:
        literal = str(folder / f"{table}.parquet").replace("'", "''")
        con.execute(
            f"COPY {database}.{PUBLISHED_SCHEMA}.{table} TO '{literal}' (FORMAT parquet, COMPRESSION zstd)"
        )


def _swap_folder(new: Path, target: Path) -> None:
    """Put ``new`` in place of ``target``: the old folder is renamed away first, then removed."""
    old = target.with_name(f".{target.name}.old.{os.getpid()}")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.replace(target, old)
    os.replace(new, target)
    shutil.rmtree(old, ignore_errors=True)


def publish_snapshot(
    con: duckdb.DuckDBPyConnection,
    target: Path,
    tables: list[str],
    docs: dict[str, TableDoc] | None = None,
    *,
    run_id: str = "",
    organisation: str = "",
    timezone: str = "",
) -> Publication:
    """Copy each ``marts.<table>`` into a fresh file with ``marts.meta``, documented, and swap it in.

    The Parquet copies are written from the same fresh file into ``parquet/`` beside ``target`` and
    the data dictionary into ``data-dictionary.md``, so all three always describe one publication.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    parquet_dir = target.parent / "parquet"
    parquet_new = target.parent / f".parquet.{os.getpid()}.tmp"
    dictionary = target.parent / "data-dictionary.md"
    for leftover in (temporary, temporary.with_name(temporary.name + ".wal")):
        leftover.unlink(missing_ok=True)
    shutil.rmtree(parquet_new, ignore_errors=True)
    literal = str(temporary).replace("'", "''")
    try:
        con.execute(f"ATTACH '{literal}' AS snapshot")
        try:
            con.execute(f"CREATE SCHEMA snapshot.{PUBLISHED_SCHEMA}")
            for table in tables:
                source = f"{PUBLISHED_SCHEMA}.{table}"
                con.execute(f"CREATE TABLE snapshot.{source} AS SELECT * FROM {source}")
            write_meta(con, "snapshot", run_id=run_id, organisation=organisation, timezone=timezone)
            comment_tables(con, "snapshot", docs or {})
            con.execute("CHECKPOINT snapshot")
            published = [*tables, "meta"] if "meta" not in tables else tables
            _export_parquet(con, "snapshot", sorted(published), parquet_new)
            dictionary_text = data_dictionary(con, "snapshot")
        finally:
            con.execute("DETACH snapshot")
        with temporary.open("rb") as handle:
            os.fsync(handle.fileno())
    except BaseException:
        # A failed or interrupted publication (a full disk, SIGTERM) leaves the old one whole and
        # nothing of its own behind; a killed one is cleaned by the next writer (relais.warehouse.recovery).
        for leftover in (temporary, temporary.with_name(temporary.name + ".wal")):
            leftover.unlink(missing_ok=True)
        shutil.rmtree(parquet_new, ignore_errors=True)
        raise
    os.replace(temporary, target)
    _swap_folder(parquet_new, parquet_dir)
    written = dictionary.with_name(f".{dictionary.name}.{os.getpid()}.tmp")
    written.write_text(dictionary_text, encoding="utf-8")
    os.replace(written, dictionary)
    return Publication(target, parquet_dir, dictionary, sorted(published))
