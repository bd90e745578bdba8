"""Dagster wrappers of the monthly report (``relais.reports``): an asset and a per-month op.

The asset ``reports/monthly`` runs after the analysts' snapshot is published, writes the report of
the last complete month to ``RELAIS_HOME/reports/YYYY-MM/`` (or leaves it as it is when its
figures, whom it names, the settings and the templates are those it was written from), then writes
again, whatever its digest, every past report that names or counts someone who is no longer a
consenting ambassador (``relais.reports.manifest``).
The op ``write_monthly_report`` writes the month named by its partition key, for a monthly
partitioned job (backfills, schedules).
"""

from datetime import date
from typing import Any

from dagster import (
    AssetExecutionContext,
    AssetKey,
    MaterializeResult,
    MetadataValue,
    OpExecutionContext,
    ResourceParam,
    asset,
    op,
)
from dagster_duckdb import DuckDBResource

from relais.home import RelaisHome
from relais.reports import MonthReport, latest_complete_month, month_from_partition_key, update_month_report
from relais.reports.manifest import (
    MANIFEST_NAME,
    Reason,
    consenting_agents,
    months_with_figures,
    sweep_past_reports,
    sweep_summary,
)
from relais.reports.peers import NetworkSource

REPORT_KEY = AssetKey(["reports", "monthly"])


def build_report(
    home: RelaisHome, warehouse: DuckDBResource, month: date, *, force: bool = False
) -> MonthReport:
    """Write the report of ``month`` for ``home`` from its working warehouse, unless the folder holds
    it already as those inputs would write it (``force`` writes it anyway); return its files."""
    network = NetworkSource(home.network_database, home.slug) if home.network_database else None
    with warehouse.get_connection() as con:
        return update_month_report(con, home.root, month, home.settings, network=network, force=force)


def report_metadata(month: date, report: MonthReport) -> dict[str, Any]:
    """Dagster metadata of a report: month, folder, file count, the main HTML file and whether it was
    left as it was (``unchanged``)."""
    files = report.files
    html = next(p for p in files if p.suffix == ".html" and p.parent.name == f"{month:%Y-%m}")
    return {
        "month": f"{month:%Y-%m}",
        "folder": MetadataValue.path(str(html.parent)),
        "files": len([p for p in files if p.name != MANIFEST_NAME]),
        "unchanged": report.unchanged,
        "html": MetadataValue.path(str(html)),
        "dagster/uri": html.as_uri(),
    }


def report_log_line(month: date, report: MonthReport) -> str:
    """The run log's line about a month's report: written, or left unchanged since when."""
    folder, count = report.files[0].parent, len(report.files)
    if not report.unchanged:
        return f"Monthly report of {month:%Y-%m} written to {folder} ({count} files)"
    since = f" since {report.generated:%Y-%m-%d %H:%M}" if report.generated else ""
    return (
        f"Monthly report of {month:%Y-%m} unchanged{since}: same figures, people named, settings and "
        f"templates, {folder} left as it was ({count} files)"
    )


def refresh_past_reports(
    context: AssetExecutionContext, home: RelaisHome, warehouse: DuckDBResource, written: date | None
) -> dict[str, Any]:
    """Write again the past reports naming or counting someone no longer consenting, log the counts by
    reason (never a name or key) and return them as metadata; raise, once every folder was tried, if
    one could not be written again, so that the run fails and the next one retries."""
    with warehouse.get_connection() as con:
        consenting, available = consenting_agents(con), months_with_figures(con)
    sweep = sweep_past_reports(
        home.reports_dir,
        consenting,
        available,
        lambda month: build_report(home, warehouse, month, force=True),
        skip=[written] if written else [],
    )
    context.log.info(sweep_summary(sweep))
    if sweep.failed:
        first = next(iter(sweep.failed.values()))
        raise RuntimeError(sweep_summary(sweep)) from first
    return {
        "past_reports_regenerated": sweep.regenerated.total(),
        "past_reports_removed": sweep.removed.total(),
        "past_reports_without_manifest": sweep.regenerated[Reason.NO_MANIFEST]
        + sweep.removed[Reason.NO_MANIFEST],
        "past_reports_untouched": sweep.untouched,
    }


@asset(
    key=REPORT_KEY,
    deps=[AssetKey(["serving", "relais_snapshot"])],
    kinds={"html", "pdf"},
    group_name="serving",
)
def monthly_report_asset(
    context: AssetExecutionContext, home: ResourceParam[RelaisHome], warehouse: DuckDBResource
) -> MaterializeResult:
    """The monthly report of the last complete month for HR and communications (HTML, PDF, CSV).

    RELAIS_HOME/reports/YYYY-MM/ holds the main report, one page per department and the CSV files
    of the last month the data covers to its last day (marts.programme_month.is_complete; the
    newest month, said to be partial, when none is complete). Departments below the anonymity
    threshold appear merged. A report whose figures, people named, settings and templates are those
    it was written from is left as it is (metadata ``unchanged``). Past reports naming or counting
    someone who has since withdrawn or left are then written again.
    """
    with warehouse.get_connection() as con:
        month = latest_complete_month(con, home.timezone)
    if month is None:
        context.log.warning("No month in marts.programme_month yet: no report written")
        past = refresh_past_reports(context, home, warehouse, None)
        return MaterializeResult(metadata={"month": "none", "files": 0, **past})
    report = build_report(home, warehouse, month)
    context.log.info(report_log_line(month, report))
    past = refresh_past_reports(context, home, warehouse, month)
    return MaterializeResult(metadata={**report_metadata(month, report), **past})


@op(name="write_monthly_report", tags={"kind": "report"})
def monthly_report(
    context: OpExecutionContext, home: ResourceParam[RelaisHome], warehouse: DuckDBResource
) -> str:
    """Write the report of the partition key's month (``YYYY-MM-01`` or ``YYYY-MM``); return its folder."""
    month = month_from_partition_key(context.partition_key)
    report = build_report(home, warehouse, month)
    context.log.info(report_log_line(month, report))
    context.add_output_metadata(report_metadata(month, report))
    return str(report.files[0].parent)
