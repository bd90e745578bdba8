"""The dashboard's tables of one month: departments, institution posts, skills; all text formatted.

Each reads one published mart (``marts.department_month``, ``marts.institution_post``,
``marts.skill_month``, ``marts.department_skill``) into ``{month id: [line, ...]}`` or, for the skills
since the programme began, ``{scope id: [line, ...]}``, numbers written by the report's labels.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import duckdb

from relais.dashboard.scopes import ALL, Scope, month_id
from relais.reports.labels import Labels
from relais.reports.text import shorten
from relais.reports.view import department_label

SKILL_LIMIT = 10


def department_table(rows: Sequence[Mapping[str, Any]], labels: Labels) -> dict[str, list[dict[str, Any]]]:
    """Each month's departments as the participation view lists them, by name, the merged group last."""
    table: dict[str, list[dict[str, Any]]] = {}
    ordered = sorted(rows, key=lambda r: (r["month"], r["is_other"], str(r["department"]).casefold()))
    for r in ordered:
        table.setdefault(month_id(r["month"]), []).append(
            {
                "department": r["department"],
                "name": department_label(r["department"], r["is_other"], r["merged"], labels),
                "is_other": r["is_other"],
                "enrolled": labels.number(r["enrolled"]),
                "active": labels.number(r["active"]),
                "participation_rate": labels.percent(r["participation_rate"]),
            }
        )
    return table


def institution_posts(con: duckdb.DuckDBPyConnection, labels: Labels) -> dict[str, list[dict[str, Any]]]:
    """Each month's institution posts, most relayed first, as the amplification view lists them."""
    rows = con.execute(
        "SELECT date_trunc('month', created_on)::DATE, title, created_on, coalesce(relaying_ambassadors, 0), "
        "coalesce(reshares, 0), impressions, amplification_ratio, ambassador_repost_share "
        "FROM marts.institution_post "
        "WHERE created_on IS NOT NULL ORDER BY 1, 4 DESC, 5 DESC, impressions DESC NULLS LAST, 3, post_key"
    ).fetchall()
    table: dict[str, list[dict[str, Any]]] = {}
    for month, title, created, relaying, reshares, impressions, ratio, share in rows:
        table.setdefault(month_id(month), []).append(
            {
                "title": shorten(title) or labels("untitled"),
                "date": labels.day(created),
                "relaying": labels.number(relaying),
                "reshares": labels.number(reshares),
                "impressions": labels.number(impressions),
                "amplification": labels.ratio(ratio),
                "repost_share": labels.percent(share),
            }
        )
    return table


def _skill_line(
    label: str, family: str | None, ambassadors: int | None, posts: int, labels: Labels
) -> dict[str, Any]:
    return {
        "label": label,
        "family": family or "—",
        "ambassadors": None if ambassadors is None else labels.number(ambassadors),
        "posts": labels.number(posts),
        "v": posts,
    }


def skills_by_month(con: duckdb.DuckDBPyConnection, labels: Labels) -> dict[str, list[dict[str, Any]]]:
    """Each month's most showcased skills over the whole organisation (``marts.skill_month``)."""
    rows = con.execute(
        "SELECT month, coalesce(skill_label, skill_id), family, coalesce(ambassadors_showcasing, 0), "
        "coalesce(showcased_posts, 0) FROM marts.skill_month WHERE showcased_posts > 0 "
        "ORDER BY month, showcased_posts DESC, ambassadors_showcasing DESC, skill_label, skill_id"
    ).fetchall()
    table: dict[str, list[dict[str, Any]]] = {}
    for month, label, family, ambassadors, posts in rows:
        lines = table.setdefault(month_id(month), [])
        if len(lines) < SKILL_LIMIT:
            lines.append(_skill_line(label, family, ambassadors, posts, labels))
    return table


def skills_by_scope(
    con: duckdb.DuckDBPyConnection, choices: Sequence[Scope], labels: Labels
) -> dict[str, list[dict[str, Any]]]:
    """Since the programme began: posts per skill family for the organisation (summed over its skills,
    as the report's heat map does, so no ambassador count), the top skills of each department."""
    families = con.execute(
        "SELECT coalesce(family, '—'), CAST(sum(showcased_posts) AS BIGINT) AS posts "
        "FROM marts.department_skill GROUP BY 1 HAVING sum(showcased_posts) > 0 ORDER BY posts DESC, 1"
    ).fetchall()
    table = {ALL: [_skill_line(family, None, None, posts, labels) for family, posts in families]}
    for scope in choices:
        if scope.department is None:
            continue
        rows = con.execute(
            "SELECT coalesce(skill_label, skill_id), family, coalesce(ambassadors_showcasing, 0), "
            "coalesce(showcased_posts, 0) FROM marts.department_skill "
            "WHERE department = ? AND showcased_posts > 0 "
            "ORDER BY showcased_posts DESC, ambassadors_showcasing DESC, skill_label, skill_id LIMIT ?",
            [scope.department, SKILL_LIMIT],
        ).fetchall()
        table[scope.id] = [_skill_line(*r, labels) for r in rows]
    return table
