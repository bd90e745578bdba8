"""Every figure one month's report prints, read from the warehouse at once, before anything is drawn.

Reading them first (cheap DuckDB queries) lets the build compare them with those of the folder
already written (``relais.reports.digest``) before the charts, pages and PDFs, which cost the time.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from datetime import date

import duckdb

from relais.reports import figures
from relais.reports.figures import (
    DepartmentRow,
    Headline,
    HeatCell,
    InstitutionPost,
    Leader,
    QualitySummary,
    SkillRow,
    TrendPoint,
)

LEADERBOARD_LIMIT = 10
TOP_POSTS = 10


@dataclass(frozen=True)
class DepartmentFigures:
    """One department's page: its row of the month, its last twelve months and its skills."""

    row: DepartmentRow
    history: Mapping[date, DepartmentRow]
    skills: list[SkillRow]


@dataclass(frozen=True)
class MonthFigures:
    """The figures of the main page, the department pages and the CSV files of one month."""

    headlines: list[Headline]
    trend: list[TrendPoint]
    departments: list[DepartmentFigures]
    heat: list[HeatCell]
    posts: list[InstitutionPost]
    top_skills: list[SkillRow]
    leaders: list[Leader]
    quality: QualitySummary | None

    @property
    def rows(self) -> list[DepartmentRow]:
        """The departments' rows of the month, in the report's order."""
        return [d.row for d in self.departments]

    @property
    def top_posts(self) -> list[InstitutionPost]:
        """The ``TOP_POSTS`` institution posts ambassadors relayed most (``posts`` holds them all)."""
        return self.posts[:TOP_POSTS]


def read_month_figures(
    con: duckdb.DuckDBPyConnection, month: date, complete: Collection[date]
) -> MonthFigures:
    """The figures of ``month``'s report from the marts; the months not in ``complete`` are partial."""
    return MonthFigures(
        headlines=figures.programme_headlines(con, month),
        trend=figures.programme_trend(con, month, complete),
        departments=[
            DepartmentFigures(
                row,
                figures.department_history(con, row.name, month),
                figures.department_skills(con, row.name),
            )
            for row in figures.departments(con, month)
        ],
        heat=figures.skill_heatmap(con),
        posts=figures.institution_posts(con, month, limit=None),
        top_skills=figures.top_skills(con, month),
        leaders=figures.leaderboard(con, month, LEADERBOARD_LIMIT),
        quality=figures.quality_summary(con),
    )


def without_run(quality: QualitySummary | None) -> QualitySummary | None:
    """The outcomes of a quality run without its id and time, which every refresh renews.

    A report whose checks gave the same outcomes is not written again for a newer run: its "latest
    check" then stays the one of its writing, as its "generated on" date does.
    """
    return None if quality is None else replace(quality, run_id="", checked_at=None)
