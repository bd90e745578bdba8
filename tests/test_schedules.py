"""Schedules: the daily refresh and the monthly report, at the times and in the zone of relais.toml."""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from dagster import (
    DefaultScheduleStatus,
    DefaultSensorStatus,
    Definitions,
    RunRequest,
    build_schedule_context,
    op,
)

from pipelines.definitions import build_definitions
from pipelines.jobs import monthly_report_job, refresh_job
from pipelines.partitions import report_months
from pipelines.schedules import daily_refresh_schedule, monthly_report_schedule
from pipelines.settings import load_home
from relais.settings import Settings, SettingsError, validate_settings

PARIS = ZoneInfo("Europe/Paris")


@op
def report_stub() -> None:
    """Stands in for the monthly report op while it is being written."""


def _requested_partition(settings: Settings, when: datetime) -> str:
    """The partition key the monthly schedule requests when it fires at ``when``."""
    schedule = monthly_report_schedule(monthly_report_job(settings, report_stub), settings)
    request = schedule(build_schedule_context(scheduled_execution_time=when))
    assert isinstance(request, RunRequest)
    return request.partition_key


def test_daily_refresh_runs_at_the_configured_time_in_the_organisation_zone():
    schedule = daily_refresh_schedule(
        refresh_job, Settings(daily_refresh_time="06:30", timezone="Europe/Paris")
    )
    assert schedule.cron_schedule == "30 6 * * *"
    assert schedule.execution_timezone == "Europe/Paris"
    assert schedule.job_name == "refresh"
    assert schedule.default_status == DefaultScheduleStatus.STOPPED
    assert "dagster schedule start" in schedule.description


def test_daily_refresh_defaults():
    schedule = daily_refresh_schedule(refresh_job, Settings())
    assert (schedule.cron_schedule, schedule.execution_timezone) == ("0 6 * * *", "Europe/Paris")


def test_monthly_report_requests_the_month_that_just_closed():
    settings = Settings(monthly_report_day=2, monthly_report_time="07:00", timezone="Europe/Paris")
    schedule = monthly_report_schedule(monthly_report_job(settings, report_stub), settings)
    assert schedule.cron_schedule == "0 7 2 * *"
    assert schedule.execution_timezone == "Europe/Paris"
    assert schedule.default_status == DefaultScheduleStatus.STOPPED
    assert _requested_partition(settings, datetime(2026, 11, 2, 7, 0, tzinfo=PARIS)) == "2026-10-01"


def test_monthly_report_across_the_year_boundary():
    settings = Settings(monthly_report_day=2, monthly_report_time="07:00")
    assert _requested_partition(settings, datetime(2027, 1, 2, 7, 0, tzinfo=PARIS)) == "2026-12-01"
    assert _requested_partition(settings, datetime(2027, 2, 2, 7, 0, tzinfo=PARIS)) == "2027-01-01"


def test_report_months_close_in_the_organisation_zone():
    """At 00:30 in Paris on 1 November it is still October in UTC, but October is closed in Paris."""
    months = report_months(Settings(timezone="Europe/Paris", report_partitions_start="2026-01-01"))
    keys = months.get_partition_keys(current_time=datetime(2026, 11, 1, 0, 30, tzinfo=PARIS))
    assert keys[0] == "2026-01-01"
    assert keys[-1] == "2026-10-01"


@pytest.mark.parametrize(
    ("values", "named"),
    [
        ({"daily_refresh_time": "6h30"}, "daily_refresh_time"),
        ({"daily_refresh_time": "24:00"}, "daily_refresh_time"),
        ({"daily_refresh_time": 630}, "daily_refresh_time"),
        ({"timezone": "Europe/Nowhere"}, "timezone"),
        ({"monthly_report_day": 0}, "monthly_report_day"),
        ({"monthly_report_day": 31}, "monthly_report_day"),
        ({"monthly_report_day": "2"}, "monthly_report_day"),
        ({"monthly_report_time": "07:60"}, "monthly_report_time"),
    ],
)
def test_bad_schedule_settings_are_named_before_any_schedule_is_built(values, named):
    with pytest.raises(SettingsError, match=named) as raised:
        validate_settings(values, Path("relais.toml"))
    assert str(raised.value).startswith("relais.toml: ")


def test_definitions_hold_the_schedules_and_sensors(tmp_path):
    defs = build_definitions(load_home(tmp_path / "home"))
    assert {job.name for job in defs.resolve_all_job_defs()} >= {"refresh", "linkedin_api_daily"}
    daily = defs.resolve_schedule_def("daily_refresh_schedule")
    assert (daily.cron_schedule, daily.execution_timezone) == ("0 6 * * *", "Europe/Paris")
    assert defs.resolve_schedule_def("linkedin_api_daily_schedule").job_name == "linkedin_api_daily"
    assert defs.resolve_sensor_def("inbox_sensor").default_status == DefaultSensorStatus.RUNNING
    assert defs.resolve_sensor_def("notify_on_run_failure").default_status == DefaultSensorStatus.RUNNING


def test_monthly_report_job_and_schedule_load_together():
    settings = load_home().settings
    job = monthly_report_job(settings, report_stub)
    defs = Definitions(jobs=[job], schedules=[monthly_report_schedule(job, settings)])
    Definitions.validate_loadable(defs)
    assert defs.resolve_job_def("monthly_report").partitions_def == report_months(settings)
    assert defs.resolve_schedule_def("monthly_report_schedule").job_name == "monthly_report"
