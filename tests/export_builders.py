"""Writers for tiny hand-made LinkedIn analytics workbooks in the real layouts, used by the tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

Rows = list[list[Any]]


def write_workbook(path: Path, sheets: dict[str, Rows]) -> Path:
    """Write an XLSX file, one sheet per entry; cells may be text, numbers, dates or None (left empty)."""
    import xlsxwriter

    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(str(path))
    workbook.set_properties({"created": datetime(2026, 5, 1)})
    day_format = workbook.add_format({"num_format": "m/d/yyyy"})
    for name, rows in sheets.items():
        sheet = workbook.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, date):
                    moment = (
                        value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
                    )
                    sheet.write_datetime(r, c, moment, day_format)
                else:
                    sheet.write(r, c, value)
    workbook.close()
    return path


@dataclass(frozen=True)
class CreatorLabels:
    """The sheet names and labels of a creator analytics export in one interface language."""

    sheets: tuple[str, str, str, str, str]
    overall: str
    impressions: str
    members_reached: str
    date: str
    engagements: str
    post_url: str
    publish_date: str
    total_followers_on: str
    new_followers: str
    banner: str


ENGLISH = CreatorLabels(
    sheets=("DISCOVERY", "ENGAGEMENT", "TOP POSTS", "FOLLOWERS", "DEMOGRAPHICS"),
    overall="Overall Performance",
    impressions="Impressions",
    members_reached="Members reached",
    date="Date",
    engagements="Engagements",
    post_url="Post URL",
    publish_date="Post publish date",
    total_followers_on="Total followers on",
    new_followers="New followers",
    banner="Maximum of 50 posts available to include in this list",
)
FRENCH = CreatorLabels(
    sheets=("DÉCOUVERTE", "ENGAGEMENT", "POSTS LES PLUS PERFORMANTS", "ABONNÉS", "DONNÉES DÉMOGRAPHIQUES"),
    overall="Performances globales",
    impressions="Impressions",
    members_reached="Membres touchés",
    date="Date",
    engagements="Interactions",
    post_url="URL du post",
    publish_date="Date de publication du post",
    total_followers_on="Nombre total d'abonnés au",
    new_followers="Nouveaux abonnés",
    banner="50 posts au maximum peuvent figurer dans cette liste",
)


def creator_export_sheets(
    labels: CreatorLabels,
    period: str,
    discovery: tuple[Any, Any],
    days: Rows,
    top_by_engagements: Rows,
    top_by_impressions: Rows,
    followers_on: str,
    followers_total: Any,
    follower_days: Rows,
) -> dict[str, Rows]:
    """The five sheets of an aggregate creator export, in order, TOP POSTS lists side by side from row 3."""
    left_header = [labels.post_url, labels.publish_date, labels.engagements]
    right_header = [labels.post_url, labels.publish_date, labels.impressions]
    top: Rows = [[labels.banner], [], [*left_header, None, *right_header]]
    for index in range(max(len(top_by_engagements), len(top_by_impressions))):
        left = top_by_engagements[index] if index < len(top_by_engagements) else [None, None, None]
        right = top_by_impressions[index] if index < len(top_by_impressions) else [None, None, None]
        top.append([*left, None, *right])
    return {
        labels.sheets[0]: [
            [labels.overall, period],
            [labels.impressions, discovery[0]],
            [labels.members_reached, discovery[1]],
        ],
        labels.sheets[1]: [[labels.date, labels.impressions, labels.engagements], *days],
        labels.sheets[2]: top,
        labels.sheets[3]: [
            [f"{labels.total_followers_on} {followers_on}", followers_total],
            [],
            [labels.date, labels.new_followers],
            *follower_days,
        ],
        labels.sheets[4]: [
            ["Top Demographics", "Value", "Percentage"],
            ["Job titles", "Chargé de mission", "2%"],
        ],
    }


def write_creator_export(
    path: Path,
    labels: CreatorLabels,
    period: str,
    discovery: tuple[Any, Any],
    days: Rows,
    top_by_engagements: Rows,
    top_by_impressions: Rows,
    followers_on: str,
    followers_total: Any,
    follower_days: Rows,
) -> Path:
    """Write an aggregate creator export: the five sheets of ``creator_export_sheets``, in order."""
    sheets = creator_export_sheets(
        labels,
        period,
        discovery,
        days,
        top_by_engagements,
        top_by_impressions,
        followers_on,
        followers_total,
        follower_days,
    )
    return write_workbook(path, sheets)


def write_creator_sheets(path: Path, sheets: dict[str, Rows], *names: str) -> Path:
    """Write some sheets of an export apart, as members keep them (DISCOVERY with DEMOGRAPHICS...)."""
    return write_workbook(path, {name: sheets[name] for name in names})


def older_discovery(
    period: str, impressions: Any, unique_views: Any, engagements: Any, reached: str = "Unique views"
) -> Rows:
    """A DISCOVERY sheet in the older layout: ``Overall Performance | Value | Time Period``."""
    return [
        ["Overall Performance", "Value", "Time Period"],
        ["Impressions", impressions, period],
        [reached, unique_views, period],
        ["Engagements", engagements, period],
    ]


def write_post_analytics(path: Path, rows: Rows, sheet: str = "PERFORMANCE") -> Path:
    """Write a single-post export: label/value rows on a PERFORMANCE sheet, and a demographics sheet."""
    return write_workbook(
        path, {sheet: rows, "TOP DEMOGRAPHICS": [["Category", "Value", "%"], ["Location", "Lyon", "0.12"]]}
    )
