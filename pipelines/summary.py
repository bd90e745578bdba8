"""What `relais summary` and the end of `relais refresh` print: where the results are, and the figures.

The figures come from the published snapshot, opened read-only as an analyst would. The last
complete month comes first, in a few plain sentences; the table of the last months follows, where a
month the data does not cover to its last day is marked in words, so that nobody compares it with a
full month. Completeness is read from `marts.programme_month` (`is_complete`, `data_until`,
`days_covered`, `days_in_month`); a snapshot published before those columns existed shows every
month without a mark.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from relais.home import RelaisHome
from relais.quality.runner import CheckOutcome, summary_line
from relais.warehouse.recovery import last_recovery
from relais.warehouse.tables import table_exists

SUMMARY_MONTHS = 6
FIGURES = (
    "month",
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
    "page_impressions",
)
COVERAGE = ("is_complete", "data_until", "days_covered", "days_in_month")
HEADER = (
    "month",
    "staff",
    "enrolled",
    "active",
    "particip.",
    "adoption",
    "posts",
    "reshares",
    "of institution",
    "impressions",
    "engagements",
    "Page impr.",
    "data",
)


@dataclass(frozen=True)
class ProgrammeMonth:
    """A row of ``marts.programme_month``: the headline figures, and how much of the month the data covers."""

    month: date
    headcount: int
    enrolled: int
    active: int
    participation_rate: float | None
    adoption_rate: float | None
    posts: int
    reshares: int
    institution_reshares: int
    impressions: int
    engagements_received: int
    page_impressions: int | None
    is_complete: bool | None = None
    data_until: date | None = None
    days_covered: int | None = None
    days_in_month: int | None = None


def read_programme_months(
    con: duckdb.DuckDBPyConnection, limit: int = SUMMARY_MONTHS
) -> list[ProgrammeMonth]:
    """The last ``limit`` months of the snapshot's ``marts.programme_month``, oldest first."""
    present = {
        r[0]
        for r in con.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = 'marts' AND table_name = 'programme_month'"
        ).fetchall()
    }
    columns = [*FIGURES, *(c for c in COVERAGE if c in present)]
    rows = con.execute(
        f"SELECT {', '.join(columns)} FROM marts.programme_month ORDER BY month DESC LIMIT ?", [limit]
    ).fetchall()
    return [ProgrammeMonth(**dict(zip(columns, row, strict=True))) for row in reversed(rows)]


def counted(number: int, word: str) -> str:
    """``1 post``, ``35 posts``."""
    return f"{number} {word}{'' if number == 1 else 's'}"


def percent(value: float | None) -> str:
    """A rate as the report writes it (``56.1 %``), or a dash when there is none."""
    return "—" if value is None else f"{value * 100:.1f} %"


def month_name(month: date) -> str:
    """``October 2026``."""
    return month.strftime("%B %Y")


def coverage_words(month: ProgrammeMonth) -> str:
    """``complete``, how much of a partial month the data covers (``partial: 12 of 30 days, to 12 Nov``),
    or ``unknown`` for a snapshot published before months said how complete they are."""
    if month.is_complete is None:
        return "unknown"
    if month.is_complete:
        return "complete"
    parts = []
    if month.days_covered is not None and month.days_in_month is not None:
        parts.append(
            f"{month.days_covered} of {month.days_in_month} days" if month.days_covered else "no full day"
        )
    if month.data_until is not None:
        parts.append(f"data to {month.data_until.day} {month.data_until:%b}")
    return "partial" + (f": {', '.join(parts)}" if parts else "")


def headline_lines(months: list[ProgrammeMonth]) -> list[str]:
    """The last complete month's figures in sentences, then a warning about any partial month after it."""
    if not months:
        return ["No month in the snapshot yet: the inbox held no dated activity."]
    if all(m.is_complete is None for m in months):
        return [
            f"Last month: {month_name(months[-1].month)} (this snapshot does not say whether it is complete: "
            "run `relais refresh` to republish it)",
            *month_sentences(months[-1]),
        ]
    complete = [m for m in months if m.is_complete]
    lines = (
        [f"Last complete month: {month_name(complete[-1].month)}", *month_sentences(complete[-1])]
        if complete
        else ["No complete month yet: every month shown below is partial."]
    )
    for m in months:
        if m.is_complete is False:
            until = f" (data until {m.data_until.day} {m.data_until:%B %Y})" if m.data_until else ""
            lines.append(
                f"{month_name(m.month)} is partial{until}: its figures cover part of the month only "
                "and cannot be compared with a full month."
            )
    return lines


