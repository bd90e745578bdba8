"""LinkedIn Page (organisation) exports: the content export (``Metrics`` and ``All posts``, or the older
``Update metrics (aggregated)`` and ``Update engagement``) with its note on row 1 and headers on row 2,
the followers export (``New followers``), the visitors export (``Visitor metrics``), their demographic
sheets, and the names LinkedIn gives these files.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from relais.synthetic.workbooks import Cell, Rows

PAGE_METRICS_HEADER = (
    "Date",
    "Impressions (organic)",
    "Impressions (sponsored)",
    "Impressions (total)",
    "Unique impressions (organic)",
    *(
        f"{measure} ({audience})"
        for measure in ("Clicks", "Reactions", "Comments", "Reposts", "Engagement rate")
        for audience in ("organic", "sponsored", "total")
    ),
)
"""The daily ``Metrics`` sheet's columns (older exports say ``Shares (...)`` for ``Reposts (...)``)."""


@dataclass(frozen=True)
class PageContentLayout:
    """A Page content export's layout: its two sheets, their notes, the daily header, and the posts'
    columns as (field, header) pairs (``page_post_values`` gives the fields)."""

    metrics_sheet: str
    posts_sheet: str
    metrics_note: str
    posts_note: str
    metrics_header: tuple[str, ...]
    post_columns: tuple[tuple[str, str], ...]


PAGE_CONTENT = PageContentLayout(
    metrics_sheet="Metrics",
    posts_sheet="All posts",
    metrics_note=(
        "Aggregated metrics for all posts in the selected date range. Metrics are updated daily and "
        "reflect activity on each day (UTC)."
    ),
    posts_note="All posts published in the selected date range, with lifetime metrics as of the export date.",
    metrics_header=PAGE_METRICS_HEADER,
    post_columns=(
        ("title", "Post title"),
        ("link", "Post link"),
        ("type", "Post type"),
        ("campaign", "Campaign name"),
        ("posted_by", "Posted by"),
        ("created", "Created date"),
        ("campaign_start", "Campaign start date"),
        ("campaign_end", "Campaign end date"),
        ("audience", "Audience"),
        ("impressions", "Impressions"),
        ("views", "Views (excluding off-site video views)"),
        ("off_site_views", "Off-site views"),
        ("clicks", "Clicks"),
        ("ctr", "Click through rate (CTR)"),
        ("likes", "Likes"),
        ("comments", "Comments"),
        ("reposts", "Reposts"),
        ("follows", "Follows"),
        ("engagement_rate", "Engagement rate"),
        ("content_type", "Content Type"),
    ),
)
"""The content export since about 2021."""

OLDER_PAGE_CONTENT = PageContentLayout(
    metrics_sheet="Update metrics (aggregated)",
    posts_sheet="Update engagement",
    metrics_note="Aggregated metrics for all updates in the selected date range.",
    posts_note="Engagement metrics for individual updates. Data for the selected date range.",
    metrics_header=tuple(h.replace("Reposts", "Shares") for h in PAGE_METRICS_HEADER),
    post_columns=(
        ("title", "Update title"),
        ("link", "Update link"),
        ("type", "Update type"),
        ("created", "Created date"),
        ("impressions", "Impressions"),
        ("views", "Video views"),
        ("clicks", "Clicks"),
        ("ctr", "Click through rate (CTR)"),
        ("likes", "Likes"),
        ("comments", "Comments"),
        ("reposts", "Shares"),
        ("follows", "Follows"),
        ("engagement_rate", "Engagement rate"),
    ),
)
"""The content export of about 2020 (``Update ...`` sheets and columns, ``Shares`` for reposts)."""


def page_metrics_row(
    day: str, impressions: int, unique: int, clicks: int, likes: int, comments: int, reposts: int
) -> list[Cell]:
    """One day of the ``Metrics`` sheet, all organic (sponsored 0, total = organic); the engagement rate is
    (clicks + reactions + comments + reposts) / impressions."""
    rate = round((clicks + likes + comments + reposts) / impressions, 6)
    row: list[Cell] = [day, impressions, 0, impressions, unique]
    for value in (clicks, likes, comments, reposts, rate):
        row += [value, 0, value]
    return row


