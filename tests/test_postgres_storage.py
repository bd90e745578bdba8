"""Relais with Dagster's instance storage on PostgreSQL, as operators run it (deploy/dagster-postgres.yaml).

A throw-away PostgreSQL server is started on a free port of 127.0.0.1 (initdb + pg_ctl, as the
``postgres`` system user when the tests run as root: PostgreSQL refuses to run as root). The
operators' plain command materialises every asset with DAGSTER_HOME holding a copy of
``deploy/dagster-postgres.yaml``; the run, its events and the schedule tables are then read back
from PostgreSQL itself. Without the server binaries the test is skipped, except under CI, where
``make test`` installs them (``system-deps``) and their absence is a failure.
"""

import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from dagster import AssetKey, DagsterInstance, DagsterRunStatus

from tests.test_end_to_end import build_organisation

REPO = Path(__file__).resolve().parent.parent
DEPLOY_YAML = REPO / "deploy" / "dagster-postgres.yaml"
PG_USER = "relais"
PG_PASSWORD = "throw-away-password"
PG_DB = "dagster"
SNAPSHOT = AssetKey(["serving", "relais_snapshot"])


def unavailable(reason: str):
    """Skip on a workstation; fail under CI, which installs PostgreSQL through ``make system-deps``."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI installs it through `make test` -> system-deps)")
    pytest.skip(reason)


def postgres_bindir() -> Path | None:
    """The folder holding initdb, pg_ctl and psql: on PATH, else Debian's newest /usr/lib/postgresql/N/bin."""
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).resolve().parent
    found = [
        p.parent for p in Path("/usr/lib/postgresql").glob("*/bin/initdb") if p.parent.parent.name.isdigit()
    ]
    return max(found, key=lambda bindir: int(bindir.parent.name)) if found else None


