"""Calendar months of the report: arithmetic on first-of-month dates and the latest closed month."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import duckdb

_PARTITION_KEY = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")


def add_months(month: date, count: int) -> date:
    """The first day of the month ``count`` months after (or before, if negative) ``month``."""
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def month_window(month: date, length: int = 12) -> list[date]:
    """The ``length`` first-of-month dates ending with ``month``, oldest first."""
    first = month.replace(day=1)
    return [add_months(first, offset) for offset in range(1 - length, 1)]


def local_today(timezone: str) -> date:
    """Today's date in the organisation's time zone."""
    return datetime.now(ZoneInfo(timezone)).date()


def latest_closed_month(
    con: duckdb.DuckDBPyConnection, timezone: str, today: date | None = None
) -> date | None:
    """The last month of ``marts.programme_month`` before the current month in ``timezone``.

    The current month is still running, so its figures are partial; when the marts hold no month
    before it, the last month present is returned instead, and ``None`` when they hold no month.
    """
    current = (today or local_today(timezone)).replace(day=1)
    closed, last = con.execute(
        "SELECT max(month) FILTER (WHERE month < ?), max(month) FROM marts.programme_month", [current]
    ).fetchall()[0]
    return closed or last


def month_from_partition_key(key: str) -> date:
    """The month of a partition key written ``YYYY-MM-01`` or ``YYYY-MM``."""
    match = _PARTITION_KEY.match(key.strip())
    if not match or (match.group(3) not in (None, "01")):
        raise ValueError(f"not a monthly partition key (YYYY-MM or YYYY-MM-01): {key!r}")
    return date(int(match.group(1)), int(match.group(2)), 1)
