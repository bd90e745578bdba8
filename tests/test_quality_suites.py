"""The Great Expectations suites over the tiny organisation of ``test_end_to_end``: every check passes
on the warehouse the real pipeline builds, and each fault injected into a copy of it fails the right
check, with the right severity, a useful unexpected count and pseudonymous examples.

The organisation's data end in April 2026, so the checks run "on 20 April 2026" (``TODAY``): April is
the current, partial month, and the data are fresh.
"""

import datetime as dt
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from relais.quality.runner import QUALITY_CHECKS_COLUMNS, outcome_rows, summary_line, validate_warehouse
from relais.quality.suites import ERROR, NOT_CHECKED, ROW_TABLES_SQL, WARN, build_suites
from relais.settings import Settings
from relais.warehouse.metric_docs import load_metric_docs
from tests.conftest import run_pipeline
from tests.test_end_to_end import build_organisation, key

TODAY = dt.date(2026, 4, 20)
REQUIRED_TABLES = {
    *(
        f"staging.{t}"
        for t in (
            "agents",
            "activities",
            "agent_month_base",
            "agent_day_metrics",
            "page_day_metrics",
            "post_metrics",
            "institution_posts",
            "skill_mentions",
        )
    ),
    *(
        f"raw.{t}"
        for t in (
            "roster",
            "li_shares",
            "li_instant_reposts",
            "li_comments",
            "li_reactions",
            "creator_daily",
            "page_posts",
            "page_metrics_daily",
            "file_ledger",
        )
    ),
}
PRIVATE = ("Ann", "Lee", "ann.lee", "ville.fr", "A01", "A02", "A03", "linkedin/", "exports/", ".csv", ".zip")
PRIVATE_COLUMNS = {
    "agent_id",
    "first_name",
    "last_name",
    "email",
    "path",
    "source_file",
    "_source_file",
    "commentary",
}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("quality") / "home"
    build_organisation(root / "inbox")
    assert run_pipeline(root).success
    return root / "warehouse.duckdb"


@pytest.fixture
def faulty(warehouse, tmp_path):
    """A writable copy of the warehouse with the given SQL statements applied."""
    connections = []

    def make(*statements: str) -> duckdb.DuckDBPyConnection:
        copy = tmp_path / f"warehouse_{len(connections)}.duckdb"
        shutil.copy(warehouse, copy)
        if warehouse.with_suffix(".duckdb.wal").exists():
            shutil.copy(warehouse.with_suffix(".duckdb.wal"), copy.with_suffix(".duckdb.wal"))
        con = duckdb.connect(str(copy))
        for statement in statements:
            con.execute(statement)
        connections.append(con)
        return con

    yield make
    for con in connections:
        con.close()


def validate(con, tables=None, today=TODAY, settings=None, docs_dir=None):
    outcomes = validate_warehouse(con, settings, "test-run", docs_dir, tables, today=today)
    for o in outcomes:
        text = " ".join([*o.examples, o.details])
        assert not any(secret in text for secret in PRIVATE), (o, "leaks a name, e-mail, agent id or path")
    return outcomes


def failed(outcomes) -> dict[tuple[str, str], object]:
    return {(o.table_name, o.check_name): o for o in outcomes if not o.success}


