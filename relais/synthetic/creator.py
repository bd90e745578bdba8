"""A member's (creator's) post analytics exports: the aggregate workbook (DISCOVERY, ENGAGEMENT, TOP POSTS,
FOLLOWERS, DEMOGRAPHICS, in English or with a French interface's sheet names and labels), the older
DISCOVERY layout, the single-post ``PostAnalytics_`` workbook, and the names LinkedIn gives these files.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from relais.synthetic.text import fmt_clock, fmt_dmy, fmt_month_day_year
from relais.synthetic.workbooks import Cell, Rows, Sheets, write_workbook


@dataclass(frozen=True)
class CreatorLabels:
    """The sheet names and labels of an aggregate creator export in one interface language."""

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
    demographics: tuple[str, str, str]
    categories: tuple[str, ...]


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
    demographics=("Top Demographics", "Value", "Percentage"),
    categories=("Job titles", "Locations", "Industries", "Seniority", "Company size", "Companies"),
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
    demographics=("Principales données démographiques", "Valeur", "Pourcentage"),
    categories=(
        "Intitulés de poste",
        "Lieux",
        "Secteurs",
        "Niveau hiérarchique",
        "Taille de l'entreprise",
        "Entreprises",
    ),
)
CREATOR_LABELS = {"en": ENGLISH, "fr": FRENCH}


def creator_file_name(layout: str, name: str, start: date, end: date) -> str:
    """``AggregateAnalytics_<name>_<start>_<end>.xlsx`` (2026), or ``Content_<start>_<end>_<name>.xlsx``
    for the older ``content`` layout; the dates are ISO whatever the interface language."""
    if layout == "content":
        return f"Content_{start.isoformat()}_{end.isoformat()}_{name}.xlsx"
    return f"AggregateAnalytics_{name}_{start.isoformat()}_{end.isoformat()}.xlsx"


def demographic_percent(part: float, as_text: bool) -> Cell:
    """A DEMOGRAPHICS percentage: text in 2026 files (``"36%"``, ``"< 1%"``), a decimal before (``0.389``)."""
    if as_text:
        return "< 1%" if part < 0.01 else f"{round(part * 100)}%"
    return round(part, 3)


def creator_export_sheets(
    labels: CreatorLabels,
    period: str,
    discovery: tuple[Cell, Cell],
    days: Sequence[Sequence[Cell]],
    top_by_engagements: Sequence[Sequence[Cell]],
    top_by_impressions: Sequence[Sequence[Cell]],
    followers_on: str,
    followers_total: Cell,
    follower_days: Sequence[Sequence[Cell]],
    demographics: Sequence[Sequence[Cell]] = (),
) -> dict[str, Rows]:
    """The five sheets of an aggregate creator export, in order: DISCOVERY (period in B1, impressions and
    members reached), ENGAGEMENT (``days``: date, impressions, engagements), TOP POSTS (banner, blank row,
    headers on row 3, the two top lists of [url, publish date, value] side by side with column D empty),
    FOLLOWERS (total on ``followers_on`` in A1/B1, daily gains from row 3) and DEMOGRAPHICS
    ([category, value, percentage] rows under its header)."""
    empty: list[Cell] = [None, None, None]
    by_engagements = [labels.post_url, labels.publish_date, labels.engagements]
    by_impressions = [labels.post_url, labels.publish_date, labels.impressions]
    top: Rows = [[labels.banner], [], [*by_engagements, None, *by_impressions]]
    for index in range(max(len(top_by_engagements), len(top_by_impressions))):
        left = top_by_engagements[index] if index < len(top_by_engagements) else empty
        right = top_by_impressions[index] if index < len(top_by_impressions) else empty
        top.append([*left, None, *right])
    return {
        labels.sheets[0]: [
            [labels.overall, period],
            [labels.impressions, discovery[0]],
            [labels.members_reached, discovery[1]],
        ],
        labels.sheets[1]: [[labels.date, labels.impressions, labels.engagements], *map(list, days)],
        labels.sheets[2]: top,
        labels.sheets[3]: [
            [f"{labels.total_followers_on} {followers_on}", followers_total],
            [],
            [labels.date, labels.new_followers],
            *map(list, follower_days),
        ],
        labels.sheets[4]: [list(labels.demographics), *map(list, demographics)],
    }


def write_creator_export(
    path: Path,
    labels: CreatorLabels,
    period: str,
    discovery: tuple[Cell, Cell],
    days: Sequence[Sequence[Cell]],
    top_by_engagements: Sequence[Sequence[Cell]],
    top_by_impressions: Sequence[Sequence[Cell]],
    followers_on: str,
    followers_total: Cell,
    follower_days: Sequence[Sequence[Cell]],
    demographics: Sequence[Sequence[Cell]] = (),
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
        demographics,
    )
    return write_workbook(path, sheets)


def write_creator_sheets(path: Path, sheets: Sheets, *names: str) -> Path:
    """Write some sheets of an export alone, as members keep them (DISCOVERY with DEMOGRAPHICS...)."""
    return write_workbook(path, {name: sheets[name] for name in names})


def older_discovery(
    period: str, impressions: Cell, unique_views: Cell, engagements: Cell, reached: str = "Unique views"
) -> Rows:
    """A DISCOVERY sheet in the older layout: ``Overall Performance | Value | Time Period``."""
    return [
        ["Overall Performance", "Value", "Time Period"],
        ["Impressions", impressions, period],
        [reached, unique_views, period],
        ["Engagements", engagements, period],
    ]


@dataclass(frozen=True)
class PostLabels:
    """The sheet names and row labels of a single-post export in one interface language."""

    sheet: str
    demographics_sheet: str
    post_url: str
    post_date: str
    time: str
    section: str
    impressions: str
    members_reached: str
    profile_viewers: str
    followers: str
    social: str
    reactions: str
    comments: str
    reposts: str
    saves: str
    sends: str
    category: str
    value: str
    location: str
    company: str


POST_ENGLISH = PostLabels(
    sheet="PERFORMANCE",
    demographics_sheet="TOP DEMOGRAPHICS",
    post_url="Post URL",
    post_date="Post Date",
    time="Post Publish Time",
    section="Post Performance",
    impressions="Impressions",
    members_reached="Members reached",
    profile_viewers="Profile viewers from this post",
    followers="Followers gained from this post",
    social="Social engagement",
    reactions="Reactions",
    comments="Comments",
    reposts="Reposts",
    saves="Saves",
    sends="Sends on LinkedIn",
    category="Category",
    value="Value",
    location="Location",
    company="Company",
)
POST_FRENCH = PostLabels(
    sheet="PERFORMANCES",
    demographics_sheet="DONNÉES DÉMOGRAPHIQUES",
    post_url="URL du post",
    post_date="Date du post",
    time="Heure de publication",
    section="Performances du post",
    impressions="Impressions",
    members_reached="Membres touchés",
    profile_viewers="Vues du profil grâce à ce post",
    followers="Abonnés gagnés grâce à ce post",
    social="Interactions sociales",
    reactions="Réactions",
    comments="Commentaires",
    reposts="Republications",
    saves="Enregistrements",
    sends="Envois sur LinkedIn",
    category="Catégorie",
    value="Valeur",
    location="Lieu",
    company="Entreprise",
)
POST_LABELS = {"en": POST_ENGLISH, "fr": POST_FRENCH}


def post_file_name(name: str, post_id: str) -> str:
    """``PostAnalytics_<name>_<post id>.xlsx``."""
    return f"PostAnalytics_{name}_{post_id}.xlsx"


def post_date_cells(when: datetime, language: str) -> tuple[str, str]:
    """The publish date and time cells of a single-post export: ``Mar 4, 2026`` and ``9:30 AM`` in
    English, ``04/03/2026`` and ``09:30`` in French."""
    if language == "fr":
        return fmt_dmy(when.date()), when.strftime("%H:%M")
    return fmt_month_day_year(when.date()), fmt_clock(when)


def post_performance_rows(
    labels: PostLabels, url: str, day: str, time: str, figures: Mapping[str, Cell]
) -> Rows:
    """The PERFORMANCE sheet of a single-post export: link, date and time, then the ``Post Performance``
    and ``Social engagement`` sections; ``figures`` holds impressions, members_reached, profile_viewers,
    followers, reactions, comments, reposts, saves and sends."""
    social = ("reactions", "comments", "reposts", "saves", "sends")
    return [
        [labels.post_url, url],
        [labels.post_date, day],
        [labels.time, time],
        [],
        [labels.section],
        [labels.impressions, figures["impressions"]],
        [labels.members_reached, figures["members_reached"]],
        [labels.profile_viewers, figures["profile_viewers"]],
        [labels.followers, figures["followers"]],
        [],
        [labels.social],
        *([getattr(labels, key), figures[key]] for key in social),
    ]


def write_post_analytics(
    path: Path,
    rows: Sequence[Sequence[Cell]],
    labels: PostLabels = POST_ENGLISH,
    demographics: Sequence[Sequence[Cell]] = (),
) -> Path:
    """Write a single-post export: ``rows`` (label/value pairs among section titles) on the PERFORMANCE sheet,
    and the demographics sheet ([category, value, share] rows under ``Category | Value | %``)."""
    header: list[Cell] = [labels.category, labels.value, "%"]
    sheets = {labels.sheet: rows, labels.demographics_sheet: [header, *demographics]}
    return write_workbook(path, sheets)
