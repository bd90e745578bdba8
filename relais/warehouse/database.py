"""Writing to the working DuckDB warehouse: schemas, tables from rows, SQL models, the ledger.

Tables are written with SQL; Python rows travel through a Polars frame that DuckDB reads by
replacement scan. Every model is rebuilt whole (``CREATE OR REPLACE``), so a run is idempotent.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import polars as pl

from relais.ledger import FileOutcome, RowProblem

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
    return _count(con, table)


def replace_ledger(
    con: duckdb.DuckDBPyConnection,
    asset: str,
    files: list[FileOutcome],
    problems: list[RowProblem] | None = None,
    keep: set[str] | None = None,
) -> None:
    """Replace one asset's entries in the file ledger and, when ``problems`` is given, in ``quarantine.rows``.

    An asset that streamed its problems through a ``DuckDBWriter`` passes ``problems=None``; the
    quarantined rows of files in ``keep`` (kept from the last run, ``relais.inbox.reuse``) stay.
    """
    ledger = frame(({"asset": asset, **f.as_row()} for f in files), LEDGER_SCHEMA)  # noqa: F841
    con.execute("DELETE FROM raw.file_ledger WHERE asset = ?", [asset])
    con.execute("INSERT INTO raw.file_ledger BY NAME SELECT * FROM ledger")
    if problems is None:
        return
    quarantined = frame(({"asset": asset, **p.__dict__} for p in problems), PROBLEM_SCHEMA)  # noqa: F841
    kept = pl.DataFrame({"source_file": sorted(keep or ())}, schema={"source_file": pl.String()})  # noqa: F841
    con.execute(
        "DELETE FROM quarantine.rows WHERE asset = ? AND source_file NOT IN (SELECT source_file FROM kept)",
        [asset],
    )
    con.execute("INSERT INTO quarantine.rows BY NAME SELECT * FROM quarantined")


class DuckDBWriter:
    """A ``RowWriter`` that appends rows to warehouse tables in batches (bounded memory).

    Before the first row is written, each table is replaced with an empty one of its schema and
    the asset's rows leave ``quarantine.rows``; with ``keep`` (source files whose rows stay, see
    ``relais.inbox.reuse``), only the rows of other files are deleted instead. ``keep`` is read at that
    moment, so the caller may fill it until then. ``close`` writes what is left and returns the row
    count per table. The first problems are kept in ``logged_problems`` for the run log.
    """

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        asset: str,
        tables: Mapping[str, tuple[str, Mapping[str, pl.DataType]]],
        batch_rows: int = 10_000,
        keep_problems: int = 50,
        keep: set[str] | None = None,
    ) -> None:
        self.con, self.asset, self.tables, self.batch_rows = con, asset, tables, batch_rows
        self.keep_problems = keep_problems
        self.keep = keep
        self.prepared = False
        self.pending: dict[str, list[dict[str, Any]]] = {name: [] for name in tables}
        self.pending_frames: dict[str, list[pl.DataFrame]] = {}
        self.pending_frame_rows: dict[str, int] = {}
        self.problems: list[dict[str, Any]] = []
        self.logged_problems: list[RowProblem] = []
        self.problem_count = 0

    def _prepare(self) -> None:
        """Empty the tables (or drop the rows of files not kept) once, before the first write."""
        if self.prepared:
            return
        self.prepared = True
        if not self.keep:
            for target, schema in self.tables.values():
                replace_table(self.con, target, [], schema)
            self.con.execute("DELETE FROM quarantine.rows WHERE asset = ?", [self.asset])
            return
        kept = pl.DataFrame({"source_file": sorted(self.keep)}, schema={"source_file": pl.String()})  # noqa: F841
        self.con.execute("CREATE OR REPLACE TEMP TABLE kept_files AS SELECT * FROM kept")
        for target, _ in self.tables.values():
            self.con.execute(
                f"DELETE FROM {target} WHERE _source_file NOT IN (SELECT source_file FROM kept_files)"
            )
        self.con.execute(
            "DELETE FROM quarantine.rows WHERE asset = ? "
            "AND source_file NOT IN (SELECT source_file FROM kept_files)",
            [self.asset],
        )
        self.con.execute("DROP TABLE kept_files")

    def row(self, table: str, row: dict[str, Any]) -> None:
        """Queue a row; write the table's batch when it is full."""
        if not self.prepared:
            self._prepare()
        batch = self.pending[table]
        batch.append(row)
        if len(batch) >= self.batch_rows:
            self._flush(table)

    def frame(self, table: str, data: pl.DataFrame) -> None:
        """Queue a typed frame of rows (already in the table's schema); write when enough are queued."""
        if not self.prepared:
            self._prepare()
        self.pending_frames.setdefault(table, []).append(data)
        self.pending_frame_rows[table] = self.pending_frame_rows.get(table, 0) + data.height
        if self.pending_frame_rows[table] >= self.batch_rows * 10:
            self._flush_frames(table)

    def _flush_frames(self, table: str) -> None:
        frames = self.pending_frames.pop(table, [])
        self.pending_frame_rows[table] = 0
        if frames:
            data = pl.concat(frames, how="vertical_relaxed")  # noqa: F841 - read by DuckDB's replacement scan
            self.con.execute(f"INSERT INTO {self.tables[table][0]} BY NAME SELECT * FROM data")

    def problem(self, problem: RowProblem) -> None:
        """Queue a quarantined row."""
        if not self.prepared:
            self._prepare()
        self.problem_count += 1
        if len(self.logged_problems) < self.keep_problems:
            self.logged_problems.append(problem)
        self.problems.append({"asset": self.asset, **problem.__dict__})
        if len(self.problems) >= self.batch_rows:
            self._flush_problems()

    def _flush(self, table: str) -> None:
        target, schema = self.tables[table]
        data = frame(self.pending[table], schema)  # noqa: F841 - read by DuckDB's replacement scan
        self.con.execute(f"INSERT INTO {target} BY NAME SELECT * FROM data")
        self.pending[table] = []

    def _flush_problems(self) -> None:
        data = frame(self.problems, PROBLEM_SCHEMA)  # noqa: F841 - read by DuckDB's replacement scan
        self.con.execute("INSERT INTO quarantine.rows BY NAME SELECT * FROM data")
        self.problems = []

    def close(self) -> dict[str, int]:
        """Write the remaining rows; return the number of rows of each table."""
        self._prepare()
        for table in self.tables:
            self._flush(table)
            self._flush_frames(table)
        self._flush_problems()
        return {table: _count(self.con, target) for table, (target, _) in self.tables.items()}


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


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return int(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])