def test_every_check_passes_on_the_pipeline_warehouse(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        outcomes = validate(con)
        row_tables = [r[0] for r in con.execute(ROW_TABLES_SQL).fetchall()]
        suites = build_suites(None, TODAY, row_tables)
        for suite in suites:  # frames never carry a name, an e-mail, an HR id or a file path
            for frame in suite.frames.values():
                assert not PRIVATE_COLUMNS & set(con.sql(frame.sql).columns), (suite.table, frame.name)
    assert failed(outcomes) == {}
    tables = {o.table_name for o in outcomes}
    marts = set(load_metric_docs()) - NOT_CHECKED
    assert marts | REQUIRED_TABLES <= tables
    checks = {(o.table_name, o.check_name) for o in outcomes}
    assert {
        ("marts.agent_month", "key_unique"),
        ("marts.agent_month", "months_contiguous"),
        ("marts.agent_month", "agent_key_known"),
        ("marts.agent_month", "schema_contract"),
        ("marts.department_month", "within_bounds"),
        ("marts.programme_month", "freshness"),
        ("marts.programme_month", "volume_anomaly"),
        ("raw.file_ledger", "row_conservation"),
        ("staging.activities", "dates_plausible"),
        ("raw.li_shares", "key_unique"),
    } <= checks
    warnings = {"freshness", "volume_anomaly", "ratios_at_most_1"}
    assert {o.severity for o in outcomes if o.check_name in warnings} == {WARN}
    assert {o.severity for o in outcomes if o.check_name not in warnings} == {ERROR}
    assert summary_line(outcomes) == f"Quality: {len(outcomes)} checks, {len(outcomes)} passed"
    # Suites as code: unique check names per suite, no expectation given twice on a frame.
    for suite in suites:
        assert len({c.name for c in suite.checks}) == len(suite.checks), suite.table
        for frame in suite.frames:
            given = [
                (e.type, repr(sorted(e.kwargs.items())))
                for c in suite.checks
                if c.frame == frame
                for e in c.expectations
            ]
            assert len(given) == len(set(given)), (suite.table, frame)


def test_duplicated_key_fails_key_unique(faulty):
    con = faulty(
        "INSERT INTO marts.agent_month SELECT * FROM marts.agent_month "
        f"WHERE agent_key = '{key('A01')}' AND month = DATE '2026-02-01'"
    )
    outcome = failed(validate(con, {"marts.agent_month"}))[("marts.agent_month", "key_unique")]
    assert outcome.severity == ERROR
    assert outcome.unexpected_count == 2
    assert outcome.examples == [f"agent_key={key('A01')}, month=2026-02-01"]


def test_negative_count_fails_non_negative(faulty):
    con = faulty(
        "UPDATE marts.agent_month SET comments_given = -2 "
        f"WHERE agent_key = '{key('A02')}' AND month = DATE '2026-03-01'"
    )
    failures = failed(validate(con, {"marts.agent_month"}))
    assert set(failures) == {("marts.agent_month", "non_negative")}
    outcome = failures[("marts.agent_month", "non_negative")]
    assert (outcome.severity, outcome.unexpected_count) == (ERROR, 1)
    assert outcome.examples == [f"agent_key={key('A02')}, month=2026-03-01, comments_given=-2"]


def test_engagement_rate_above_one_only_warns(faulty):
    con = faulty(
        "UPDATE marts.agent_month SET engagement_rate = 3.5 "
        f"WHERE agent_key = '{key('A01')}' AND month = DATE '2026-03-01'"
    )
    failures = failed(validate(con, {"marts.agent_month"}))
    assert set(failures) == {("marts.agent_month", "ratios_at_most_1")}
    outcome = failures[("marts.agent_month", "ratios_at_most_1")]
    assert (outcome.severity, outcome.unexpected_count) == (WARN, 1)
    assert outcome.examples == [f"agent_key={key('A01')}, month=2026-03-01, engagement_rate=3.5"]


def test_missing_month_fails_months_contiguous(faulty):
    con = faulty(
        f"DELETE FROM marts.agent_month WHERE agent_key = '{key('A01')}' AND month = DATE '2026-02-01'"
    )
    failures = failed(validate(con, {"marts.agent_month"}))
    assert set(failures) == {("marts.agent_month", "months_contiguous")}
    outcome = failures[("marts.agent_month", "months_contiguous")]
    assert (outcome.severity, outcome.unexpected_count) == (ERROR, 1)
    assert outcome.examples == [f"agent_key={key('A01')}, missing_months=1"]


def test_unknown_agent_key_fails_agent_key_known(faulty):
    stranger = "0" * 64
    con = faulty(
        f"INSERT INTO marts.agent_month BY NAME SELECT * REPLACE ('{stranger}' AS agent_key) "
        f"FROM marts.agent_month WHERE agent_key = '{key('A03')}' AND month = DATE '2026-04-01'"
    )
    failures = failed(validate(con, {"marts.agent_month"}))
    assert set(failures) == {("marts.agent_month", "agent_key_known")}
    outcome = failures[("marts.agent_month", "agent_key_known")]
    assert (outcome.severity, outcome.unexpected_count) == (ERROR, 1)
    assert outcome.examples == [f"agent_key={stranger}, known=False"]


def test_lost_raw_row_fails_row_conservation(faulty):
    con = faulty()
    path = con.execute(
        "SELECT _source_file FROM raw.li_shares ORDER BY _source_file, _source_row LIMIT 1"
    ).fetchall()[0][0]
    loaded = con.execute("SELECT count(*) FROM raw.li_shares WHERE _source_file = ?", [path]).fetchall()[0][0]
    con.execute(
        "DELETE FROM raw.li_shares WHERE _source_file = $1 AND _source_row = "
        "(SELECT min(_source_row) FROM raw.li_shares WHERE _source_file = $1)",
        [path],
    )
    failures = failed(validate(con, {"raw.file_ledger", "raw.li_shares"}))
    assert set(failures) == {("raw.file_ledger", "row_conservation")}
    outcome = failures[("raw.file_ledger", "row_conservation")]
    assert (outcome.severity, outcome.unexpected_count) == (ERROR, 1)
    file_ref = hashlib.sha256(path.encode()).hexdigest()[:12]
    assert outcome.examples == [
        f"file_ref={file_ref}, kind=li_shares, problem=ledger says {loaded} loaded, raw tables hold {loaded - 1}"
    ]


def test_stale_data_warn_on_freshness(faulty):
    outcomes = validate(faulty(), {"marts.programme_month"}, today=dt.date(2026, 9, 1))
    failures = failed(outcomes)
    assert set(failures) == {("marts.programme_month", "freshness")}
    outcome = failures[("marts.programme_month", "freshness")]
    assert (outcome.severity, outcome.unexpected_count) == (WARN, 1)
    assert outcome.examples == ["newest_month=2026-04-01, age_days=124"]  # April ended 124 days before
    assert "1 warning failed (marts.programme_month freshness)" in summary_line(outcomes)
    assert "blocking" not in summary_line(outcomes)
    # The threshold is a setting.
    assert not failed(
        validate(faulty(), {"marts.programme_month"}, dt.date(2026, 9, 1), Settings(freshness_max_days=130))
    )


def test_collapsed_month_warns_on_volume_anomaly(faulty):
    con = faulty(
        "UPDATE marts.programme_month SET active = 0, posts = 0, reshares = 0, institution_reshares = 0, "
        "participation_rate = 0, institution_share = NULL WHERE month = DATE '2026-03-01'"
    )
    failures = failed(validate(con, {"marts.programme_month"}))
    assert set(failures) == {("marts.programme_month", "volume_anomaly")}
    outcome = failures[("marts.programme_month", "volume_anomaly")]
    assert (outcome.severity, outcome.unexpected_count) == (WARN, 2)  # active and posts + reshares
    assert outcome.examples == ["month=2026-03-01, active_drop=1", "month=2026-03-01, published_drop=1"]
    # The current month (April) is partial: its collapse is not an anomaly.
    con = faulty(
        "UPDATE marts.programme_month SET active = 0, posts = 0, reshares = 0 WHERE month = DATE '2026-04-01'"
    )
    assert not failed(validate(con, {"marts.programme_month"}))


def test_renamed_mart_column_fails_schema_contract(faulty):
    con = faulty("ALTER TABLE marts.department_month RENAME COLUMN lapsed TO lapsed_count")
    failures = failed(validate(con, {"marts.department_month"}))
    outcome = failures[("marts.department_month", "schema_contract")]
    assert (outcome.severity, outcome.unexpected_count) == (ERROR, 2)
    assert outcome.examples == ["missing: lapsed", "not documented: lapsed_count"]
    assert "lapsed" in failures[("marts.department_month", "non_negative")].details  # cannot check it either


def test_missing_table_is_a_failed_outcome_not_a_crash(faulty):
    con = faulty("DROP TABLE marts.skill_month")
    outcomes = validate(con, {"marts.skill_month", "marts.programme_month"})
    assert set(failed(outcomes)) == {("marts.skill_month", "table_exists")}
    outcome = failed(outcomes)[("marts.skill_month", "table_exists")]
    assert (outcome.severity, outcome.examples) == (ERROR, ["marts.skill_month"])
    assert "1 blocking failed (marts.skill_month table_exists)" in summary_line(outcomes)


def test_data_docs_and_quality_rows(faulty, tmp_path):
    con = faulty(
        f"DELETE FROM marts.agent_month WHERE agent_key = '{key('A01')}' AND month = DATE '2026-02-01'"
    )
    docs = tmp_path / "docs"
    outcomes = validate(con, {"marts.agent_month", "marts.programme_month"}, docs_dir=docs)
    assert set(failed(outcomes)) == {("marts.agent_month", "months_contiguous")}
    assert failed(outcomes)[("marts.agent_month", "months_contiguous")].unexpected_count == 1
    index = docs / "data_docs" / "index.html"
    assert index.exists()
    html = index.read_text(encoding="utf-8")
    assert "marts.agent_month" in html and "marts.programme_month.volumes" in html
    assert list((docs / "data_docs" / "validations" / "marts" / "agent_month").rglob("*.html"))
    checked_at = dt.datetime(2026, 4, 20, 6, 0)
    rows = outcome_rows(outcomes, "test-run", checked_at)
    assert len(rows) == len(outcomes) and all(len(r) == len(QUALITY_CHECKS_COLUMNS) for r in rows)
    row = next(r for r in rows if r[3] == "months_contiguous" and r[2] == "marts.agent_month")
    assert row[:7] == ("test-run", checked_at, "marts.agent_month", "months_contiguous", ERROR, False, 1)
    assert f"Examples: agent_key={key('A01')}, missing_months=1" in row[7]


def test_quality_checks_table_matches_its_documentation():
    documented = load_metric_docs().get("marts.quality_checks")
    if documented is not None:
        assert list(documented.columns) == [name for name, _ in QUALITY_CHECKS_COLUMNS]


def test_row_conservation_counts_the_pipeline_row_tables(warehouse):
    from relais.sources.registry import row_tables

    with duckdb.connect(str(warehouse), read_only=True) as con:
        found = [r[0] for r in con.execute(ROW_TABLES_SQL).fetchall()]
    assert set(found) == set(row_tables())


def test_importing_the_runner_does_not_import_great_expectations():
    code = (
        "import sys; import relais.quality.runner, relais.quality.suites; "
        "assert 'great_expectations' not in sys.modules, 'GX imported'; "
        "assert 'dagster' not in sys.modules, 'Dagster imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parent.parent)


def test_large_frames_are_validated_in_parts_with_the_same_outcomes(faulty, monkeypatch):
    """A frame above PART_ROWS is read and validated in parts split by its key: a duplicate still
    meets its twin in one part, and counts add up to those of one whole validation."""
    from relais.quality import runner

    statements = (
        "INSERT INTO marts.agent_month SELECT * FROM marts.agent_month "
        f"WHERE agent_key = '{key('A01')}' AND month = DATE '2026-02-01'",
        f"UPDATE marts.agent_month SET posts = -1 WHERE agent_key = '{key('A02')}'",
    )
    whole = {
        (o.check_name, o.success, o.unexpected_count)
        for o in validate(faulty(*statements), {"marts.agent_month"})
    }
    monkeypatch.setattr(runner, "PART_ROWS", 3)
    parts = {
        (o.check_name, o.success, o.unexpected_count)
        for o in validate(faulty(*statements), {"marts.agent_month"})
    }
    assert parts == whole
    assert ("key_unique", False, 2) in parts and any(c == "non_negative" and not ok for c, ok, _ in parts)
