"""What an ingestion asset writes: its rows in batches (``DuckDBWriter``) and its slice of the ledger.

Rows stream to their tables in bounded batches, so files of any size fit in memory; problems go to
``quarantine.rows``; the rows of files kept from the last run (``relais.inbox.reuse``) stay.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import duckdb
import polars as pl

from relais.ledger import FileOutcome, RowProblem
from relais.warehouse.tables import LEDGER_SCHEMA, PROBLEM_SCHEMA, frame, replace_table, row_count


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
    """A row sink (``relais.sources.source.RowSink``) writing to warehouse tables in batches (bounded memory).

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
        for target, schema in self.tables.values():
            if "_source_file" not in schema:  # a table about files (their owners) is written whole
                replace_table(self.con, target, [], schema)
                continue
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

    def rows(self, table: str, rows: Iterable[dict[str, Any]]) -> None:
        """Queue rows of one table."""
        for row in rows:
            self.row(table, row)

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
        return {table: row_count(self.con, target) for table, (target, _) in self.tables.items()}
