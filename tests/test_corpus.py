"""One whole run over a small good organisation and every bad input of ``tests/corpus.py``.

The run must succeed with its blocking checks passed; each bad input must get exactly its
outcome (ledger status and reason, rows loaded, quarantined rows with their numbers and reasons);
the good files must keep their hand-worked figures; the log must name file and row of every
quarantined row; and no file may appear that the corpus did not write (a folder behind a
symbolic link is never entered).
"""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import duckdb
import pytest
from dagster import AssetCheckSeverity, DagsterInstance

from pipelines.definitions import build_definitions
from pipelines.settings import load_home
from tests.conftest import TEST_KEY
from tests.corpus import (
    AGENT_MONTH_COLUMNS,
    CASES,
    CORPUS,
    DEPARTMENT_MONTH_COLUMNS,
    EXPECTED_COMMUNICATION,
    EXPECTED_G01_MONTHS,
    EXPECTED_PAGE_POSTS,
    GOOD_FILES,
    SOURCES,
    Case,
    build_good_organisation,
    write_corpus,
)


def _agent_key(agent_id: str) -> str:
    """The published pseudonym of an agent id under the tests' key."""
    return hmac.new(TEST_KEY, agent_id.encode(), hashlib.sha256).hexdigest()


class Run:
    """What a run left: its result, the log messages, and the warehouse to query."""

    def __init__(self, root: Path, result, messages: list[str]) -> None:
        self.root, self.result, self.messages = root, result, messages

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        """Rows of a query on the working warehouse, opened read-only."""
        with duckdb.connect(str(self.root / "warehouse.duckdb"), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()

    def ledger(self, prefix: str) -> dict[str, tuple]:
        """Ledger entries of the files under ``prefix``: status, reason, read, loaded, quarantined, withheld."""
        rows = self.query(
            "SELECT source_file, status, reason, rows_read, rows_loaded, rows_quarantined, rows_withheld "
            "FROM raw.file_ledger WHERE starts_with(source_file, ?)",
            [prefix],
        )
        entries: dict[str, tuple] = {}
        for path, *outcome in rows:
            assert path not in entries, f"{path} has several ledger entries"
            entries[path] = tuple(outcome)
        return entries


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Run:
    """One run of the whole graph over the good organisation and the whole corpus."""
    root = tmp_path_factory.mktemp("corpus") / "home"
    build_good_organisation(root / "inbox")
    write_corpus(root / "inbox")
    # Hand-worked department figures: the anonymity merge is off here (tests/test_anonymity.py covers it).
    (root / "relais.toml").write_text("anonymity_threshold = 1\n", encoding="utf-8")
    home = load_home(root)
    job = build_definitions(home).resolve_implicit_global_asset_job_def()
    with DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(instance=instance, raise_on_error=True)
        messages = [entry.user_message for entry in instance.all_logs(result.run_id)]
    return Run(root, result, messages)


def test_the_corpus_is_large_and_covers_every_source():
    assert len(CASES) >= 30
    assert len({case.name for case in CASES}) == len(CASES)
    assert {case.source for case in CASES} == set(SOURCES)


def test_the_run_succeeds_and_every_row_is_accounted_for(run):
    assert run.result.success
    evaluations = run.result.get_asset_check_evaluations()
    checks = {
        (e.asset_check_key.asset_key.to_user_string(), e.asset_check_key.name): e.passed
        for e in evaluations
        if e.severity == AssetCheckSeverity.ERROR
    }
    assert checks[("quarantine/files", "row_conservation")] is True
    assert all(checks.values()), checks


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_each_bad_input_gets_its_outcome(run: Run, case: Case):
    folder = f"{CORPUS}/{case.name}/"
    entries = run.ledger(folder)
    assert set(entries) == {folder + path for path in case.expect}, "files listed under the case's folder"
    quarantined = run.query(
        "SELECT source_file, source_row, reason FROM quarantine.rows WHERE starts_with(source_file, ?)",
        [folder],
    )
    for path, expect in case.expect.items():
        status, reason, read, loaded, rows_quarantined, withheld = entries[folder + path]
        assert status == expect.status, f"{path}: {status} ({reason})"
        assert expect.reason.lower() in (reason or "").lower(), f"{path}: reason {reason!r}"
        if expect.loaded is not None:
            assert loaded == expect.loaded, f"{path}: {loaded} rows loaded"
        if expect.withheld is not None:
            assert withheld == expect.withheld, f"{path}: {withheld} rows withheld"
        got = {row: why for file, row, why in quarantined if file == folder + path}
        assert sorted(got) == sorted(row for row, _ in expect.rows), f"{path}: quarantined rows {got}"
        for row, phrase in expect.rows:
            assert phrase.lower() in got[row].lower(), f"{path}, row {row}: {got[row]!r}"
        assert rows_quarantined == len(expect.rows)
        assert read == (loaded or 0) + rows_quarantined + (withheld or 0)
    for check in case.checks:
        assert run.query(check.sql, [folder + check.file])[0][0] == check.expected, check.sql


def test_the_log_names_file_and_row_of_every_quarantined_row(run):
    for case in CASES:
        for path, expect in case.expect.items():
            source = f"{CORPUS}/{case.name}/{path}"
            for row, _ in expect.rows:
                wanted = f"{source}, row {row}: "
                assert any(wanted in message for message in run.messages), f"no log line names {wanted!r}"
            if expect.status == "quarantined":
                wanted = f"Quarantined file {source}: "
                assert any(wanted in message for message in run.messages), f"no log line names {wanted!r}"


def test_good_files_are_loaded_whole(run):
    entries = run.ledger("good/")
    for path, rows in GOOD_FILES.items():
        status, reason, _, loaded, quarantined, withheld = entries[path]
        assert (status, loaded, quarantined, withheld) == ("loaded", rows, 0, 0), (path, reason)
    assert run.query("SELECT count(*) FROM quarantine.rows WHERE starts_with(source_file, 'good/')") == [(0,)]


def test_good_figures_are_intact(run):
    g01 = _agent_key("G01")
    rows = run.query(f"SELECT month, {AGENT_MONTH_COLUMNS} FROM marts.agent_month WHERE agent_key = ?", [g01])
    by_month = {row[0]: tuple(row[1:]) for row in rows}
    assert {m: by_month.get(m) for m in EXPECTED_G01_MONTHS} == EXPECTED_G01_MONTHS
    later = [values for month, values in by_month.items() if month not in EXPECTED_G01_MONTHS]
    assert all(values[1:8] == (0,) * 7 for values in later), "G01 has no activity outside January-March"
    department = run.query(
        f"SELECT month, {DEPARTMENT_MONTH_COLUMNS} FROM marts.department_month WHERE department = 'Communication'"
    )
    got = {row[0]: tuple(row[1:]) for row in department}
    for month, expected in EXPECTED_COMMUNICATION.items():
        assert got[month] == pytest.approx(expected), month
    posts = run.query(
        "SELECT post_key, title, impressions, clicks, likes, comments, reposts FROM staging.institution_posts "
        "WHERE source_file = 'good/page/content.xlsx'"
    )
    assert {row[0]: tuple(row[1:]) for row in posts} == EXPECTED_PAGE_POSTS


def test_nothing_behind_a_link_or_outside_the_inbox_is_read(run):
    listed = [row[0] for row in run.query("SELECT path FROM raw.inbox_files")]
    assert not any(
        "secret_roster" in path or path.startswith(f"{CORPUS}/symlink_to_folder/linked/") for path in listed
    )
    assert run.query("SELECT count(*) FROM raw.roster WHERE _source_file LIKE '%symlink%'") == [(0,)]
