"""The metric catalogue's SQL, over a hand-built staging layer whose figures were worked out by hand.

Three ambassadors of "Com" (headcount 5) enrolled in January 2026, default settings:
  A: Jan 1 post; Feb 1 post; Mar 2 posts + 1 reshare of an institution post, 1,000 impressions,
     50 engagements, 10 clicks.
  B: Jan nothing; Feb 1 institution reshare; Mar 1 post, 1,000 impressions, 10 engagements.
  C: nothing at all.
March percentile ranks (mid-rank, a zero scores 0), activity A .833 B .5; reach A .667 B .667;
engagement A .833 B .5; amplification A .833; consistency (active months of the last six: A 3,
B 2) A .833 B .5. Scores: A = 100 x (.25 x .833 + .25 x .667 + .2 x .833 + .2 x .833 + .1 x .833)
= 79.2 (champion); B = 100 x (.25 x .5 + .25 x .667 + .2 x .5 + .1 x .5) = 44.2 (active); C = 0
(dormant, and lapsed: enrolled three months, never active). February: A 25.0, B 38.3.
D enrolled on 10 May 2026 with activity Jan-Sep 1, 0, 2, 1 | 5 | 3, 3, 0, 2: 1.0 a month before,
2.0 after, uplift 1.0; impressions after (Jun 100, Jul 200) 75 a month.
Skills: A declares S1 and S2 (3 endorsements of S1) and names S1 on 15 January (post a1) and S1 and
S3 on 10 March (a2); B names S3 on 12 March (b1). A's coverage is 1/2 from January on (S1 of S1, S2).
"""

from datetime import date

import duckdb
import pytest

from relais.settings import Settings
from relais.shipped import SQL_ROOT
from relais.warehouse.models import define_macros, run_model

SQL = SQL_ROOT / "marts"

MONTHS = [date(2026, m, 1) for m in range(1, 10)]
BASE_COLUMNS = (
    "agent_key",
    "department",
    "month",
    "enrolled_on",
    "is_enrolled",
    "posts",
    "reshares",
    "institution_reshares",
    "comments_given",
    "reactions_given",
    "new_connections",
    "endorsements_received",
    "is_active",
    "impressions",
    "engagements_received",
    "followers_gained",
    "clicks",
)


def base_row(
    agent, month, enrolled_on, posts=0, reshares=0, institution=0, impressions=0, engagements=0, clicks=0
):
    return (
        agent,
        "Com",
        month,
        enrolled_on,
        enrolled_on <= month.replace(day=28),
        posts,
        reshares,
        institution,
        0,
        0,
        0,
        0,
        posts + reshares >= 1,
        impressions,
        engagements,
        0,
        clicks,
    )


def rows():
    jan = date(2026, 1, 10)
    out = [
        base_row("A", MONTHS[0], jan, posts=1),
        base_row("A", MONTHS[1], jan, posts=1),
        base_row(
            "A",
            MONTHS[2],
            jan,
            posts=2,
            reshares=1,
            institution=1,
            impressions=1000,
            engagements=50,
            clicks=10,
        ),
        base_row("B", MONTHS[0], jan),
        base_row("B", MONTHS[1], jan, reshares=1, institution=1),
        base_row("B", MONTHS[2], jan, posts=1, impressions=1000, engagements=10),
        base_row("C", MONTHS[0], jan),
        base_row("C", MONTHS[1], jan),
        base_row("C", MONTHS[2], jan),
    ]
    activity = [1, 0, 2, 1, 5, 3, 3, 0, 2]
    impressions = [0, 0, 0, 0, 0, 100, 200, 0, 0]
    out += [
        base_row("D", m, date(2026, 5, 10), posts=a, impressions=i)
        for m, a, i in zip(MONTHS, activity, impressions, strict=True)
    ]
    return out


