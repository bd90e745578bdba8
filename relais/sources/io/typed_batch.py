"""Rows of text cells typed a column at a time: a batch form in Polars, the Python parser for the rest.

Every reader of row files (archive CSV members, workbook sheets) types its rows here. Each column
has a ``relais.sources.io.tables.Column`` whose parser reads one cell in Python, and may have a
batch form: a Polars expression over the column's text giving the value the parser gives, or null
where it cannot say. ``type_columns`` casts a batch of rows with the forms, then sends only the cells
that came out null while not blank through the column's parser, each distinct text once, so that
every form a parser knows stays read and every refused cell keeps the parser's exact reason. A row
is refused for its first failing column, as ``relais.sources.io.tables.typed_values`` says it. A
form marked exact is the parser's whole answer (text kept or stripped, a dropped column): no cell
of it goes to the parser.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

import polars as pl

from relais.sources.io.tables import Column, parse_cell

ROW = "_source_row"
"""The column holding each row's line or spreadsheet row number (1-based)."""
BatchForm = Callable[[pl.Expr], pl.Expr]
"""A Polars expression typing a text column as a cell parser would, null where it cannot decide."""

PYTHON_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
"""The characters Python's ``str.strip`` removes (``str.isspace``): a cell of these only is blank, as the
parsers see it (``tests/test_sheets.py`` checks the list against Python's own)."""


def _parsed(parse: Callable[[str | None], Any], texts: list[str]) -> tuple[list[Any], list[str | None]]:
    """Each text parsed: its value (None when refused) and the parser's reason (None when read)."""
    cells = [parse_cell(parse, text) for text in texts]
    return [value for value, _ in cells], [reason for _, reason in cells]


def type_columns(
    cells: pl.DataFrame,
    columns: Sequence[Column],
    forms: Mapping[str, BatchForm | None],
    labels: Mapping[str, str | pl.Expr | None],
    carry: Sequence[str] = (ROW,),
    exact: Collection[str] = (),
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Type rows of text cells: the typed rows, and the rows refused with their reason.

    ``cells`` holds one text column per ``Column`` (by its name; a missing one is blank; blank cells
    are null) and the ``carry`` columns, kept as they are (``_source_row``, a file's number...). Each
    column is typed by its batch form (``forms``, by column name; None: it has none), then the cells
    that came out null while not blank go through ``column.parse``, each distinct text once. A row is
    refused for the first column, in ``columns`` order, whose parser refused its cell (``column
    '<label>': <reason>``) or which is required and empty (``column '<label>' is empty``), exactly as
    ``relais.sources.io.tables.typed_values`` says; ``labels`` are the headers as the file wrote them,
    one text per column or an expression giving each row's (rows of several files). Returns the
    typed rows (one column per ``Column``, then ``carry``) and the refused ones (``carry``, ``reason``),
    both in the order of ``cells``. The columns named in ``exact`` take their batch form's value as
    it is, null included.
    """
    stage = cells.with_columns(
        *(
            (pl.col(c.name) if c.name in cells.columns else pl.lit(None, pl.String)).alias(f"raw:{c.name}")
            for c in columns
        ),
    )
    stage = stage.with_columns(
        (form(pl.col(f"raw:{c.name}")) if (form := forms.get(c.name)) else pl.lit(None)).alias(
            f"fast:{c.name}"
        )
        for c in columns
    )
    values: list[pl.Expr] = []
    reasons: list[pl.Expr] = []
    for column in columns:
        if column.name in exact:
            value, refusal = pl.col(f"fast:{column.name}"), pl.lit(None, pl.String)
        else:
            value, refusal = _python_fallback(stage, column)
        value = value.alias(column.name)
        values.append(value)
        label = labels.get(column.name, column.name)
        label = label if isinstance(label, pl.Expr) else pl.lit(label, pl.String)
        label = label.fill_null("None")
        empty = pl.concat_str(pl.lit("column '"), label, pl.lit("' is empty"))
        reasons.append(
            pl.when(refusal.is_not_null())
            .then(pl.concat_str(pl.lit("column '"), label, pl.lit("': "), refusal))
            .when(value.is_null() & pl.lit(column.required))
            .then(empty)
        )
    reason = pl.coalesce(reasons) if reasons else pl.lit(None, pl.String)
    typed = stage.select(*values, *carry, reason.alias("reason"))
    refused = typed.filter(pl.col("reason").is_not_null()).select(*carry, "reason")
    return typed.filter(pl.col("reason").is_null()).drop("reason"), refused


def _python_fallback(stage: pl.DataFrame, column: Column) -> tuple[pl.Expr, pl.Expr]:
    """The column's value and refusal reason: the batch form's value, or the parser's for the cells it
    left null while not blank. A blank cell is what ``column.parse(None)`` makes of it (None for every
    spreadsheet parser)."""
    name = column.name
    raw, fast = pl.col(f"raw:{name}"), pl.col(f"fast:{name}")
    pending = raw.is_not_null() & fast.is_null()
    texts = stage.filter(pending).get_column(f"raw:{name}").unique(maintain_order=True).to_list()
    [blank], [blank_refusal] = _parsed(column.parse, [None])
    if not texts and blank is None and blank_refusal is None:
        return fast, pl.lit(None, pl.String)
    parsed, refusals = _parsed(column.parse, texts)
    dtype = stage.schema[f"fast:{name}"]
    if dtype == pl.Null:
        dtype = pl.Series([*parsed, blank], strict=False).dtype
    parsed_value = raw.replace_strict(texts, pl.Series(parsed, dtype=dtype), default=None, return_dtype=dtype)
    refusal = raw.replace_strict(
        texts, pl.Series(refusals, dtype=pl.String), default=None, return_dtype=pl.String
    )
    value = pl.when(raw.is_null()).then(pl.lit(blank, dtype)).when(pending).then(parsed_value)
    reason = pl.when(raw.is_null()).then(pl.lit(blank_refusal, pl.String)).when(pending).then(refusal)
    return value.otherwise(fast.cast(dtype)), reason
