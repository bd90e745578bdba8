"""The interactive dashboard: one HTML file that opens from the disk, built from the published snapshot.

Pure modules, no Dagster import: ``data`` reads the published marts into the page's JSON (numbers
formatted by the report's labels, months marked complete or partial as the report does), ``wording``
holds the dashboard's own French and English text, ``page`` fills the template with its style,
script and data inlined and writes the file atomically. ``assets.dashboard`` wraps them.
"""

from relais.dashboard.page import DASHBOARD_NAME, write_dashboard

__all__ = ["DASHBOARD_NAME", "write_dashboard"]
