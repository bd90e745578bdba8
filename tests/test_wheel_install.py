"""The wheel on its own: built from the checkout, installed outside it, it refreshes the demo organisation.

The wheel must carry everything a run reads besides the code: the SQL models, the metric catalogue,
the seeds (settings defaults, skills framework, the demo inbox with its workbooks and archives) under
``relais/_shipped/``, and the report templates, and nothing of ``tests/`` or ``bench/``. The slow test
installs it with ``--no-deps`` into a fresh virtual environment in a temporary folder that sees the
project's already-installed dependencies through a folder of links (the project's own editable
install left out, so the checkout cannot be imported), then runs ``relais demo`` and the operators'
plain ``dagster asset materialize`` command from a folder outside the checkout. An audit hook,
loaded by every Python process of that environment, records any file or folder opened under the
checkout (its ``.venv`` aside, where the dependencies live): the record must stay empty.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import duckdb
import pytest

REPO = Path(__file__).resolve().parent.parent
PROJECT_SITE = Path(sysconfig.get_path("purelib")).resolve()
PROJECT_PREFIX = Path(sys.prefix).resolve()
READ_LOG = "RELAIS_TEST_READ_LOG"
PIP_WHEEL = (sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q")

AUDIT_MODULE = f'''"""Records in ${READ_LOG} every file or folder opened under {REPO} (its virtualenv aside)."""

import os
import sys

WATCHED = {str(REPO)!r}
EXEMPT = {str(PROJECT_PREFIX)!r}


def _install(log):
    fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def hook(event, args):
        if event not in ("open", "os.listdir", "os.scandir") or not args or args[0] is None:
            return
        try:
            path = os.path.abspath(os.fsdecode(os.fspath(args[0])))
        except Exception:
            return
        under = path == WATCHED or path.startswith(WATCHED + os.sep)
        if under and not (path == EXEMPT or path.startswith(EXEMPT + os.sep)):
            os.write(fd, (path + "\\n").encode("utf-8", "surrogateescape"))

    sys.addaudithook(hook)


if os.environ.get("{READ_LOG}"):
    _install(os.environ["{READ_LOG}"])
'''

PROBE = """
import json, pathlib, sys
import assets, pipelines, relais
from relais.shipped import METRICS_DOC, PACKAGED, SEEDS, SQL_ROOT
paths = {
    "relais": relais.__file__, "assets": assets.__file__, "pipelines": pipelines.__file__,
    "PACKAGED": PACKAGED, "SQL_ROOT": SQL_ROOT, "METRICS_DOC": METRICS_DOC, "SEEDS": SEEDS,
}
sorted(pathlib.Path(sys.argv[1]).iterdir())
print(json.dumps({"paths": {k: str(v) for k, v in paths.items()}, "sys_path": sys.path}))
"""
"""Run in the new environment: where the packages and their shipped files resolve, and ``sys.path``.
It also lists the checkout's ``sql/`` (its first argument) so that the audit hook is seen to record."""


def project_entries(site: Path) -> set[str]:
    """Names in ``site`` that belong to the project's own install rather than to its dependencies.

    They are the top-level entries recorded by the installed ``relais`` distribution (its metadata,
    an editable install's ``.pth`` file or import finder) and any ``.pth`` file or top-level module
    naming the checkout (an editable install made by another backend).
    """
    names = {"relais", "assets", "pipelines"}
    try:
        files = importlib.metadata.distribution("relais").files or []
    except importlib.metadata.PackageNotFoundError:
        files = []
    names |= {file.parts[0] for file in files if file.parts and file.parts[0] != ".."}
    for entry in site.iterdir():
        naming = entry.suffix in {".pth", ".py"} and entry.is_file()
        if naming and str(REPO) in entry.read_text(encoding="utf-8", errors="replace"):
            names.add(entry.name)
    return names


def dependency_links(folder: Path) -> Path:
    """A folder of links to every entry of the project's site-packages but the project's own install."""
    folder.mkdir()
    excluded = project_entries(PROJECT_SITE)
    for entry in PROJECT_SITE.iterdir():
        if entry.name not in excluded:
            (folder / entry.name).symlink_to(entry)
    return folder


