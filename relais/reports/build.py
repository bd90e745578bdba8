"""Write one month's report folder: main report (HTML, PDF), one sheet per department, CSV files.

Everything is written into a hidden folder beside ``reports/YYYY-MM`` and swapped in at the end, so
a reader never opens a half-written report and a failed build leaves the previous one in place.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb

from relais.reports import charts, figures
from relais.reports.labels import Labels
from relais.reports.manifest import report_agents, write_manifest
from relais.reports.months import Coverage, last_day, month_coverage
from relais.reports.peers import NetworkSource, peer_section
from relais.reports.quality_notes import quality_notes
from relais.reports.render import render, write_pdf
from relais.reports.safe_csv import write_csv
from relais.reports.text import shorten, unique_slugs
from relais.reports.view import (
    comparison_sentence,
    coverage_sentences,
    department_label,
    grouped,
    is_comparable,
    month_title,
    partial_notes,
    tier_label,
    tiles,
)
from relais.settings import Settings

DATA_DOCS = Path("quality") / "data_docs" / "index.html"
LEADERBOARD_LIMIT = 10
PERCENT_COLUMNS = frozenset({"participation_rate", "adoption_rate", "engagement_rate"})
DEPARTMENT_CSV_COLUMNS = (
    "headcount",
    "enrolled",
    "active",
    "participation_rate",
    "adoption_rate",
    "posts",
    "reshares",
    "institution_reshares",
    "impressions",
    "engagements_received",
    "engagement_rate",
    "emv",
    "median_score",
    "new_enrolments",
    "lapsed",
)


@dataclass(frozen=True)
class Context:
    """What every page of one month's report shares."""

    con: duckdb.DuckDBPyConnection
    folder: Path
    month: date
    labels: Labels
    settings: figures.ReportSettings
    timezone: str
    coverage: Mapping[date, Coverage]
    common: Mapping[str, Any]
    peers: Mapping[str, Any] | None = None

    @property
    def complete(self) -> frozenset[date]:
        """The complete months: the others are marked partial and never compared."""
        return frozenset(m for m, c in self.coverage.items() if c.is_complete)


def report_folder(root: Path, month: date) -> Path:
    """The folder of a month's report: ``root/reports/YYYY-MM``."""
    return root / "reports" / f"{month:%Y-%m}"


def file_names(labels: Labels) -> dict[str, str]:
    """The names of a report's files in its language (``rapport.html`` / ``report.html``...)."""
    return {
        "html": f"{labels('report_file')}.html",
        "pdf": f"{labels('report_file')}.pdf",
        "departments": labels("departments_folder"),
        "csv_departments": f"{labels('csv_departments')}.csv",
        "csv_posts": f"{labels('csv_posts')}.csv",
        "csv_leaderboard": f"{labels('csv_leaderboard')}.csv",
    }


def write_month_report(
    con: duckdb.DuckDBPyConnection,
    root: Path,
    month: date,
    settings: Settings,
    *,
    generated_at: datetime | None = None,
    network: NetworkSource | None = None,
) -> list[Path]:
    """Write the report of ``month`` to ``root/reports/YYYY-MM/`` and return the files written.

    ``con`` reads the marts (and ``raw.roster`` for leaderboard names, when present); ``settings``
    are the home's (organisation, ``report_language``, time zone, and the anonymity threshold and
    currency when the marts do not record them). The folder is replaced whole, atomically from a
    reader's point of view; its hidden ``.agents.json`` (listed last) records whom it names and
    counts (``manifest``). With ``network`` (the network database and this organisation's slug), the
    report compares the month with similar organisations when its size band is shown
    (``relais.reports.peers``). Raises ``LookupError`` when ``marts.programme_month`` has no row for
    ``month``.
    """
    month = month.replace(day=1)
    if not con.execute("SELECT count(*) FROM marts.programme_month WHERE month = ?", [month]).fetchall()[0][
        0
    ]:
        raise LookupError(f"marts.programme_month has no figures for {month:%Y-%m}: no report written")
    labels = Labels(settings.report_language)
    timezone = settings.timezone
    generated = generated_at or datetime.now(ZoneInfo(timezone))
    final = report_folder(root, month)
    final.parent.mkdir(parents=True, exist_ok=True)
    staging = final.parent / f".{final.name}.tmp-{uuid.uuid4().hex[:12]}"
    staging.mkdir()
    try:
        report_settings = figures.report_settings(con, settings)
        coverage = month_coverage(con, timezone, generated.date())
        common = {
            "organisation": settings.organisation,
            "month_name": labels.month_name(month),
            "month_title": month_title(month, coverage, labels),
            "generated": labels.moment(generated),
            "complete": coverage[month].is_complete,
            "coverage": coverage_sentences(month, coverage, labels),
            "comparison": comparison_sentence(month, coverage, labels),
            "threshold": report_settings.anonymity_threshold,
        }
        peers = peer_section(network, month, labels)
        context = Context(con, staging, month, labels, report_settings, timezone, coverage, common, peers)
        written = _write_everything(context, root)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _swap(staging, final)
    return [final / relative for relative in written]


