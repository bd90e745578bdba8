"""HTML from the Jinja templates (every value escaped) and PDF from that HTML with WeasyPrint.

The templates live in ``templates/`` beside this module. Autoescaping is on for every template, so
a post title or department name holding ``<script>`` is printed as text. WeasyPrint may read only
``data:`` URLs (the embedded charts): nothing is fetched from the network or the disk.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from relais.reports.labels import Labels

TEMPLATES = Path(__file__).parent / "templates"
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
)


def environment() -> Environment:
    """The Jinja environment of the report templates, autoescaping everything."""
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(template: str, labels: Labels, **context: Any) -> str:
    """The HTML of ``template`` (a file of ``templates/``) with ``t`` as the labels and ``context``."""
    return environment().get_template(template).render(t=labels, csp=CONTENT_SECURITY_POLICY, **context)


def write_pdf(html: str, path: Path) -> Path:
    """Print ``html`` to an A4 PDF at ``path``; only ``data:`` URLs may be read while printing."""
    from weasyprint import HTML  # about 0.8 s to import: only where a PDF is printed
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"}, allow_redirects=False)
    HTML(string=html, url_fetcher=fetcher).write_pdf(path)
    return path
