"""Publishing the analysts' snapshot: a new DuckDB file swapped in atomically.

The published tables are copied from the warehouse into a temporary file beside the snapshot,
which is then renamed over it. An analyst whose read-only connection is open keeps reading the
old file whole (the rename does not touch an open file), the next connection sees the new one,
and no lock of the reader ever blocks the run.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from assets.metric_docs import TableDoc

PUBLISHED_SCHEMA = "marts"


def published_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The tables of the warehouse's ``marts`` schema, in name order."""
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = ? ORDER BY table_name",
        [PUBLISHED_SCHEMA],
    ).fetchall()
    return [r[0] for r in rows]


_WHERE_TABLE = "database_name = ? AND schema_name = ? AND table_name = ?"


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def comment_tables(con: duckdb.DuckDBPyConnection, database: str, docs: dict[str, TableDoc]) -> None:
    """Attach the documentation of ``docs/metrics.md`` to the published tables and columns."""
    for name, doc in docs.items():
        schema, table = name.split(".")
        target = f"{database}.{schema}.{table}"
        exists = con.execute(
            f"SELECT count(*) FROM duckdb_tables() WHERE {_WHERE_TABLE}",
            [database, schema, table],
        ).fetchall()[0][0]
        if not exists:
            continue
        if doc.description:
            con.execute(f"COMMENT ON TABLE {target} IS {_quote(doc.description)}")
        present = {
            r[0]
            for r in con.execute(
                f"SELECT column_name FROM duckdb_columns() WHERE {_WHERE_TABLE}",
                [database, schema, table],
            ).fetchall()
        }
        for column, column_doc in doc.columns.items():
            if column in present:
                con.execute(f'COMMENT ON COLUMN {target}."{column}" IS {_quote(column_doc.comment())}')


def publish_snapshot(
    con: duckdb.DuckDBPyConnection, target: Path, tables: list[str], docs: dict[str, TableDoc] | None = None
) -> Path:
    """Copy ``marts.<table>`` for each table into a fresh file, documented, then rename it over ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    for leftover in (temporary, temporary.with_name(temporary.name + ".wal")):
        leftover.unlink(missing_ok=True)
    literal = str(temporary).replace("'", "''")
    con.execute(f"ATTACH '{literal}' AS snapshot")
    try:
        con.execute(f"CREATE SCHEMA snapshot.{PUBLISHED_SCHEMA}")
        for table in tables:
            source = f"{PUBLISHED_SCHEMA}.{table}"
            con.execute(f"CREATE TABLE snapshot.{source} AS SELECT * FROM {source}")
        comment_tables(con, "snapshot", docs or {})
        con.execute("CHECKPOINT snapshot")
    finally:
        con.execute("DETACH snapshot")
    with temporary.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(temporary, target)
    return target
