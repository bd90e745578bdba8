"""The dashboard's figures, read from the published snapshot and written out as the page's JSON.

Only published aggregates are read: ``marts.programme_month`` (how complete each month is, read by
the report's ``relais.reports.months.month_coverage``), ``marts.department_month`` (departments
below the anonymity threshold already merged into one group), ``marts.skill_month``,
``marts.department_skill``, ``marts.institution_post`` and ``marts.metric_settings``; never an
agent-level table. Every number is formatted here with the report's labels and views
(``relais.reports.labels``, ``relais.reports.view``), so the dashboard writes ``59,3 %`` exactly as
the report does, and the page's script only places text and draws bars from the raw values beside it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

import duckdb

from relais.dashboard.lists import department_table, institution_posts, skills_by_month, skills_by_scope
from relais.dashboard.scopes import ALL, month_id, scope_notes, scopes
from relais.dashboard.wording import dashboard_text
from relais.reports.figures import (
    DEPARTMENT_HEADLINES,
    PROGRAMME_HEADLINES,
    Headline,
    ReportSettings,
    basis_differs,
    report_settings,
)
from relais.reports.labels import Labels
from relais.reports.months import Coverage, add_months, last_complete_month, month_coverage, month_window
from relais.reports.view import (
    change_text,
    comparison_sentence,
    coverage_sentences,
    format_change,
    format_value,
    hint,
    is_comparable,
    tone,
)
from relais.settings import Settings

# metric key -> (kind, whether a rise is good news), as in the report, plus the institution's share
METRICS: dict[str, tuple[str, bool]] = {
    **{key: (kind, good) for key, kind, good in (*PROGRAMME_HEADLINES, *DEPARTMENT_HEADLINES)},
    "institution_share": ("rate", True),
}
# view id -> the metrics shown as tiles, and the trend charts (each a list of bar series)
VIEWS: tuple[tuple[str, tuple[str, ...], tuple[tuple[str, ...], ...]], ...] = (
    (
        "participation",
        ("enrolled", "active", "participation_rate", "adoption_rate", "new_enrolments", "lapsed"),
        (("enrolled", "active"), ("participation_rate",)),
    ),
    (
        "activity",
        ("posts", "reshares", "institution_reshares", "median_score"),
        (("posts", "reshares"), ("median_score",)),
    ),
    (
        "reach",
        ("impressions", "engagements_received", "engagement_rate", "emv"),
        (("impressions",), ("engagements_received",)),
    ),
    (
        "amplification",
        ("institution_reshares", "institution_share", "reshare_attribution_coverage"),
        (("institution_reshares",), ("institution_share",)),
    ),
    ("skills", (), ()),
)
TREND_LENGTH = 12


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    result = con.execute(sql, list(params))
    names = [d[0] for d in result.description]
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


def _department_rows(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    return _rows(
        con,
        "SELECT *, coalesce(is_other_departments, false) AS is_other, "
        "coalesce(departments_merged, 0) AS merged FROM marts.department_month ORDER BY month",
    )


def comparison_note(
    month: date, coverage: Mapping[date, Coverage], has_previous: bool, labels: Labels
) -> str | None:
    """Why a scope's ``month`` is not compared with the month before, or ``None`` when it is.

    Both months must be complete (``relais.reports.view.is_comparable``) and the scope must have
    figures for both (a department merged away the month before has none).
    """
    if not is_comparable(month, coverage):
        return labels("change_partial") if add_months(month, -1) in coverage else labels("no_previous")
    return None if has_previous else labels("no_previous")


def figure_cell(
    key: str, row: Mapping[str, Any], previous: Mapping[str, Any] | None, labels: Labels, currency: str
) -> dict[str, Any]:
    """One figure as the page shows it: raw value ``v`` and text ``t``; with a ``previous`` row (only
    given when the two months may be compared), the change ``c`` and its ``tone`` (good, bad, flat)."""
    kind, rising_is_good = METRICS[key]
    changed = basis_differs(key, row, previous)
    before = previous.get(key) if previous is not None and not changed else None
    headline = Headline(key, kind, row.get(key), before, rising_is_good, changed)
    cell: dict[str, Any] = {"v": headline.value, "t": format_value(headline, labels, currency)}
    if previous is None:
        return cell
    if changed:
        return {**cell, "c": change_text(headline, labels), "tone": "none"}
    return {**cell, "c": format_change(headline, labels), "tone": tone(headline)}


def figure_table(
    rows: Mapping[date, Mapping[str, Any]], coverage: Mapping[date, Coverage], labels: Labels, currency: str
) -> dict[str, dict[str, Any]]:
    """Every metric of every month of one scope: ``{month id: {"note": ..., "cells": {metric: cell}}}``,
    where ``note`` says why the month is not compared with the one before (``None`` when it is)."""
    table: dict[str, dict[str, Any]] = {}
    for month, row in rows.items():
        previous = rows.get(add_months(month, -1))
        note = comparison_note(month, coverage, previous is not None, labels)
        compared = previous if note is None else None
        table[month_id(month)] = {
            "note": note,
            "cells": {
                key: figure_cell(key, row, compared, labels, currency) for key in METRICS if key in row
            },
        }
    return table


def metric_texts(
    labels: Labels, settings: ReportSettings, text: Mapping[str, str]
) -> dict[str, dict[str, str]]:
    """Each metric's name and the short explanation under it, from the report's wording where it has one."""
    texts = {}
    for key in METRICS:
        name = labels(key) if key in labels.text else text[key]
        explanation = hint(key, labels, settings) or text.get(f"hint_{key}", "")
        texts[key] = {"label": name, "hint": explanation}
    return texts


def month_note(month: date, coverage: Mapping[date, Coverage], labels: Labels) -> str:
    """What the dashboard says under its filters about ``month``: how complete it is and what it is
    compared with, in the report's own sentences (``relais.reports.view``).

    A partial month's sentence already says it is not compared; a complete month's leaves out the
    report's word on a newer partial month, which the month filter offers here.
    """
    sentences = coverage_sentences(month, coverage, labels)
    if not coverage[month].is_complete:
        return " ".join(sentences)
    return " ".join([*sentences[:1], comparison_sentence(month, coverage, labels)])


def month_entries(
    coverage: Mapping[date, Coverage], labels: Labels, text: Mapping[str, str]
) -> list[dict[str, Any]]:
    """The month filter's choices, oldest first, each with its reading note (complete or not)."""
    entries = []
    for month, c in sorted(coverage.items()):
        name = labels.month_name(month)
        entries.append(
            {
                "id": month_id(month),
                "name": name,
                "option": name if c.is_complete else text["month_option_partial"].format(month=name),
                "short": labels.month_short(month),
                "complete": c.is_complete,
                "note": month_note(month, coverage, labels),
                "window": [month_id(m) for m in month_window(month, TREND_LENGTH)],
            }
        )
    return entries


