"""The `relais` command as an operator meets it: help texts, one-line errors, the summary and the refresh.

The summary is read from small snapshots written here (the month-completeness columns of
`marts.programme_month` with and without a partial month). The refresh's progress and failure
reporting run a small asset graph through the very path `relais refresh` takes (the warehouse
resource, its writer lock, the run recorded in the home's Dagster folder); the demo's whole refresh
is checked by `tests/test_demo.py`.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest
from dagster import DagsterInstance, Definitions, asset, in_process_executor

import pipelines.definitions
from pipelines.cli import main as relais_main
from pipelines.cli_parser import build_parser
from pipelines.refresh import progress_line, run_refresh, step_label
from pipelines.resources import build_resources
from pipelines.settings import load_home
from pipelines.summary import ProgrammeMonth, coverage_words, headline_lines, summary_text
from relais.warehouse.writer_lock import read_holder

BIN = Path(sys.executable).parent

PROGRAMME = """CREATE TABLE marts.programme_month (
    month DATE, headcount INTEGER, enrolled INTEGER, active INTEGER, participation_rate DOUBLE,
    adoption_rate DOUBLE, posts INTEGER, reshares INTEGER, institution_reshares INTEGER,
    impressions BIGINT, engagements_received BIGINT, page_impressions BIGINT{coverage})"""
COVERAGE = ", data_until DATE, days_covered INTEGER, days_in_month INTEGER, is_complete BOOLEAN"
SEPTEMBER = (date(2026, 9, 1), 300, 57, 31, 31 / 57, 0.19, 37, 59, 50, 25102, 955, 25718)
OCTOBER = (date(2026, 10, 1), 300, 57, 32, 32 / 57, 0.19, 35, 64, 52, 17120, 635, 34352)
NOVEMBER = (date(2026, 11, 1), 300, 57, 1, 1 / 57, 0.19, 1, 0, 0, 0, 0, None)


def write_snapshot(path: Path, rows: list[tuple], with_coverage: bool = True) -> None:
    """A published snapshot holding only ``marts.programme_month``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA marts")
        con.execute(PROGRAMME.format(coverage=COVERAGE if with_coverage else ""))
        con.executemany(f"INSERT INTO marts.programme_month VALUES ({', '.join('?' * len(rows[0]))})", rows)


def demo_months() -> list[tuple]:
    """September and October complete, November covered on its first day only (the demo's shape)."""
    return [
        (*SEPTEMBER, date(2026, 9, 30), 30, 30, True),
        (*OCTOBER, date(2026, 10, 31), 31, 31, True),
        (*NOVEMBER, date(2026, 10, 31), 0, 30, False),
    ]


