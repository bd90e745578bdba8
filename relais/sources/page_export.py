"""The institution's LinkedIn Page content export: its posts and their figures.

Today's export has the sheets ``Metrics`` and ``All posts``; the layout of around 2020 has
``Update metrics (aggregated)`` and ``Update engagement``. In both a note fills the first row and
the headers follow; Relais finds the header row by scanning and maps columns by name, so renamed
or reordered columns (``Shares`` for ``Reposts``, ``Update link`` for ``Post link``) are read the
same way. The name of the person who posted is not kept.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from relais.ledger import FileRejected, RowProblem
from relais.sources.io.sheets import grid_of, sheet_frame
from relais.sources.io.tables import Column, TableRead, column_positions
from relais.sources.io.typed_batch import ROW
from relais.sources.io.values import is_blank, parse_count
from relais.sources.io.workbooks import PAGE_SHEETS, day_parser, find_sheet, open_workbook, read_sheet_rows
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


def _title(text: str | None) -> str | None:
    return " ".join(text.split()) if text and text.strip() else None


POST_COLUMNS: tuple[Column, ...] = (
    Column(
        "post_link", ("post_link", "update_link", "lien_du_post", "lien_de_la_publication"), required=True
    ),
    Column("title", ("post_title", "update_title", "titre_du_post", "titre_de_la_publication"), _title),
    Column("post_type", ("post_type", "update_type", "type_de_post", "type_de_publication")),
    Column("content_type", ("content_type", "type_de_contenu")),
    Column("created_on", ("created_date", "date_de_creation"), day_parser("MDY"), required=True),
    Column("impressions", ("impressions",), parse_count),
    Column("clicks", ("clicks", "clics"), parse_count),
    Column("likes", ("likes", "reactions", "j_aime"), parse_count),
    Column("comments", ("comments", "commentaires"), parse_count),
    Column("reposts", ("reposts", "shares", "republications", "partages"), parse_count),
    Column("follows", ("follows", "abonnements"), parse_count),
    Column("engagement_rate", ("engagement_rate", "taux_d_engagement"), _rate),
)
HEADER_SCAN_ROWS = 10


def read_page_posts(path: Path, source_file: str) -> TableRead:
    """Read the per-post sheet of a Page content export into rows keyed by ``post_key``.

    Rows are numbered as the spreadsheet shows them (1-based). The sheet is typed column-wise
    (``read_sheet_rows``); the post key of each link is found in Python (``publication_key``, the
    one definition of a post's identity). A row whose link designates no LinkedIn post, or whose
    date or figures cannot be read, is returned as a problem.
    """
    reader = open_workbook(path)
    names = list(reader.sheet_names)
    sheet_name = find_sheet(names, PAGE_SHEETS["all_posts"]) or find_sheet(names, PAGE_SHEETS["legacy_posts"])
    if sheet_name is None:
        raise FileRejected(f"no per-post sheet (All posts, Update engagement or a translation) among {names}")
    frame = sheet_frame(reader, sheet_name)
    head = grid_of(frame, HEADER_SCAN_ROWS)
    header_index = next(
        (i for i, row in enumerate(head) if column_positions(row, POST_COLUMNS).get("post_link") is not None),
        None,
    )
    if header_index is None:
        raise FileRejected(f"sheet '{sheet_name}' has no header row with a post link column")
    if "created_on" not in column_positions(head[header_index], POST_COLUMNS):
        raise FileRejected(f"sheet '{sheet_name}' has no 'Created date' column")
    read = read_sheet_rows(frame, header_index, POST_COLUMNS, sheet_name, source_file, "page_posts")
    rows = read.rows.drop("_sheet")
    keys = {link: publication_key(link) for link in rows.get_column("post_link").unique().to_list()}
    rows = rows.with_columns(
        pl.col("post_link").replace_strict(keys, default=None, return_dtype=pl.String).alias("post_key")
    )
    problems = read.problems + [
        RowProblem(
            source_file,
            row_number,
            "page_posts",
            f"sheet '{sheet_name}': '{link}' is not a link to a LinkedIn post or article",
        )
        for row_number, link in rows.filter(pl.col("post_key").is_null()).select(ROW, "post_link").iter_rows()
    ]
    result = TableRead(rows_read=read.rows_read)
    result.rows = rows.filter(pl.col("post_key").is_not_null()).to_dicts()
    result.problems = sorted(problems, key=lambda problem: problem.source_row)
    return result
