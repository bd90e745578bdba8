"""Dagster wrappers of the monthly report (``assets.reports``): an asset and a per-month op.

The asset ``reports/monthly`` runs after the analysts' snapshot is published and writes the report
of the latest closed month to ``RELAIS_HOME/reports/YYYY-MM/``. The op ``write_monthly_report`` writes
the month named by its partition key, for a monthly partitioned job (backfills, schedules).
"""

from datetime import date
from pathlib import Path
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

from assets.home import RelaisHome
from assets.reports import latest_closed_month, month_from_partition_key, write_month_report

REPORT_KEY = AssetKey(["reports", "monthly"])


def build_report(home: RelaisHome, warehouse: DuckDBResource, month: date) -> list[Path]:
    """Write the report of ``month`` for ``home`` from its working warehouse; return the files written."""
    settings = {**home.settings, "timezone": home.timezone}
    with warehouse.get_connection() as con:
        return write_month_report(
            con,
            home.root,
            month,
            organisation=home.organisation,
            language=str(home.settings.get("report_language", "fr")),
            settings=settings,
        )


def report_metadata(month: date, files: list[Path]) -> dict[str, Any]:
    """Dagster metadata of a written report: month, folder, file count and the main HTML file."""
    html = next(p for p in files if p.suffix == ".html" and p.parent.name == f"{month:%Y-%m}")
    return {
        "month": f"{month:%Y-%m}",
        "folder": MetadataValue.path(str(html.parent)),
        "files": len(files),
        "html": MetadataValue.path(str(html)),
        "dagster/uri": html.as_uri(),
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
    """The monthly report of the latest closed month for HR and communications (HTML, PDF, CSV).

    RELAIS_HOME/reports/YYYY-MM/ holds the main report, one page per department and the CSV files
    of the month before the current one in the organisation's time zone (the last month with
    figures when none is older). Departments below the anonymity threshold appear merged.
    """
    with warehouse.get_connection() as con:
        month = latest_closed_month(con, home.timezone)
    if month is None:
        context.log.warning("No month in marts.programme_month yet: no report written")
        return MaterializeResult(metadata={"month": "none", "files": 0})
    files = build_report(home, warehouse, month)
    context.log.info(f"Monthly report of {month:%Y-%m} written to {files[0].parent} ({len(files)} files)")
    return MaterializeResult(metadata=report_metadata(month, files))


@op(name="write_monthly_report", tags={"kind": "report"})
def monthly_report(
    context: OpExecutionContext, home: ResourceParam[RelaisHome], warehouse: DuckDBResource
) -> str:
    """Write the report of the partition key's month (``YYYY-MM-01`` or ``YYYY-MM``); return its folder."""
    month = month_from_partition_key(context.partition_key)
    files = build_report(home, warehouse, month)
    folder = files[0].parent
    context.log.info(f"Monthly report of {month:%Y-%m} written to {folder} ({len(files)} files)")
    context.add_output_metadata(report_metadata(month, files))
    return str(folder)
