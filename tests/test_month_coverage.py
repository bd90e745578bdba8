"""How complete each month is: the SQL models staging.data_coverage and staging.month_coverage.

Worked by hand (Europe/Paris): archives' newest reaction 2026-10-30 and an archive named
..._LinkedInDataExport_11-02-2026.zip (exported 2 November: covers 1 November); creator analytics
to 2026-10-31; the Page export to 2026-10-31; an advocacy export of March 2026 (stopped: more than
92 days before the newest family, not current). The data covers up to 2026-10-31, the earliest of
the current families: October is complete, November has 0 days covered, and the advocacy platform
left in March does not hold April to October back.
"""

from datetime import date

import duckdb
import pytest

from relais.settings import Settings
from relais.shipped import SQL_ROOT
from relais.warehouse.models import define_macros, run_model

RAW = {
    "li_shares": "shared_at TIMESTAMP",
    "li_instant_reposts": "reposted_at TIMESTAMP",
    "li_comments": "commented_at TIMESTAMP",
    "li_reactions": "reacted_at TIMESTAMP",
    "archive_owners": "archive VARCHAR, agent_id VARCHAR",
    "creator_daily": "day DATE",
    "creator_periods": "period_end DATE",
    "page_metrics_daily": "day DATE",
    "page_followers_daily": "day DATE",
    "page_visitors_daily": "day DATE",
    "advocacy_users": "report_month DATE",
    "api_member_daily": "day DATE",
    "api_org_share_stats": "day DATE",
    "api_changelog": "_obtained_at TIMESTAMP",
    "api_posts": "_obtained_at TIMESTAMP",
}


def _coverage(rows: dict[str, list[tuple]]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("CREATE SCHEMA raw")
    for table, columns in RAW.items():
        con.execute(f"CREATE TABLE raw.{table} ({columns})")
        for row in rows.get(table, []):
            con.execute(f"INSERT INTO raw.{table} VALUES ({', '.join('?' * len(row))})", list(row))
    define_macros(con, Settings())
    for name in ("data_coverage", "month_coverage"):
        run_model(con, "staging", name, (SQL_ROOT / "staging" / f"{name}.sql").read_text())
    return con


@pytest.fixture
def con():
    return _coverage(
        {
            "li_reactions": [("2026-10-30 09:00:00",)],
            "archive_owners": [
                ("archives/A01/Complete_LinkedInDataExport_11-02-2026.zip", "A01"),
                ("archives/other/Complete_LinkedInDataExport_11-30-2026.zip", None),  # nobody's: not read
            ],
            "creator_daily": [("2026-10-31",)],
            "creator_periods": [("2026-10-31",)],
            "page_metrics_daily": [("2026-10-31",)],
            "advocacy_users": [("2026-03-01",)],
        }
    )


def test_each_family_says_how_far_it_reaches(con):
    rows = con.execute("SELECT source, data_until, is_current FROM staging.data_coverage").fetchall()
    assert rows == [
        ("advocacy", date(2026, 3, 31), False),
        ("creator_analytics", date(2026, 10, 31), True),
        ("linkedin_archives", date(2026, 11, 1), True),
        ("page_exports", date(2026, 10, 31), True),
    ]


def test_a_month_is_complete_only_when_the_data_reaches_its_last_day(con):
    months = {
        m: (until, covered, days, complete)
        for m, until, covered, days, complete in con.execute(
            "SELECT month, data_until, days_covered, days_in_month, is_complete FROM staging.month_coverage "
            "WHERE month BETWEEN DATE '2026-03-01' AND DATE '2026-11-01'"
        ).fetchall()
    }
    assert months[date(2026, 10, 1)] == (date(2026, 10, 31), 31, 31, True)
    assert months[date(2026, 11, 1)] == (date(2026, 10, 31), 0, 30, False)
    assert all(months[date(2026, m, 1)][3] for m in range(3, 11)), "a stopped family holds nothing back"


def test_a_month_half_covered_counts_its_days_and_no_data_means_no_complete_month():
    con = _coverage({"creator_daily": [("2026-10-15",)]})
    assert con.execute(
        "SELECT days_covered, is_complete FROM staging.month_coverage WHERE month = DATE '2026-10-01'"
    ).fetchall() == [(15, False)]
    empty = _coverage({})
    assert empty.execute(
        "SELECT count(*) FILTER (WHERE is_complete), max(days_covered) FROM staging.month_coverage"
    ).fetchall() == [(0, 0)]
