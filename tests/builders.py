"""Tiny hand-made exports for the tests: the shared writers of ``relais.synthetic``, and a Page content export
built from (title, link, created M/D/YYYY, impressions, clicks, likes, comments, reposts) tuples."""

from __future__ import annotations

from pathlib import Path

from relais.synthetic.archives import CONNECTIONS_PREAMBLE, write_zip
from relais.synthetic.page import OLDER_PAGE_CONTENT, PAGE_CONTENT, page_content_sheets
from relais.synthetic.text import csv_text, write_text
from relais.synthetic.workbooks import Cell, write_workbook

__all__ = ["CONNECTIONS_PREAMBLE", "csv_text", "write_page_export", "write_text", "write_zip"]

PAGE_POST_FIELDS = ("title", "link", "created", "impressions", "clicks", "likes", "comments", "reposts")


def write_page_export(path: Path, posts: list[tuple[Cell, ...]], legacy: bool = False) -> Path:
    """Write a Page content export (the older ``Update ...`` layout if ``legacy``) listing ``posts``, each
    organic and posted by Camille Admin, other columns left empty; the daily sheet has no rows."""
    records = [
        {**dict(zip(PAGE_POST_FIELDS, post, strict=True)), "type": "Organic", "posted_by": "Camille Admin"}
        for post in posts
    ]
    return write_workbook(
        path, page_content_sheets(OLDER_PAGE_CONTENT if legacy else PAGE_CONTENT, [], records)
    )
