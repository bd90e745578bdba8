"""Schedules: the daily LinkedIn API fetch, the daily refresh and the monthly report.

The refresh and the report run at times of day read from relais.toml, in the organisation's time
zone; the API fetch runs at a fixed hour of LinkedIn's UTC day. Every schedule starts STOPPED: the
operator starts it in the Dagster UI or with ``dagster schedule start NAME``.
"""

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from dagster import (
    DefaultScheduleStatus,
    JobDefinition,
    MonthlyPartitionsDefinition,
    ScheduleDefinition,
    build_schedule_from_partitioned_job,
)

from pipelines.partitions import organisation_timezone

if TYPE_CHECKING:
    from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

API_HOUR_UTC = 5
DEFAULT_REFRESH_TIME = "06:00"
DEFAULT_REPORT_DAY = 2
DEFAULT_REPORT_TIME = "07:00"
LAST_REPORT_DAY = 28
TIME_OF_DAY = re.compile(r"(\d{1,2}):(\d{2})")


def linkedin_api_schedule(job: JobDefinition) -> ScheduleDefinition:
    """Every day at 05:00 UTC, fetch the day that just closed (the newest partition)."""
    return build_schedule_from_partitioned_job(
        job,
        hour_of_day=API_HOUR_UTC,
        default_status=DefaultScheduleStatus.STOPPED,
        description="Daily LinkedIn API fetch (start it once a token store exists).",
    )


def time_of_day(settings: Mapping[str, Any], key: str, default: str) -> tuple[int, int]:
    """The (hour, minute) of an ``"HH:MM"`` setting, or a ValueError naming the setting."""
    value = settings.get(key, default)
    match = TIME_OF_DAY.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValueError(
            f'relais.toml: {key} = {value!r} is not a time of day written "HH:MM" (00:00 to 23:59)'
        )
    return int(match[1]), int(match[2])


def day_of_month(settings: Mapping[str, Any], key: str, default: int) -> int:
    """A day of the month from 1 to 28 (every month has it), or a ValueError naming the setting."""
    value = settings.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= LAST_REPORT_DAY:
        raise ValueError(
            f"relais.toml: {key} = {value!r} is not a day of the month from 1 to {LAST_REPORT_DAY}"
        )
    return value


def daily_refresh_schedule(
    job: "JobDefinition | UnresolvedAssetJobDefinition", settings: Mapping[str, Any]
) -> ScheduleDefinition:
    """Every day at ``daily_refresh_time`` in the organisation's time zone, run the whole refresh."""
    hour, minute = time_of_day(settings, "daily_refresh_time", DEFAULT_REFRESH_TIME)
    timezone = organisation_timezone(settings)
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


def monthly_report_schedule(job: JobDefinition, settings: Mapping[str, Any]) -> ScheduleDefinition:
    """On ``monthly_report_day`` at ``monthly_report_time``, report on the month that just closed.

    The job must be partitioned by month (``report_months``): the schedule runs in that partitions'
    time zone, the organisation's, and requests its newest partition, the closed month.
    """
    if not isinstance(job.partitions_def, MonthlyPartitionsDefinition):
        raise ValueError(f"monthly_report_schedule needs a job partitioned by month, not {job.name!r}")
    timezone = job.partitions_def.timezone
    day = day_of_month(settings, "monthly_report_day", DEFAULT_REPORT_DAY)
    hour, minute = time_of_day(settings, "monthly_report_time", DEFAULT_REPORT_TIME)
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
