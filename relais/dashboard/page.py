"""The dashboard as one HTML file: the template, its style and script inlined, the figures as JSON.

The page needs nothing but itself: no server, no network, no script or font from elsewhere (its
Content-Security-Policy forbids every fetch). The figures travel in a ``<script
type="application/json">`` element written by Jinja's ``tojson`` (which escapes ``<``, ``>`` and
``&``), and the script puts every text in place with ``textContent``, so a department named
``<script>`` stays text.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from relais.dashboard.data import dashboard_data
from relais.settings import Settings
from relais.warehouse.tables import table_columns

TEMPLATES = Path(__file__).parent / "templates"
DASHBOARD_NAME = "dashboard.html"
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'; connect-src 'none'"
)


def _inline(name: str) -> Markup:
    """A style or script file of ``templates/`` to place inline (our own file, never data)."""
    text = (TEMPLATES / name).read_text(encoding="utf-8")
    if "</" in text:
        raise ValueError(f"{name} must not contain '</': it is inlined into the page")
    return Markup(text)


def render_dashboard(data: Mapping[str, Any]) -> str:
    """The dashboard's HTML for ``data`` (``relais.dashboard.data.dashboard_data``)."""
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    # French text stays readable in the file; tojson still escapes <, >, & and ' for the script element
    environment.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}
    return environment.get_template("dashboard.html.j2").render(
        data=data,
        text=data["text"],
        csp=CONTENT_SECURITY_POLICY,
        style=_inline("dashboard.css"),
        script=_inline("dashboard.js"),
    )


def published_at(con: duckdb.DuckDBPyConnection, timezone: str) -> datetime:
    """When the snapshot was published (``marts.meta``), in the organisation's time zone; now if unknown."""
    moment = None
    if "published_at" in table_columns(con, "marts.meta"):
        found = con.execute("SELECT max(published_at) FROM marts.meta").fetchall()
        moment = found[0][0] if found else None
    if moment is None:
        return datetime.now(ZoneInfo(timezone))
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(ZoneInfo(timezone))


def snapshot_dashboard(con: duckdb.DuckDBPyConnection, settings: Settings) -> str:
    """The dashboard's HTML from a connection to the published snapshot, in ``report_language``."""
    return render_dashboard(dashboard_data(con, settings, published_at(con, settings.timezone)))


def write_dashboard(snapshot: Path, target: Path, settings: Settings) -> Path:
    """Write the dashboard of the snapshot ``snapshot`` (opened read-only) to ``target``, atomically.

    The page is written beside ``target`` under a temporary name and renamed over it, so a reader
    opening the file never sees half a page.
    """
    with duckdb.connect(str(snapshot), read_only=True) as con:
        html = snapshot_dashboard(con, settings)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex[:12]}.tmp")
    try:
        temporary.write_text(html, encoding="utf-8")
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return target
