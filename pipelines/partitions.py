"""Partitions: days of LinkedIn API figures (UTC, LinkedIn's day) and months of reports.

The API's days follow LinkedIn's UTC day; report months follow the organisation's calendar, in the
``timezone`` of relais.toml. Both start at a configurable first day, so backfills reach back only
as far as an organisation wants.
"""

from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dagster import DailyPartitionsDefinition, MonthlyPartitionsDefinition

DEFAULT_START = "2025-01-01"
DEFAULT_TIMEZONE = "Europe/Paris"


def organisation_timezone(settings: Mapping[str, Any]) -> str:
    """The organisation's IANA time zone (``timezone`` in relais.toml), checked to exist."""
    name = str(settings.get("timezone") or DEFAULT_TIMEZONE)
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"relais.toml: timezone = {name!r} is not an IANA time zone (for example 'Europe/Paris')"
        ) from None
    return name


def api_days(settings: Mapping[str, Any]) -> DailyPartitionsDefinition:
    """Daily partitions of the LinkedIn API job, from ``linkedin_partitions_start`` in relais.toml."""
    return DailyPartitionsDefinition(
        start_date=str(settings.get("linkedin_partitions_start", DEFAULT_START)), timezone="UTC"
    )


def report_months(settings: Mapping[str, Any]) -> MonthlyPartitionsDefinition:
    """Monthly partitions of the report job, in the organisation's time zone, closed months only.

    They start at ``report_partitions_start`` in relais.toml; with ``end_offset=0`` the newest
    partition is the month that closed most recently, never the month under way.
    """
    return MonthlyPartitionsDefinition(
        start_date=str(settings.get("report_partitions_start", DEFAULT_START)),
        timezone=organisation_timezone(settings),
        end_offset=0,
    )