@pytest.fixture(scope="module")
def con():
    con = duckdb.connect()
    for schema in ("staging", "marts"):
        con.execute(f"CREATE SCHEMA {schema}")
    placeholders = ", ".join("?" for _ in BASE_COLUMNS)
    con.execute(
        "CREATE TABLE staging.agent_month_base (agent_key VARCHAR, department VARCHAR, month DATE, "
        "enrolled_on DATE, is_enrolled BOOLEAN, posts BIGINT, reshares BIGINT, institution_reshares BIGINT, "
        "comments_given BIGINT, reactions_given BIGINT, new_connections BIGINT, endorsements_received BIGINT, "
        "is_active BOOLEAN, impressions BIGINT, engagements_received BIGINT, followers_gained BIGINT, clicks BIGINT)"
    )
    con.executemany(f"INSERT INTO staging.agent_month_base VALUES ({placeholders})", rows())
    con.execute(
        "CREATE TABLE staging.agents AS SELECT DISTINCT agent_key, department, enrolled_on "
        "FROM staging.agent_month_base"
    )
    con.execute("CREATE TABLE staging.headcount AS SELECT 'Com' AS department, 5 AS headcount")
    con.execute("CREATE TABLE staging.page_day_metrics (day DATE, month DATE, metric VARCHAR, value BIGINT)")
    con.execute(
        "CREATE TABLE staging.month_coverage AS SELECT CAST(m AS DATE) AS month, DATE '2026-09-30' AS data_until, "
        "30 AS days_covered, 30 AS days_in_month, true AS is_complete, false AS clicks_measured "
        "FROM generate_series(DATE '2026-01-01', DATE '2026-09-01', INTERVAL 1 MONTH) AS t(m)"
    )
    con.execute(
        "CREATE TABLE staging.agent_day_metrics AS SELECT 'D' AS agent_key, DATE '2026-06-03' AS day, "
        "DATE '2026-06-01' AS month, 'impressions' AS metric, 100 AS value UNION ALL SELECT 'D', "
        "DATE '2026-07-03', DATE '2026-07-01', 'impressions', 200"
    )
    con.execute(
        "CREATE TABLE staging.institution_posts AS SELECT 'activity:1' AS post_key, 'https://x' AS post_link, "
        "'Budget' AS title, DATE '2026-03-01' AS created_on, 'Text' AS content_type"
    )
    con.execute(
        "CREATE TABLE marts.post_metrics AS SELECT * FROM (VALUES ('activity:1', 1000, 9, 20, 2, 3), "
        "('share:1', 300, NULL, NULL, NULL, NULL)) AS t(post_key, impressions, clicks, reactions, comments, reposts)"
    )
    con.execute(
        "CREATE TABLE staging.activities AS SELECT * FROM (VALUES ('A', 'share:1', 'activity:1', 'activity:1', true), "
        "('B', 'share:2', 'activity:1', 'activity:1', true), ('B', 'share:3', 'activity:9', NULL, false)) "
        "AS t(agent_key, item_key, target_key, institution_post_key, is_institution_target)"
    )
    con.execute(
        "CREATE TABLE staging.skills_framework AS SELECT * FROM (VALUES ('S1', 'Gestion de projet', 'F1', "
        "'relais'), ('S2', 'Marchés publics', 'F2', 'relais'), ('S3', 'Accueil du public', 'F3', 'relais')) "
        "AS t(skill_id, skill_label, family, framework)"
    )
    con.execute(
        "CREATE TABLE staging.skill_mentions AS SELECT * FROM (VALUES "
        "('A', 'a1', 'S1', DATE '2026-01-15', DATE '2026-01-01'), ('A', 'a2', 'S1', DATE '2026-03-10', "
        "DATE '2026-03-01'), ('A', 'a2', 'S3', DATE '2026-03-10', DATE '2026-03-01'), "
        "('B', 'b1', 'S3', DATE '2026-03-12', DATE '2026-03-01')) AS t(agent_key, item_key, skill_id, local_day, month)"
    )
    con.execute(
        "CREATE TABLE staging.skills_declared_mapped AS SELECT * FROM (VALUES ('A', 'Gestion de projet', 'S1', 0), "
        "('A', 'Marchés publics', 'S2', 0)) AS t(agent_key, skill_name, skill_id, endorsements)"
    )
    con.execute(
        "CREATE TABLE staging.endorsements_mapped AS SELECT 'A' AS agent_key, 'Gestion de projet' AS skill_name, "
        "'S1' AS skill_id, 3 AS endorsements"
    )
    # Hand-worked figures of one small department: the anonymity merge is off here (tests/test_anonymity.py).
    define_macros(con, Settings(anonymity_threshold=1))
    run_model(
        con, "staging", "department_groups", (SQL.parent / "staging" / "department_groups.sql").read_text()
    )
    for name in (
        "agent_month",
        "department_month",
        "programme_month",
        "cohort_retention",
        "enrolment_uplift",
        "institution_post",
        "agent_skill",
        "skill_month",
        "department_skill",
    ):
        run_model(con, "marts", name, (SQL / f"{name}.sql").read_text(encoding="utf-8"))
    return con


def test_scores_tiers_streaks_and_lapses(con):
    got = {
        (a, str(m)[:7]): rest
        for a, m, *rest in con.execute(
            "SELECT agent_key, month, ambassador_score, tier, active_streak, active_months_last_6, is_lapsed, "
            "is_new_enrolment, engagement_rate, emv FROM marts.agent_month WHERE agent_key <> 'D' AND month <= "
            "DATE '2026-03-01'"
        ).fetchall()
    }
    assert got[("A", "2026-03")] == [79.2, "champion", 3, 3, False, False, 0.05, 27.0]
    assert got[("B", "2026-03")] == [44.2, "active", 2, 2, False, False, 0.01, 12.0]
    assert got[("C", "2026-03")] == [0.0, "dormant", 0, 0, True, False, None, 0.0]
    assert got[("A", "2026-02")][:2] == [25.0, "active"] and got[("B", "2026-02")][:2] == [38.3, "active"]
    assert got[("A", "2026-01")][:2] == [29.2, "active"] and got[("A", "2026-01")][5] is True
    assert got[("C", "2026-02")][4] is False, "enrolled two months only: not lapsed yet"
    d_april = con.execute(
        "SELECT ambassador_score, tier FROM marts.agent_month WHERE agent_key = 'D' "
        "AND month = DATE '2026-04-01'"
    ).fetchone()
    assert d_april == (None, None), "no score or tier before enrolment"


