"""Calendar months of the report: arithmetic on first-of-month dates and how complete each month is.

A month is complete when the data covers it to its last day (``marts.programme_month.is_complete``
and ``data_until``). The report opens on the last complete month; a partial month is said to be so
and never compared with another month as if it were complete.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import duckdb

from relais.warehouse.tables import table_columns

_PARTITION_KEY = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")


@dataclass(frozen=True)
class Coverage:
    """How far the data covers one month: whole, or up to ``data_until`` (``None`` when unknown)."""

    month: date
    is_complete: bool
    data_until: date | None

    @property
    def days_in_month(self) -> int:
        """The number of days of the month."""
        return last_day(self.month).day

    @property
    def days_covered(self) -> int | None:
        """The days of the month the data covers (0 when it stops before the month began)."""
        if self.is_complete:
            return self.days_in_month
        if self.data_until is None:
            return None
        return max(0, min(self.days_in_month, (self.data_until - self.month).days + 1))


def add_months(month: date, count: int) -> date:
    """The first day of the month ``count`` months after (or before, if negative) ``month``."""
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def last_day(month: date) -> date:
    """The last day of ``month``."""
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def month_window(month: date, length: int = 12) -> list[date]:
    """The ``length`` first-of-month dates ending with ``month``, oldest first."""
    first = month.replace(day=1)
    return [add_months(first, offset) for offset in range(1 - length, 1)]


def local_today(timezone: str) -> date:
    """Today's date in the organisation's time zone."""
    return datetime.now(ZoneInfo(timezone)).date()


def month_coverage(
    con: duckdb.DuckDBPyConnection, timezone: str, today: date | None = None
) -> dict[date, Coverage]:
    """How complete each month of ``marts.programme_month`` is, by month.

    The marts say it (``is_complete``, ``data_until``); marts written before they did are read the
    old way: every month before the current one in ``timezone`` is complete, the current one is not
    and how far its data goes is unknown.
    """
    columns = table_columns(con, "marts.programme_month")
    if "month" not in columns:
        return {}
    if {"is_complete", "data_until"} <= columns:
        rows = con.execute("SELECT month, is_complete, data_until FROM marts.programme_month").fetchall()
        return {m: Coverage(m, bool(complete), until) for m, complete, until in rows}
    current = (today or local_today(timezone)).replace(day=1)
    months = [r[0] for r in con.execute("SELECT month FROM marts.programme_month").fetchall()]
    return {m: Coverage(m, m < current, last_day(m) if m < current else None) for m in months}


def last_complete_month(coverage: Mapping[date, Coverage]) -> date | None:
    """The newest complete month; the newest month when none is complete; ``None`` without months."""
    complete = [m for m, c in coverage.items() if c.is_complete]
    return max(complete or coverage, default=None)


def latest_complete_month(
    con: duckdb.DuckDBPyConnection, timezone: str, today: date | None = None
) -> date | None:
    """The month the report opens on: the last complete month of ``marts.programme_month``.

    When no month is complete yet, the newest month (partial; the report says so); ``None`` when
    the marts hold no month.
    """
    return last_complete_month(month_coverage(con, timezone, today))


def month_from_partition_key(key: str) -> date:
    """The month of a partition key written ``YYYY-MM-01`` or ``YYYY-MM``."""
    match = _PARTITION_KEY.match(key.strip())
    if not match or (match.group(3) not in (None, "01")):
        raise ValueError(f"not a monthly partition key (YYYY-MM or YYYY-MM-01): {key!r}")
    return date(int(match.group(1)), int(match.group(2)), 1)