def console_script(env: Path, name: str) -> Path:
    """Write the project environment's console script ``name`` (e.g. ``dagster``) into the new one, as
    pip writes it: guarded by ``if __name__ == "__main__"``, so that a process spawned by the run (the
    report's PDF printer) does not run the command again when it imports the script as its main."""
    (point,) = [ep for ep in importlib.metadata.entry_points(group="console_scripts") if ep.name == name]
    script = env / "bin" / name
    function = point.attr.split(".")[0]
    script.write_text(
        f"#!{env / 'bin' / 'python'}\nimport sys\nfrom {point.module} import {function}\n"
        f"if __name__ == '__main__':\n    sys.exit({point.attr}())\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    return script


def new_environment(root: Path, links: Path) -> tuple[Path, Path]:
    """A fresh virtual environment at ``root`` seeing ``links`` and loading the audit hook; (root, site)."""
    venv.EnvBuilder(with_pip=False, symlinks=True).create(root)
    site = Path(
        subprocess.run(
            [str(root / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    (site / "relais_test_audit.py").write_text(AUDIT_MODULE, encoding="utf-8")
    (site / "relais_test_audit.pth").write_text("import relais_test_audit\n", encoding="utf-8")
    (site / "relais_test_deps.pth").write_text(
        f"import site; site.addsitedir({str(links)!r})\n", encoding="utf-8"
    )
    return root, site


def clean_environ(env_bin: Path, **extra: str) -> dict[str, str]:
    """The environment of the commands: the new environment's ``bin`` first, nothing of the project's."""
    drop = {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "DAGSTER_HOME", READ_LOG}
    environ = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("RELAIS_")}
    project_bin = Path(sys.executable).parent
    path = [p for p in environ.get("PATH", "").split(os.pathsep) if p and Path(p) != project_bin]
    environ["PATH"] = os.pathsep.join([str(env_bin), *path])
    return {**environ, **extra}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel built from the checkout, without build isolation (hatchling comes with the dev extras)."""
    out = tmp_path_factory.mktemp("dist")
    build = subprocess.run(
        [*PIP_WHEEL, "-w", str(out), str(REPO)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stdout[-2000:] + build.stderr[-3000:]
    (built,) = out.glob("relais-*.whl")
    return built


def test_the_wheel_carries_the_shipped_files_and_no_tests(wheel):
    """Every SQL model and seed (the demo inbox byte for byte), the catalogue, the templates; no tests."""
    names = set(zipfile.ZipFile(wheel).namelist())
    tops = {name.split("/")[0] for name in names}
    assert tops == {"relais", "assets", "pipelines", next(t for t in tops if t.endswith(".dist-info"))}
    assert not any(name.startswith(("relais/_shipped/tests", "relais/_shipped/bench")) for name in names)
    for kind, pattern in {"sql": "sql/**/*.sql", "seeds": "seeds/**/*"}.items():
        expected = {p.relative_to(REPO).as_posix() for p in REPO.glob(pattern) if p.is_file()}
        expected = {e for e in expected if "__pycache__" not in e}
        assert expected, kind
        assert {f"relais/_shipped/{e}" for e in expected} <= names, kind
    for shipped in (
        "docs/metrics.md",
        "seeds/relais.toml",
        "seeds/skills/relais_fonction_publique.csv",
    ):
        assert f"relais/_shipped/{shipped}" in names
    inbox = [n for n in names if n.startswith("relais/_shipped/seeds/demo/inbox/")]
    assert any(n.endswith(".xlsx") for n in inbox) and any(n.endswith(".zip") for n in inbox)
    with zipfile.ZipFile(wheel) as archive:
        for name in inbox:
            assert archive.read(name) == (REPO / name.removeprefix("relais/_shipped/")).read_bytes(), name
        entry_points = archive.read(next(n for n in names if n.endswith(".dist-info/entry_points.txt")))
    assert "relais = pipelines.cli:main" in entry_points.decode()
    templates = {p.name for p in (REPO / "relais" / "reports" / "templates").iterdir() if p.is_file()}
    assert {f"relais/reports/templates/{t}" for t in templates} <= names


@pytest.mark.slow
def test_the_installed_wheel_refreshes_the_demo_outside_the_checkout(wheel, tmp_path):
    """``relais demo`` and a whole refresh from the installed wheel publish the marts, reading nothing
    under the checkout: the packages and their shipped files resolve inside the new environment."""
    assert not tmp_path.resolve().is_relative_to(REPO), "the environment must live outside the checkout"
    env_root, site = new_environment(tmp_path / "venv", dependency_links(tmp_path / "deps"))
    python = env_root / "bin" / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
        env=clean_environ(env_root / "bin"),
    )
    assert install.returncode == 0, install.stderr[-3000:]
    dagster = console_script(env_root, "dagster")

    work = tmp_path / "work"
    home = tmp_path / "home"
    (tmp_path / "dagster").mkdir()
    work.mkdir()
    probe_log, read_log = tmp_path / "probe.log", tmp_path / "reads.log"
    environ = clean_environ(env_root / "bin", RELAIS_HOME=str(home), DAGSTER_HOME=str(tmp_path / "dagster"))

    # Where everything resolves, and the audit hook seen at work on a deliberate read of the checkout.
    probe = subprocess.run(
        [str(python), "-c", PROBE, str(REPO / "sql")],
        cwd=work,
        env={**environ, READ_LOG: str(probe_log)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert probe.returncode == 0, probe.stderr[-3000:]
    found = json.loads(probe.stdout)
    for name, path in found["paths"].items():
        assert Path(path).resolve().is_relative_to(site.resolve()), (name, path)
    assert str(REPO / "sql") in probe_log.read_text().splitlines()
    assert not [p for p in found["sys_path"] if p and Path(p).resolve().is_relative_to(REPO)]

    run_env = {**environ, READ_LOG: str(read_log)}
    demo = subprocess.run(
        [str(env_root / "bin" / "relais"), "demo"], cwd=work, env=run_env, capture_output=True, text=True
    )
    assert demo.returncode == 0, demo.stderr[-3000:]
    assert "demo files" in demo.stdout
    materialize = subprocess.run(
        [str(dagster), "asset", "materialize", "--select", "*", "-m", "pipelines.definitions"],
        cwd=work,
        env=run_env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert materialize.returncode == 0, materialize.stderr[-5000:]
    summary = subprocess.run(
        [str(env_root / "bin" / "relais"), "summary"], cwd=work, env=run_env, capture_output=True, text=True
    )
    assert summary.returncode == 0, summary.stderr[-3000:]
    assert "marts.agent_month" in summary.stdout

    with duckdb.connect(str(home / "serving" / "relais.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM marts.agent_month").fetchone()[0] > 0
        assert con.execute("SELECT count(*) FROM marts.programme_month").fetchone()[0] > 0
        comment = con.execute(
            "SELECT comment FROM duckdb_tables() WHERE schema_name = 'marts' AND table_name = 'agent_month'"
        ).fetchone()[0]
    assert comment, "the table comments come from the shipped docs/metrics.md"
    reads = sorted(set(read_log.read_text().splitlines())) if read_log.exists() else []
    assert reads == [], f"read from the checkout: {reads[:20]}"
