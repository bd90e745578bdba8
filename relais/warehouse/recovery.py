"""What a writer does before it writes: remove what dead runs left half-done, and check the warehouse.

A run killed while publishing leaves a temporary snapshot (``serving/.relais.duckdb.<pid>.tmp``), a
half-written Parquet folder (``serving/.parquet.<pid>.tmp``) or a report folder being swapped; one
killed while compacting leaves ``.warehouse.duckdb.compact.tmp``. Each is a copy of data that may
have to be erased, so the next writer (which holds the writer lock, hence is alone) removes every
one of them whatever process made it, and puts back a report folder a crash left renamed away. The
warehouse is then opened once: a file DuckDB cannot open is removed and the run rebuilds it from
the inbox. Recoveries are kept in ``state/recoveries.jsonl`` for ``relais summary``.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from relais.home import RelaisHome
from relais.warehouse.writer_lock import Holder

RECOVERIES_NAME = "recoveries.jsonl"
SERVING_LEFTOVERS = (
    re.compile(r"^\.relais\.duckdb\..+\.tmp(\.wal)?$"),
    re.compile(r"^\.parquet\..+\.tmp$"),
    re.compile(r"^\.data-dictionary\.md\..+\.tmp$"),
)
PARQUET_RETIRED = re.compile(r"^\.parquet\.old\..+$")
REPORT_STAGING = re.compile(r"^\.(\d{4}-\d{2})\.tmp-[0-9a-f]+$")
REPORT_RETIRED = re.compile(r"^\.(\d{4}-\d{2})\.old-[0-9a-f]+$")
NOT_DAMAGE = ("lock", "No space left", "Permission denied", "Read-only file system", "Out of Memory")
"""Errors that say the file could not be opened now, not that it is damaged: never a reason to rebuild."""
WAREHOUSE_LEFTOVERS = re.compile(r"^\.warehouse\.duckdb\.compact\.tmp(\.wal)?$")


@dataclass
class Recovery:
    """What one writer found and mended before writing; kept in ``state/recoveries.jsonl``."""

    recovered_at: str
    by_run: str
    dead_run: str = ""
    dead_step: str = ""
    dead_started_at: str = ""
    removed: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    warehouse_rebuilt: str = ""

    @property
    def anything(self) -> bool:
        """True when a dead run was found or something had to be mended."""
        return bool(self.dead_run or self.removed or self.restored or self.warehouse_rebuilt)

    def summary(self) -> str:
        """One line for the run's log and ``relais summary``."""
        parts = []
        if self.dead_run:
            where = f" at step {self.dead_step}" if self.dead_step else ""
            parts.append(f"run {self.dead_run} (started {self.dead_started_at}) died{where}")
        if self.removed:
            parts.append(f"{len(self.removed)} temporary file(s) it left removed")
        if self.restored:
            parts.append(f"folder(s) {', '.join(self.restored)} put back")
        if self.warehouse_rebuilt:
            parts.append(f"the warehouse could not be opened ({self.warehouse_rebuilt}), rebuilt")
        return "; ".join(parts) + "; recovered by run " + self.by_run


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _children(folder: Path) -> list[Path]:
    return sorted(folder.iterdir()) if folder.is_dir() else []


def remove_leftovers(root: Path, recovery: Recovery) -> None:
    """Remove the temporary files of any earlier run of the home; put back folders a swap left aside.

    Only names Relais itself writes are touched: the temporary snapshot and Parquet folders in
    ``serving/`` (a Parquet folder renamed away is put back when none replaced it), the report
    staging and retired folders in ``reports/`` (the same), the compaction copy.
    """
    serving = root / "serving"
    for path in _children(serving):
        if PARQUET_RETIRED.match(path.name) and not (serving / "parquet").exists():
            path.rename(serving / "parquet")
            recovery.restored.append("serving/parquet")
        elif PARQUET_RETIRED.match(path.name) or any(p.match(path.name) for p in SERVING_LEFTOVERS):
            _remove(path)
            recovery.removed.append(str(path.relative_to(root)))
    for path in _children(root):
        if WAREHOUSE_LEFTOVERS.match(path.name):
            _remove(path)
            recovery.removed.append(path.name)
    reports = root / "reports"
    for path in _children(reports):
        retired = REPORT_RETIRED.match(path.name)
        if retired and not (reports / retired.group(1)).exists():
            path.rename(reports / retired.group(1))
            recovery.restored.append(retired.group(1))
        elif retired or REPORT_STAGING.match(path.name):
            _remove(path)
            recovery.removed.append(str(path.relative_to(root)))


def check_warehouse(path: Path, recovery: Recovery, config: dict[str, str] | None = None) -> None:
    """Open the warehouse once; one DuckDB cannot open is removed, and this run rebuilds it from the inbox.

    Opening replays DuckDB's write-ahead log, so a run killed mid-write leaves its last committed
    state. A file that is itself damaged is deleted rather than kept aside: the warehouse holds
    nothing that the inbox does not (the API's answers are saved there too), and a copy kept aside
    would escape erasure and retention.
    """
    if not path.exists():
        return
    try:
        with duckdb.connect(str(path), config=dict(config or {})) as con:
            con.execute("SELECT count(*) FROM duckdb_tables()").fetchall()
            con.execute("CHECKPOINT")
    except duckdb.Error as error:
        if any(hint in str(error) for hint in NOT_DAMAGE):
            raise
        path.unlink()
        path.with_name(path.name + ".wal").unlink(missing_ok=True)
        first_line = next(iter(str(error).splitlines()), type(error).__name__)
        recovery.warehouse_rebuilt = first_line[:200]


def record_recovery(state_dir: Path, recovery: Recovery) -> None:
    """Append the recovery to ``state/recoveries.jsonl``."""
    state_dir.mkdir(parents=True, exist_ok=True)
    with (state_dir / RECOVERIES_NAME).open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(asdict(recovery), ensure_ascii=False) + "\n")


def last_recovery(state_dir: Path) -> Recovery | None:
    """The most recent recovery recorded in the home, or None."""
    path = state_dir / RECOVERIES_NAME
    if not path.exists():
        return None
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for line in reversed(lines):
        try:
            return Recovery(**json.loads(line))
        except (ValueError, TypeError):
            continue
    return None


def recover(home: RelaisHome, run_id: str, dead: Holder | None, config: dict[str, Any]) -> Recovery:
    """Remove leftovers of earlier runs and check the warehouse; record it when anything was found."""
    recovery = Recovery(recovered_at=datetime.now(UTC).isoformat(timespec="seconds"), by_run=run_id)
    if dead is not None:
        recovery.dead_run = dead.run_id
        recovery.dead_step = dead.step
        recovery.dead_started_at = dead.started_at
    remove_leftovers(home.root, recovery)
    check_warehouse(home.warehouse, recovery, config)
    if recovery.anything:
        record_recovery(home.root / "state", recovery)
    return recovery
