"""Faults tested like bad input: a refresh killed (SIGKILL) at any step, stopped (SIGTERM) while
publishing, a full disk while writing the warehouse or publishing, a read-only home, an analyst
holding the snapshot open throughout. After each, the previous snapshot is whole and readable, the
next plain refresh finishes on its own with the figures of a clean run, the dead run is marked
failed in Dagster's storage, and no temporary file is left.

Runs are forked from one process that imported Relais once (``tests.fault_runner``). The default
suite kills the operators' command and an erasure, and tries a read-only home; the faults while
publishing and a kill at every step of the graph in turn take minutes more: they run in CI (``CI``
set) or with ``RELAIS_FAULTS=all``. Publication faults are also tested directly in test_publish.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from dagster import DagsterInstance, DagsterRunStatus

from tests.corpus import build_good_organisation

BIN = Path(sys.executable).parent
RUN_SPECIFIC = {"meta", "quality_checks"}
EXHAUSTIVE = os.environ.get("CI") or os.environ.get("RELAIS_FAULTS") == "all"
REFRESH = ["dagster", "asset", "materialize", "--select", "*", "-m", "pipelines.definitions"]


def _env(root: Path, dagster_home: Path) -> dict[str, str]:
    return {**os.environ, "RELAIS_HOME": str(root), "DAGSTER_HOME": str(dagster_home)}


def _runner(root: Path, dagster_home: Path, *faults: str) -> list[dict]:
    """Run the faults one after the other on the home; one record per fault."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.fault_runner", str(root), str(dagster_home), *faults],
        env=_env(root, dagster_home),
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    records = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert len(records) == len(faults), done.stderr[-3000:]
    return records


def _home(tmp_path: Path) -> tuple[Path, Path]:
    root, dagster_home = tmp_path / "home", tmp_path / "dagster"
    build_good_organisation(root / "inbox")
    dagster_home.mkdir()
    return root, dagster_home


@pytest.fixture(scope="module")
def operated_home(tmp_path_factory) -> tuple[Path, Path]:
    """A small organisation refreshed once with the operators' plain command; the tests below take
    turns on it, each leaving it refreshed: a killed refresh, a read-only attempt, a killed erasure."""
    root, dagster_home = _home(tmp_path_factory.mktemp("operated"))
    refresh = [BIN / REFRESH[0], *REFRESH[1:]]
    subprocess.run(refresh, env=_env(root, dagster_home), capture_output=True, check=True, timeout=600)
    return root, dagster_home


def _published(root: Path) -> dict[str, list]:
    """Every published table but the run's own records, as sorted rows."""
    with duckdb.connect(str(root / "serving" / "relais.duckdb"), read_only=True) as con:
        names = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()]
        return {
            name: sorted(con.execute(f"SELECT * FROM marts.{name}").fetchall(), key=repr)
            for name in names
            if name not in RUN_SPECIFIC
        }


def _ledger(root: Path) -> list:
    with duckdb.connect(str(root / "warehouse.duckdb"), read_only=True) as con:
        return sorted(
            con.execute(
                "SELECT source_file, kind, status, rows_loaded, rows_quarantined FROM raw.file_ledger"
            ).fetchall(),
            key=repr,
        )


def _strays(root: Path) -> list[str]:
    """Files and folders only a run cut short leaves: temporary copies, swaps half done."""
    names = [p for p in root.rglob(".*") if "dagster" not in p.parts and p.name != ".relais"]
    return sorted(
        str(p.relative_to(root))
        for p in names
        if p.name.endswith((".tmp", ".wal")) or ".old" in p.name or ".tmp" in p.name
    )


def _statuses(dagster_home: Path) -> list[DagsterRunStatus]:
    with DagsterInstance.from_config(str(dagster_home)) as instance:
        return [run.status for run in instance.get_runs()]


def _recoveries(root: Path) -> list[dict]:
    path = root / "state" / "recoveries.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


