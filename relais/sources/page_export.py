"""The institution's LinkedIn Page content export: its posts and their figures.

Today's export has the sheets ``Metrics`` and ``All posts``; the layout of around 2020 has
``Update metrics (aggregated)`` and ``Update engagement``. In both a note fills the first row and
the headers follow; Relais finds the header row by scanning and maps columns by name, so renamed
or reordered columns (``Shares`` for ``Reposts``, ``Update link`` for ``Post link``) are read the
same way. The name of the person who posted is not kept.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from relais.ledger import FileRejected, RowProblem
from relais.sources.io.dates import read_month_first
from relais.sources.io.tables import Column, TableRead, column_positions, typed_values
from relais.sources.io.values import is_blank, parse_count
from relais.sources.io.workbooks import PAGE_SHEETS, find_sheet
from relais.sources.post_identity import publication_key


def _rate(text: str | None) -> float | None:
    if is_blank(text):
        return None
    value = text.strip().rstrip("%").replace(",", ".")
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"'{text.strip()}' is not a rate") from None
    return number / 100 if text.strip().endswith("%") else number


def _created(text: str | None) -> date | None:
    return read_month_first(text)


def _title(text: str | None) -> str | None:
    return " ".join(text.split()) if text and text.strip() else None


POST_COLUMNS: tuple[Column, ...] = (
    Column(
        "post_link", ("post_link", "update_link", "lien_du_post", "lien_de_la_publication"), required=True
    ),
    Column("title", ("post_title", "update_title", "titre_du_post", "titre_de_la_publication"), _title),
    Column("post_type", ("post_type", "update_type", "type_de_post", "type_de_publication")),
    Column("content_type", ("content_type", "type_de_contenu")),
    Column("created_on", ("created_date", "date_de_creation"), _created, required=True),
    Column("impressions", ("impressions",), parse_count),
    Column("clicks", ("clicks", "clics"), parse_count),
    Column("likes", ("likes", "reactions", "j_aime"), parse_count),
    Column("comments", ("comments", "commentaires"), parse_count),
    Column("reposts", ("reposts", "shares", "republications", "partages"), parse_count),
    Column("follows", ("follows", "abonnements"), parse_count),
    Column("engagement_rate", ("engagement_rate", "taux_d_engagement"), _rate),
)
HEADER_SCAN_ROWS = 10


def _cell(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_page_posts(path: Path, source_file: str) -> TableRead:
    """Read the per-post sheet of a Page content export into rows keyed by ``post_key``.

    Rows are numbered as the spreadsheet shows them (1-based). A row whose link designates no
    LinkedIn post, or whose date or figures cannot be read, is returned as a problem.
    """
    import fastexcel

    reader = fastexcel.read_excel(str(path))
    names = list(reader.sheet_names)
    sheet_name = find_sheet(names, PAGE_SHEETS["all_posts"]) or find_sheet(names, PAGE_SHEETS["legacy_posts"])
    if sheet_name is None:
        raise FileRejected(f"no per-post sheet (All posts, Update engagement or a translation) among {names}")
    frame = reader.load_sheet_by_name(sheet_name, header_row=None, skip_rows=0, dtypes="string").to_polars()
    grid = [[_cell(v) for v in row] for row in frame.iter_rows()]
    header_index = next(
        (
            i
            for i, row in enumerate(grid[:HEADER_SCAN_ROWS])
            if column_positions(row, POST_COLUMNS).get("post_link") is not None
        ),
        None,
    )
    if header_index is None:
        raise FileRejected(f"sheet '{sheet_name}' has no header row with a post link column")
    header = grid[header_index]
    positions = column_positions(header, POST_COLUMNS)
    if "created_on" not in positions:
        raise FileRejected(f"sheet '{sheet_name}' has no 'Created date' column")
    result = TableRead()
    for offset, cells in enumerate(grid[header_index + 1 :], start=header_index + 2):
        if all(c is None or c.strip() == "" for c in cells):
            continue
        result.rows_read += 1
        row, reason = _post_row(cells, header, positions)
        if reason:
            result.problems.append(
                RowProblem(source_file, offset, "page_posts", f"sheet '{sheet_name}': {reason}")
            )
        else:
            row["_source_row"] = offset
            result.rows.append(row)
    return result


def _post_row(
    cells: list[str | None], header: list[str | None], positions: dict[str, int]
) -> tuple[dict[str, Any], str]:
    row, reason = typed_values(cells, header, positions, POST_COLUMNS)
    if reason:
        return row, reason
    key = publication_key(row["post_link"])
    if key is None:
        return {}, f"'{row['post_link']}' is not a link to a LinkedIn post or article"
    row["post_key"] = key
    return row, ""
