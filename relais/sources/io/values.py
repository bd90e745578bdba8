"""Typed values out of exported text: counts, consent answers, and the check that a date is past.

Each parser takes the raw cell text and returns the value, ``None`` for an empty cell, or raises
``ValueError`` with a message a person can act on; callers turn that message into a quarantine
reason naming the file, the row and the column. Dates of every file family (every form since 2018,
numeric dates in one order per file) are read by ``relais.sources.io.dates``.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

FUTURE_TOLERANCE = timedelta(days=1)
"""How far past the present a date of a past event may lie (clocks and time zones differ)."""

_YES = {"oui", "o", "yes", "y", "true", "vrai", "1", "x"}
_NO = {"non", "n", "no", "false", "faux", "0"}


def is_blank(text: str | None) -> bool:
    """True for None, an empty string, whitespace, or the placeholders exports write for nothing."""
    return text is None or text.strip() in {"", "N/A", "Not Available", "-", "null", "NULL"}


def latest_past_moment(now: datetime | None = None) -> datetime:
    """The latest moment a past event can carry: now (naive UTC) plus ``FUTURE_TOLERANCE``."""
    current = now or datetime.now(UTC)
    if current.tzinfo is not None:
        current = current.astimezone(UTC).replace(tzinfo=None)
    return current + FUTURE_TOLERANCE


def not_in_future(value: datetime | date | None, text: str | None, now: datetime | None = None) -> None:
    """Raise ``ValueError`` when a date or timestamp of a past event lies after now plus one day."""
    if value is None:
        return
    limit = latest_past_moment(now)
    moment = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
    if moment > limit:
        raise ValueError(
            f"'{(text or '').strip()}' is a date in the future (after {limit:%Y-%m-%d %H:%M} UTC, "
            "now plus one day): an export only holds past events"
        )


def parse_consent(text: str | None) -> bool:
    """Read a consent answer: oui/non, yes/no, true/false, 1/0 (any case); an empty cell means no consent."""
    if is_blank(text):
        return False
    value = text.strip().lower()
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise ValueError(f"'{text.strip()}' is not a consent answer (expected oui/non, yes/no, true/false, 1/0)")


@lru_cache(maxsize=65536)
def parse_count(text: str | None) -> int | None:
    """Parse a non-negative count written ``1234``, ``1 234``, ``1,234`` or ``1234.0``."""
    if is_blank(text):
        return None
    value = text.strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    if re.fullmatch(r"\d{1,3}(,\d{3})+", value):
        value = value.replace(",", "")
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"'{text.strip()}' is not a number") from None
    if number < 0 or number != int(number):
        raise ValueError(f"'{text.strip()}' is not a non-negative whole count")
    return int(number)
