"""Schedules: the daily LinkedIn API fetch, early in the morning once LinkedIn's day has closed."""

from dagster import (
    DefaultScheduleStatus,
    JobDefinition,
    ScheduleDefinition,
    build_schedule_from_partitioned_job,
)

API_HOUR_UTC = 5


def linkedin_api_schedule(job: JobDefinition) -> ScheduleDefinition:
    """Every day at 05:00 UTC, fetch the day that just closed (the newest partition)."""
    return build_schedule_from_partitioned_job(
        job,
        hour_of_day=API_HOUR_UTC,
        default_status=DefaultScheduleStatus.STOPPED,
        description="Daily LinkedIn API fetch (start it once a token store exists).",
    )
