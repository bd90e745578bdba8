"""The monthly report for HR and communications: HTML, PDF and CSV files per month and department.

Pure modules, no Dagster import: ``figures`` reads the marts into plain records, ``charts`` turns
them into SVG images, ``labels`` holds the French and English wording and number formats,
``safe_csv`` writes spreadsheets that cannot carry formulas, ``render`` fills the Jinja templates
and prints PDFs (``pdfs`` on two cores), ``month_figures`` reads one month's figures at once,
``build`` writes one month's folder unless the digest of its inputs (``digest``) shows it is there
already, and ``manifest`` records whom each folder names and how it was written, and finds the past
ones to write again after a withdrawal. ``assets.reports`` wraps them.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from relais.reports.build import MonthReport, update_month_report, write_month_report
    from relais.reports.months import latest_complete_month, month_from_partition_key

_HOMES = {
    "MonthReport": "relais.reports.build",
    "update_month_report": "relais.reports.build",
    "write_month_report": "relais.reports.build",
    "latest_complete_month": "relais.reports.months",
    "month_from_partition_key": "relais.reports.months",
}
__all__ = [
    "MonthReport",
    "latest_complete_month",
    "month_from_partition_key",
    "update_month_report",
    "write_month_report",
]


def __getattr__(name: str) -> Any:
    """The names above, imported when first asked for: a PDF worker process imports ``pdfs`` alone,
    not the charts and the warehouse queries of ``build``."""
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(_HOMES[name]), name)
