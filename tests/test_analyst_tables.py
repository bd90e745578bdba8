"""The analysts' tables read as they mean: small cohorts merged, engagements wherever a source gives
them, an amplification figure for every relayed post, rounded figures, and every table described.

Each test builds the few staging and mart tables a model reads, runs the shipped SQL and checks the
result worked out by hand.
"""

from datetime import date

import duckdb
import pytest

from relais.settings import Settings
from relais.shipped import SQL_ROOT
from relais.warehouse.metric_docs import load_metric_docs
from relais.warehouse.models import define_macros, run_model

MARTS = SQL_ROOT / "marts"
K = 5


def _run(con: duckdb.DuckDBPyConnection, name: str) -> None:
    run_model(con, "marts", name, (MARTS / f"{name}.sql").read_text(encoding="utf-8"))


def _connect(threshold: int = K) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for schema in ("staging", "marts"):
        con.execute(f"CREATE SCHEMA {schema}")
    define_macros(con, Settings(anonymity_threshold=threshold))
    return con


def _month(index: int) -> date:
    """The first day of the month ``index`` months after January 2025."""
    return date(2025 + index // 12, index % 12 + 1, 1)


def _cohort_home(sizes: list[int], last_index: int) -> duckdb.DuckDBPyConnection:
    """Ambassadors enrolled ``sizes[i]`` in month i; each is active in the even months since enrolment."""
    con = _connect()
    agents, months = [], []
    for index, size in enumerate(sizes):
        for n in range(size):
            key = f"m{index}-{n}"
            agents.append((key, _month(index).replace(day=10)))
            months += [(key, _month(m), (m - index) % 2 == 0) for m in range(index, last_index + 1)]
    con.execute("CREATE TABLE staging.agents (agent_key VARCHAR, enrolled_on DATE)")
    con.executemany("INSERT INTO staging.agents VALUES (?, ?)", agents)
    con.execute("CREATE TABLE marts.agent_month (agent_key VARCHAR, month DATE, is_active BOOLEAN)")
    con.executemany("INSERT INTO marts.agent_month VALUES (?, ?, ?)", months)
    con.execute(
        "CREATE TABLE staging.month_coverage AS SELECT CAST(m AS DATE) AS month, "
        f"CAST(m AS DATE) < DATE '{_month(last_index)}' AS is_complete "
        f"FROM generate_series(DATE '{_month(0)}', DATE '{_month(last_index)}', INTERVAL 1 MONTH) AS t(m)"
    )
    _run(con, "cohort_retention")
    return con


def test_small_enrolment_months_merge_until_a_cohort_reaches_the_threshold():
    # the demo's cohort sizes: 14, 10, 6, 5, 5 stand alone; 3 + 2, 3 + 3, then 2 + 1 + 1 + 1 + 1
    sizes = [14, 10, 6, 5, 5, 3, 2, 3, 3, 2, 1, 1, 1, 1]
    con = _cohort_home(sizes, last_index=15)
    cohorts = con.execute(
        "SELECT cohort_month, cohort_last_month, cohort_size, max(months_since_enrolment) "
        "FROM marts.cohort_retention GROUP BY ALL ORDER BY 1"
    ).fetchall()
    assert [(first, last, size) for first, last, size, _ in cohorts] == [
        (_month(0), _month(0), 14),
        (_month(1), _month(1), 10),
        (_month(2), _month(2), 6),
        (_month(3), _month(3), 5),
        (_month(4), _month(4), 5),
        (_month(5), _month(6), 5),
        (_month(7), _month(8), 6),
        (_month(9), _month(13), 6),
    ]
    assert min(size for _, _, size, _ in cohorts) >= K
    assert sum(size for _, _, size, _ in cohorts) == sum(sizes), "every ambassador is in one cohort"
    assert cohorts[-1][3] == 2, "observed up to the month its last member reached (15 - 13)"
    # members count from their own enrolment month: everyone is active in even months since then
    rates = con.execute(
        "SELECT months_since_enrolment, active, retention_rate, is_complete FROM marts.cohort_retention "
        "WHERE cohort_month = ? ORDER BY 2",
        [_month(9)],
    ).fetchall()
    assert sorted(rates) == [(0, 6, 1.0, True), (1, 0, 0.0, True), (2, 6, 1.0, False)]


def test_a_last_small_group_joins_the_cohort_before_it_and_a_tiny_programme_publishes_none():
    con = _cohort_home([6, 2, 1], last_index=4)
    assert con.execute(
        "SELECT DISTINCT cohort_month, cohort_last_month, cohort_size FROM marts.cohort_retention"
    ).fetchall() == [(_month(0), _month(2), 9)]
    tiny = _cohort_home([2, 1], last_index=3)
    assert tiny.execute("SELECT count(*) FROM marts.cohort_retention").fetchone() == (0,)


def test_retention_rate_is_rounded_to_four_decimals():
    con = _cohort_home([3, 3], last_index=2)
    con.execute("UPDATE marts.agent_month SET is_active = agent_key <> 'm0-0' AND agent_key <> 'm1-0'")
    _run(con, "cohort_retention")
    assert con.execute(
        "SELECT DISTINCT retention_rate FROM marts.cohort_retention WHERE months_since_enrolment = 0"
    ).fetchall() == [(0.6667,)]


@pytest.fixture
def posts():
    con = _connect()
    con.execute(
        "CREATE TABLE staging.post_metrics (post_key VARCHAR, agent_key VARCHAR, is_institution_post BOOLEAN, "
        "metric VARCHAR, value BIGINT, source VARCHAR)"
    )
    facts = [
        # an ambassador's top post: LinkedIn's engagements only
        ("share:1", "A", False, "impressions", 900, "creator_analytics"),
        ("share:1", "A", False, "engagements", 40, "creator_analytics"),
        # an ambassador's post with a single-post export too: LinkedIn's figure still wins
        ("share:2", "A", False, "engagements", 12, "creator_analytics"),
        *[("share:2", "A", False, m, v, "post_analytics") for m, v in (("reactions", 5), ("comments", 2))],
        ("share:2", "A", False, "reposts", 1, "post_analytics"),
        # a Page export post: reactions + comments + reposts
        *[
            ("activity:1", None, True, m, v, "page_export")
            for m, v in (
                ("impressions", 2000),
                ("reactions", 30),
                ("comments", 4),
                ("reposts", 6),
                ("clicks", 50),
            )
        ],
        # a post known only through the API: no reposts, so no engagements
        *[("share:9", None, True, m, v, "linkedin_api") for m, v in (("reactions", 7), ("comments", 1))],
    ]
    con.executemany("INSERT INTO staging.post_metrics VALUES (?, ?, ?, ?, ?, ?)", facts)
    _run(con, "post_metrics")
    return con


def test_engagements_wherever_a_source_gives_them_and_which_way(posts):
    got = posts.execute(
        "SELECT post_key, reactions, engagements, engagements_basis, sources FROM marts.post_metrics ORDER BY 1"
    ).fetchall()
    assert got == [
        ("activity:1", 30, 40, "reactions + comments + reposts", "page_export"),
        ("share:1", None, 40, "reported", "creator_analytics"),
        ("share:2", 5, 12, "reported", "creator_analytics, post_analytics"),
        ("share:9", 7, None, None, "linkedin_api"),
    ]


def test_every_relayed_post_with_known_reposts_has_an_amplification_figure(posts):
    con = posts
    con.execute(
        "CREATE TABLE staging.institution_posts AS SELECT * FROM (VALUES "
        "('activity:1', 'https://a', 'Budget', DATE '2026-03-01', 'Text'), "
        "('activity:2', 'https://b', 'Forum', DATE '2026-03-02', 'Image'), "
        "('share:9', 'https://c', 'API only', DATE '2026-03-03', NULL)) "
        "AS t(post_key, post_link, title, created_on, content_type)"
    )
    # activity:1: 3 reshares (two instant reposts without impressions), 6 reposts in all;
    # activity:2: nobody relayed it; share:9: relayed, reposts unknown
    con.execute(
        "CREATE TABLE staging.activities AS SELECT * FROM (VALUES "
        "('A', 'share:1', 'activity:1', true), ('B', 'instant:1', 'activity:1', true), "
        "('C', 'instant:2', 'activity:1', true), ('A', 'instant:3', 'share:9', true)) "
        "AS t(agent_key, item_key, institution_post_key, is_institution_target)"
    )
    _run(con, "institution_post")
    got = con.execute(
        "SELECT post_key, relaying_ambassadors, reshares_with_impressions, amplification_ratio, "
        "ambassador_repost_share FROM marts.institution_post ORDER BY 1"
    ).fetchall()
    assert got == [
        ("activity:1", 3, 1, 0.45, 0.5),
        ("activity:2", 0, 0, None, None),
        ("share:9", 1, 0, None, None),
    ]
    con.execute("UPDATE marts.post_metrics SET reposts = 2 WHERE post_key = 'activity:1'")
    _run(con, "institution_post")
    capped = con.execute(
        "SELECT ambassador_repost_share FROM marts.institution_post WHERE post_key = 'activity:1'"
    )
    assert capped.fetchone() == (1.0,), "a reposts figure older than some reshares caps the share at 1"


def test_median_scores_and_rates_are_published_rounded():
    con = _connect(threshold=1)
    con.execute(
        "CREATE TABLE marts.agent_month AS SELECT * FROM (VALUES "
        "('a', 'Com', DATE '2026-03-01', true, true, 1, 0, 0, 1.0, 700, 3, 0, 0, 0.0, 11.0::DOUBLE, 'active', false, false), "
        "('b', 'Com', DATE '2026-03-01', true, false, 0, 0, 0, NULL, 0, 0, 0, 0, 0.0, 11.1::DOUBLE, 'occasional', "
        "false, false), "
        "('c', 'Com', DATE '2026-03-01', true, false, 0, 0, 0, NULL, 0, 0, 0, 0, 0.0, NULL, NULL, false, false)) "
        "AS t(agent_key, department, month, is_enrolled, is_active, posts, reshares, institution_reshares, "
        "reshare_attribution_coverage, impressions, engagements_received, followers_gained, clicks, emv, "
        "ambassador_score, tier, is_new_enrolment, is_lapsed)"
    )
    con.execute(
        "CREATE TABLE staging.department_groups AS SELECT 'Com' AS department, 'Com' AS reported_department, "
        "DATE '2026-03-01' AS month, false AS is_merged, 7 AS headcount"
    )
    con.execute("CREATE TABLE staging.page_day_metrics (day DATE, month DATE, metric VARCHAR, value BIGINT)")
    con.execute(
        "CREATE TABLE staging.month_coverage AS SELECT DATE '2026-03-01' AS month, DATE '2026-03-31' AS data_until, "
        "31 AS days_covered, 31 AS days_in_month, true AS is_complete, false AS clicks_measured"
    )
    for name in ("department_month", "programme_month"):
        _run(con, name)
        row = con.execute(
            f"SELECT median_score, participation_rate, adoption_rate, engagement_rate FROM marts.{name}"
        ).fetchone()
        assert row == (11.05, 0.3333, 0.4286, 0.0043), name


def test_every_documented_table_has_a_description_and_every_mart_is_documented():
    docs = load_metric_docs()
    assert {f"marts.{p.stem}" for p in MARTS.glob("*.sql")} <= set(docs)
    assert [table for table, doc in docs.items() if not doc.description] == []
