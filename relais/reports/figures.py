"""The report's figures, read from the marts into plain records (no formatting, no Dagster).

Every query fetches its result whole (DuckDB 2 blocks a connection on a pending result). Columns
that another version of the marts may lack (``is_other_departments``, ``departments_merged``) and
tables a database may lack (``raw.roster``, ``marts.quality_checks``) are looked up first, so an
older database gives a report with every department shown as itself and no names.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import duckdb

from relais.reports.months import add_months, month_window
from relais.reports.text import safe_url
from relais.settings import Settings
from relais.warehouse.tables import table_columns

# key, kind (count, rate, money, score), whether a rise is good news
PROGRAMME_HEADLINES: tuple[tuple[str, str, bool], ...] = (
    ("enrolled", "count", True),
    ("active", "count", True),
    ("participation_rate", "rate", True),
    ("adoption_rate", "rate", True),
    ("posts", "count", True),
    ("reshares", "count", True),
    ("institution_reshares", "count", True),
    ("reshare_attribution_coverage", "rate", True),
    ("impressions", "count", True),
    ("engagements_received", "count", True),
    ("engagement_rate", "rate", True),
    ("emv", "money", True),
    ("new_enrolments", "count", True),
    ("lapsed", "count", False),
)
DEPARTMENT_HEADLINES: tuple[tuple[str, str, bool], ...] = (
    ("enrolled", "count", True),
    ("active", "count", True),
    ("participation_rate", "rate", True),
    ("adoption_rate", "rate", True),
    ("posts", "count", True),
    ("reshares", "count", True),
    ("impressions", "count", True),
    ("engagements_received", "count", True),
    ("median_score", "score", True),
    ("lapsed", "count", False),
)


COMPARED_ON: dict[str, str] = {"emv": "clicks_measured"}
"""Figures whose sources come and go from month to month, and the column saying whether a month has
them: earned media value counts clicks only where an advocacy export covers the month."""


def basis_differs(key: str, current: Mapping[str, Any] | None, previous: Mapping[str, Any] | None) -> bool:
    """Whether ``key`` rests on different sources in the two months' rows (then it is not compared).

    Rows without the basis column (marts built before it existed) are taken as comparable.
    """
    basis = COMPARED_ON.get(key)
    if basis is None or current is None or previous is None or basis not in current or basis not in previous:
        return False
    return bool(current[basis]) != bool(previous[basis])


@dataclass(frozen=True)
class Headline:
    """One headline figure of month M and its value in M-1 (``None`` when unknown); ``basis_changed``
    when the figure rests on different sources in the two months (M-1 then left out)."""

    key: str
    kind: str
    value: float | None
    previous: float | None
    rising_is_good: bool = True
    basis_changed: bool = False

    @property
    def delta(self) -> float | None:
        """The change since M-1 (absolute; for a rate, a difference of ratios)."""
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def relative(self) -> float | None:
        """The change since M-1 relative to M-1, ``None`` when M-1 is zero or unknown."""
        if self.delta is None or not self.previous:
            return None
        return self.delta / abs(self.previous)


@dataclass(frozen=True)
class TrendPoint:
    """Participation and reach of one month, for the trend charts."""

    month: date
    enrolled: int
    active: int
    participation_rate: float | None
    impressions: int
    engagements_received: int
    is_complete: bool = True


@dataclass(frozen=True)
class DepartmentRow:
    """One row of ``marts.department_month`` for month M; ``is_other`` for the merged small departments."""

    name: str
    is_other: bool
    merged: int
    values: Mapping[str, Any] = field(repr=False)


@dataclass(frozen=True)
class InstitutionPost:
    """One institution post and how far ambassadors relayed it; ``url`` is an http(s) link or ``None``."""

    post_key: str
    title: str | None
    created_on: date | None
    content_type: str | None
    relaying_ambassadors: int
    reshares: int
    impressions: int
    amplification_ratio: float | None
    ambassador_repost_share: float | None
    url: str | None


@dataclass(frozen=True)
class SkillRow:
    """A skill showcased in posts: how many ambassadors and posts showed it."""

    skill_id: str
    label: str
    family: str | None
    ambassadors_showcasing: int
    showcased_posts: int


@dataclass(frozen=True)
class HeatCell:
    """Posts of one department (or the merged group) showing skills of one family."""

    department: str
    is_other: bool
    merged: int
    family: str
    showcased_posts: int


@dataclass(frozen=True)
class Leader:
    """A leaderboard line; ``name`` only for a current, consenting ambassador (never the agent key).

    ``rank`` is shared by ambassadors whose scores are equal as printed (one decimal): 1, 2, 2, 4.
    """

    rank: int
    tied: bool
    name: str | None
    tier: str | None
    score: float
    posts: int
    reshares: int
    impressions: int


@dataclass(frozen=True)
class FailedCheck:
    """A data-quality check that failed in the latest run."""

    table_name: str
    check_name: str
    severity: str
    unexpected_count: int | None
    details: str | None


@dataclass(frozen=True)
class QualitySummary:
    """The latest quality run of ``marts.quality_checks``: counts and the failed checks."""

    run_id: str
    checked_at: datetime | None
    total: int
    passed: int
    failed_by_severity: Mapping[str, int]
    failed: list[FailedCheck]


@dataclass(frozen=True)
class ReportSettings:
    """Settings printed in the report: currency of earned media value, k, the lapse delay."""

    currency: str
    anonymity_threshold: int
    lapsed_after_months: int


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    result = con.execute(sql, params or [])
    names = [d[0] for d in result.description]
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


def _grouping(cols: set[str]) -> str:
    """SQL for ``is_other, merged``: the merged-group columns when present, else every row is a department."""
    if {"is_other_departments", "departments_merged"} <= cols:
        return "coalesce(is_other_departments, false) AS is_other, coalesce(departments_merged, 0) AS merged"
    return "false AS is_other, 0 AS merged"


def report_settings(con: duckdb.DuckDBPyConnection, settings: Settings) -> ReportSettings:
    """Currency, k and lapse delay as the marts were computed (``marts.metric_settings``), else settings."""
    stored: dict[str, tuple[float | None, str | None]] = {}
    if table_columns(con, "marts.metric_settings"):
        stored = {
            s: (v, u)
            for s, v, u in con.execute("SELECT setting, value, unit FROM marts.metric_settings").fetchall()
        }
    currency = (stored.get("emv_currency", (None, None))[1] or settings.emv_currency).strip()
    threshold = stored.get("anonymity_threshold", (None, None))[0]
    lapsed = stored.get("lapsed_after_months", (None, None))[0]
    return ReportSettings(
        currency=currency,
        anonymity_threshold=int(threshold if threshold is not None else settings.anonymity_threshold),
        lapsed_after_months=int(lapsed if lapsed is not None else settings.lapsed_after_months),
    )


def _headlines(
    current: Mapping[str, Any] | None,
    previous: Mapping[str, Any] | None,
    spec: tuple[tuple[str, str, bool], ...],
) -> list[Headline]:
    def value(row: Mapping[str, Any] | None, key: str) -> float | None:
        return None if row is None or row.get(key) is None else row[key]

    headlines = []
    for key, kind, good in spec:
        changed = basis_differs(key, current, previous)
        before = None if changed else value(previous, key)
        headlines.append(Headline(key, kind, value(current, key), before, good, changed))
    return headlines


def programme_rows(con: duckdb.DuckDBPyConnection, months: list[date]) -> dict[date, dict[str, Any]]:
    """The rows of ``marts.programme_month`` for ``months``, by month."""
    rows = _rows(
        con, "SELECT * FROM marts.programme_month WHERE month BETWEEN ? AND ?", [min(months), max(months)]
    )
    return {r["month"]: r for r in rows if r["month"] in months}


def programme_headlines(con: duckdb.DuckDBPyConnection, month: date) -> list[Headline]:
    """The programme's headline figures of ``month`` with their values in the month before."""
    rows = programme_rows(con, [add_months(month, -1), month])
    return _headlines(rows.get(month), rows.get(add_months(month, -1)), PROGRAMME_HEADLINES)