def test_department_and_programme_summaries(con):
    com = con.execute(
        "SELECT enrolled, active, median_score, tier_champion, tier_active, tier_occasional, "
        "tier_dormant, new_enrolments, lapsed, institution_share, engagement_rate, emv "
        "FROM marts.department_month WHERE month = DATE '2026-03-01'"
    ).fetchone()
    assert com == (3, 2, 44.2, 1, 1, 0, 1, 0, 1, 0.25, 0.03, 39.0)
    january = con.execute(
        "SELECT new_enrolments, median_score FROM marts.programme_month WHERE month = DATE '2026-01-01'"
    ).fetchone()
    assert january == (3, 0.0)


def test_cohort_retention(con):
    got = con.execute(
        "SELECT months_since_enrolment, cohort_size, active, retention_rate FROM marts.cohort_retention "
        "WHERE cohort_month = DATE '2026-01-01' AND months_since_enrolment <= 2"
    ).fetchall()
    assert got == [
        (0, 3, 1, 0.3333),
        (1, 3, 2, 0.6667),
        (2, 3, 2, 0.6667),
    ]
    may = con.execute(
        "SELECT cohort_size, active FROM marts.cohort_retention WHERE cohort_month = DATE '2026-05-01' "
        "ORDER BY months_since_enrolment"
    ).fetchall()
    assert may == [(1, 1), (1, 1), (1, 1), (1, 0), (1, 1)]


def test_enrolment_uplift(con):
    got = con.execute(
        "SELECT agent_key, months_before, months_after, activity_per_month_before, "
        "activity_per_month_after, activity_uplift, impressions_per_month_after, "
        "impressions_known_before FROM marts.enrolment_uplift"
    ).fetchall()
    assert got == [("D", 4, 4, 1.0, 2.0, 1.0, 75.0, 0)], "A, B, C have no month of data before enrolment"


def test_institution_post_amplification(con):
    got = con.execute(
        "SELECT post_key, impressions, relaying_ambassadors, reshares, reshare_impressions, "
        "reshares_with_impressions, amplification_ratio FROM marts.institution_post"
    ).fetchall()
    assert got == [("activity:1", 1000, 2, 2, 300, 1, 0.3)]


def test_skills_showcased_and_coverage(con):
    got = {
        (a, str(m)[:7]): (n, c)
        for a, m, n, c in con.execute(
            "SELECT agent_key, month, skills_showcased, showcase_coverage FROM marts.agent_month "
            "WHERE agent_key IN ('A', 'B') AND month <= DATE '2026-03-01'"
        ).fetchall()
    }
    assert got == {
        ("A", "2026-01"): (1, 0.5),
        ("A", "2026-02"): (0, 0.5),
        ("A", "2026-03"): (2, 0.5),
        ("B", "2026-01"): (0, None),
        ("B", "2026-02"): (0, None),
        ("B", "2026-03"): (1, None),
    }


def test_agent_skill_declared_endorsed_showcased_hidden(con):
    got = con.execute(
        "SELECT agent_key, skill_id, declared, endorsements, showcased_posts, first_showcased_on, "
        "last_showcased_on, showcased_not_declared FROM marts.agent_skill ORDER BY 1, 2"
    ).fetchall()
    assert got == [
        ("A", "S1", True, 3, 2, date(2026, 1, 15), date(2026, 3, 10), False),
        ("A", "S2", True, 0, 0, None, None, False),
        ("A", "S3", False, 0, 1, date(2026, 3, 10), date(2026, 3, 10), True),
        ("B", "S3", False, 0, 1, date(2026, 3, 12), date(2026, 3, 12), True),
    ]


def test_skill_month_and_department_skill(con):
    months = con.execute(
        "SELECT skill_id, strftime(month, '%Y-%m'), ambassadors_showcasing, showcased_posts "
        "FROM marts.skill_month ORDER BY 1, 2"
    ).fetchall()
    assert months == [("S1", "2026-01", 1, 1), ("S1", "2026-03", 1, 1), ("S3", "2026-03", 2, 2)]
    departments = con.execute(
        "SELECT skill_id, ambassadors_declaring, ambassadors_showcasing, showcased_posts, "
        "ambassadors_showcasing_not_declaring FROM marts.department_skill ORDER BY 1"
    ).fetchall()
    assert departments == [("S1", 1, 1, 2, 0), ("S2", 1, 0, 0, 0), ("S3", 0, 2, 2, 2)]
