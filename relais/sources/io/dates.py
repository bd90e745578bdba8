"""One reader for every date form a LinkedIn archive (or a spreadsheet re-saving one) writes.

Forms read, each with or without a time of day:

- ISO: ``2026-04-02``, ``2026-04-02 22:25:49``, ``2026-04-02T22:25:49``, ``2021-03-25 08:46 UTC``;
- year first with slashes: ``2017/06/08 08:15:44 UTC`` (older archives, endorsements);
- day and month name: ``04 Jul 2023``, ``17 Jun 2021``, ``18-Jun-24`` (a spreadsheet's re-save),
  ``4 July 2023``; month name first: ``Jul 4, 2023``;
- numeric day and month: ``1/8/18, 6:14 PM``, ``11/18/20, 12:32 PM``, ``03/04/2021 10:00``.

``NA``, ``N/A``, ``Not Available``, ``null``, ``-`` and an empty cell mean "no date" (``None``):
spreadsheets write ``NA`` into empty cells. Two-digit years are of this century. A zone, when
written, is UTC (``UTC``, ``GMT``, ``Z``); times are returned naive (UTC).

A numeric date is ambiguous (``03/04/21``: March 4th or April 3rd?). It is never decided cell by
cell: ``OrderVote`` collects a column's values and ``decide`` picks, for the whole file, the order
under which every value is a real date; when both orders fit, month first (LinkedIn writes M/D/Y,
its US default), and the decision says so; when neither fits every value, the order fitting most
(month first on a tie), and the values it does not fit are refused with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

from relais.sources.io.text import strip_accents
from relais.sources.io.values import not_in_future

MDY, DMY = "MDY", "DMY"
ORDERS = (MDY, DMY)
DEFAULT_ORDER = MDY
"""LinkedIn writes numeric dates month first (its US default)."""
ORDER_NAMES = {MDY: "month first (M/D/Y)", DMY: "day first (D/M/Y)"}

MISSING = frozenset({"", "na", "n/a", "n.a.", "not available", "null", "none", "-", "--"})
"""Cell texts meaning "no date" (case ignored)."""

_TIME = r"(?:[ T,]\s*(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*([ap]\.?m\.?)?)?"
_ZONE = r"\s*(?:utc|gmt|z|[+-]00:?00)?"
_YEAR_FIRST = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _TIME + _ZONE + "$", re.IGNORECASE)
_NUMERIC = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})" + _TIME + _ZONE + "$", re.IGNORECASE)
_DAY_NAME = re.compile(
    r"^(\d{1,2})(?:st|nd|rd|th|er)?[\s-]+([^\W\d_]{3,9})\.?,?[\s-]+(\d{4}|\d{2})" + _TIME + _ZONE + "$",
    re.IGNORECASE,
)
_NAME_DAY = re.compile(
    r"^([^\W\d_]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})" + _TIME + _ZONE + "$", re.IGNORECASE
)
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january", "janv", "janvier"),
            ("feb", "february", "fev", "fevr", "fevrier"),
            ("mar", "march", "mars"),
            ("apr", "april", "avr", "avril"),
            ("may", "mai"),
            ("jun", "june", "juin"),
            ("jul", "july", "juil", "juillet"),
            ("aug", "august", "aout"),
            ("sep", "sept", "september", "septembre"),
            ("oct", "october", "octobre"),
            ("nov", "november", "novembre"),
            ("dec", "december", "decembre"),
        ),
        start=1,
    )
    for name in names
}
"""English and French month names and abbreviations, accents removed (``févr.`` is read ``fevr``)."""
EXPECTED_FORMS = (
    "e.g. 2026-04-02 22:25:49, 2017/06/08 08:15:44 UTC, 04 Jul 2023, 18-Jun-24 or 1/8/18, 6:14 PM"
)


def is_missing(text: str | None) -> bool:
    """True for None, an empty cell, or a placeholder meaning no date (``NA``, ``N/A``, ``Not Available``)."""
    return text is None or text.strip().lower() in MISSING


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if year < 100 else year


def _time(
    value: str, hour: str | None, minute: str | None, second: str | None, half: str | None
) -> tuple[int, int, int]:
    """Hour, minute and second of a matched time (``6:14 PM`` is 18:14), or raise ``ValueError``."""
    if hour is None:
        return 0, 0, 0
    h, m, s = int(hour), int(minute or 0), int(second or 0)
    if half:
        if not 1 <= h <= 12:
            raise ValueError(f"'{value}' is not a real time ({h} o'clock with AM/PM)")
        h = h % 12 + (12 if half.lower().startswith("p") else 0)
    if h > 23 or m > 59 or s > 59:
        raise ValueError(f"'{value}' is not a real time")
    return h, m, s


def _build(value: str, year: int, month: int, day: int, clock: tuple) -> datetime:
    hour, minute, second = _time(value, *clock)
    try:
        return datetime(year, month, day, hour, minute, second)
    except ValueError as exc:
        raise ValueError(f"'{value}' is not a real date ({exc})") from None


def numeric_parts(text: str | None) -> tuple[int, int, int] | None:
    """The numbers of a numeric date, year in full (``1/8/18, 6:14 PM`` gives ``(1, 8, 2018)``), else None."""
    if text is None:
        return None
    match = _NUMERIC.match(" ".join(text.split()))
    return (int(match.group(1)), int(match.group(2)), _year(match.group(3))) if match else None


_CLOCK_ONLY = re.compile(r"^\s*\d{1,2}:\d{2}(?::\d{2})?\s*[ap]\.?m\.?\s*$", re.IGNORECASE)


def split_numeric_date(day_part: str, clock_part: str) -> bool:
    """True when two fields are one date cut at its comma (``1/8/18`` and `` 6:14 PM``), as an
    unquoted ``1/8/18, 6:14 PM`` splits in a comma-separated file."""
    return numeric_parts(day_part) is not None and _CLOCK_ONLY.match(clock_part) is not None


def _fits(first: int, second: int, year: int, order: str) -> bool:
    """True when the numbers of a numeric date make a real day read in ``order``."""
    month, day = (first, second) if order == MDY else (second, first)
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


@lru_cache(maxsize=65536)
def read_moment(text: str | None, order: str = DEFAULT_ORDER) -> datetime | None:
    """The moment a date cell names (naive UTC, midnight when no time is written), or None when missing.

    ``order`` (``MDY`` or ``DMY``) reads numeric dates such as ``03/04/21``; decide it per file
    (``decide_order``). Raises ``ValueError`` naming the text and what was expected.
    """
    if is_missing(text):
        return None
    value = " ".join(text.split())
    if match := _YEAR_FIRST.match(value):
        year, month, day, *clock = match.groups()
        return _build(value, int(year), int(month), int(day), tuple(clock))
    if match := _NUMERIC.match(value):
        first, second, year, *clock = match.groups()
        a, b = int(first), int(second)
        month, day = (a, b) if order == MDY else (b, a)
        other = DMY if order == MDY else MDY
        if not _fits(a, b, _year(year), order) and _fits(a, b, _year(year), other):
            raise ValueError(
                f"'{value}' reads only {ORDER_NAMES[other]}, but this file's dates are read "
                f"{ORDER_NAMES[order]}: both orders in one column (a spreadsheet re-saved part of the file?)"
            )
        return _build(value, _year(year), month, day, tuple(clock))
    for pattern, name_first in ((_DAY_NAME, False), (_NAME_DAY, True)):
        if match := pattern.match(value):
            first, second, year, *clock = match.groups()
            name, day = (first, second) if name_first else (second, first)
            month = _MONTHS.get(strip_accents(name).lower())
            if month is None:
                raise ValueError(f"'{value}' is not a date: '{name}' is not a month name")
            return _build(value, _year(year), month, int(day), tuple(clock))
    raise ValueError(f"'{value}' is not a date ({EXPECTED_FORMS}; numeric dates read {ORDER_NAMES[order]})")


def read_day(text: str | None, order: str = DEFAULT_ORDER) -> date | None:
    """The calendar day a date cell names (its time ignored), or None when missing; see ``read_moment``."""
    moment = read_moment(text, order)
    return moment.date() if moment is not None else None


@lru_cache(maxsize=65536)
def read_day_first(text: str | None) -> date | None:
    """``read_day`` for files whose numeric dates are day first by convention (a French HR roster)."""
    return read_day(text, DMY)


@lru_cache(maxsize=65536)
def read_month_first(text: str | None) -> date | None:
    """``read_day`` for files LinkedIn writes month first whatever the language (Page exports)."""
    return read_day(text, MDY)


def looks_like_date(text: str | None) -> bool:
    """True when a non-missing text reads as a date in some order (a record's first field, say)."""
    if is_missing(text):
        return False
    for order in ORDERS:
        try:
            read_moment(text, order)
        except ValueError:
            continue
        return True
    return False


@dataclass(frozen=True)
class OrderDecision:
    """The order a file's numeric dates are read in, and the note saying why when it is worth saying."""

    order: str = DEFAULT_ORDER
    note: str = ""


@dataclass
class OrderVote:
    """The numeric dates of one column of one file, tallied in bounded memory, to decide their order."""

    numeric: int = 0
    fitting: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ORDERS, 0))
    ambiguous: str = ""
    only: dict[str, str] = field(default_factory=dict)

    def add(self, text: str | None) -> None:
        """Count one cell (cells that are not numeric dates have no say)."""
        parts = numeric_parts(text)
        if parts is None:
            return
        self.numeric += 1
        fits = {order: _fits(*parts, order=order) for order in ORDERS}
        for order, ok in fits.items():
            self.fitting[order] += ok
            if ok and not fits[DMY if order == MDY else MDY]:
                self.only.setdefault(order, (text or "").strip())
        if all(fits.values()) and parts[0] != parts[1] and not self.ambiguous:
            self.ambiguous = (text or "").strip()

    def decide(self) -> OrderDecision:
        """The order under which every value is a date; month first when both or neither are."""
        if self.numeric == 0:
            return OrderDecision()
        fitting = [order for order in ORDERS if self.fitting[order] == self.numeric]
        if len(fitting) == 1:
            order = fitting[0]
            if order == DEFAULT_ORDER:
                return OrderDecision(order)
            return OrderDecision(
                order,
                f"numeric dates read {ORDER_NAMES[order]}: '{self.only[order]}' fits no other order",
            )
        if fitting:
            if not self.ambiguous:
                return OrderDecision(DEFAULT_ORDER)
            return OrderDecision(
                DEFAULT_ORDER,
                f"numeric dates such as '{self.ambiguous}' read both ways: read "
                f"{ORDER_NAMES[DEFAULT_ORDER]}, LinkedIn's default",
            )
        best = max(self.fitting.values())
        order = DEFAULT_ORDER if self.fitting[DEFAULT_ORDER] == best else DMY
        return OrderDecision(
            order,
            f"numeric dates fit no single order ({self.fitting[MDY]} of {self.numeric} month first, "
            f"{self.fitting[DMY]} day first): read {ORDER_NAMES[order]}, the others refused",
        )


def decide_order(texts: Iterable[str | None]) -> OrderDecision:
    """The order to read a column's numeric dates in (see ``OrderVote.decide``)."""
    vote = OrderVote()
    for text in texts:
        vote.add(text)
    return vote.decide()


def read_past_moment(text: str | None, order: str = DEFAULT_ORDER) -> datetime | None:
    """``read_moment`` of a past event: a moment after now plus one day is refused."""
    value = read_moment(text, order)
    not_in_future(value, text)
    return value


def read_past_day(text: str | None, order: str = DEFAULT_ORDER) -> date | None:
    """``read_day`` of a past event: a day after now plus one day is refused."""
    value = read_day(text, order)
    not_in_future(value, text)
    return value
