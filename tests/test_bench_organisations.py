"""The benchmark of many organisations (``bench/organisations.py``): its pure parts, and a smoke run.

The instance settings it writes are loaded by Dagster itself; the overlap of runs, the memory of a
process tree and the section of docs/benchmarks.md are computed from made-up inputs. The smoke run
(slow: three refreshes through the daemon) measures N = 3 at two runs at once and writes nothing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from dagster import DagsterInstance

from bench.organisations import (
    HEADING,
    Measured,
    Process,
    instance_yaml,
    linked_deployment,
    max_in_progress,
    render_section,
    replace_section,
    run_bytes,
    subtree_bytes,
    wait_for_runs,
)
from relais.deployment import list_organisations

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "bench" / "organisations.py"


def test_the_instance_keeps_the_deployed_queue_with_the_limit_measured(tmp_path):
    (tmp_path / "dagster.yaml").write_text(instance_yaml(1, tmp_path), encoding="utf-8")
    with DagsterInstance.from_config(str(tmp_path)) as instance:
        coordinator = instance.run_coordinator
        assert type(coordinator).__name__ == "QueuedRunCoordinator"
        queue = coordinator.get_run_queue_config()
        assert queue.max_concurrent_runs == 1
        assert queue.tag_concurrency_limits == [
            {"key": "dagster/partition", "value": {"applyLimitPerUniqueValue": True}, "limit": 1},
            {"key": "relais/network", "limit": 1},
        ]
        assert type(instance.run_storage).__name__ == "SqliteRunStorage"
        assert type(instance.event_log_storage).__name__ == "QuickSqliteEventLogStorage"


def test_most_runs_in_progress_counts_overlaps_only():
    assert max_in_progress([]) == 0
    assert max_in_progress([(0, 10), (10, 20), (20, 30)]) == 1, "one ends as the next starts"
    assert max_in_progress([(0, 10), (5, 15), (6, 7), (16, 20)]) == 3
    assert max_in_progress([(0, 10), (2, 4), (4, 6), (6, 8)]) == 2
    assert max_in_progress((s, s + 5) for s in (0, 10, 20)) == 1, "any iterable, read once"


def test_run_memory_is_each_run_worker_with_its_children():
    tree = {
        1: Process(100, (2,), "python dagster-daemon run -m pipelines.deployment"),
        2: Process(200, (3, 4, 5), "python -m dagster api grpc --lazy-load-user-code"),
        3: Process(10, (), "python -c from multiprocessing.resource_tracker import main"),
        4: Process(500, (6,), "python -c from multiprocessing.spawn import spawn_main"),
        5: Process(400, (), "python -c from multiprocessing.spawn import spawn_main"),
        6: Process(300, (7,), "python creator-export worker"),
    }
    assert subtree_bytes(tree, 1) == 1510, "a process that ended (7) counts nothing"
    assert sorted(run_bytes(tree)) == [400, 800]


def test_linked_homes_are_organisations_of_the_deployment(tmp_path):
    inbox = tmp_path / "inbox"
    (inbox / "hr").mkdir(parents=True)
    (inbox / "hr" / "roster.csv").write_text("agent_id\n", encoding="utf-8")
    assert linked_deployment(tmp_path / "deployment", 3, inbox) == ["org-001", "org-002", "org-003"]
    assert [o.slug for o in list_organisations(tmp_path / "deployment")] == ["org-001", "org-002", "org-003"]
    copy = tmp_path / "deployment" / "organisations" / "org-002" / "inbox" / "hr" / "roster.csv"
    assert copy.stat().st_ino == (inbox / "hr" / "roster.csv").stat().st_ino


def _measured(n: int, concurrency: int, per_org: float, run_mb: int) -> Measured:
    return Measured(n, concurrency, per_org * n, per_org, per_org * concurrency, 900, run_mb, concurrency, 0)


def test_the_section_states_the_figures_and_the_projection_from_them():
    results = [_measured(10, 1, 40.0, 600), _measured(10, 2, 25.0, 700)]
    section = render_section(results, "x86_64, 2 cores", "2026-12-06")
    assert "| 10 | 2 | 250.0 | 25.0 | 50.0 | 900 | 700 | 2 | 0 | 0 |" in section
    # 25 s per organisation at 2 slots: a slot does one every 50 s, 72 an hour; memory allows
    # floor(12.8 GB / 0.68 GB) = 18 slots, so the 4 cores bound k: 4 x 3600 / 50 = 288 an hour.
    assert "25.0 × 2 = 50.0 s, 72 organisations per slot-hour" in section
    assert "= 18) = 4 runs at once" in section
    assert "4 × 3600 / 50.0 = 288 organisations" in section
    assert "⌈1000 / 288⌉ = 4 such nodes; 200 organisations need 1" in section


def test_the_section_is_replaced_in_place_and_the_rest_kept():
    document = "# Benchmarks\n\n| table |\n\n## Notes\n\nkept\n"
    first = replace_section(document, f"{HEADING}\n\nold\n")
    assert first == document + f"\n{HEADING}\n\nold\n"
    second = replace_section(first + "\n## Later\n\nalso kept\n", f"{HEADING}\n\nnew\n")
    assert second == document + f"\n{HEADING}\n\nnew\n\n## Later\n\nalso kept\n"


@pytest.mark.slow
def test_quick_benchmark_refreshes_three_organisations_through_the_queue(tmp_path):
    run = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--concurrency", "2", "--work", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    [result] = json.loads(run.stdout)
    assert (result["organisations"], result["concurrency"], result["failed"]) == (3, 2, 0)
    assert result["most_in_progress"] == 2
    assert result["peak_run_mb"] > 0 and result["peak_tree_mb"] > result["peak_run_mb"]
    for slug in ("org-001", "org-002", "org-003"):
        assert (
            tmp_path / "n3-c2" / "deployment" / "organisations" / slug / "serving" / "relais.duckdb"
        ).exists()


def test_waiting_ends_when_the_daemon_did_or_the_time_is_up():
    with DagsterInstance.ephemeral() as instance:
        with pytest.raises(RuntimeError, match="daemon ended"):
            wait_for_runs(instance, 1, timeout=60, alive=lambda: False)
        with pytest.raises(TimeoutError, match="1 runs of refresh_organisation did not all end"):
            wait_for_runs(instance, 1, timeout=0, poll=0)
        assert wait_for_runs(instance, 0, timeout=0) == []
