"""Loading the definitions writes nothing: not in the home, not in the project.

The home's folders, ``relais.toml``, Dagster's ``dagster.yaml`` and the pseudonymisation key are
made when a run or a ``relais`` command starts; importing ``pipelines.definitions`` (as Dagster's
tools and the UI's code server do) only reads the settings, a missing ``relais.toml`` meaning the
defaults.
"""

import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LOAD = (
    "from pipelines.definitions import defs\n"
    "defs.resolve_implicit_global_asset_job_def()\n"
    "print(sorted(job.name for job in defs.resolve_all_job_defs()))\n"
)


def _env(home: Path) -> dict[str, str]:
    """The environment of a first start: this home, no Dagster home, no key from the environment."""
    env = {k: v for k, v in os.environ.items() if k not in {"DAGSTER_HOME", "RELAIS_PSEUDONYM_KEY"}}
    return {**env, "RELAIS_HOME": str(home)}


def _untracked() -> set[str]:
    """The project's untracked files (ignored ones, such as ``__pycache__``, left out)."""
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=True,
    )
    return {line[3:] for line in status.stdout.splitlines() if line.startswith("??")}


def _tree(home: Path) -> list[str]:
    """Everything under ``home``, as paths relative to it."""
    return sorted(p.relative_to(home).as_posix() for p in home.rglob("*"))


def test_importing_the_definitions_creates_nothing_in_the_home(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    done = subprocess.run(
        [sys.executable, "-c", LOAD],
        env=_env(home),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "refresh" in done.stdout
    assert _tree(home) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home"], "nothing beside the home either"


def test_dg_check_defs_creates_nothing_in_the_home_nor_the_project(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    before = _untracked()
    done = subprocess.run(
        [str(BIN / "dg"), "check", "defs"],
        env=_env(home),
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    assert _tree(home) == []
    assert _untracked() - before == set()


def test_a_run_makes_what_it_needs_when_it_starts(tmp_path):
    from dagster import DagsterInstance, asset, materialize
    from dagster_duckdb import DuckDBResource

    from pipelines.resources import build_resources
    from pipelines.settings import load_home

    @asset
    def touches_the_warehouse(warehouse: DuckDBResource) -> None:
        with warehouse.get_connection() as con:
            con.execute("SELECT 1").fetchall()

    home = load_home(tmp_path / "home", environ={})
    resources = build_resources(home)
    assert not home.root.exists(), "loading the home and building its resources create nothing"
    with DagsterInstance.ephemeral() as instance:
        assert materialize([touches_the_warehouse], resources=resources, instance=instance).success
    made = set(_tree(home.root))
    assert {"inbox", "serving", "relais.toml", "dagster/dagster.yaml", "warehouse.duckdb"} <= made
    assert "secrets/pseudonym.key" not in made, "the key is made when the pseudonymiser is first used"
    assert home.pseudonymiser.key == load_home(home.root, environ={}).pseudonymiser.key
    assert "secrets/pseudonym.key" in _tree(home.root)


def test_relais_commands_that_only_read_create_nothing_and_init_creates_the_home(tmp_path):
    home = tmp_path / "home"
    for command in (["summary"], ["data-dictionary"], ["linkedin-token", "list"]):
        subprocess.run([str(BIN / "relais"), *command], env=_env(home), capture_output=True, timeout=120)
        assert not home.exists(), command
    done = subprocess.run(
        [str(BIN / "relais"), "init"],
        env=_env(home),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0 and done.stdout.strip() == f"Home ready: {home}", done.stderr
    made = set(_tree(home))
    assert {"inbox", "serving", "relais.toml", "dagster/dagster.yaml", "secrets/pseudonym.key"} <= made
