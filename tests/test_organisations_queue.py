"""Twenty organisations refreshed by Dagster's own run queue on PostgreSQL, two at a time, one failing alone.

A deployment folder holds twenty homes of varied sizes (``bench/generate.py``'s custom scale: 30 to
410 staff, 4 to 60 ambassadors, 3 to 6 months), each with its own ``relais.toml``; one of them
names a skills framework file that is not there, so its run fails at skill matching. DAGSTER_HOME
holds ``deploy/dagster-postgres.yaml`` as operators copy it (PostgreSQL storage, the
``QueuedRunCoordinator`` with ``max_concurrent_runs: 2`` and one run per ``dagster/partition``), on
a throw-away server (``tests/test_postgres_storage.py``). ``dagster-daemon run -m
pipelines.deployment`` is the only thing started: its ``organisations_sensor`` adds the twenty
partitions and requests one run each, the queue launches them with the default run launcher (a
process per run), and the failure sensor notifies the failure on the channel the organisation's own
settings name (every ``relais.toml`` names a webhook served on 127.0.0.1: one message arrives, naming
the broken organisation). Every wait is bounded; the daemon and PostgreSQL are stopped in
``finally`` blocks.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import duckdb
import pytest
import yaml
from dagster import DagsterEventType, DagsterInstance, DagsterRunStatus

from bench.generate import main as generate
from bench.organisations import (
    DEPLOY_YAML,
    REFRESH_JOB,
    daemon_env,
    max_in_progress,
    running_daemon,
    wait_for_runs,
    write_home,
)
from relais.network import network_database
from tests.test_notifications import Webhook
from tests.test_postgres_storage import postgres, postgres_environment  # noqa: F401 (fixture)

pytestmark = pytest.mark.slow

ORGANISATIONS = 20
BROKEN = "commune-07"
RUNS_TIMEOUT = 1800
NOTIFY_TIMEOUT = 120


def sizes(index: int) -> tuple[int, int, int]:
    """Staff, ambassadors and months of the ``index``-th organisation: from 30 to 410 staff."""
    staff = 30 + 20 * index
    return staff, max(4, staff // 7), 3 + index % 4


def build_deployment(root: Path, scratch: Path, webhook_url: str) -> dict[str, str]:
    """The twenty homes under ``root/organisations``; their slugs and organisation names."""
    names = {}
    for index in range(ORGANISATIONS):
        slug = f"commune-{index + 1:02d}"
        staff, agents, months = sizes(index)
        out = scratch / slug
        argv = ["--scale", "M", "--staff", str(staff), "--agents", str(agents), "--months", str(months)]
        assert generate([*argv, "--seed", str(index + 1), "--workers", "1", "--out", str(out)]) == 0
        home = root / "organisations" / slug
        settings = f"notify_webhook_url = {json.dumps(webhook_url)}\n"
        if slug == BROKEN:
            missing = home / "frameworks" / "skills_fr.csv"
            settings += f'skills_framework = "esco"\nskills_framework_path = {json.dumps(str(missing))}\n'
        names[slug] = f"Commune {index + 1:02d} ({staff} agents)"
        write_home(home, names[slug], out / "inbox", settings)
    return names


def files_outside(root: Path, allowed: list[Path]) -> dict[str, tuple[int, int]]:
    """Size and modification time of every file under ``root`` not inside one of ``allowed``."""
    return {
        str(path): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in root.rglob("*")
        if path.is_file() and not any(path.is_relative_to(folder) for folder in allowed)
    }


def wait_for_notifications(webhook: Webhook, count: int) -> list[dict]:
    """The webhook's payloads once ``count`` arrived, or all of them after ``NOTIFY_TIMEOUT`` seconds."""
    deadline = time.monotonic() + NOTIFY_TIMEOUT
    while len(webhook.received) < count and time.monotonic() < deadline:
        time.sleep(1)
    return list(webhook.received)


def materialised_partitions(instance: DagsterInstance, run_id: str) -> set[str | None]:
    """The partitions of the assets one run materialised."""
    records = instance.get_records_for_run(run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION).records
    return {record.event_log_entry.dagster_event.partition for record in records}