@pytest.mark.slow  # about a minute of killed and repeated refreshes: CI runs it (make test with CI set)
def test_a_refresh_killed_while_reading_archives_never_wedges_the_next(operated_home):
    """The operators' case: the plain command killed with SIGKILL, then the plain command again."""
    root, dagster_home = operated_home
    env = _env(root, dagster_home)
    before = _published(root)
    snapshot_bytes = (root / "serving" / "relais.duckdb").read_bytes()
    refresh = subprocess.Popen(
        [BIN / REFRESH[0], *REFRESH[1:]], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    record = root / "state" / "writer.json"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and refresh.poll() is None:
        holder = json.loads(record.read_text()) if record.exists() else {}
        if holder.get("pid") == refresh.pid and holder.get("step") not in (
            None,
            "",
            "raw__inbox_files",
            "raw__roster",
        ):
            break
        time.sleep(0.02)
    assert refresh.poll() is None, "the refresh ended before it could be killed"
    refresh.send_signal(signal.SIGKILL)
    refresh.wait()
    killed = json.loads(record.read_text())
    assert (root / "serving" / "relais.duckdb").read_bytes() == snapshot_bytes

    again = subprocess.run(
        [BIN / REFRESH[0], *REFRESH[1:]], env=env, capture_output=True, text=True, timeout=600
    )
    assert again.returncode == 0, again.stderr[-3000:]
    recovered = _recoveries(root)[-1]
    assert recovered["dead_run"] == killed["run_id"] and recovered["dead_step"], recovered
    dead_step = recovered["dead_step"]  # the step Dagster's event log saw start and never end
    assert (
        f"Recovered: run {killed['run_id']}" in again.stderr and f"died at step {dead_step}" in again.stderr
    )
    with DagsterInstance.from_config(str(dagster_home)) as instance:
        assert instance.get_run_by_id(killed["run_id"]).status == DagsterRunStatus.FAILURE
    assert DagsterRunStatus.STARTED not in _statuses(dagster_home), "no run is left 'started'"
    assert _published(root) == before
    assert _strays(root) == []
    summary = subprocess.run([BIN / "relais", "summary"], env=env, capture_output=True, text=True, check=True)
    assert f"died at step {dead_step}" in summary.stdout


@pytest.mark.skipif(not EXHAUSTIVE, reason="two minutes: runs in CI, or with RELAIS_FAULTS=all")
def test_faults_while_publishing_and_writing_leave_the_snapshot_whole(tmp_path):
    root, dagster_home = _home(tmp_path)
    (first,) = _runner(root, dagster_home, "run")
    assert first["exit"] == 0
    clean = _published(root)
    ledger = _ledger(root)
    reader = duckdb.connect(str(root / "serving" / "relais.duckdb"), read_only=True)
    seen = reader.execute("SELECT * FROM marts.programme_month ORDER BY month").fetchall()

    faults = [
        "kill-publish",
        "term-publish",
        "full-publish",
        "full-model:marts__agent_month",
        "kill:warehouse__compaction",
        "run",
    ]
    records = _runner(root, dagster_home, *faults)
    by_fault = {r["fault"]: r for r in records}
    assert by_fault["kill-publish"]["signal"] == signal.SIGKILL
    assert by_fault["kill:warehouse__compaction"]["signal"] == signal.SIGKILL
    for fault in ("term-publish", "full-publish", "full-model:marts__agent_month"):
        assert by_fault[fault]["exit"] == 1, f"{fault}: the run fails, and says so"
    for record in records:
        assert record["after"]["readable"], f"{record['fault']}: the snapshot stays readable"
    for fault in ("kill-publish", "term-publish", "full-publish", "full-model:marts__agent_month"):
        record = by_fault[fault]
        assert record["after"]["sha256"] == record["before"]["sha256"], f"{fault}: the snapshot is unchanged"
    assert by_fault["run"]["exit"] == 0

    assert reader.execute("SELECT * FROM marts.programme_month ORDER BY month").fetchall() == seen
    reader.close()
    assert _published(root) == clean, "the refresh after the faults gives the figures of a clean run"
    assert _ledger(root) == ledger, "nothing lost from the ledger"
    assert _strays(root) == []
    statuses = _statuses(dagster_home)
    assert DagsterRunStatus.STARTED not in statuses and statuses.count(DagsterRunStatus.SUCCESS) == 2
    dead = [r["dead_step"] for r in _recoveries(root) if r["dead_run"]]
    assert dead == ["serving__relais_snapshot", "warehouse__compaction"]


@pytest.mark.skipif(not EXHAUSTIVE, reason="a few minutes: runs in CI, or with RELAIS_FAULTS=all")
def test_a_refresh_killed_at_every_step_in_turn_recovers_each_time(tmp_path):
    from dagster._core.execution.api import create_execution_plan

    from pipelines.definitions import build_definitions
    from pipelines.settings import load_home

    root, dagster_home = _home(tmp_path)
    first = _runner(root, dagster_home, "run")[0]
    assert first["exit"] == 0
    clean = _published(root)
    job = build_definitions(load_home(root)).resolve_implicit_global_asset_job_def()
    plan = create_execution_plan(job)
    every = [s.key for s in plan.get_steps_to_execute_in_topo_order()]
    # The kill is armed on the writer lock, so each step that takes it is killed there in turn; the
    # few that never do (the API pull without an API, the table checks reporting the gate's file, the
    # dashboard read from the published snapshot) hold nothing a kill could leave behind.
    steps = [step for step in every if step in first["locked_steps"]]
    assert len(steps) >= len(every) - 5, sorted(set(every) - set(steps))
    records = _runner(root, dagster_home, *[f"kill:{step}" for step in steps], "run")
    for record in records[:-1]:
        assert record.get("signal") == signal.SIGKILL, record["fault"]
        assert record["after"]["readable"], record["fault"]
    assert records[-1]["exit"] == 0
    dead = [r["dead_step"] for r in _recoveries(root) if r["dead_run"]]
    assert dead == steps, "each run found the one before dead, at the step it was killed at"
    assert _published(root) == clean
    assert _strays(root) == []
    statuses = _statuses(dagster_home)
    assert statuses.count(DagsterRunStatus.FAILURE) == len(steps) and DagsterRunStatus.STARTED not in statuses


@pytest.mark.skipif(not shutil.which("unshare"), reason="needs unshare (util-linux) for a read-only mount")
def test_a_read_only_home_stops_before_any_step_with_one_clear_reason(operated_home):
    root, dagster_home = operated_home
    snapshot = (root / "serving" / "relais.duckdb").read_bytes()
    recoveries = _recoveries(root)
    script = (
        f"mount --bind {root} {root} && mount -o remount,ro,bind {root} && "
        f"{sys.executable} -m tests.fault_runner {root} {dagster_home} run"
    )
    done = subprocess.run(
        ["unshare", "-rm", "sh", "-c", script],
        env=_env(root, dagster_home),
        capture_output=True,
        text=True,
        timeout=600,
    )
    if "mount" in done.stderr and not done.stdout:
        pytest.skip(f"no read-only mount here: {done.stderr.strip()[:200]}")
    (record,) = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert record["exit"] == 1
    assert f"Cannot write the home {root}: Read-only file system" in done.stderr
    assert (root / "serving" / "relais.duckdb").read_bytes() == snapshot
    assert _recoveries(root) == recoveries, "a run that never started mends nothing"


@pytest.mark.slow  # about a minute of killed and repeated refreshes: CI runs it (make test with CI set)
def test_an_erasure_killed_half_way_is_finished_by_running_it_again(operated_home):
    root, dagster_home = operated_home
    env = _env(root, dagster_home)
    erase = [BIN / "relais", "erase", "--agent-id", "G01", "--yes"]
    first = subprocess.Popen(erase, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    record = root / "state" / "writer.json"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and first.poll() is None:
        holder = json.loads(record.read_text()) if record.exists() else {}
        if holder.get("pid") == first.pid and not holder["run_id"].startswith("relais-erase-"):
            break  # the erasure's own refresh has started: the inbox and warehouse are done
        time.sleep(0.02)
    assert first.poll() is None, "the erasure ended before it could be killed"
    first.send_signal(signal.SIGKILL)
    first.wait()

    again = subprocess.run(erase, env=env, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "recovered first: run " in again.stdout and "an earlier attempt" in again.stdout
    audit = [json.loads(line) for line in (root / "erasure" / "audit.log").read_text().splitlines()]
    assert [line["status"] for line in audit] == ["started", "started", "completed"]
    assert audit[2]["resumes"] == audit[0]["erasure_id"]
    for path in root.rglob("*"):
        if path.is_file() and "dagster" not in path.parts and path.name != "audit.log":
            data = path.read_bytes()
            assert b"gina.good@ville.fr" not in data and b"Gina Good" not in data, path
    assert _strays(root) == []
