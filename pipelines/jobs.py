"""Jobs: the whole refresh (every asset, in one run, one step after another)."""

from dagster import define_asset_job

refresh_job = define_asset_job(
    "refresh",
    selection="*",
    description="Read the inbox, rebuild every table, check, and publish the analysts' snapshot.",
)
