"""A fork server for fault tests: imports Relais once, then runs whole refreshes in forked children
that kill themselves at a chosen point, as an out-of-memory kill, a restart or a power cut would.

``python -m tests.fault_runner HOME DAGSTER_HOME FAULT...`` where each FAULT is ``kill:<step>`` (SIGKILL
when the step first touches the warehouse), ``kill-publish`` / ``term-publish`` (SIGKILL / SIGTERM
after the first Parquet file of the publication is written), ``full-publish`` (the disk fills up
there), ``full-model:<step>`` (the disk fills up while that SQL model writes the warehouse) or
``run`` (a refresh left alone).
Faults run one after the other on the same home, each child's run recorded in the persistent
Dagster instance; one JSON line per fault says how the child ended, what the snapshot was
before and after (its SHA-256, and whether a read-only connection could read it) and, for a child
that ran to its end, the steps that took the writer lock, in order (``locked_steps``).
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import signal
import sys
from pathlib import Path

import duckdb


def snapshot_state(serving: Path) -> dict[str, object]:
    """The snapshot's SHA-256 and whether an analyst's read-only connection reads its marts."""
    if not serving.exists():
        return {"sha256": None, "readable": False}
    digest = hashlib.sha256(serving.read_bytes()).hexdigest()
    try:
        with duckdb.connect(str(serving), read_only=True) as con:
            con.execute("SELECT count(*) FROM marts.programme_month").fetchall()
        readable = True
    except duckdb.Error:
        readable = False
    return {"sha256": digest, "readable": readable}


def _note_steps(noted: list[str]) -> None:
    """Record in ``noted`` each step that takes the writer lock (the steps a ``kill:`` fault can stop)."""
    from relais.warehouse.writer_lock import WriterLock

    note_step = WriterLock.note_step

    def note_and_record(self: WriterLock, step: str) -> None:
        noted.append(step)
        note_step(self, step)

    WriterLock.note_step = note_and_record  # type: ignore[method-assign]


def _arm(fault: str) -> None:
    """Install the fault in this (child) process."""
    from relais.warehouse import publish
    from relais.warehouse.writer_lock import WriterLock

    if fault.startswith("kill:"):
        target = fault.split(":", 1)[1]
        note_step = WriterLock.note_step

        def note_then_die(self: WriterLock, step: str) -> None:
            note_step(self, step)
            if step == target:
                os.kill(os.getpid(), signal.SIGKILL)

        WriterLock.note_step = note_then_die  # type: ignore[method-assign]
    elif fault == "full-publish":
        export = publish._export_parquet

        def export_until_full(con, database, tables, folder):  # type: ignore[no-untyped-def]
            export(con, database, tables[:1], folder)
            raise OSError(errno.ENOSPC, "No space left on device", str(folder))

        publish._export_parquet = export_until_full
    elif fault.startswith("full-model:"):
        from assets import models as model_assets

        target = fault.split(":", 1)[1]
        build_model = model_assets.build_model

        def build_until_full(con, schema, name, sql, whole=False):  # type: ignore[no-untyped-def]
            if f"{schema}__{name}" == target:
                con.execute(f"CREATE OR REPLACE TABLE {schema}.{name} AS SELECT 1 AS half_written")
                raise duckdb.IOException("Could not write file warehouse.duckdb: No space left on device")
            return build_model(con, schema, name, sql, whole)

        model_assets.build_model = build_until_full
    elif fault in {"kill-publish", "term-publish"}:
        export = publish._export_parquet
        sig = signal.SIGKILL if fault == "kill-publish" else signal.SIGTERM

        def export_then_die(con, database, tables, folder):  # type: ignore[no-untyped-def]
            export(con, database, tables[:1], folder)
            os.kill(os.getpid(), sig)
            export(con, database, tables[1:], folder)

        publish._export_parquet = export_then_die


def _child(root: Path, fault: str, notes: Path) -> None:
    from dagster import DagsterInstance

    from pipelines.definitions import build_definitions
    from pipelines.settings import load_home

    noted: list[str] = []
    _note_steps(noted)
    _arm(fault)
    home = load_home(root)
    job = build_definitions(home).resolve_implicit_global_asset_job_def()
    with DagsterInstance.get() as instance:
        result = job.execute_in_process(instance=instance, raise_on_error=False)
    notes.write_text(json.dumps(list(dict.fromkeys(noted))), encoding="utf-8")
    os._exit(0 if result.success else 1)


def main(argv: list[str]) -> int:
    """Run each fault in a forked child and print one JSON line per fault."""
    root, dagster_home, faults = Path(argv[0]), argv[1], argv[2:]
    os.environ["DAGSTER_HOME"] = dagster_home
    os.environ["RELAIS_HOME"] = str(root)
    import pipelines.definitions  # noqa: F401  (imported once, before forking)

    for fault in faults:
        before = snapshot_state(root / "serving" / "relais.duckdb")
        notes = Path(dagster_home) / "fault-runner-steps.json"
        notes.unlink(missing_ok=True)
        pid = os.fork()
        if pid == 0:
            try:
                _child(root, fault, notes)
            finally:
                os._exit(3)
        _, status = os.waitpid(pid, 0)
        ended = (
            {"signal": os.WTERMSIG(status)} if os.WIFSIGNALED(status) else {"exit": os.WEXITSTATUS(status)}
        )
        after = snapshot_state(root / "serving" / "relais.duckdb")
        locked = json.loads(notes.read_text(encoding="utf-8")) if notes.exists() else None
        record = {"fault": fault, **ended, "before": before, "after": after, "locked_steps": locked}
        print(json.dumps(record), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
