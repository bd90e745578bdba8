"""Write one month's report folder: main report (HTML, PDF), one sheet per department, CSV files.

Everything is written into a hidden folder beside ``reports/YYYY-MM`` and swapped in at the end, so
a reader never opens a half-written report and a failed build leaves the previous one in place.
The figures are read first; when they, the settings, whom the report names and the code that
writes it give the digest recorded in the folder's manifest, the folder is left as it is
(``MonthReport.unchanged``) and nothing is drawn or printed. The PDFs are printed last, on two
cores when there are several (``relais.reports.pdfs``).
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb

from relais.reports import figures
from relais.reports.digest import code_fingerprint, value_digest
from relais.reports.labels import Labels
from relais.reports.manifest import (
    MANIFEST_NAME,
    Manifest,
    Written,
    report_agents,
    unchanged_report,
    write_manifest,
)
from relais.reports.month_figures import (
    LEADERBOARD_LIMIT,
    DepartmentFigures,
    MonthFigures,
    read_month_figures,
    without_run,
)
from relais.reports.months import Coverage, last_day, month_coverage
from relais.reports.pdfs import PdfPrinter, pool_size
from relais.reports.peers import NetworkSource, peer_section
from relais.reports.quality_notes import quality_notes
from relais.reports.render import render
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

    folder: Path
    month: date
    labels: Labels
    settings: figures.ReportSettings
    timezone: str
    coverage: Mapping[date, Coverage]
    common: Mapping[str, Any]
    peers: Mapping[str, Any] | None = None
    data_docs: bool = False

    @property
    def complete(self) -> frozenset[date]:
        """The complete months: the others are marked partial and never compared."""
        return complete_months(self.coverage)


@dataclass(frozen=True)
class MonthReport:
    """A month's report folder after ``update_month_report``: its files (the manifest last), whether
    they were left as they were (``unchanged``) and when they were written (``generated``)."""

    files: list[Path]
    unchanged: bool
    generated: datetime | None


def complete_months(coverage: Mapping[date, Coverage]) -> frozenset[date]:
    """The months of ``coverage`` the data covers to their last day."""
    return frozenset(m for m, c in coverage.items() if c.is_complete)


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
    con: duckdb.DuckDBPyConnection, root: Path, month: date, settings: Settings, **options: Any
) -> list[Path]:
    """The files of ``update_month_report`` (same arguments and keyword options): written, or left as
    they were."""
    return update_month_report(con, root, month, settings, **options).files


def update_month_report(
    con: duckdb.DuckDBPyConnection,
    root: Path,
    month: date,
    settings: Settings,
    *,
    generated_at: datetime | None = None,
    network: NetworkSource | None = None,
    force: bool = False,
) -> MonthReport:
    """Write the report of ``month`` to ``root/reports/YYYY-MM/`` unless it is there already.

    ``con`` reads the marts (and ``raw.roster`` for leaderboard names, when present); ``settings``
    are the home's (organisation, ``report_language``, time zone, and the anonymity threshold and
    currency when the marts do not record them). The folder is replaced whole, atomically from a
    reader's point of view; its hidden ``.agents.json`` (listed last) records whom it names and
    counts and the digest of its inputs (``manifest``). When that digest is the one of the inputs
    now (``report_inputs``) and its files are all there, nothing is written and the result says
    ``unchanged``; ``force`` writes it anyway. With ``network`` (the network database and this
    organisation's slug), the report compares the month with similar organisations when its size
    band is shown (``relais.reports.peers``). Raises ``LookupError`` when
    ``marts.programme_month`` has no row for ``month``.
    """
    month = month.replace(day=1)
    if not con.execute("SELECT count(*) FROM marts.programme_month WHERE month = ?", [month]).fetchall()[0][
        0
    ]:
        raise LookupError(f"marts.programme_month has no figures for {month:%Y-%m}: no report written")
    labels = Labels(settings.report_language)
    timezone = settings.timezone
    generated = generated_at or datetime.now(ZoneInfo(timezone))
    report_settings = figures.report_settings(con, settings)
    coverage = month_coverage(con, timezone, generated.date())
    month_figures = read_month_figures(con, month, complete_months(coverage))
    peers = peer_section(network, month, labels)
    agents = report_agents(con, month)
    data_docs = (root / DATA_DOCS).exists()
    digest = value_digest(
        report_inputs(month, settings, report_settings, coverage, month_figures, peers, agents, data_docs)
    )
    final = report_folder(root, month)
    kept = None if force else unchanged_report(final, digest)
    if kept is not None:
        return MonthReport(
            [*(final / name for name in kept.files), final / MANIFEST_NAME], True, kept.generated
        )
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
    final.parent.mkdir(parents=True, exist_ok=True)
    staging = final.parent / f".{final.name}.tmp-{uuid.uuid4().hex[:12]}"
    staging.mkdir()
    try:
        context = Context(
            staging, month, labels, report_settings, timezone, coverage, common, peers, data_docs
        )
        written = _write_everything(context, month_figures)
        manifest = write_manifest(
            staging, month, agents, Written(digest, tuple(p.as_posix() for p in written), generated)
        )
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _swap(staging, final)
    return MonthReport([*(final / relative for relative in written), final / manifest.name], False, generated)


def report_inputs(
    month: date,
    settings: Settings,
    report_settings: figures.ReportSettings,
    coverage: Mapping[date, Coverage],
    month_figures: MonthFigures,
    peers: Mapping[str, Any] | None,
    agents: Manifest,
    data_docs: bool,
) -> dict[str, Any]:
    """Everything the files of ``month``'s report are made from, to be digested: the code that
    writes them, the settings they print, the figures, the peers section, whom the report names and
    counts, and whether the Data Docs are there to link to.

    Left out as every refresh renews them: the time of writing, the id and time of the quality run
    (its outcomes are in) and how far the data of a month after ``month`` goes (only whether it is
    complete is in). The report printed them as of its writing, which stays true.
    """
    return {
        "code": code_fingerprint(),
        "month": month,
        "settings": {
            "organisation": settings.organisation,
            "language": settings.report_language,
            "timezone": settings.timezone,
            "report": report_settings,
        },
        "coverage": {m: c if m <= month else c.is_complete for m, c in coverage.items()},
        "figures": replace(month_figures, quality=without_run(month_figures.quality)),
        "peers": peers,
        "named": sorted(agents.named),
        "counted": sorted(agents.counted),
        "data_docs": data_docs,
    }


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


def _write_everything(ctx: Context, month_figures: MonthFigures) -> list[Path]:
    """Write the pages, their PDFs and the CSV files into ``ctx.folder``; return their relative paths."""
    names = file_names(ctx.labels)
    rows = month_figures.rows
    slugs = unique_slugs([r.name for r in rows], fallback=ctx.labels("departments_folder").rstrip("s"))
    with PdfPrinter(pool_size(1 + len(month_figures.departments))) as printer:
        written = _write_main(ctx, month_figures, slugs, names, printer)
        for department in month_figures.departments:
            stem = Path(names["departments"]) / slugs[department.row.name]
            written += _write_department(ctx, department, stem, names["html"], printer)
        written += _write_csvs(ctx, month_figures, names)
    return written


def _label(row: figures.DepartmentRow | figures.HeatCell, labels: Labels) -> str:
    name = row.name if isinstance(row, figures.DepartmentRow) else row.department
    return department_label(name, row.is_other, row.merged, labels)


def _write_main(
    ctx: Context,
    month_figures: MonthFigures,
    slugs: Mapping[str, str],
    names: Mapping[str, str],
    printer: PdfPrinter,
) -> list[Path]:
    """Write the main report's HTML, hand it to ``printer`` for its PDF; return both paths."""
    from relais.reports import charts  # Altair and its renderer: imported when a chart is drawn

    month, t = ctx.month, ctx.labels
    rows, trend, heat = month_figures.rows, month_figures.trend, month_figures.heat
    quality = month_figures.quality
    department_names = [_label(r, t) for r in rows]
    html = render(
        "report.html.j2",
        t,
        **ctx.common,
        tile_groups=grouped(
            tiles(month_figures.headlines, t, ctx.settings, is_comparable(month, ctx.coverage)),
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
        posts=[_post_view(p, t) for p in month_figures.top_posts],
        top_skills=month_figures.top_skills,
        leaders=[{"leader": x, "tier": tier_label(x.tier, t)} for x in month_figures.leaders],
        leaderboard_limit=LEADERBOARD_LIMIT,
        quality=quality,
        quality_notes=quality_notes(quality.failed, t) if quality else [],
        quality_checked=t.moment(_local(quality.checked_at, ctx.timezone))
        if quality and quality.checked_at
        else "—",
        severity_label=lambda s: t(f"severity_{s}") if f"severity_{s}" in t.text else t("severity_WARN"),
        data_docs_href=f"../../{DATA_DOCS.as_posix()}" if ctx.data_docs else None,
        folder=f"reports/{month:%Y-%m}",
        files=[
            (t("file_pdf"), names["pdf"]),
            (t("file_departments"), names["csv_departments"]),
            (t("file_posts"), names["csv_posts"]),
            (t("file_leaderboard"), names["csv_leaderboard"]),
        ],
    )
    (ctx.folder / names["html"]).write_text(html, encoding="utf-8")
    printer.print(html, ctx.folder / names["pdf"])
    return [Path(names["html"]), Path(names["pdf"])]


def _local(moment: datetime, timezone: str) -> datetime:
    """A timestamp of the warehouse (naive UTC) in the organisation's time zone."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(ZoneInfo(timezone))


def _post_view(post: figures.InstitutionPost, labels: Labels) -> dict[str, Any]:
    title = shorten(post.title) or labels("untitled")
    return {**post.__dict__, "short_title": title}


def _write_department(
    ctx: Context, department: DepartmentFigures, stem: Path, report: str, printer: PdfPrinter
) -> list[Path]:
    """Write a department's HTML page, hand it to ``printer`` for its PDF; return both paths."""
    from relais.reports import charts  # Altair and its renderer: imported when a chart is drawn

    t, row = ctx.labels, department.row
    trend = figures.department_trend(department.history, ctx.month, ctx.complete)
    comparable = is_comparable(ctx.month, ctx.coverage)
    html = render(
        "department.html.j2",
        t,
        **ctx.common,
        name=row.name,
        label=_label(row, t),
        back_href=f"../{report}",
        is_other=row.is_other,
        tiles=tiles(figures.department_headlines(department.history, ctx.month), t, ctx.settings, comparable),
        trend_notes=partial_notes(trend, ctx.coverage, t),
        charts={
            "participation": charts.data_uri(charts.participation_chart(trend, t, 300, 150), t)
            if trend
            else None,
            "impressions": charts.data_uri(charts.reach_chart(trend, t, "impressions", 300, 150), t)
            if trend
            else None,
        },
        skills=department.skills,
    )
    (ctx.folder / stem.parent).mkdir(exist_ok=True)
    html_path, pdf_path = stem.with_suffix(".html"), stem.with_suffix(".pdf")
    (ctx.folder / html_path).write_text(html, encoding="utf-8")
    printer.print(html, ctx.folder / pdf_path)
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


def _write_csvs(ctx: Context, month_figures: MonthFigures, names: Mapping[str, str]) -> list[Path]:
    t, language, folder = ctx.labels, ctx.labels.language, ctx.folder
    rows = month_figures.rows
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
    posts = month_figures.posts
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
            for x in month_figures.leaders
        ),
        language,
    )
    return [Path(names[k]) for k in ("csv_departments", "csv_posts", "csv_leaderboard")]
