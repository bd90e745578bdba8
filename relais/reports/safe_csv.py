"""CSV files for spreadsheet users that cannot run a formula (CSV injection, CWE-1236).

A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is written with a
leading apostrophe, which spreadsheets show as text. Numbers stay numbers: French files use ``;``
between cells and a decimal comma (what French spreadsheets read as numbers), English files ``,``
and a decimal point. Files are UTF-8 with a byte-order mark so Excel reads accents correctly.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SEPARATORS = {"fr": ";", "en": ","}


def neutralise(text: str) -> str:
    """``text`` with a leading apostrophe when a spreadsheet would read it as a formula."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def cell(value: object, decimal_comma: bool = False) -> str:
    """The CSV text of one value: numbers as plain numbers, dates in ISO, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        if isinstance(value, float) and not math.isfinite(value):
            return ""
        text = format(value, "f") if isinstance(value, Decimal) else repr(value)
        if "e" in text or "E" in text:
            text = format(value, ".15f").rstrip("0").rstrip(".")
        return text.replace(".", ",") if decimal_comma else text
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(str(value))


def write_csv(
    path: Path, header: Sequence[str], rows: Iterable[Sequence[object]], language: str = "fr"
) -> Path:
    """Write ``header`` and ``rows`` to ``path`` (UTF-8 with BOM, ``;`` in French, ``,`` in English)."""
    english = language == "en"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(
            handle, delimiter=SEPARATORS["en" if english else "fr"], quoting=csv.QUOTE_MINIMAL
        )
        writer.writerow([neutralise(str(h)) for h in header])
        for row in rows:
            writer.writerow([cell(v, decimal_comma=not english) for v in row])
    return path
