"""Runs started from the command line rather than from Dagster's UI: a whole refresh, and reports.

``relais erase`` rebuilds the home after removing a person, then regenerates every monthly report
already written, so that none of them keeps the person's figures or name.
"""

from __future__ import annotations

import re
from datetime import date

import duckdb
from dagster import DagsterInstance

from assets.home import RelaisHome
from assets.reports.build import write_month_report

MONTH_FOLDER = re.compile(r"^(\d{4})-(\d{2})$")


def refresh_home(home: RelaisHome) -> bool:
    """Materialise every asset of the home in this process (no run history is kept); True on success."""
    from pipelines.definitions import build_definitions

    job = build_definitions(home).resolve_implicit_global_asset_job_def()
    with DagsterInstance.ephemeral() as instance:
        return job.execute_in_process(instance=instance, raise_on_error=False).success


def report_months(home: RelaisHome) -> list[date]:
    """The months whose report folder exists in the home."""
    if not home.reports_dir.is_dir():
        return []
    months = []
    for folder in home.reports_dir.iterdir():
        match = MONTH_FOLDER.match(folder.name)
        if folder.is_dir() and match:
            months.append(date(int(match.group(1)), int(match.group(2)), 1))
    return sorted(months)


def regenerate_reports(home: RelaisHome) -> int:
    """Rewrite every existing monthly report from the current warehouse; return how many were written."""
    months = report_months(home)
    if not months or not home.warehouse.exists():
        return 0
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        for month in months:
            write_month_report(
                con,
                home.root,
                month,
                organisation=home.organisation,
                language=str(home.settings.get("report_language", "fr")),
                settings=home.settings,
            )
    return len(months)
