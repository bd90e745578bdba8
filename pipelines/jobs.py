"""Jobs: the whole refresh, and the daily LinkedIn API fetch (one partition per UTC day).

Every asset stays unpartitioned so that a whole refresh remains one plain command
(``dagster asset materialize --select '*'``); the API's daily partitions live on an op job that
fetches one day into the inbox, which the inbox sensor then refreshes from.
"""

from collections.abc import Mapping
from typing import Any

from dagster import JobDefinition, define_asset_job, job

from assets.api_assets import fetch_linkedin_api_day
from pipelines.partitions import api_days

refresh_job = define_asset_job(
    "refresh",
    selection="*",
    description="Read the inbox, rebuild every table, check, and publish the analysts' snapshot.",
)


def linkedin_api_daily_job(settings: Mapping[str, Any]) -> JobDefinition:
    """The daily LinkedIn API fetch; backfill a range of days from the UI's partitions view."""

    @job(
        name="linkedin_api_daily",
        partitions_def=api_days(settings),
        description="Fetch one UTC day of LinkedIn API figures into the inbox (partitioned, backfillable).",
    )
    def linkedin_api_daily() -> None:
        fetch_linkedin_api_day()

    return linkedin_api_daily
