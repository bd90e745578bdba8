"""Schedules: the daily LinkedIn API fetch, the daily refresh and the monthly report.

The refresh and the report run at times of day read from relais.toml, in the organisation's time
zone; the API fetch runs at a fixed hour of LinkedIn's UTC day. Every schedule starts STOPPED: the
operator starts it in the Dagster UI or with ``dagster schedule start NAME``. The times, day and
zone were checked with the rest of the settings (``relais.settings.Settings``).
"""

from typing import TYPE_CHECKING

from dagster import (
    DefaultScheduleStatus,
    JobDefinition,
    MonthlyPartitionsDefinition,
    ScheduleDefinition,
    build_schedule_from_partitioned_job,
)

from relais.settings import Settings, clock

if TYPE_CHECKING:
    from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

API_HOUR_UTC = 5


def linkedin_api_schedule(job: JobDefinition) -> ScheduleDefinition:
    """Every day at 05:00 UTC, fetch the day that just closed (the newest partition)."""
    return build_schedule_from_partitioned_job(
        job,
        hour_of_day=API_HOUR_UTC,
        default_status=DefaultScheduleStatus.STOPPED,
        description="Daily LinkedIn API fetch (start it once a token store exists).",
    )


def daily_refresh_schedule(
    job: "JobDefinition | UnresolvedAssetJobDefinition", settings: Settings
) -> ScheduleDefinition:
    """Every day at ``daily_refresh_time`` in the organisation's time zone, run the whole refresh."""
    hour, minute = clock(settings.daily_refresh_time)
    timezone = settings.timezone
    return ScheduleDefinition(
        name="daily_refresh_schedule",
        job=job,
        cron_schedule=f"{minute} {hour} * * *",
        execution_timezone=timezone,
        default_status=DefaultScheduleStatus.STOPPED,
        description=(
            f"Every day at {hour:02d}:{minute:02d} ({timezone}): read the inbox, rebuild every table, "
            "check and publish (daily_refresh_time in relais.toml). Stopped until an operator starts "
            "it in the UI or with `dagster schedule start daily_refresh_schedule`."
        ),
    )


def monthly_report_schedule(job: JobDefinition, settings: Settings) -> ScheduleDefinition:
    """On ``monthly_report_day`` at ``monthly_report_time``, report on the month that just closed.

    The job must be partitioned by month (``report_months``): the schedule runs in that partitions'
    time zone, the organisation's, and requests its newest partition, the closed month.
    """
    if not isinstance(job.partitions_def, MonthlyPartitionsDefinition):
        raise ValueError(f"monthly_report_schedule needs a job partitioned by month, not {job.name!r}")
    timezone = job.partitions_def.timezone
    day = settings.monthly_report_day
    hour, minute = clock(settings.monthly_report_time)
    return build_schedule_from_partitioned_job(
        job,
        name="monthly_report_schedule",
        day_of_month=day,
        hour_of_day=hour,
        minute_of_hour=minute,
        default_status=DefaultScheduleStatus.STOPPED,
        description=(
            f"On day {day} of every month at {hour:02d}:{minute:02d} ({timezone}): "
            "the report of the month that just closed (monthly_report_day and monthly_report_time in "
            "relais.toml). Stopped until an operator starts it in the UI or with "
            "`dagster schedule start monthly_report_schedule`."
        ),
    )
