"""Text of synthetic exports: CSV fields and lines as LinkedIn quotes them, the date spellings of its exports,
names folded into e-mail addresses and URL slugs, and plain text files written byte for byte.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path

MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def csv_field(value: str) -> str:
    """One CSV field, quoted (quotes doubled) when it holds a comma, a quote or a line break."""
    if any(c in value for c in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def csv_line(values: Iterable[str]) -> str:
    """One CSV line of comma-separated fields (no line ending)."""
    return ",".join(csv_field(v) for v in values)


def csv_text(lines: Iterable[str], newline: str = "\n") -> str:
    """Lines joined as a file's text, with a final line ending."""
    return newline.join(lines) + newline


def write_text(path: Path, lines: Iterable[str], newline: str = "\n", encoding: str = "utf-8") -> Path:
    """Write lines joined by ``newline`` (with a final one) in ``encoding`` (``utf-8-sig`` for a BOM)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(csv_text(lines, newline).encode(encoding))
    return path


def ascii_fold(text: str) -> str:
    """Accents stripped (é -> e, æ -> ae, œ -> oe), other characters kept."""
    text = text.replace("æ", "ae").replace("Æ", "Ae").replace("œ", "oe").replace("Œ", "Oe")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def email_part(name: str) -> str:
    """A name in an e-mail address: 'Le Gall' -> 'le-gall', "N'Diaye" -> 'ndiaye', 'Hélène' -> 'helene'."""
    return ascii_fold(name).lower().replace("'", "").replace(" ", "-")


def slugify(text: str, words: int = 6) -> str:
    """A URL slug of the first ``words`` words of a text (accents folded, lower case, hyphens)."""
    folded = "".join(c if c.isalnum() else " " for c in ascii_fold(text).lower())
    return "-".join(folded.split()[:words])


def fmt_mdy(day: date) -> str:
    """``3/4/2026``: month first, no leading zeros (English interfaces)."""
    return f"{day.month}/{day.day}/{day.year}"


def fmt_dmy(day: date) -> str:
    """``04/03/2026``: day first, two digits (French interfaces and HR rosters)."""
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def fmt_day(day: date, language: str) -> str:
    """A date as an interface in ``language`` writes it: day first in French, month first otherwise."""
    return fmt_dmy(day) if language == "fr" else fmt_mdy(day)


def fmt_timestamp(when: datetime) -> str:
    """``2026-04-02 22:25:49``: an archive's event time (UTC, no zone)."""
    return when.strftime("%Y-%m-%d %H:%M:%S")


def fmt_clock(when: datetime) -> str:
    """``2:05 AM``: a time of day on a 12-hour clock."""
    return f"{when.hour % 12 or 12}:{when.minute:02d} {'AM' if when.hour < 12 else 'PM'}"


def fmt_updated_on(when: datetime) -> str:
    """``4/9/18, 2:05 AM``: the ``Updated On`` cell of ``Email Addresses.csv``."""
    return f"{when.month}/{when.day}/{when.year % 100:02d}, {fmt_clock(when)}"


def fmt_endorsed(when: datetime) -> str:
    """``2024/02/24 14:03:38 UTC``: the date of an endorsement."""
    return when.strftime("%Y/%m/%d %H:%M:%S UTC")


def fmt_connected(day: date) -> str:
    """``04 Jul 2023``: the ``Connected On`` cell of ``Connections.csv``."""
    return f"{day.day:02d} {MONTH_ABBR[day.month - 1]} {day.year}"


def fmt_month_year(day: date) -> str:
    """``Nov 2022``: when a position or certification started or finished."""
    return f"{MONTH_ABBR[day.month - 1]} {day.year}"


def fmt_month_day_year(day: date) -> str:
    """``Mar 4, 2026``: a date spelled out in English (single-post exports, advocacy reports)."""
    return f"{MONTH_ABBR[day.month - 1]} {day.day}, {day.year}"
