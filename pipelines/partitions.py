"""Partitions: days of LinkedIn API figures (UTC, LinkedIn's day) and months of reports.

The API's days follow LinkedIn's UTC day; report months follow the organisation's calendar, in the
``timezone`` of relais.toml. Both start at a configurable first day, so backfills reach back only
as far as an organisation wants.
"""

from dagster import DailyPartitionsDefinition, MonthlyPartitionsDefinition

from relais.settings import Settings


def api_days(start_date: str) -> DailyPartitionsDefinition:
    """Daily partitions of the LinkedIn API job from ``start_date`` (``linkedin_partitions_start``)."""
    return DailyPartitionsDefinition(start_date=start_date, timezone="UTC")


def report_months(settings: Settings) -> MonthlyPartitionsDefinition:
    """Monthly partitions of the report job, in the organisation's time zone, closed months only.

    They start at ``report_partitions_start`` in relais.toml; with ``end_offset=0`` the newest
    partition is the month that closed most recently, never the month under way.
    """
    return MonthlyPartitionsDefinition(
        start_date=settings.report_partitions_start, timezone=settings.timezone, end_offset=0
    )