def page_post_values(
    title: str,
    link: str,
    created: str,
    figures: Mapping[str, int],
    posted_by: str,
    content_type: str,
    views: int,
) -> dict[str, Cell]:
    """An organic post's fields for ``page_content_sheets``: ``figures`` holds its lifetime impressions,
    clicks, likes, comments, reposts and follows; video views are given for videos only."""
    impressions = max(figures["impressions"], 1)
    clicks, follows = figures["clicks"], figures["follows"]
    engaged = clicks + figures["likes"] + figures["comments"] + figures["reposts"] + follows
    video = content_type == "Video"
    return {
        "title": title,
        "link": link,
        "type": "Organic",
        "posted_by": posted_by,
        "created": created,
        "audience": "All followers",
        "impressions": impressions,
        "views": views if video else None,
        "off_site_views": 0 if video else None,
        "clicks": clicks,
        "ctr": round(clicks / impressions, 6),
        "likes": figures["likes"],
        "comments": figures["comments"],
        "reposts": figures["reposts"],
        "follows": follows,
        "engagement_rate": round(engaged / impressions, 6),
        "content_type": content_type,
    }


def page_content_sheets(
    layout: PageContentLayout, daily: Iterable[Sequence[Cell]], posts: Iterable[Mapping[str, Cell]]
) -> dict[str, Rows]:
    """The two sheets of a content export: the note, the header, then the ``daily`` rows (in
    ``metrics_header`` order) and one row per post (its fields by name; fields not given stay empty)."""
    return {
        layout.metrics_sheet: [[layout.metrics_note], list(layout.metrics_header), *map(list, daily)],
        layout.posts_sheet: [
            [layout.posts_note],
            [header for _, header in layout.post_columns],
            *([post.get(name) for name, _ in layout.post_columns] for post in posts),
        ],
    }


PAGE_FOLLOWERS_HEADER = (
    "Date",
    "Sponsored followers",
    "Organic followers",
    "Auto-invited followers",
    "Total followers",
)
PAGE_VISITORS_HEADER = (
    "Date",
    *(
        f"{measure} ({device})"
        for measure in (
            "Overview page views",
            "Overview unique visitors",
            "Life page views",
            "Life unique visitors",
            "Jobs page views",
            "Jobs unique visitors",
            "Total page views",
            "Total unique visitors",
        )
        for device in ("desktop", "mobile", "total")
    ),
)
PAGE_DEMOGRAPHIC_SHEETS = ("Location", "Job function", "Seniority", "Industry", "Company size")
"""The demographic sheets of the followers and visitors exports, in order."""


def page_followers_row(day: str, sponsored: int, organic: int, invited: int) -> list[Cell]:
    """One day of ``New followers``: the day's gains (``Total followers`` is their sum, no running total)."""
    return [day, sponsored, organic, invited, sponsored + organic + invited]


def page_visitors_row(day: str, pairs: Iterable[Sequence[int]]) -> list[Cell]:
    """One day of ``Visitor metrics``: each measure's (desktop, mobile) pair in header order, and its sum."""
    row: list[Cell] = [day]
    for desktop, mobile in pairs:
        row += [desktop, mobile, desktop + mobile]
    return row


def page_demographic_sheets(values: Mapping[str, Iterable[tuple[str, int]]], measure: str) -> dict[str, Rows]:
    """The demographic sheets (``Location``, ``Job function``...): a [sheet name, ``measure``] header and
    one [value, count] row each."""
    return {
        sheet: [[sheet, measure], *([name, count] for name, count in values[sheet])]
        for sheet in PAGE_DEMOGRAPHIC_SHEETS
    }


def page_followers_sheets(
    rows: Iterable[Sequence[Cell]], demographics: Mapping[str, Rows]
) -> dict[str, Rows]:
    """The followers export: ``New followers`` (header on row 1, no note) and the demographic sheets."""
    return {"New followers": [list(PAGE_FOLLOWERS_HEADER), *map(list, rows)], **demographics}


def page_visitors_sheets(rows: Iterable[Sequence[Cell]], demographics: Mapping[str, Rows]) -> dict[str, Rows]:
    """The visitors export: ``Visitor metrics`` (header on row 1, no note) and the demographic sheets."""
    return {"Visitor metrics": [list(PAGE_VISITORS_HEADER), *map(list, rows)], **demographics}


def page_file_name(slug: str, kind: str, exported_ms: int) -> str:
    """``<page slug>_<kind>_<export time in ms>.xlsx``: ``content``, ``followers`` or ``visitors``."""
    return f"{slug}_{kind}_{exported_ms}.xlsx"
