"""What the department filter offers: the whole organisation, each department published alone, the
merged group of small departments; and what the reader must know about a department in a given month.

Departments below the anonymity threshold are merged by the marts themselves
(``staging.department_groups``): the choices here are exactly the groups of
``marts.department_month``, so the dashboard publishes no group the report does not.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb

from relais.reports.labels import Labels

ALL, OTHER = "all", "other"


def month_id(month: date) -> str:
    """The month as the page names it in its data and its filter: ``2026-10``."""
    return f"{month:%Y-%m}"


@dataclass(frozen=True)
class Scope:
    """What the department filter can show: the whole organisation, one department or the merged group."""

    id: str
    name: str
    department: str | None


def scopes(con: duckdb.DuckDBPyConnection, text: Mapping[str, str]) -> list[Scope]:
    """The department filter's choices: the organisation, each department shown alone, the merged group."""
    names = con.execute(
        "SELECT DISTINCT department FROM marts.department_month "
        "WHERE NOT coalesce(is_other_departments, false)"
    ).fetchall()
    departments = sorted((r[0] for r in names), key=lambda n: (n.casefold(), n))
    merged = con.execute(
        "SELECT DISTINCT department FROM marts.department_month WHERE coalesce(is_other_departments, false)"
    ).fetchall()
    found = [Scope(f"d{index}", name, name) for index, name in enumerate(departments, start=1)]
    other = [Scope(OTHER, text["merged_departments"], r[0]) for r in merged[:1]]
    return [Scope(ALL, text["whole_organisation"], None), *found, *other]


def scope_notes(
    scope: Scope,
    rows: Sequence[Mapping[str, Any]],
    months: Sequence[date],
    labels: Labels,
    text: Mapping[str, str],
    threshold: int,
) -> dict[str, str]:
    """Per month, what the reader must know about a department scope: merged away, or what the group holds."""
    if scope.department is None:
        return {}
    mine = {r["month"]: r for r in rows if r["department"] == scope.department}
    notes: dict[str, str] = {}
    for month in months:
        name = labels.month_name(month)
        row = mine.get(month)
        if row is None and scope.id == OTHER:
            notes[month_id(month)] = text["no_merged_group"].format(month=name)
        elif row is None:
            notes[month_id(month)] = text["not_shown_alone"].format(month=name, k=threshold)
        elif row["is_other"]:
            notes[month_id(month)] = text["merged_count"].format(month=name, count=row["merged"])
    return notes
