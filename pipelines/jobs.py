"""Jobs: the whole refresh, the daily LinkedIn API fetch and the monthly report.

Every asset stays unpartitioned so that a whole refresh remains one plain command
(``dagster asset materialize --select '*'``); partitions live on op jobs instead: the API's daily
partitions on a job that fetches one UTC day into the inbox, which the inbox sensor then refreshes
from, and the report's monthly partitions on a job that writes one closed month's report.
"""

from dagster import AssetSelection, JobDefinition, OpDefinition, define_asset_job, job

from assets.linkedin_api import fetch_linkedin_api_day
from pipelines.partitions import api_days, report_months
from relais.settings import Settings

refresh_job = define_asset_job(
    "refresh",
    selection=AssetSelection.all(),
    description="Read the inbox, rebuild every table, check, and publish the analysts' snapshot.",
)


def linkedin_api_daily_job(settings: Settings) -> JobDefinition:
    """The daily LinkedIn API fetch; backfill a range of days from the UI's partitions view."""

    @job(
        name="linkedin_api_daily",
        partitions_def=api_days(settings.linkedin_partitions_start),
        description="Fetch one UTC day of LinkedIn API figures into the inbox (partitioned, backfillable).",
    )
    def linkedin_api_daily() -> None:
        fetch_linkedin_api_day()

    return linkedin_api_daily


def monthly_report_job(settings: Settings, report_op: OpDefinition) -> JobDefinition:
    """The monthly report, one partition per closed month of the organisation; backfill from the UI."""

    @job(
        name="monthly_report",
        partitions_def=report_months(settings),
        description="Write the report of one closed month (partitioned by month, backfillable).",
    )
    def monthly_report() -> None:
        report_op()

    return monthly_report