def _swap(staging: Path, final: Path) -> None:
    """Put ``staging`` in place of ``final``; the previous folder is removed once replaced."""
    if not final.exists():
        staging.rename(final)
        return
    retired = final.parent / f".{final.name}.old-{uuid.uuid4().hex[:12]}"
    final.rename(retired)
    try:
        staging.rename(final)
    except BaseException:
        retired.rename(final)
        raise
    shutil.rmtree(retired, ignore_errors=True)


def _write_everything(ctx: Context, root: Path) -> list[Path]:
    names = file_names(ctx.labels)
    rows = figures.departments(ctx.con, ctx.month)
    slugs = unique_slugs([r.name for r in rows], fallback=ctx.labels("departments_folder").rstrip("s"))
    written = _write_main(ctx, root, rows, slugs, names)
    for row in rows:
        written += _write_department(ctx, row, Path(names["departments"]) / slugs[row.name], names["html"])
    written += _write_csvs(ctx, rows, names)
    manifest = write_manifest(ctx.folder, ctx.month, report_agents(ctx.con, ctx.month))
    return [*written, manifest.relative_to(ctx.folder)]


def _label(row: figures.DepartmentRow | figures.HeatCell, labels: Labels) -> str:
    name = row.name if isinstance(row, figures.DepartmentRow) else row.department
    return department_label(name, row.is_other, row.merged, labels)


def _write_main(
    ctx: Context,
    root: Path,
    rows: list[figures.DepartmentRow],
    slugs: Mapping[str, str],
    names: Mapping[str, str],
) -> list[Path]:
    con, month, t = ctx.con, ctx.month, ctx.labels
    trend = figures.programme_trend(con, month, ctx.complete)
    heat = figures.skill_heatmap(con)
    posts = figures.institution_posts(con, month)
    quality = figures.quality_summary(con)
    department_names = [_label(r, t) for r in rows]
    html = render(
        "report.html.j2",
        t,
        **ctx.common,
        tile_groups=grouped(
            tiles(
                figures.programme_headlines(con, month), t, ctx.settings, is_comparable(month, ctx.coverage)
            ),
            t,
        ),
        trend_notes=partial_notes(trend, ctx.coverage, t),
        peers=ctx.peers,
        charts={
            "participation": charts.data_uri(charts.participation_chart(trend, t), t) if trend else None,
            "rate": charts.data_uri(charts.rate_chart(trend, t), t) if trend else None,
            "impressions": charts.data_uri(charts.reach_chart(trend, t, "impressions"), t) if trend else None,
            "engagements": charts.data_uri(charts.reach_chart(trend, t, "engagements_received"), t)
            if trend
            else None,
            "departments": charts.data_uri(charts.department_chart(rows, department_names, t), t)
            if rows
            else None,
            "heatmap": charts.data_uri(charts.skills_heatmap(heat, [_label(c, t) for c in heat], t), t)
            if heat
            else None,
        },
        departments=[
            {"row": r, "label": label, "href": f"{names['departments']}/{slugs[r.name]}.html"}
            for r, label in zip(rows, department_names, strict=True)
        ],
        any_other=any(r.is_other for r in rows),
        heat_other=any(c.is_other for c in heat),
        posts=[_post_view(p, t) for p in posts],
        top_skills=figures.top_skills(con, month),
        leaders=[
            {"leader": x, "tier": tier_label(x.tier, t)}
            for x in figures.leaderboard(con, month, LEADERBOARD_LIMIT)
        ],
        leaderboard_limit=LEADERBOARD_LIMIT,
        quality=quality,
        quality_notes=quality_notes(quality.failed, t) if quality else [],
        quality_checked=t.moment(_local(quality.checked_at, ctx.timezone))
        if quality and quality.checked_at
        else "—",
        severity_label=lambda s: t(f"severity_{s}") if f"severity_{s}" in t.text else t("severity_WARN"),
        data_docs_href=f"../../{DATA_DOCS.as_posix()}" if (root / DATA_DOCS).exists() else None,
        folder=f"reports/{month:%Y-%m}",
        files=[
            (t("file_pdf"), names["pdf"]),
            (t("file_departments"), names["csv_departments"]),
            (t("file_posts"), names["csv_posts"]),
            (t("file_leaderboard"), names["csv_leaderboard"]),
        ],
    )
    (ctx.folder / names["html"]).write_text(html, encoding="utf-8")
    write_pdf(html, ctx.folder / names["pdf"])
    return [Path(names["html"]), Path(names["pdf"])]


