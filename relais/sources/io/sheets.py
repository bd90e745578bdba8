"""Sheets read column-wise: a workbook sheet as a Polars frame of text, its rows typed a column at a time.

fastexcel (Rust calamine underneath) reads a sheet into Arrow columns of text (``sheet_frame``):
frame row ``i`` is spreadsheet row ``i + 1``, column ``c<j>`` the sheet's ``j``-th column, and a blank
cell (empty, or whitespace only) is null. ``type_columns`` types the rows below a header as
``relais.sources.io.tables.typed_values`` types one row, but column by column: the canonical forms a
cell parser reads (``1234``, ``12,345``, ``8/1/2025`` in the file's date order, a date cell's
``2026-01-10 00:00:00``) are cast by Polars in one batch (``count_form``, ``day_form``), and only the
cells that came out null while not blank go through the column's Python parser, each distinct text once.
Every other form a parser knows therefore stays read, and every refusal keeps the parser's exact
reason, the column's header and the spreadsheet's row number.

Polars pays a fixed cost for each operation (about a tenth of a millisecond), as much as typing a
small sheet cell by cell in Python: the rows of many files are therefore typed together. Sheets laid
out alike (same header row, same columns) are stacked in one pass (``stacked_cells``), each row
carrying its file's number (``_file``), and typed in one batch per date order (``type_by_order``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import polars as pl

from relais.sources.io.tables import Column
from relais.sources.io.typed_batch import PYTHON_WHITESPACE, ROW, BatchForm, type_columns

FILE = "_file"
"""The column holding each row's file, by its number in a batch of files typed together."""
ORDER = "_order"
"""The column holding the date order (``MDY`` or ``DMY``) of each row's file."""

_COUNT = r"^[0-9]+$"
_GROUPED_COUNT = r"^[0-9]{1,3}(?:,[0-9]{3})+$"
_NUMERIC_DAY = r"^[0-9]{1,2}/[0-9]{1,2}/[1-9][0-9]{3}$"
_DATE_CELL = r"^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}(?: 00:00:00)?$"
_DAY_FORMATS = {"MDY": "%m/%d/%Y", "DMY": "%d/%m/%Y"}


def cell_columns(width: int) -> list[str]:
    """The names of a sheet frame's first ``width`` cell columns: ``c0``, ``c1``..."""
    return [f"c{index}" for index in range(width)]


def blank_as_null(frame: pl.DataFrame) -> pl.DataFrame:
    """A frame of text cells with every column renamed ``c<j>`` and blank cells (whitespace only) null."""
    renamed = frame.clone()
    renamed.columns = cell_columns(frame.width)
    return renamed.with_columns(
        pl.when(pl.col(name).str.strip_chars(PYTHON_WHITESPACE) != "").then(pl.col(name)).alias(name)
        for name in renamed.columns
    )


def sheet_frame(reader: Any, sheet_name: str, n_rows: int | None = None, blanks: bool = True) -> pl.DataFrame:
    """One sheet of a fastexcel reader as a frame of text cells (see the module's docstring).

    Dates arrive as ISO text (``2026-01-10 00:00:00``) and whole numbers without decimals. With
    ``blanks=False`` whitespace-only cells are left as they are (``stacked_cells`` nulls them later).
    """
    loaded = reader.load_sheet_by_name(
        sheet_name, header_row=None, skip_rows=0, n_rows=n_rows, dtypes="string"
    )
    frame = loaded.to_polars()
    if any(dtype != pl.String for dtype in frame.schema.values()):
        frame = frame.cast(pl.String)
    frame.columns = cell_columns(frame.width)
    return blank_as_null(frame) if blanks else frame


def grid_of(frame: pl.DataFrame, n_rows: int | None = None) -> list[list[str | None]]:
    """The first ``n_rows`` rows of a sheet frame (all when None) as lists of text cells, blank ones None."""
    head = frame if n_rows is None else frame.head(n_rows)
    return [[value if value is not None and value.strip() else None for value in row] for row in head.rows()]


def _filled(cell: pl.Expr) -> pl.Expr:
    """True for a cell that is not blank (null, or whitespace only)."""
    return (cell.str.strip_chars(PYTHON_WHITESPACE) != "").fill_null(False)


