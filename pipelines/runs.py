"""Runs started from the command line rather than from Dagster's UI: a whole refresh, and reports.

``relais erase`` rebuilds the home after removing a person, then regenerates every monthly report
already written, so that none of them keeps the person's figures or name.
"""

from __future__ import annotations

import re
import shutil
from datetime import date

from dagster import DagsterInstance

from assets.reports import build_report
from relais.home import RelaisHome

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
    """Rewrite every existing monthly report from the current warehouse; return how many were written.

    A month left without figures (its only data was an erased person's) loses its report folder.
    """
    from pipelines.resources import build_resources

    months = report_months(home)
    if not months or not home.warehouse.exists():
        return 0
    warehouse = build_resources(home)["warehouse"]
    written = 0
    for month in months:
        try:
            build_report(home, warehouse, month, force=True)  # an erasure always writes them again
            written += 1
        except LookupError:
            # The month has no figures any more (its only data was the person's): its old report
            # would keep them, so it goes.
            shutil.rmtree(home.reports_dir / f"{month:%Y-%m}")
    return written