def _trend(
    rows: Mapping[date, Mapping[str, Any]], month: date, length: int, complete: Collection[date]
) -> list[TrendPoint]:
    return [
        TrendPoint(
            month=m,
            enrolled=int(r["enrolled"] or 0),
            active=int(r["active"] or 0),
            participation_rate=r["participation_rate"],
            impressions=int(r["impressions"] or 0),
            engagements_received=int(r["engagements_received"] or 0),
            is_complete=m in complete,
        )
        for m in month_window(month, length)
        if (r := rows.get(m)) is not None
    ]


def programme_trend(
    con: duckdb.DuckDBPyConnection, month: date, complete: Collection[date], length: int = 12
) -> list[TrendPoint]:
    """Participation and reach of the programme over the ``length`` months ending with ``month``;
    the months not in ``complete`` are marked partial."""
    return _trend(programme_rows(con, month_window(month, length)), month, length, complete)


def _department_rows(con: duckdb.DuckDBPyConnection, where: str, params: list[Any]) -> list[DepartmentRow]:
    grouping = _grouping(table_columns(con, "marts.department_month"))
    rows = _rows(
        con,
        f"SELECT {grouping}, * FROM marts.department_month WHERE {where}",
        params,
    )
    return [DepartmentRow(str(r["department"]), bool(r["is_other"]), int(r["merged"] or 0), r) for r in rows]


