"""What the analysts' snapshot says about itself: ``marts.meta`` and the data dictionary.

``marts.meta`` is one row: the schema version and a fingerprint of the published columns (it
changes whenever a table, column or type does), the publication time, the Dagster run id, the
organisation, its time zone, the months covered, and the source files behind the snapshot. Source
files are listed by content hash, kind, status and rows, never by path: file names often carry the
names of the people whose exports they are. The data dictionary is Markdown generated from the
database's own table and column comments.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from importlib import metadata

import duckdb

from relais.warehouse.tables import table_exists

SCHEMA_VERSION = "3.0"
"""Bumped by hand when a published table changes in a way that breaks an analyst's query."""

META_DESCRIPTION = "About this snapshot: schema version, publication, run and source files."


def relais_version() -> str:
    """The installed Relais distribution's version (``unknown`` outside an installation)."""
    try:
        return metadata.version("relais")
    except metadata.PackageNotFoundError:
        return "unknown"


def schema_fingerprint(con: duckdb.DuckDBPyConnection, database: str, schema: str = "marts") -> str:
    """A short hash of every published table, column and type, in order."""
    rows = con.execute(
        "SELECT table_name, column_name, data_type FROM duckdb_columns() "
        "WHERE database_name = ? AND schema_name = ? AND table_name <> 'meta' "
        "ORDER BY table_name, column_index",
        [database, schema],
    ).fetchall()
    text = "\n".join("\t".join(map(str, row)) for row in rows)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def write_meta(
    con: duckdb.DuckDBPyConnection,
    database: str,
    *,
    run_id: str,
    organisation: str,
    timezone: str,
    published_at: datetime | None = None,
) -> None:
    """Create ``<database>.marts.meta`` from the warehouse's file ledger and the published marts."""
    published_at = published_at or datetime.now(UTC)
    fingerprint = schema_fingerprint(con, database)
    has_ledger = table_exists(con, "raw.file_ledger")
    sources = (
        "SELECT list(struct_pack(sha256, kind, status, asset, rows_loaded, rows_quarantined, size_bytes) "
        "ORDER BY asset, sha256) AS files, count(*) AS n FROM raw.file_ledger WHERE sha256 IS NOT NULL"
        if has_ledger
        else "SELECT NULL AS files, 0 AS n"
    )
    months = (
        f"SELECT min(month) AS data_from, max(month) AS data_to FROM {database}.marts.programme_month"
        if table_exists(con, "marts.programme_month", database)
        else "SELECT CAST(NULL AS DATE) AS data_from, CAST(NULL AS DATE) AS data_to"
    )
    con.execute(
        f"""CREATE OR REPLACE TABLE {database}.marts.meta AS
        SELECT CAST(? AS VARCHAR) AS schema_version, CAST(? AS VARCHAR) AS schema_fingerprint,
               CAST(? AS TIMESTAMPTZ) AS published_at, CAST(? AS VARCHAR) AS run_id,
               CAST(? AS VARCHAR) AS relais_version, CAST(? AS VARCHAR) AS organisation,
               CAST(? AS VARCHAR) AS timezone, m.data_from, m.data_to,
               CAST(s.n AS BIGINT) AS source_file_count, s.files AS source_files
        FROM ({months}) AS m, ({sources}) AS s""",
        [SCHEMA_VERSION, fingerprint, published_at, run_id, relais_version(), organisation, timezone],
    )


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ").strip()


def data_dictionary(con: duckdb.DuckDBPyConnection, database: str, schema: str = "marts") -> str:
    """The Markdown data dictionary of a published database, from its comments, tables in name order."""
    tables = con.execute(
        "SELECT table_name, comment FROM duckdb_tables() WHERE database_name = ? AND schema_name = ? "
        "ORDER BY table_name",
        [database, schema],
    ).fetchall()
    lines = [
        "# Data dictionary of the analysts' database",
        "",
        "Generated from `serving/relais.duckdb` by `relais data-dictionary`: every table and column of",
        f"schema `{schema}`, its type and its comment (taken from `docs/metrics.md`). Do not edit by hand.",
        "",
        "| table | columns |",
        "|---|---|",
    ]
    columns_of: dict[str, list[tuple[str, str, str | None]]] = {}
    for table, column, data_type, comment in con.execute(
        "SELECT table_name, column_name, data_type, comment FROM duckdb_columns() "
        "WHERE database_name = ? AND schema_name = ? ORDER BY table_name, column_index",
        [database, schema],
    ).fetchall():
        columns_of.setdefault(table, []).append((column, data_type, comment))
    for table, _ in tables:
        lines.append(f"| [{schema}.{table}](#{schema}{table}) | {len(columns_of.get(table, []))} |")
    for table, comment in tables:
        lines += ["", f"## {schema}.{table}", "", _cell(comment) or "(no description)", ""]
        lines += ["| column | type | description |", "|---|---|---|"]
        for column, data_type, column_comment in columns_of.get(table, []):
            lines.append(f"| {column} | {data_type} | {_cell(column_comment)} |")
    return "\n".join(lines) + "\n"
