"""The warehouse's schemas and tables: creating them, replacing one from rows, asking what exists.

Python rows travel to DuckDB through a Polars frame of the table's exact schema, read by
replacement scan; ``raw.file_ledger`` and ``quarantine.rows`` are the two tables every run keeps.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import duckdb
import polars as pl

SCHEMAS = ("raw", "quarantine", "staging", "marts")

LEDGER_SCHEMA: dict[str, pl.DataType] = {
    "asset": pl.String(),
    "source_file": pl.String(),
    "kind": pl.String(),
    "status": pl.String(),
    "reason": pl.String(),
    "rows_read": pl.Int64(),
    "rows_loaded": pl.Int64(),
    "rows_quarantined": pl.Int64(),
    "rows_withheld": pl.Int64(),
    "container": pl.String(),
    "sha256": pl.String(),
    "size_bytes": pl.Int64(),
}
PROBLEM_SCHEMA: dict[str, pl.DataType] = {
    "asset": pl.String(),
    "source_file": pl.String(),
    "source_row": pl.Int64(),
    "kind": pl.String(),
    "reason": pl.String(),
}


def ensure_warehouse(con: duckdb.DuckDBPyConnection) -> None:
    """Create the schemas and the ledger tables if they are missing."""
    for schema in SCHEMAS:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    con.execute(f"CREATE TABLE IF NOT EXISTS raw.file_ledger ({_columns_ddl(LEDGER_SCHEMA)})")
    con.execute(f"CREATE TABLE IF NOT EXISTS quarantine.rows ({_columns_ddl(PROBLEM_SCHEMA)})")


_DUCKDB_TYPES = {
    pl.String: "VARCHAR",
    pl.Int64: "BIGINT",
    pl.Float64: "DOUBLE",
    pl.Boolean: "BOOLEAN",
    pl.Date: "DATE",
    pl.Datetime: "TIMESTAMP",
}


def _columns_ddl(schema: Mapping[str, pl.DataType]) -> str:
    return ", ".join(f'"{name}" {_DUCKDB_TYPES[type(dtype)]}' for name, dtype in schema.items())


def frame(rows: Iterable[Mapping[str, Any]], schema: Mapping[str, pl.DataType]) -> pl.DataFrame:
    """A Polars frame of exactly ``schema``'s columns from dict rows (missing keys become nulls)."""
    columns = list(schema)
    data = [{name: row.get(name) for name in columns} for row in rows]
    return (
        pl.DataFrame(data, schema=dict(schema), orient="row") if data else pl.DataFrame(schema=dict(schema))
    )


def replace_table(
    con: duckdb.DuckDBPyConnection,
    table: str,
    rows: Iterable[Mapping[str, Any]],
    schema: Mapping[str, pl.DataType],
) -> int:
    """Replace ``table`` with the given rows, typed by ``schema``; return the number of rows."""
    data = frame(rows, schema)  # noqa: F841 - read by DuckDB's replacement scan below
    con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM data")
    return row_count(con, table)


def table_exists(con: duckdb.DuckDBPyConnection, table: str, database: str | None = None) -> bool:
    """Whether ``schema.name`` is a table of ``database`` (default: the one ``con`` works in)."""
    schema, name = table.split(".")
    query = (
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = coalesce(?, current_database()) "
        "AND schema_name = ? AND table_name = ?"
    )
    return bool(con.execute(query, [database, schema, name]).fetchall()[0][0])


def table_columns(con: duckdb.DuckDBPyConnection, table: str, database: str | None = None) -> set[str]:
    """The column names of ``schema.name`` in ``database`` (default: ``con``'s); empty if it is missing."""
    schema, name = table.split(".")
    query = (
        "SELECT column_name FROM duckdb_columns() WHERE database_name = coalesce(?, current_database()) "
        "AND schema_name = ? AND table_name = ?"
    )
    return {row[0] for row in con.execute(query, [database, schema, name]).fetchall()}


def row_count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    """The number of rows of ``table``."""
    return int(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])