@pytest.fixture
def home_root(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "home"
    monkeypatch.setenv("RELAIS_HOME", str(root))
    monkeypatch.setenv("RELAIS_PSEUDONYM_KEY", "test-key")
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    return root


# ---------------------------------------------------------------- help


def all_parsers(parser=None, path=()):
    """Every parser of the command line with the words that reach it (``("consent", "links")``)."""
    parser = parser or build_parser()
    yield path, parser
    for action in parser._actions:
        for name, child in (getattr(action, "choices", None) or {}).items():
            if hasattr(child, "_actions"):
                yield from all_parsers(child, (*path, name))


def test_every_command_has_a_help_in_plain_words(capsys):
    parsers = list(all_parsers())
    assert {p for p, _ in parsers} >= {("refresh",), ("summary",), ("erase",), ("consent", "links")}
    for path, _ in parsers:
        assert relais_main([*path, "--help"]) == 0
        text = capsys.readouterr().out
        assert "``" not in text and ":func:" not in text, (path, text)
        assert "==SUPPRESS==" not in text and "%(default)" not in text, path
    for path in [(), ("refresh",), ("summary",), ("erase",), ("init",), ("demo",)]:
        relais_main([*path, "--help"])
        text = capsys.readouterr().out
        assert "RELAIS_HOME" in text and "Default: .relais in the current folder" in text, path
        assert "example" in text, path


def test_every_option_says_its_default():
    for path, parser in all_parsers():
        for action in parser._actions:
            if action.option_strings and action.help and action.dest != "help":
                assert action.required or "default" in action.help, (path, action.option_strings)


# ---------------------------------------------------------------- errors: one line, a fix, no traceback


def test_a_missing_home_is_named_with_how_to_make_one(home_root, capsys):
    for command in (["summary"], ["refresh"], ["data-dictionary"], ["erase", "--agent-id", "A01", "--yes"]):
        assert relais_main(command) == 1, command
        err = capsys.readouterr().err.splitlines()
        assert len(err) == 1 and f"no Relais home at {home_root}" in err[0] and "relais demo" in err[0]
    assert not home_root.exists(), "a command refusing for want of a home creates none"


@pytest.mark.parametrize(
    ("command", "said"),
    [
        (["consent", "serve", "--port", "70000"], "70000 is not a port number"),
        (["consent", "links", "--days", "0"], "valid for at least 1 day"),
        (["consent", "links", "--days", "week"], "'week' is not a number of days"),
        (["erase", "--agent-id", "  "], "the agent id is empty"),
        (["refresh", "--everything"], "unrecognized arguments: --everything"),
        (["refesh"], "invalid choice: 'refesh'"),
    ],
)
def test_wrong_values_are_refused_before_anything_runs(home_root, capsys, command, said):
    assert relais_main(command) == 2
    assert said in capsys.readouterr().err
    assert not home_root.exists()


def home_with_roster(root: Path) -> None:
    """A home whose warehouse's roster knows agent A01 only."""
    (root / "inbox").mkdir(parents=True)
    with duckdb.connect(str(root / "warehouse.duckdb")) as con:
        con.execute("CREATE SCHEMA raw")
        con.execute(
            "CREATE TABLE raw.roster (agent_id VARCHAR, first_name VARCHAR, last_name VARCHAR, email VARCHAR)"
        )
        con.execute("INSERT INTO raw.roster VALUES ('A01', 'Ann', 'Martin', 'ann@example.org')")


def test_erasing_an_unknown_agent_id_says_so_and_erases_nothing(home_root, capsys):
    home_with_roster(home_root)
    assert relais_main(["erase", "--agent-id", "A99", "--yes"]) == 1
    err = capsys.readouterr().err
    assert "agent id 'A99' is in no roster" in err and "nothing was erased" in err
    assert not (home_root / "erasure").exists(), "no erasure was started"


def test_erasing_without_a_terminal_asks_for_yes(home_root, monkeypatch, capsys):
    home_with_roster(home_root)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert relais_main(["erase", "--agent-id", "A01"]) == 2
    err = capsys.readouterr().err
    assert "no terminal to ask on: add --yes" in err
    assert not (home_root / "erasure").exists()


def test_the_installed_command_prints_one_line_without_a_terminal(home_root):
    home_with_roster(home_root)
    done = subprocess.run(
        [str(BIN / "relais"), "erase", "--agent-id", "A01"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ},
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        "relais: erase asks for confirmation and there is no terminal to ask on: add --yes to confirm "
        "(nothing was erased)"
    ]


def test_an_unwritable_output_file_is_named(home_root, capsys):
    write_snapshot(home_root / "serving" / "relais.duckdb", demo_months())
    assert relais_main(["data-dictionary", "--out", str(home_root / "no" / "such" / "dir.md")]) == 1
    assert "cannot write it" in capsys.readouterr().err


# ---------------------------------------------------------------- the summary


def months(*rows: tuple) -> list[ProgrammeMonth]:
    names = ("data_until", "days_covered", "days_in_month", "is_complete")
    return [ProgrammeMonth(*row[:12], **dict(zip(names, row[12:], strict=True))) for row in rows]


def test_a_partial_month_is_said_in_words():
    _, october, november = months(*demo_months())
    assert coverage_words(october) == "complete"
    assert coverage_words(november) == "partial: no full day, data to 31 Oct"
    assert coverage_words(ProgrammeMonth(*NOVEMBER, True, date(2026, 11, 30), 30, 30)) == "complete"
    halfway = ProgrammeMonth(*NOVEMBER, False, date(2026, 11, 12), 12, 30)
    assert coverage_words(halfway) == "partial: 12 of 30 days, data to 12 Nov"
    assert coverage_words(ProgrammeMonth(*SEPTEMBER)) == "unknown"


def test_the_headline_is_the_last_complete_month_then_the_partial_one_is_named():
    lines = headline_lines(months(*demo_months()))
    assert lines[0] == "Last complete month: October 2026"
    assert "32 active (participation 56.1 %)" in lines[1]
    assert "35 posts, 64 reshares (52 of the institution's posts)" in lines[2]
    assert lines[3].startswith("November 2026 is partial (data until 31 October 2026)")
    assert "cannot be compared with a full month" in lines[3]
    only_partial = headline_lines(months((*NOVEMBER, date(2026, 11, 1), 1, 30, False)))
    assert only_partial[0] == "No complete month yet: every month shown below is partial."


def test_summary_puts_the_complete_month_first_and_marks_the_partial_row(home_root):
    write_snapshot(home_root / "serving" / "relais.duckdb", demo_months())
    (home_root / "reports" / "2026-10").mkdir(parents=True)
    (home_root / "reports" / "2026-10" / "rapport.html").write_text("<html></html>")
    (home_root / "serving" / "dashboard.html").write_text("<html></html>")
    text = summary_text(load_home(home_root))
    lines = text.splitlines()
    assert text.index("Last complete month: October 2026") < text.index("Programme, last 3 months:")
    november = next(line for line in lines if line.lstrip().startswith("2026-11"))
    assert november.endswith("partial: no full day, data to 31 Oct")
    assert next(line for line in lines if line.lstrip().startswith("2026-10")).endswith("complete")
    assert f"Monthly report     : {home_root / 'reports' / '2026-10' / 'rapport.html'} (and .pdf" in text
    assert f"Dashboard          : {home_root / 'serving' / 'dashboard.html'}" in text


def test_an_old_snapshot_claims_no_completeness(home_root, capsys):
    write_snapshot(
        home_root / "serving" / "relais.duckdb", [SEPTEMBER, OCTOBER, NOVEMBER], with_coverage=False
    )
    assert relais_main(["summary"]) == 0
    out = capsys.readouterr().out
    assert "Last month: November 2026 (this snapshot does not say whether it is complete" in out
    assert "Last complete month" not in out


def test_summary_without_a_snapshot_says_to_refresh(home_root, capsys):
    home_root.mkdir()
    assert relais_main(["summary"]) == 1
    assert "No snapshot published yet: run `relais refresh` first." in capsys.readouterr().out


# ---------------------------------------------------------------- the refresh


def test_progress_lines_read_as_asset_keys():
    assert step_label("staging__activities") == "staging/activities"
    line = progress_line(7, 46, "staging__activities", 1.234)
    assert line.startswith("[ 7/46] staging/activities ...") and line.endswith("  1.2 s")
    failed = progress_line(46, 46, "quality__gate", 2.0, "FAILED: boom")
    assert failed.endswith("2.0 s  FAILED: boom")


@asset(key=["raw", "first"], required_resource_keys={"warehouse", "home"})
def first(context) -> None:
    """Holds the home's writer lock, as every asset of a real refresh does."""
    holder = read_holder(Path(context.resources.home.root) / "state")
    assert holder is not None and holder.run_id == context.run_id
    context.log.warning("a warning of the step")


@asset(key=["staging", "second"], deps=[first])
def second() -> None:
    """Fails when the test says so."""
    if os.environ.get("RELAIS_TEST_FAIL"):
        raise ValueError("the roster has no header line")


@asset(key=["marts", "third"], deps=[second])
def third() -> None:
    """Runs after the second."""


@pytest.fixture
def toy_definitions(monkeypatch):
    """`relais refresh` runs three small assets with the home's real resources."""

    def build(home, sources=None):
        return Definitions(
            assets=[first, second, third], resources=build_resources(home), executor=in_process_executor
        )

    monkeypatch.setattr(pipelines.definitions, "build_definitions", build)


def test_refresh_prints_a_line_per_step_and_records_the_run(home_root, toy_definitions):
    home_root.mkdir()
    lines: list[str] = []
    outcome = run_refresh(load_home(home_root), write=lines.append)
    assert outcome.success and outcome.failed_step == ""
    assert lines[0] == f"Refreshing {home_root}: 3 steps"
    assert [line.split(" .")[0] for line in lines if line.startswith("[")] == [
        "[1/3] raw/first",
        "[2/3] staging/second",
        "[3/3] marts/third",
    ]
    assert "    a warning of the step" in lines
    with DagsterInstance.from_config(str(home_root / "dagster")) as instance:
        assert instance.get_run_by_id(outcome.run_id).is_success, "the run is in the UI's history"
    assert read_holder(home_root / "state").ended_at, "the writer lock was given back"


def test_a_failing_refresh_names_the_step_and_exits_1(home_root, toy_definitions, monkeypatch, capsys):
    home_root.mkdir()
    (home_root / "serving").mkdir()
    monkeypatch.setenv("RELAIS_TEST_FAIL", "1")
    assert relais_main(["refresh"]) == 1
    printed = capsys.readouterr()
    failed = next(line for line in printed.out.splitlines() if line.startswith("[2/3] staging/second"))
    assert failed.endswith("FAILED: the roster has no header line")
    err = printed.err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith(
        "relais: the refresh failed at step staging/second: the roster has no header line"
    )
    assert "The previous snapshot and reports stay as they were." in err[0]


def test_a_home_that_cannot_be_written_stops_the_refresh_before_any_step(home_root, toy_definitions, capsys):
    home_root.mkdir()
    (home_root / "state").write_text("a file where the state folder should be")
    assert relais_main(["refresh"]) == 1
    printed = capsys.readouterr()
    assert not [line for line in printed.out.splitlines() if line.startswith("[")], "no step ran"
    err = printed.err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(
        f"relais: the refresh failed: Cannot write the home {home_root}"
    )
