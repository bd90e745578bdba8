"""CSV reports beside LinkedIn's exports: the HR roster (French headers, ``;``, Windows-1252, CRLF, dates
DD/MM/YYYY) and the EveryoneSocial users report (UTF-8 with a BOM, CRLF).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from relais.synthetic.text import csv_line, write_text

ROSTER_HEADER = (
    "matricule",
    "prénom",
    "nom",
    "courriel",
    "direction",
    "site",
    "fonction",
    "date_adhesion",
    "consentement",
    "date_retrait",
)
EVERYONESOCIAL_HEADER = (
    "Name",
    "Type",
    "Created On",
    "Onboarded",
    "Last Active",
    "Reach",
    "Posts",
    "Shares",
    "Clicks",
)


def write_roster(path: Path, rows: Iterable[Sequence[str]]) -> Path:
    """Write the HR roster: one row of ``ROSTER_HEADER`` values per staff member (none may hold a ``;``)."""
    lines = [";".join(ROSTER_HEADER)]
    for row in rows:
        if any(";" in value for value in row):
            raise ValueError(f"a roster value holds the delimiter: {row}")
        lines.append(";".join(row))
    return write_text(path, lines, "\r\n", "cp1252")


def write_everyonesocial(path: Path, rows: Iterable[Sequence[str]]) -> Path:
    """Write an EveryoneSocial users report: one row of ``EVERYONESOCIAL_HEADER`` values per user."""
    return write_text(path, [csv_line(EVERYONESOCIAL_HEADER), *map(csv_line, rows)], "\r\n", "utf-8-sig")