def departments(con: duckdb.DuckDBPyConnection, month: date) -> list[DepartmentRow]:
    """The departments of ``month``, by name, with the merged small departments last."""
    rows = _department_rows(con, "month = ?", [month])
    return sorted(rows, key=lambda r: (r.is_other, r.name.casefold(), r.name))


def department_history(
    con: duckdb.DuckDBPyConnection, name: str, month: date, length: int = 12
) -> dict[date, DepartmentRow]:
    """The rows of one department (or of the merged group) over the ``length`` months up to ``month``."""
    window = month_window(month, length)
    rows = _department_rows(con, "department = ? AND month BETWEEN ? AND ?", [name, window[0], window[-1]])
    return {r.values["month"]: r for r in rows}


def department_headlines(history: Mapping[date, DepartmentRow], month: date) -> list[Headline]:
    """A department's headline figures of ``month`` with their values in the month before."""
    current, previous = history.get(month), history.get(add_months(month, -1))
    return _headlines(
        current.values if current else None, previous.values if previous else None, DEPARTMENT_HEADLINES
    )


def department_trend(
    history: Mapping[date, DepartmentRow], month: date, complete: Collection[date], length: int = 12
) -> list[TrendPoint]:
    """A department's participation and reach over the ``length`` months ending with ``month``;
    the months not in ``complete`` are marked partial."""
    return _trend({m: r.values for m, r in history.items()}, month, length, complete)


def department_skills(con: duckdb.DuckDBPyConnection, name: str, limit: int = 8) -> list[SkillRow]:
    """The skills a department's ambassadors showcased most (whole programme, ``marts.department_skill``)."""
    rows = con.execute(
        "SELECT skill_id, skill_label, family, ambassadors_showcasing, showcased_posts "
        "FROM marts.department_skill WHERE department = ? AND showcased_posts > 0 "
        "ORDER BY showcased_posts DESC, ambassadors_showcasing DESC, skill_label, skill_id LIMIT ?",
        [name, limit],
    ).fetchall()
    return [SkillRow(r[0], r[1] or r[0], r[2], int(r[3] or 0), int(r[4] or 0)) for r in rows]


def institution_posts(
    con: duckdb.DuckDBPyConnection, month: date, limit: int | None = 10
) -> list[InstitutionPost]:
    """The institution posts created in ``month`` that ambassadors relayed most (all when no ``limit``)."""
    rows = con.execute(
        "SELECT post_key, title, created_on, content_type, coalesce(relaying_ambassadors, 0), "
        "coalesce(reshares, 0), coalesce(impressions, 0), amplification_ratio, ambassador_repost_share, "
        "post_link "
        "FROM marts.institution_post WHERE created_on >= ? AND created_on < ? "
        "ORDER BY relaying_ambassadors DESC NULLS LAST, reshares DESC NULLS LAST, "
        "impressions DESC NULLS LAST, created_on, post_key LIMIT ?",
        [month, add_months(month, 1), limit],
    ).fetchall()
    return [
        InstitutionPost(r[0], r[1], r[2], r[3], int(r[4]), int(r[5]), int(r[6]), r[7], r[8], safe_url(r[9]))
        for r in rows
    ]


def top_skills(con: duckdb.DuckDBPyConnection, month: date, limit: int = 10) -> list[SkillRow]:
    """The skills showcased in most posts in ``month`` (``marts.skill_month``)."""
    rows = con.execute(
        "SELECT skill_id, skill_label, family, ambassadors_showcasing, showcased_posts "
        "FROM marts.skill_month WHERE month = ? AND showcased_posts > 0 "
        "ORDER BY showcased_posts DESC, ambassadors_showcasing DESC, skill_label, skill_id LIMIT ?",
        [month, limit],
    ).fetchall()
    return [SkillRow(r[0], r[1] or r[0], r[2], int(r[3] or 0), int(r[4] or 0)) for r in rows]


def skill_heatmap(con: duckdb.DuckDBPyConnection) -> list[HeatCell]:
    """Posts showing skills of each family, per department (whole programme, ``marts.department_skill``)."""
    grouping = _grouping(table_columns(con, "marts.department_skill"))
    rows = con.execute(
        f"SELECT department, {grouping}, coalesce(family, '—') AS family, "
        "CAST(sum(showcased_posts) AS BIGINT) AS posts FROM marts.department_skill "
        "GROUP BY ALL HAVING sum(showcased_posts) > 0"
    ).fetchall()
    cells = [HeatCell(r[0], bool(r[1]), int(r[2] or 0), r[3], int(r[4])) for r in rows]
    return sorted(cells, key=lambda c: (c.is_other, c.department.casefold(), c.department, c.family))


