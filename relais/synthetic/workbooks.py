"""XLSX workbooks written with xlsxwriter, the way LinkedIn's exports hold their cells: text as text, numbers
as numbers, dates as ``m/d/yyyy`` date cells, empty cells left out; the creation date is fixed, so the same
sheets always give the same bytes. Workbooks are assembled in memory: no temporary files (faster for the
many small workbooks the generators write), and zip entries whose dates and modes do not depend on the
machine (from temporary files they take the umask's mode).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path

import xlsxwriter

WORKBOOK_CREATED = datetime(2026, 11, 1)
"""The creation date every generated workbook carries in its properties."""

Cell = str | int | float | date | None
"""A cell: text, a number, a date (or datetime), or None (and ``""``) for an empty cell."""
Rows = list[list[Cell]]
"""A sheet as rows of cells; ``rows[i]`` is spreadsheet row ``i + 1``."""
Sheets = Mapping[str, Sequence[Sequence[Cell]]]
"""A workbook's sheets by name, in order."""


def write_workbook(path: Path, sheets: Sheets, created: datetime = WORKBOOK_CREATED) -> Path:
    """Write an XLSX file with one sheet per entry, in order, authored by "LinkedIn" on ``created``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(str(path), {"in_memory": True})
    workbook.set_properties({"created": created, "author": "LinkedIn"})
    day_format = None
    for name, rows in sheets.items():
        sheet = workbook.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, str):
                    sheet.write_string(r, c, value)
                elif isinstance(value, date):
                    if day_format is None:
                        day_format = workbook.add_format({"num_format": "m/d/yyyy"})
                    moment = (
                        value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
                    )
                    sheet.write_datetime(r, c, moment, day_format)
                else:
                    sheet.write_number(r, c, value)
    workbook.close()
    return path
