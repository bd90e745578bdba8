"""The resources every Relais asset receives: the home (paths, settings, key) and the warehouse.

The warehouse resource is also where a run starts writing the home: it first makes the home's
folders and files (``prepare_home``; loading the definitions creates none), then, as the home's
single writer, holds for the whole run the writer lock (``relais.warehouse.writer_lock``), which
the kernel releases if the run's process dies. On taking it, a run that finds the previous holder
dead says so, marks that run failed in Dagster's storage (so its failure notification fires),
removes what it left half-written and checks the warehouse.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb
from dagster import (
    DagsterEventType,
    DagsterInstance,
    DagsterRunStatus,
    InitResourceContext,
    OpExecutionContext,
)
from dagster_duckdb import DuckDBResource
from pydantic import PrivateAttr

from pipelines.settings import prepare_home
from relais.home import RelaisHome
from relais.warehouse.recovery import Recovery, recover
from relais.warehouse.writer_lock import DEFAULT_WAIT_SECONDS, Holder, WriterLock, waiting_message

UNFINISHED = (DagsterRunStatus.STARTED, DagsterRunStatus.STARTING, DagsterRunStatus.CANCELING)


def _current_step() -> str:
    """The key of the step running in this thread, or '' outside a step."""
    try:
        return OpExecutionContext.get().get_step_execution_context().step.key
    except Exception:
        return ""


class HomeNotWritable(RuntimeError):
    """The home cannot be written (a read-only or full disk): the run stops before any step."""


class RelaisWarehouse(DuckDBResource):
    """The working DuckDB database of one home, written by one run at a time.

    ``get_connection`` behaves as ``DuckDBResource``'s and records the step it serves, so that a
    run that dies says where it died.
    """

    home_root: str
    lock_wait_seconds: float = DEFAULT_WAIT_SECONDS
    _lock: WriterLock | None = PrivateAttr(default=None)

    @contextmanager
    def yield_for_execution(self, context: InitResourceContext) -> Generator[RelaisWarehouse, None, None]:
        """Prepare the home, hold the writer lock for the whole run; recover from a dead predecessor first."""
        home = RelaisHome(root=Path(self.home_root))
        lock = WriterLock(home.root / "state")
        run_id = context.run_id or "outside-a-run"

        def waiting(holder: Holder | None, waited: float) -> None:
            context.log.info(waiting_message(holder, waited, self.lock_wait_seconds))

        try:
            prepare_home(home.root)
            dead = lock.acquire(run_id, self.lock_wait_seconds, waiting)
        except OSError as error:
            raise HomeNotWritable(
                f"Cannot write the home {home.root}: {error.strerror or error} ({error.filename}). "
                "Relais writes its warehouse, snapshot and reports there: make it writable (or free "
                "space on its disk), then run again; nothing was changed."
            ) from None
        if dead is not None and context.instance is not None:
            dead = _step_from_events(context.instance, dead)
        try:
            recovery = recover(home, run_id, dead, dict(self.connection_config))
            if recovery.anything:
                context.log.warning(f"Recovered: {recovery.summary()}")
                if recovery.dead_run and context.instance is not None:
                    _mark_failed(context, recovery)
            self._lock = lock
            yield self
        finally:
            self._lock = None
            lock.release()

    @contextmanager
    def get_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection to the warehouse (the step using it is noted in the lock's record)."""
        if self._lock is not None:
            step = _current_step()
            if step:
                self._lock.note_step(step)
        with super().get_connection() as con:
            yield con


def _step_from_events(instance: DagsterInstance, dead: Holder) -> Holder:
    """The dead run with the step it was really in, from Dagster's event log when it holds the run.

    The lock's record knows the last step that opened the warehouse; the event log knows the step
    that started last and never ended, which is where the process died.
    """
    if instance.get_run_by_id(dead.run_id) is None:
        return dead
    kinds = {DagsterEventType.STEP_START, DagsterEventType.STEP_SUCCESS, DagsterEventType.STEP_FAILURE}
    open_steps: list[str] = []
    for entry in instance.all_logs(dead.run_id, of_type=kinds):
        step = entry.step_key or ""
        if entry.dagster_event_type == DagsterEventType.STEP_START:
            open_steps.append(step)
        elif step in open_steps:
            open_steps.remove(step)
    return replace(dead, step=", ".join(open_steps)) if open_steps else dead


def _mark_failed(context: InitResourceContext, recovery: Recovery) -> None:
    """Mark the dead run failed in Dagster's storage, when it is there and still says it runs."""
    instance = context.instance
    run = instance.get_run_by_id(recovery.dead_run) if instance is not None else None
    if run is None or run.status not in UNFINISHED:
        return
    where = f" during step {recovery.dead_step}" if recovery.dead_step else ""
    instance.report_run_failed(
        run,
        f"The run's process died{where} (killed, out of memory or a restart); found by run "
        f"{recovery.by_run}, which removed what it left and carried on.",
    )


def build_resources(home: RelaisHome) -> dict[str, Any]:
    """Resources for one home: ``home`` itself and ``warehouse``, its working DuckDB database.

    DuckDB's memory is capped by ``warehouse_memory_limit`` (relais.toml); past it, DuckDB spills
    to ``RELAIS_HOME/tmp`` instead of growing, which keeps large imports bounded.
    """
    config = {"memory_limit": home.settings.warehouse_memory_limit, "temp_directory": str(home.root / "tmp")}
    warehouse = RelaisWarehouse(
        database=str(home.warehouse),
        connection_config=config,
        home_root=str(home.root),
        lock_wait_seconds=home.settings.writer_wait_minutes * 60,
    )
    return {"home": home, "warehouse": warehouse}
