"""Writers for tiny hand-made exports in the real formats, used by the tests."""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path


def write_text(path: Path, lines: list[str], newline: str = "\n", encoding: str = "utf-8") -> Path:
    """Write lines joined by ``newline`` (with a final one) in ``encoding``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((newline.join(lines) + newline).encode(encoding))
    return path


def write_zip(path: Path, members: dict[str, str]) -> Path:
    """Write a zip whose members are the given texts (UTF-8, kept byte for byte)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 5, 1, 0, 0, 0)), text.encode("utf-8"))
    return path


def csv_text(lines: list[str], newline: str = "\n") -> str:
    """Lines joined as a CSV file's text."""
    return newline.join(lines) + newline


CONNECTIONS_PREAMBLE = [
    "Notes:",
    '"When exporting your connection data, you may notice that some of the email addresses are missing. '
    "You will only see email addresses for connections who have allowed their connections to see or download "
    'their email address using this setting https://www.linkedin.com/psettings/privacy/email."',
    "",
]


def write_page_export(path: Path, posts: list[tuple], legacy: bool = False) -> Path:
    """Write a Page content export: a note on row 1, headers on row 2, one row per post.

    ``posts`` holds (title, link, created M/D/YYYY, impressions, clicks, likes, comments, reposts).
    """
    import xlsxwriter

    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(str(path))
    workbook.set_properties({"created": datetime(2026, 5, 1)})
    if legacy:
        sheets = ("Update metrics (aggregated)", "Update engagement")
        header = [
            "Update title",
            "Update link",
            "Update type",
            "Created date",
            "Impressions",
            "Video views",
            "Clicks",
            "Click through rate (CTR)",
            "Likes",
            "Comments",
            "Shares",
            "Follows",
            "Engagement rate",
        ]
    else:
        sheets = ("Metrics", "All posts")
        header = [
            "Post title",
            "Post link",
            "Post type",
            "Campaign name",
            "Posted by",
            "Created date",
            "Campaign start date",
            "Campaign end date",
            "Audience",
            "Impressions",
            "Views (excluding off-site video views)",
            "Off-site views",
            "Clicks",
            "Click through rate (CTR)",
            "Likes",
            "Comments",
            "Reposts",
            "Follows",
            "Engagement rate",
            "Content Type",
        ]
    metrics = workbook.add_worksheet(sheets[0])
    metrics.write_row(0, 0, ["Aggregated metrics for the selected range."])
    metrics.write_row(1, 0, ["Date", "Impressions (organic)"])
    sheet = workbook.add_worksheet(sheets[1])
    sheet.write_row(0, 0, ["All posts published in the selected range. Metrics are lifetime."])
    sheet.write_row(1, 0, header)
    for index, (title, link, created, impressions, clicks, likes, comments, reposts) in enumerate(
        posts, start=2
    ):
        values = dict(zip(header, [None] * len(header), strict=True))
        values.update(
            {
                header[0]: title,
                header[1]: link,
                header[2]: "Organic",
                "Created date": created,
                "Impressions": impressions,
                "Clicks": clicks,
                "Likes": likes,
                "Comments": comments,
                header[10 if legacy else 16]: reposts,
                "Posted by": "Camille Admin",
            }
        )
        sheet.write_row(index, 0, [values[h] for h in header])
    workbook.close()
    return path
