"""Small groups stay anonymous: the department grouping rule, worked out by hand, and the demo's marts."""

from datetime import date

import duckdb
import pytest

from relais.settings import Settings
from relais.shipped import SQL_ROOT
from relais.warehouse.models import define_macros, run_model

JAN, FEB = date(2026, 1, 1), date(2026, 2, 1)
# department -> headcount, and enrolled ambassadors per month (one agent_month_base row each).
HEADCOUNT = {"Archives": 4, "Culture": 20, "Finances": 12, "Sport": 30, "Voirie": 40}
ENROLLED = {
    JAN: {"Archives": 0, "Culture": 2, "Finances": 2, "Sport": 6, "Voirie": 10},
    FEB: {"Archives": 0, "Culture": 5, "Finances": 5, "Sport": 6, "Voirie": 10},
}


def _warehouse(threshold: int) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("CREATE SCHEMA staging")
    con.execute("CREATE TABLE staging.headcount (department VARCHAR, headcount BIGINT)")
    con.executemany("INSERT INTO staging.headcount VALUES (?, ?)", list(HEADCOUNT.items()))
    con.execute(
        "CREATE TABLE staging.agent_month_base (agent_key VARCHAR, department VARCHAR, month DATE, "
        "is_enrolled BOOLEAN)"
    )
    rows = [
        (f"{department}-{i}", department, month, True)
        for month, counts in ENROLLED.items()
        for department, count in counts.items()
        for i in range(count)
    ]
    # An ambassador not yet enrolled does not count towards a group's size.
    rows.append(("Archives-future", "Archives", JAN, False))
    con.executemany("INSERT INTO staging.agent_month_base VALUES (?, ?, ?, ?)", rows)
    define_macros(con, Settings(anonymity_threshold=threshold))
    sql = (SQL_ROOT / "staging" / "department_groups.sql").read_text(encoding="utf-8")
    run_model(con, "staging", "department_groups", sql)
    return con


def _groups(con: duckdb.DuckDBPyConnection, month: date) -> dict[str, str]:
    rows = con.execute(
        "SELECT department, reported_department FROM staging.department_groups WHERE month = ?", [month]
    ).fetchall()
    return dict(rows)


def test_small_departments_merge_until_the_group_reaches_k():
    con = _warehouse(5)
    # January, smallest first: Archives 0, Culture 2, Finances 2 are below 5 and merge (4 ambassadors);
    # the group is still below 5, so the next smallest, Sport (6), joins it: 10 ambassadors. Voirie stays.
    assert _groups(con, JAN) == {
        "Archives": "Autres directions",
        "Culture": "Autres directions",
        "Finances": "Autres directions",
        "Sport": "Autres directions",
        "Voirie": "Voirie",
    }
    # February: Culture and Finances reach 5; only Archives (no ambassador) is merged, a group of 0
    # that says nothing about anyone, so nobody else is pulled in.
    assert _groups(con, FEB) == {
        "Archives": "Autres directions",
        "Culture": "Culture",
        "Finances": "Finances",
        "Sport": "Sport",
        "Voirie": "Voirie",
    }
    merged = con.execute(
        "SELECT month, max(departments_merged), bool_or(is_latest_month) FROM staging.department_groups "
        "WHERE is_merged GROUP BY month ORDER BY month"
    ).fetchall()
    assert merged == [(JAN, 4, False), (FEB, 1, True)]


def test_a_threshold_of_one_merges_nothing():
    con = _warehouse(1)
    for month in (JAN, FEB):
        assert all(group == department for department, group in _groups(con, month).items())


def test_a_programme_smaller_than_k_is_one_group():
    con = _warehouse(100)
    assert set(_groups(con, JAN).values()) == {"Autres directions"}


@pytest.mark.parametrize("threshold", [0, -1])
def test_a_threshold_below_one_merges_nothing_and_negative_is_refused(threshold):
    if threshold < 0:
        with pytest.raises(ValueError, match="anonymity_threshold"):
            _warehouse(threshold)
    else:
        con = _warehouse(threshold)
        assert all(g == d for d, g in _groups(con, JAN).items())
