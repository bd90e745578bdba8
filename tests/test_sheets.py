"""Sheets read column-wise: blank cells, batch forms of counts and days, and typing as the Python parsers do."""

import sys
from datetime import date

import polars as pl
import pytest

from relais.sources.io.sheets import (
    FILE,
    ORDER,
    blank_as_null,
    count_form,
    day_form,
    grid_of,
    stacked_cells,
    type_by_order,
)
from relais.sources.io.tables import Column, typed_values
from relais.sources.io.typed_batch import PYTHON_WHITESPACE, ROW, type_columns
from relais.sources.io.values import parse_count
from relais.sources.io.workbooks import batch_form, day_parser


def _column(values: list[str | None], expression) -> list:
    return (
        pl.DataFrame({"c": values}, schema={"c": pl.String})
        .select(expression(pl.col("c")))
        .to_series()
        .to_list()
    )


def test_blank_cells_are_null_as_python_strips_them():
    frame = blank_as_null(pl.DataFrame({"x": ["a", " ", "\x1c\t", None, " b "]}))
    assert frame.columns == ["c0"]
    assert frame.to_series().to_list() == ["a", None, None, None, " b "]
    assert grid_of(pl.DataFrame({"c0": ["a", "  "], "c1": [None, "b"]})) == [["a", None], [None, "b"]]


def test_count_form_reads_canonical_counts_only():
    texts = ["1234", "12,345", "007", "1 234", "1234.0", "-3", "12,34", "N/A", None, "99999999999999999999"]
    assert _column(texts, count_form) == [1234, 12345, 7, None, None, None, None, None, None, None]
    # every value the batch form gives is the Python parser's
    for text, value in zip(texts, _column(texts, count_form), strict=True):
        if value is not None:
            assert parse_count(text) == value


def test_day_form_reads_numeric_days_in_the_files_order_and_date_cells():
    texts = [
        "8/1/2025",
        "08/01/2025",
        "13/1/2025",
        "2/30/2026",
        "1/2/26",
        "2026-01-10 00:00:00",
        "2026-01-10 10:30:00",
    ]
    assert _column(texts, lambda c: day_form(c, "MDY")) == [
        date(2025, 8, 1),
        date(2025, 8, 1),
        None,  # no 13th month: the Python reader says it reads day first only
        None,  # no 30 February
        None,  # a two-digit year is the Python reader's to expand
        date(2026, 1, 10),
        None,  # a time of day other than midnight: the Python reader checks it
    ]
    assert _column(["8/1/2025", "13/1/2025"], lambda c: day_form(c, "DMY")) == [
        date(2025, 1, 8),
        date(2025, 1, 13),
    ]


COLUMNS = (
    Column("day", ("date",), day_parser("MDY"), required=True),
    Column("impressions", ("impressions",), parse_count),
)


@pytest.mark.parametrize(
    "cells",
    [
        ["1/2/2026", "12"],
        ["1/2/2026", "1 234"],
        ["1/2/2026", "1234.0"],
        ["1/2/2026", "N/A"],
        ["1/2/2026", "-3"],
        ["2/30/2026", "4"],
        ["13/2/2026", "4"],
        ["Jan 2, 2026", "4"],
        ["1/2/26", None],
        [None, "4"],
        ["NA", "4"],
        ["yesterday", "x"],
    ],
)
def test_type_columns_gives_what_typed_values_gives(cells):
    header = ["Date", "Impressions"]
    positions = {"day": 0, "impressions": 1}
    expected, reason = typed_values(cells, header, positions, COLUMNS)
    frame = pl.DataFrame(
        {"day": [cells[0]], "impressions": [cells[1]], ROW: [7]},
        schema_overrides={"day": pl.String, "impressions": pl.String},
    )
    forms = {c.name: batch_form(c.parse) for c in COLUMNS}
    typed, refused = type_columns(frame, COLUMNS, forms, {"day": "Date", "impressions": "Impressions"})
    if reason:
        assert typed.height == 0 and refused.rows() == [(7, reason)]
    else:
        assert refused.height == 0 and typed.to_dicts() == [{**expected, ROW: 7}]


def test_type_columns_without_batch_forms_and_with_labels_per_row():
    columns = (Column("rate", ("rate",), lambda t: None if t is None else float(t.rstrip("%")) / 100),)
    frame = pl.DataFrame({"rate": ["5%", "x", None], ROW: [2, 3, 4], "label:rate": ["Rate", "Taux", "Rate"]})
    typed, refused = type_columns(frame, columns, {"rate": None}, {"rate": pl.col("label:rate")})
    assert typed.to_dicts() == [{"rate": 0.05, ROW: 2}, {"rate": None, ROW: 4}]
    assert refused.rows() == [(3, "column 'Taux': could not convert string to float: 'x'")]


def test_stacked_cells_reads_the_rows_below_one_header_of_several_sheets():
    first = pl.DataFrame({"c0": ["Date", "1/2/2026", " ", "1/3/2026"], "c1": ["Impressions", "4", None, "5"]})
    second = pl.DataFrame({"c0": ["Date", "1/4/2026"]})
    cells = stacked_cells(
        [(3, first), (8, second)],
        0,
        {"day": 0, "impressions": 1},
        ["day", "impressions"],
        {"label:day": "Date"},
    )
    assert cells.rows() == [
        ("Date", 3, 2, "1/2/2026", "4"),
        ("Date", 3, 4, "1/3/2026", "5"),
        ("Date", 8, 2, "1/4/2026", None),
    ]
    assert cells.columns == ["label:day", FILE, ROW, "day", "impressions"]
    kept = stacked_cells([(0, first)], 1, {"day": 0}, ["day"], {}, skip_blank_rows=False)
    assert kept.get_column(ROW).to_list() == [3, 4] and kept.get_column("day").to_list() == [None, "1/3/2026"]


def test_type_by_order_reads_each_files_days_in_its_order():
    cells = pl.DataFrame(
        {
            FILE: [0, 1, 1],
            ROW: [2, 2, 3],
            ORDER: ["MDY", "DMY", "DMY"],
            "day": ["1/2/2026", "1/2/2026", "31/1/2026"],
            "label:day": ["Date", "Date", "Date"],
        }
    )
    typed, refused = type_by_order(
        cells,
        lambda order: (Column("day", (), day_parser(order), required=True),),
        lambda order: {"day": batch_form(day_parser(order))},
        (FILE, ROW),
    )
    assert typed.rows() == [(date(2026, 1, 2), 0, 2), (date(2026, 2, 1), 1, 2), (date(2026, 1, 31), 1, 3)]
    assert refused.height == 0


def test_python_whitespace_is_what_str_strip_removes():
    assert "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace()) == PYTHON_WHITESPACE