def postgres_environment(port: int) -> dict[str, str]:
    """The DAGSTER_PG_* variables deploy/dagster-postgres.yaml reads, for the throw-away server."""
    return {
        "DAGSTER_PG_USERNAME": PG_USER,
        "DAGSTER_PG_PASSWORD": PG_PASSWORD,
        "DAGSTER_PG_HOST": "127.0.0.1",
        "DAGSTER_PG_DB": PG_DB,
        "DAGSTER_PG_PORT": str(port),
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(command: list, what: str, **kwargs) -> str:
    done = subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, timeout=60, **kwargs
    )
    if done.returncode != 0:
        pytest.fail(f"{what} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout


@pytest.fixture
def postgres():
    """A PostgreSQL server on 127.0.0.1 with an empty database ``dagster``; stopped and deleted afterwards."""
    bindir = postgres_bindir()
    if bindir is None or not (bindir / "pg_ctl").exists():
        unavailable("PostgreSQL server binaries (initdb, pg_ctl) not found")
    as_server = []  # the command prefix that runs the server's own programs
    owner = None
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            unavailable("running as root without runuser to start PostgreSQL as another user")
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            unavailable("running as root and no `postgres` system user to start PostgreSQL as")
        as_server = ["runuser", "-u", "postgres", "--"]
    # Outside pytest's tmp_path, which root keeps private; short, as the socket path has a length limit.
    base = Path(tempfile.mkdtemp(prefix="relais-pg-"))
    data, log, pwfile = base / "data", base / "server.log", base / "pwfile"
    pwfile.write_text(PG_PASSWORD + "\n", encoding="utf-8")
    if owner is not None:
        for path in (base, pwfile):
            os.chown(path, owner.pw_uid, owner.pw_gid)
    port = free_port()
    try:
        run(
            [
                *as_server,
                *(bindir / "initdb", "-D", data, "-U", PG_USER, f"--pwfile={pwfile}", "--no-sync"),
                *("--auth-host=scram-sha-256", "--auth-local=trust", "--no-locale", "--encoding=UTF8"),
            ],
            "initdb",
            cwd=base,
        )
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {base} -c fsync=off"
        start = subprocess.run(
            [
                *as_server,
                *map(str, (bindir / "pg_ctl", "start", "-w", "-t", 30, "-D", data, "-l", log, "-o", options)),
            ],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=base,
        )
        if start.returncode != 0:
            server_log = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
            pytest.fail(f"pg_ctl start failed:\n{start.stdout}\n{start.stderr}\n{server_log}")
        server = {"bindir": bindir, "port": port}
        psql(server, f"CREATE DATABASE {PG_DB}", database="postgres")
        yield server
    finally:
        if (data / "postmaster.pid").exists():  # started, even if pg_ctl gave up waiting
            subprocess.run(
                [*as_server, str(bindir / "pg_ctl"), "stop", "-D", str(data), "-m", "fast", "-w"],
                capture_output=True,
                timeout=60,
                cwd=base,
            )
        shutil.rmtree(base, ignore_errors=True)


def psql(server: dict, sql: str, database: str = PG_DB) -> list[list[str]]:
    """Rows of ``sql``, read over TCP with the password, as any client of the server would."""
    out = run(
        [
            *(server["bindir"] / "psql", "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1"),
            *("-h", "127.0.0.1", "-p", server["port"], "-U", PG_USER, "-d", database, "-c", sql),
        ],
        f"psql {sql!r}",
        env={**os.environ, "PGPASSWORD": PG_PASSWORD},
    )
    return [line.split("\t") for line in out.splitlines() if line]


@pytest.mark.slow
def test_operators_command_records_runs_and_events_in_postgres(postgres, tmp_path, monkeypatch):
    dagster_home = tmp_path / "dagster_home"
    dagster_home.mkdir()
    shutil.copyfile(DEPLOY_YAML, dagster_home / "dagster.yaml")
    root = tmp_path / "home"
    build_organisation(root / "inbox")
    pg_env = postgres_environment(postgres["port"])
    # RELAIS_PSEUDONYM_KEY and PATH come from the environment (tests/conftest.py sets the key).
    env = {**os.environ, "RELAIS_HOME": str(root), "DAGSTER_HOME": str(dagster_home), **pg_env}
    dagster = Path(sys.executable).parent / "dagster"
    done = subprocess.run(
        [str(dagster), "asset", "materialize", "--select", "*", "-m", "pipelines.definitions"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-5000:]
    assert (root / "serving" / "relais.duckdb").exists()

    # Straight from PostgreSQL's tables: one run, successful, with the snapshot's materialisation.
    tables = {row[0] for row in psql(postgres, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
    assert {"runs", "event_logs", "asset_keys", "jobs", "job_ticks", "instigators"} <= tables, tables
    runs = psql(postgres, "SELECT run_id, status FROM runs")
    assert len(runs) == 1 and runs[0][1] == "SUCCESS", runs
    run_id = runs[0][0]
    snapshot_events = psql(
        postgres,
        "SELECT run_id FROM event_logs WHERE dagster_event_type = 'ASSET_MATERIALIZATION'"
        f" AND asset_key = '{SNAPSHOT.to_string()}'",
    )
    assert snapshot_events == [[run_id]]
    # One writer is the home's OS lock, not a Dagster pool: no slot a dead run could keep.
    assert psql(postgres, "SELECT count(*) FROM concurrency_slots") == [["0"]]
    # Nothing fell back to SQLite files under DAGSTER_HOME.
    assert not list(dagster_home.rglob("*.db")), list(dagster_home.rglob("*.db"))

    # And through Dagster, as the webserver and daemon read the same dagster.yaml.
    for name, value in {**pg_env, "DAGSTER_HOME": str(dagster_home)}.items():
        monkeypatch.setenv(name, value)
    with DagsterInstance.get() as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        run_record = instance.get_run_by_id(run_id)
        assert run_record is not None and run_record.status == DagsterRunStatus.SUCCESS
        latest = instance.get_latest_materialization_event(SNAPSHOT)
        assert latest is not None and latest.run_id == run_id