def month_sentences(m: ProgrammeMonth) -> list[str]:
    """A month's headline figures in two indented sentences."""
    page = "" if m.page_impressions is None else f"; the Page: {counted(m.page_impressions, 'impression')}"
    return [
        f"  {m.enrolled} ambassadors enrolled of {m.headcount} staff (adoption {percent(m.adoption_rate)}), "
        f"{m.active} active (participation {percent(m.participation_rate)})",
        f"  {counted(m.posts, 'post')}, {counted(m.reshares, 'reshare')} "
        f"({m.institution_reshares} of the institution's posts), {counted(m.impressions, 'impression')}, "
        f"{counted(m.engagements_received, 'engagement')}{page}",
    ]


def month_table(months: list[ProgrammeMonth]) -> list[str]:
    """The months side by side, one line each, the last column saying whether the month is complete."""
    table = [HEADER] + [
        (
            f"{m.month:%Y-%m}",
            str(m.headcount),
            str(m.enrolled),
            str(m.active),
            percent(m.participation_rate),
            percent(m.adoption_rate),
            str(m.posts),
            str(m.reshares),
            str(m.institution_reshares),
            str(m.impressions),
            str(m.engagements_received),
            "—" if m.page_impressions is None else str(m.page_impressions),
            coverage_words(m),
        )
        for m in months
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(HEADER))]
    return [
        "  " + "  ".join(c.rjust(w) for c, w in zip(row[:-1], widths, strict=False)) + "  " + row[-1]
        for row in table
    ]


def quality_line(warehouse: Path) -> str:
    """The one-line summary of the last run's quality checks, with where the Data Docs are."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        exists = table_exists(con, "marts.quality_checks")
        rows = (
            con.execute(
                "SELECT table_name, check_name, severity, success, unexpected_count "
                "FROM marts.quality_checks "
                "WHERE run_id = (SELECT run_id FROM marts.quality_checks ORDER BY checked_at DESC LIMIT 1)"
            ).fetchall()
            if exists
            else []
        )
    if not rows:
        return "Quality            : no check has run yet"
    outcomes = [CheckOutcome(t, c, s, ok, n) for t, c, s, ok, n in rows]
    docs = warehouse.parent / "quality"
    return f"Quality            : {summary_line(outcomes).removeprefix('Quality: ')} (Data Docs: {docs})"


def report_file(reports_dir: Path, months: list[ProgrammeMonth]) -> Path | None:
    """The report of the last complete month when written, else the newest report, else None."""
    complete = [m for m in months if m.is_complete is not False]
    if complete:
        wanted = sorted((reports_dir / f"{complete[-1].month:%Y-%m}").glob("*.html"))
        if wanted:
            return wanted[0]
    written = sorted(reports_dir.glob("[0-9][0-9][0-9][0-9]-[0-9][0-9]/*.html"))
    return written[-1] if written else None


def warehouse_lines(warehouse: Path) -> list[str]:
    """The quarantine counts and the quality line, read from the working warehouse (read-only)."""
    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            files, rows = con.execute(
                "SELECT (SELECT count(*) FROM quarantine.files), (SELECT count(*) FROM quarantine.rows)"
            ).fetchall()[0]
        return [
            f"Quarantine         : {files} file(s), {rows} row(s) (warehouse schema quarantine)",
            quality_line(warehouse),
        ]
    except duckdb.IOException:
        return [
            "Quarantine         : not read: a refresh is writing the warehouse (run the summary after it)"
        ]


def summary_text(home: RelaisHome) -> str:
    """The paths of a home's results, the last complete month's figures and a table of the last months."""
    serving, warehouse = home.serving, home.warehouse
    lines = [f"Analysts' snapshot : {serving}", f"Working warehouse  : {warehouse}"]
    if not serving.exists():
        return "\n".join([*lines, "No snapshot published yet: run `relais refresh` first."])
    with duckdb.connect(str(serving), read_only=True) as con:
        months = read_programme_months(con)
        tables = [
            r[0]
            for r in con.execute(
                "SELECT table_schema || '.' || table_name FROM information_schema.tables ORDER BY 1"
            ).fetchall()
        ]
    lines.append(f"Published tables   : {', '.join(tables)}")
    if warehouse.exists():
        lines += warehouse_lines(warehouse)
    recovery = last_recovery(home.root / "state")
    if recovery is not None:
        lines.append(f"Last recovery      : {recovery.recovered_at}: {recovery.summary()}")
    report = report_file(home.reports_dir, months)
    if report is not None:
        lines.append(f"Monthly report     : {report} (and .pdf, a page per department, CSV)")
    dashboards = sorted(serving.parent.glob("*.html"))
    if dashboards:
        lines.append(f"Dashboard          : {dashboards[0]} (open it in a browser; no server needed)")
    lines += ["", *headline_lines(months), "", f"Programme, last {len(months)} months:", *month_table(months)]
    return "\n".join(lines)