def _local(moment: datetime, timezone: str) -> datetime:
    """A timestamp of the warehouse (naive UTC) in the organisation's time zone."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(ZoneInfo(timezone))


def _post_view(post: figures.InstitutionPost, labels: Labels) -> dict[str, Any]:
    title = shorten(post.title) or labels("untitled")
    return {**post.__dict__, "short_title": title}


def _write_department(ctx: Context, row: figures.DepartmentRow, stem: Path, report: str) -> list[Path]:
    t = ctx.labels
    history = figures.department_history(ctx.con, row.name, ctx.month)
    trend = figures.department_trend(history, ctx.month, ctx.complete)
    comparable = is_comparable(ctx.month, ctx.coverage)
    html = render(
        "department.html.j2",
        t,
        **ctx.common,
        name=row.name,
        label=_label(row, t),
        back_href=f"../{report}",
        is_other=row.is_other,
        tiles=tiles(figures.department_headlines(history, ctx.month), t, ctx.settings, comparable),
        trend_notes=partial_notes(trend, ctx.coverage, t),
        charts={
            "participation": charts.data_uri(charts.participation_chart(trend, t, 300, 150), t)
            if trend
            else None,
            "impressions": charts.data_uri(charts.reach_chart(trend, t, "impressions", 300, 150), t)
            if trend
            else None,
        },
        skills=figures.department_skills(ctx.con, row.name),
    )
    (ctx.folder / stem.parent).mkdir(exist_ok=True)
    html_path, pdf_path = stem.with_suffix(".html"), stem.with_suffix(".pdf")
    (ctx.folder / html_path).write_text(html, encoding="utf-8")
    write_pdf(html, ctx.folder / pdf_path)
    return [html_path, pdf_path]


def _percent(value: float | None) -> float | None:
    """A ratio as a percentage with one decimal, as the report prints it (0.593 → 59.3)."""
    return None if value is None else round(value * 100, 1)


def department_csv_value(column: str, value: Any) -> Any:
    """A value of the departments' CSV as the report prints it: rates in percent, scores to one
    decimal, money to the unit."""
    if value is None:
        return None
    if column in PERCENT_COLUMNS:
        return _percent(value)
    if column == "median_score":
        return round(float(value), 1)
    if column == "emv":
        return round(float(value))
    return value


def department_csv_header(labels: Labels, currency: str) -> list[str]:
    """The departments' CSV header: each column says its unit and when a cell may be empty."""
    names = [f"column_{c}" if f"column_{c}" in labels.text else c for c in DEPARTMENT_CSV_COLUMNS]
    return [
        labels("month"),
        labels("column_complete"),
        labels("column_data_until"),
        labels("department"),
        labels("merged_group"),
        *(labels(n, currency=currency) if n == "column_emv" else labels(n) for n in names),
    ]


def _write_csvs(ctx: Context, rows: list[figures.DepartmentRow], names: Mapping[str, str]) -> list[Path]:
    t, language, folder = ctx.labels, ctx.labels.language, ctx.folder
    yes_no = {True: t("yes"), False: t("no")}
    coverage = ctx.coverage[ctx.month]
    until = last_day(ctx.month) if coverage.is_complete else coverage.data_until
    write_csv(
        folder / names["csv_departments"],
        department_csv_header(t, ctx.settings.currency),
        (
            [
                ctx.month,
                yes_no[coverage.is_complete],
                until,
                _label(r, t),
                yes_no[r.is_other],
                *(department_csv_value(c, r.values.get(c)) for c in DEPARTMENT_CSV_COLUMNS),
            ]
            for r in rows
        ),
        language,
    )
    posts = figures.institution_posts(ctx.con, ctx.month, limit=None)
    write_csv(
        folder / names["csv_posts"],
        [
            t("post_title"),
            t("post_date"),
            t("relaying_ambassadors"),
            t("reshares"),
            t("impressions"),
            t("column_amplification_ratio"),
            t("column_ambassador_repost_share"),
            t("column_post_link"),
        ],
        (
            [
                p.title or t("untitled"),
                p.created_on,
                p.relaying_ambassadors,
                p.reshares,
                p.impressions,
                None if p.amplification_ratio is None else round(p.amplification_ratio, 2),
                None if p.ambassador_repost_share is None else round(p.ambassador_repost_share * 100, 1),
                p.url,
            ]
            for p in posts
        ),
        language,
    )
    write_csv(
        folder / names["csv_leaderboard"],
        [
            t("rank"),
            t("ambassador"),
            t("tier"),
            t("column_score"),
            t("posts"),
            t("reshares"),
            t("impressions"),
        ],
        (
            [
                x.rank,
                x.name or t("anonymous"),
                tier_label(x.tier, t),
                round(x.score, 1),
                x.posts,
                x.reshares,
                x.impressions,
            ]
            for x in figures.leaderboard(ctx.con, ctx.month, LEADERBOARD_LIMIT)
        ),
        language,
    )
    return [Path(names[k]) for k in ("csv_departments", "csv_posts", "csv_leaderboard")]