def test_twenty_organisations_through_the_queue_two_at_a_time(postgres, tmp_path, monkeypatch):  # noqa: F811
    deployment, dagster_home = tmp_path / "deployment", tmp_path / "dagster"
    unused_home = tmp_path / "no-home"  # the daemon's RELAIS_HOME: nothing may write there
    for folder in (dagster_home, unused_home):
        folder.mkdir()
    instance_settings = yaml.safe_load(DEPLOY_YAML.read_text(encoding="utf-8"))
    limit = instance_settings["run_coordinator"]["config"]["max_concurrent_runs"]
    assert limit == 2
    (dagster_home / "dagster.yaml").write_text(DEPLOY_YAML.read_text(encoding="utf-8"), encoding="utf-8")
    pg_env = postgres_environment(postgres["port"])
    for name, value in pg_env.items():
        monkeypatch.setenv(name, value)
    webhook = Webhook()
    webhook.thread.start()
    try:
        names = build_deployment(deployment, tmp_path / "generated", webhook.url)
        homes = {slug: deployment / "organisations" / slug for slug in names}
        before = files_outside(tmp_path, [deployment / "organisations", dagster_home])
        env = daemon_env(deployment, dagster_home, unused_home, pg_env)
        with (  # the instance first: it creates the storage's tables before the daemon starts
            DagsterInstance.from_config(str(dagster_home)) as instance,
            running_daemon(env, tmp_path / "daemon.log") as daemon,
        ):
            runs = wait_for_runs(instance, ORGANISATIONS, RUNS_TIMEOUT, daemon.running)
            payloads = wait_for_notifications(webhook, 1)
            partitions_of = {run.run_id: materialised_partitions(instance, run.run_id) for run in runs}
            stored = instance.get_dynamic_partitions("organisation")
    finally:
        webhook.server.shutdown()
        webhook.server.server_close()
    log = (tmp_path / "daemon.log").read_text(encoding="utf-8", errors="replace")
    refreshes = [run for run in runs if run.job == REFRESH_JOB]

    # One run per organisation, each of exactly one partition (its tag and every materialisation).
    assert sorted(stored) == sorted(names)
    assert sorted(run.partition for run in refreshes) == sorted(names), log[-3000:]
    for run in refreshes:
        assert partitions_of[run.run_id] <= {run.partition}, (run.partition, partitions_of[run.run_id])
    # The broken organisation failed alone (the network's rebuilds after the others too succeeded),
    # and only its own webhook heard of it.
    status = {run.partition: run.status for run in refreshes}
    assert status[BROKEN] == DagsterRunStatus.FAILURE.value
    failed_elsewhere = {
        r.partition or r.job: r.status for r in runs if r.partition != BROKEN and r.status != "SUCCESS"
    }
    assert failed_elsewhere == {}, log[-3000:]
    assert [p["organisation"] for p in payloads] == [names[BROKEN]], payloads
    assert not (homes[BROKEN] / "serving" / "relais.duckdb").exists()
    # Every other organisation published its own snapshot, named after it, with its own key.
    for slug, home in homes.items():
        if slug == BROKEN:
            continue
        assert partitions_of[next(r.run_id for r in refreshes if r.partition == slug)] == {slug}
        with duckdb.connect(str(home / "serving" / "relais.duckdb"), read_only=True) as con:
            assert con.execute("SELECT organisation FROM marts.meta").fetchall() == [(names[slug],)]
    keys = {(home / "secrets" / "pseudonym.key").read_bytes() for home in homes.values()}
    assert len(keys) == ORGANISATIONS, "each organisation keeps its own pseudonymisation key"
    # The queue: never more than two runs in progress (refreshes and rebuilds), and two at once indeed.
    assert max_in_progress((run.start, run.end) for run in runs) == limit
    # Nothing written outside the homes but DAGSTER_HOME and the network database (no organisation
    # opted in: it holds no organisation's figure); the daemon's log is this test's own file.
    written = [deployment / "organisations", dagster_home, deployment / "network", tmp_path / "daemon.log"]
    after = files_outside(tmp_path, written)
    assert after == before
    network = network_database(deployment)
    if network.exists():
        with duckdb.connect(str(network), read_only=True) as con:
            assert con.execute("SELECT count(*) FROM network.organisations").fetchall() == [(0,)]
    assert not any(unused_home.iterdir()), "RELAIS_HOME of the daemon's environment was written"