METRIC_SETTINGS: dict[str, float] = {
    "emv_cpm": 12.0,
    "emv_cpc": 1.5,
    "score_weight_activity": 0.25,
    "score_weight_reach": 0.25,
    "score_weight_engagement": 0.20,
    "score_weight_amplification": 0.20,
    "score_weight_consistency": 0.10,
    "tier_champion_score": 75.0,
    "lapsed_after_months": 3.0,
    "anonymity_threshold": 5.0,
}
"""Numeric settings the SQL models read as ``cfg_<name>()`` macros, with their defaults."""


def metric_settings(settings: Mapping[str, Any]) -> dict[str, float]:
    """The numeric metric settings of a home (``relais.toml``), defaults filled in, checked."""
    values: dict[str, float] = {}
    for name, default in METRIC_SETTINGS.items():
        value = settings.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ValueError(f"relais.toml: {name} must be a non-negative number, not {value!r}")
        values[name] = float(value)
    if sum(v for k, v in values.items() if k.startswith("score_weight_")) <= 0:
        raise ValueError("relais.toml: at least one score_weight_* must be positive")
    return values


def define_macros(
    con: duckdb.DuckDBPyConnection, timezone: str, settings: Mapping[str, Any] | None = None
) -> None:
    """Session macros the SQL models use, bound to the organisation's time zone and settings.

    ``local_date(ts)`` and ``local_month(ts)`` turn a naive UTC timestamp into the calendar day and
    the first day of the calendar month in that zone; ``cfg_<name>()`` returns a metric setting
    (``METRIC_SETTINGS``) and ``cfg_emv_currency()`` the currency of earned media value.
    """
    for name, value in metric_settings(settings or {}).items():
        con.execute(f"CREATE OR REPLACE TEMP MACRO cfg_{name}() AS CAST({value!r} AS DOUBLE)")
    currency = str((settings or {}).get("emv_currency", "EUR")).replace("'", "''")
    con.execute(f"CREATE OR REPLACE TEMP MACRO cfg_emv_currency() AS '{currency}'")
    ZoneInfo(timezone)  # raises for an unknown zone before it reaches SQL
    literal = timezone.replace("'", "''")
    local = f"timezone('{literal}', timezone('UTC', ts))"
    con.execute(f"CREATE OR REPLACE TEMP MACRO local_date(ts) AS CAST({local} AS DATE)")
    con.execute(
        "CREATE OR REPLACE TEMP MACRO local_month(ts) AS CAST(date_trunc('month', local_date(ts)) AS DATE)"
    )


def model_description(sql: str) -> str:
    """The leading ``--`` comment block of a model file, as one paragraph."""
    lines = []
    for line in sql.splitlines():
        if not line.startswith("--"):
            break
        lines.append(line[2:].strip())
    return " ".join(lines).strip()


def run_model(con: duckdb.DuckDBPyConnection, schema: str, name: str, sql: str) -> int:
    """Rebuild ``schema.name`` from the model's SELECT; return its row count."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    con.execute(f"CREATE OR REPLACE TABLE {schema}.{name} AS\n{sql}")
    return _count(con, f"{schema}.{name}")


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