def dashboard_data(con: duckdb.DuckDBPyConnection, settings: Settings, published: datetime) -> dict[str, Any]:
    """Everything the dashboard shows, as one JSON-ready mapping read from the published marts.

    ``settings`` are the home's (language, organisation, time zone; the anonymity threshold and
    currency when the marts do not record them); ``published`` is when the snapshot was published.
    """
    labels = Labels(settings.report_language)
    marts = report_settings(con, settings)
    text = dashboard_text(labels)
    coverage = month_coverage(con, settings.timezone)
    programme = {r["month"]: r for r in _rows(con, "SELECT * FROM marts.programme_month")}
    departments = _department_rows(con)
    choices = scopes(con, text)
    figures: dict[str, Any] = {ALL: figure_table(programme, coverage, labels, marts.currency)}
    notes: dict[str, Any] = {}
    for scope in choices[1:]:
        mine = {r["month"]: r for r in departments if r["department"] == scope.department}
        figures[scope.id] = figure_table(mine, coverage, labels, marts.currency)
        notes[scope.id] = scope_notes(
            scope, departments, sorted(coverage), labels, text, marts.anonymity_threshold
        )
    first = last_complete_month(coverage)
    return {
        "lang": labels.language,
        "text": text,
        "organisation": settings.organisation,
        "published": text["published"].format(moment=labels.moment(published)),
        "anonymity": text["anonymity"].format(k=marts.anonymity_threshold),
        "default_month": month_id(first) if first else None,
        "months": month_entries(coverage, labels, text),
        "metrics": metric_texts(labels, marts, text),
        "views": [
            {
                "id": view,
                "title": text[f"view_{view}"],
                "tiles": list(keys),
                "charts": [list(c) for c in charts],
            }
            for view, keys, charts in VIEWS
        ],
        "scopes": [{"id": s.id, "name": s.name, "department": s.department} for s in choices],
        "figures": figures,
        "notes": notes,
        "departments": department_table(departments, labels),
        "posts": institution_posts(con, labels),
        "skills_month": skills_by_month(con, labels),
        "skills_scope": skills_by_scope(con, choices, labels),
    }