def _leaderboard_rows(con: duckdb.DuckDBPyConnection, month: date, limit: int) -> list[tuple[Any, ...]]:
    """``agent_key, rank, name, tier, score, posts, reshares, impressions`` of the leaderboard, best first.

    Only the ambassadors enrolled and active in ``month`` with a score are ranked, by score as
    printed (one decimal), equal scores sharing a rank; lines of a shared rank are listed by
    impressions, then posts and reshares, then key. Every line ranked ``limit`` or better is kept.
    """
    names = "SELECT NULL::VARCHAR AS agent_key, NULL::VARCHAR AS name WHERE false"
    needed = {"agent_key", "first_name", "last_name", "is_current", "is_ambassador"}
    if needed <= table_columns(con, "raw.roster"):
        names = (
            "SELECT agent_key, "
            "min(nullif(trim(concat_ws(' ', trim(first_name), trim(last_name))), '')) AS name "
            "FROM raw.roster WHERE is_current AND is_ambassador GROUP BY agent_key"
        )
    return con.execute(
        f"WITH names AS ({names}), ranked AS ("
        "SELECT a.agent_key, rank() OVER (ORDER BY round(a.ambassador_score, 1) DESC) AS rank, n.name, "
        "a.tier, a.ambassador_score AS score, coalesce(a.posts, 0) AS posts, "
        "coalesce(a.reshares, 0) AS reshares, coalesce(a.impressions, 0) AS impressions "
        "FROM marts.agent_month AS a LEFT JOIN names AS n USING (agent_key) "
        "WHERE a.month = ? AND a.is_enrolled AND a.is_active AND a.ambassador_score IS NOT NULL) "
        "SELECT * FROM ranked WHERE rank <= ? "
        "ORDER BY rank, impressions DESC, posts + reshares DESC, agent_key",
        [month, limit],
    ).fetchall()


def leaderboard(con: duckdb.DuckDBPyConnection, month: date, limit: int = 10) -> list[Leader]:
    """The active ambassadors with the best scores of ``month``, named only when current and consenting.

    Ties share a rank (1, 2, 2, 4) and every line ranked ``limit`` or better is kept, so a tie at
    the last rank gives more than ``limit`` lines. A name comes from ``raw.roster`` (working
    warehouse) only for an ``agent_key`` with a row that is both ``is_current`` and
    ``is_ambassador``; the agent key itself never leaves this function.
    """
    rows = _leaderboard_rows(con, month, limit)
    ranks = Counter(int(r[1]) for r in rows)
    return [
        Leader(int(r[1]), ranks[int(r[1])] > 1, r[2], r[3], float(r[4]), int(r[5]), int(r[6]), int(r[7]))
        for r in rows
    ]


def leaderboard_keys(con: duckdb.DuckDBPyConnection, month: date, limit: int = 10) -> frozenset[str]:
    """The ``agent_key`` of each line of ``leaderboard(con, month, limit)``, without rank or figures."""
    return frozenset(str(r[0]) for r in _leaderboard_rows(con, month, limit))


def quality_summary(con: duckdb.DuckDBPyConnection) -> QualitySummary | None:
    """The latest run of ``marts.quality_checks`` (the run with the latest check), ``None`` without one."""
    if not table_columns(con, "marts.quality_checks"):
        return None
    latest = con.execute(
        "SELECT run_id, max(checked_at) FROM marts.quality_checks GROUP BY run_id "
        "ORDER BY 2 DESC NULLS LAST, 1 LIMIT 1"
    ).fetchall()
    if not latest:
        return None
    run_id, checked_at = latest[0]
    rows = _rows(
        con,
        "SELECT table_name, check_name, severity, success, unexpected_count, details "
        "FROM marts.quality_checks WHERE run_id = ? ORDER BY severity, table_name, check_name",
        [run_id],
    )
    failed = [
        FailedCheck(r["table_name"], r["check_name"], r["severity"], r["unexpected_count"], r["details"])
        for r in rows
        if not r["success"]
    ]
    by_severity: dict[str, int] = {}
    for check in failed:
        by_severity[check.severity] = by_severity.get(check.severity, 0) + 1
    return QualitySummary(run_id, checked_at, len(rows), len(rows) - len(failed), by_severity, failed)
