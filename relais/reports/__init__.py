"""The monthly report for HR and communications: HTML, PDF and CSV files per month and department.

Pure modules, no Dagster import: ``figures`` reads the marts into plain records, ``charts`` turns
them into SVG images, ``labels`` holds the French and English wording and number formats,
``safe_csv`` writes spreadsheets that cannot carry formulas, ``render`` fills the Jinja templates
and prints PDFs, ``build`` writes one month's folder, and ``manifest`` records whom each folder
names and finds the past ones to write again after a withdrawal. ``assets.reports`` wraps them.
"""

from relais.reports.build import write_month_report
from relais.reports.months import latest_complete_month, month_from_partition_key

__all__ = ["latest_complete_month", "month_from_partition_key", "write_month_report"]