def stacked_cells(
    sheets: Sequence[tuple[int, pl.DataFrame]],
    header_index: int | None,
    positions: Mapping[str, int],
    names: Sequence[str],
    constants: Mapping[str, Any],
    skip_blank_rows: bool = True,
) -> pl.DataFrame:
    """The rows below the same header row of sheets laid out alike, as text cells named by column.

    ``sheets`` are (file number, sheet frame) pairs; ``header_index`` is 0-based (None: the rows from
    the first); ``positions`` maps a name of ``names`` to its sheet column (a name without one, or
    past a sheet's last column, is blank). Blank cells become null and blank rows (every cell of the
    sheet blank) are left out unless ``skip_blank_rows`` is False; each row gets its file's number
    (``_file``), its spreadsheet row number and the ``constants`` (the headers as written...). One
    pass over all the sheets: the files' rows are then typed together (``type_by_order``).
    """
    frames = [frame for _, frame in sheets]
    files = pl.Series(FILE, [number for number, _ in sheets], dtype=pl.Int64)
    heights = pl.Series([frame.height for frame in frames], dtype=pl.Int64)
    stacked = pl.concat(frames, how="diagonal") if frames else pl.DataFrame()
    cells = stacked.columns
    first = 0 if header_index is None else header_index + 1
    named = []
    for name in names:
        index = positions.get(name)
        cell = pl.col(f"c{index}") if index is not None and f"c{index}" in cells else pl.lit(None, pl.String)
        named.append(pl.when(_filled(cell)).then(cell).alias(name))
    rows = stacked.lazy().with_columns(files.repeat_by(heights).explode().alias(FILE))
    rows = rows.with_columns((pl.int_range(pl.len(), dtype=pl.Int64).over(FILE) + 1).alias(ROW))
    rows = rows.filter(pl.col(ROW) > first)
    if skip_blank_rows:
        rows = rows.filter(pl.any_horizontal(_filled(pl.col(c)) for c in cells) if cells else pl.lit(False))
    return rows.select(
        *(pl.lit(value).alias(name) for name, value in constants.items()), FILE, ROW, *named
    ).collect()


def type_by_order(
    cells: pl.DataFrame,
    columns_in: Callable[[str], Sequence[Column]],
    forms_in: Callable[[str], Mapping[str, BatchForm | None]],
    carry: Sequence[str],
    order_by: Sequence[str] = (FILE, ROW),
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``type_columns`` for rows of several files whose dates read in their file's order (``_order``).

    ``columns_in(order)`` and ``forms_in(order)`` give the columns and batch forms for an order; each
    column's label is the row's ``label:<name>`` column. Both frames come sorted by ``order_by``.
    """
    typed, refused = [], []
    for order in cells.get_column(ORDER).unique(maintain_order=True).to_list():
        group = cells.filter(pl.col(ORDER) == order)
        columns = columns_in(order)
        labels = {c.name: pl.col(f"label:{c.name}") for c in columns}
        done, refusals = type_columns(group, columns, forms_in(order), labels, carry)
        typed.append(done)
        refused.append(refusals)
    if not typed:
        columns = columns_in("MDY")
        return type_columns(cells.clear(), columns, forms_in("MDY"), {c.name: c.name for c in columns}, carry)
    merged = pl.concat(typed, how="vertical_relaxed").sort(order_by)
    return merged, pl.concat(refused, how="vertical_relaxed").sort(order_by)


def rows_below(frame: pl.DataFrame, header_index: int) -> pl.DataFrame:
    """The non-blank rows below a header row (0-based index), each with its spreadsheet row number."""
    cells = cell_columns(frame.width)
    body = frame.slice(header_index + 1).with_row_index(ROW, offset=header_index + 2)
    body = body.with_columns(pl.col(ROW).cast(pl.Int64))
    return body.filter(pl.any_horizontal(_filled(pl.col(c)) for c in cells)) if cells else body.clear()


def count_form(cells: pl.Expr) -> pl.Expr:
    """Counts written ``1234`` or ``12,345``, as ``relais.sources.io.values.parse_count`` reads them."""
    grouped = cells.str.contains(_GROUPED_COUNT)
    digits = pl.when(grouped).then(cells.str.replace_all(",", "", literal=True)).otherwise(cells)
    return pl.when(cells.str.contains(_COUNT) | grouped).then(digits.cast(pl.Int64, strict=False))


def day_form(cells: pl.Expr, order: str) -> pl.Expr:
    """Days written ``8/1/2025`` (read in ``order``, ``MDY`` or ``DMY``) or as a date cell (``2026-01-10``).

    A numeric day that is no real day in ``order`` stays null: the Python reader says why.
    """
    numeric = cells.str.strptime(pl.Date, _DAY_FORMATS[order], strict=False)
    cell = cells.str.slice(0, 10).str.strptime(pl.Date, "%Y-%m-%d", strict=False)
    return (
        pl.when(cells.str.contains(_NUMERIC_DAY))
        .then(numeric)
        .when(cells.str.contains(_DATE_CELL))
        .then(cell)
        .otherwise(pl.lit(None, pl.Date))
    )


def text_form(cells: pl.Expr) -> pl.Expr:
    """Text as it is (blank cells are already null): the default ``Column`` parser."""
    return cells


def cells_at(body: pl.DataFrame, positions: Mapping[str, int], carry: Sequence[str] = (ROW,)) -> pl.DataFrame:
    """The cells of a sheet's rows named by column: ``positions`` maps a name to its sheet column."""
    named = [
        pl.col(f"c{index}").alias(name) for name, index in positions.items() if f"c{index}" in body.columns
    ]
    return body.select(*carry, *named)


def header_labels(header: Sequence[str | None], positions: Mapping[str, int]) -> dict[str, str | None]:
    """Each named column's header cell as written (None past the end of the header row)."""
    return {name: header[index] if index < len(header) else None for name, index in positions.items()}
