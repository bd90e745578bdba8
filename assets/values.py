"""Typed values out of exported text: dates, timestamps, consent answers and counts.

Each parser takes the raw cell text and returns the value, ``None`` for an empty cell, or raises
``ValueError`` with a message a person can act on; callers turn that message into a quarantine
reason naming the file, the row and the column. The dates of LinkedIn member archives (every form
since 2018, numeric dates in one order per file) are read by ``assets.dates``.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_DMY_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
_ARCHIVE_TIMESTAMP = re.compile(r"^(\d{4})[-/](\d{2})[-/](\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?(?:\s*UTC)?$")
_CONNECTION_DATE = "%d %b %Y"
FUTURE_TOLERANCE = timedelta(days=1)
"""How far past the present a date of a past event may lie (clocks and time zones differ)."""

_YES = {"oui", "o", "yes", "y", "true", "vrai", "1", "x"}
_NO = {"non", "n", "no", "false", "faux", "0"}


def is_blank(text: str | None) -> bool:
    """True for None, an empty string, whitespace, or the placeholders exports write for nothing."""
    return text is None or text.strip() in {"", "N/A", "Not Available", "-", "null", "NULL"}


@lru_cache(maxsize=65536)
def parse_day(text: str | None) -> date | None:
    """Parse a calendar date written ISO (``2025-03-01``) or day first (``01/03/2025``, ``1.3.2025``)."""
    if is_blank(text):
        return None
    value = text.strip()
    match = _ISO_DATE.match(value)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _DMY_DATE.match(value)
        if not match:
            raise ValueError(f"'{value}' is not a date (expected YYYY-MM-DD or DD/MM/YYYY)")
        day, month, year = (int(g) for g in match.groups())
    try:
        return date(_full_year(year), month, day)
    except ValueError as exc:
        raise ValueError(f"'{value}' is not a real date ({exc})") from None


@lru_cache(maxsize=65536)
def parse_us_day(text: str | None) -> date | None:
    """Parse a LinkedIn Page date written month first (``3/31/2025``) or ISO."""
    if is_blank(text):
        return None
    value = text.strip()
    match = _DMY_DATE.match(value)
    if match:
        month, day, year = (int(g) for g in match.groups())
        try:
            return date(_full_year(year), month, day)
        except ValueError as exc:
            raise ValueError(f"'{value}' is not a real date ({exc})") from None
    if _ISO_DATE.match(value):
        return parse_day(value)
    raise ValueError(f"'{value}' is not a date (expected M/D/YYYY)")


def _full_year(year: int) -> int:
    """Four-digit year of a two-digit one (``25`` is 2025): exports of this century only."""
    return year + 2000 if year < 100 else year


def parse_utc_timestamp(text: str | None) -> datetime | None:
    """Parse an archive timestamp (``2026-04-02 22:25:49`` or ``2024/02/24 14:03:38 UTC``), naive UTC."""
    if is_blank(text):
        return None
    value = text.strip()
    match = _ARCHIVE_TIMESTAMP.match(value)
    if not match:
        if _DMY_DATE.match(value):
            raise ValueError(
                f"'{value}' is not a timestamp: the date is written D/M/Y or M/D/Y (a spreadsheet re-saved "
                "the file?), LinkedIn writes YYYY-MM-DD HH:MM:SS"
            )
        raise ValueError(f"'{value}' is not a timestamp (expected YYYY-MM-DD HH:MM:SS)")
    year, month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups())
    try:
        return datetime(year, month, day, hour, minute, second)
    except ValueError as exc:
        raise ValueError(f"'{value}' is not a real timestamp ({exc})") from None


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


def parse_past_utc_timestamp(text: str | None) -> datetime | None:
    """Parse an archive timestamp (see ``parse_utc_timestamp``) that must not lie in the future."""
    value = parse_utc_timestamp(text)
    not_in_future(value, text)
    return value


def parse_connection_date(text: str | None) -> date | None:
    """Parse a Connections.csv date (``04 Jul 2023``)."""
    if is_blank(text):
        return None
    value = text.strip()
    try:
        return datetime.strptime(value, _CONNECTION_DATE).date()
    except ValueError:
        pass
    try:
        return parse_day(value)
    except ValueError:
        raise ValueError(f"'{value}' is not a date (expected DD Mon YYYY, e.g. 04 Jul 2023)") from None


def parse_past_connection_date(text: str | None) -> date | None:
    """Parse a Connections.csv date (see ``parse_connection_date``) that must not lie in the future."""
    value = parse_connection_date(text)
    not_in_future(value, text)
    return value


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
