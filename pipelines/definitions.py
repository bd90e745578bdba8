"""The one Dagster ``Definitions`` of Relais, bound to the home named by ``RELAIS_HOME``.

Run every asset from the shell with
``RELAIS_HOME=DIR dagster asset materialize --select '*' -m pipelines.definitions``. Every asset
writes the same DuckDB file, so a run executes its steps one after another in one process.
Schedules start stopped (start them in the UI or with ``dagster schedule start``); the inbox sensor
and the run failure notification sensor run from the start. Loading the definitions only reads the
home's settings: the home's folders and files are made when a run starts (``pipelines.resources``).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from dagster import AssetsDefinition, Definitions, in_process_executor

from assets.dashboard import dashboard_asset
from assets.ingest import ingest_assets
from assets.linkedin_api import linkedin_api_pull
from assets.models import MODEL_ASSETS, relais_snapshot, warehouse_compaction
from assets.quality import build_table_checks, quality_gate
from assets.quarantine import quarantine_asset
from assets.reports import monthly_report, monthly_report_asset
from assets.skills import skill_matching
from pipelines.jobs import linkedin_api_daily_job, monthly_report_job, refresh_job
from pipelines.notifications import build_failure_sensor
from pipelines.resources import build_resources
from pipelines.schedules import daily_refresh_schedule, linkedin_api_schedule, monthly_report_schedule
from pipelines.sensors import inbox_sensor
from pipelines.settings import SettingsError, load_home
from relais.home import RelaisHome
from relais.sources.source import Source


def all_assets(sources: Sequence[Source] | None = None) -> list[AssetsDefinition]:
    """Every asset of Relais: the API pull, the inbox scan and one asset per source of the registry
    (or of ``sources``), the quarantine summary, the skills, the SQL models, the gate, the publication."""
    reading = [linkedin_api_pull, *ingest_assets(sources)]
    return [
        *reading,
        quarantine_asset(reading),
        skill_matching,
        *MODEL_ASSETS,
        quality_gate,
        relais_snapshot,
        warehouse_compaction,
        monthly_report_asset,
        dashboard_asset,
    ]


ALL_ASSETS = all_assets()


def build_definitions(home: RelaisHome, sources: Sequence[Source] | None = None) -> Definitions:
    """Every asset, check, job, schedule and sensor of Relais, bound to one home (nothing is written).

    ``sources`` replaces the registry's list (a test adding a source of its own).
    """
    api_job = linkedin_api_daily_job(home.settings)
    report_job = monthly_report_job(home.settings, monthly_report)
    assets = ALL_ASSETS if sources is None else all_assets(sources)
    return Definitions(
        assets=assets,
        asset_checks=[build_table_checks({key for a in assets for key in a.keys})],
        jobs=[refresh_job, api_job, report_job],
        schedules=[
            linkedin_api_schedule(api_job),
            daily_refresh_schedule(refresh_job, home.settings),
            monthly_report_schedule(report_job, home.settings),
        ],
        sensors=[inbox_sensor, build_failure_sensor(home.settings)],
        resources=build_resources(home),
        executor=in_process_executor,
    )


def load_home_or_exit() -> RelaisHome:
    """The home named by ``RELAIS_HOME``, only read; unusable settings end the process, one line per problem.

    Nothing else runs after a settings error: Dagster's commands and the UI's code server stop
    here with the file, line and key at fault, instead of a traceback and failing steps.
    """
    try:
        return load_home()
    except SettingsError as error:
        for line in str(error).splitlines():
            print(f"relais: {line}", file=sys.stderr)
        raise SystemExit(2) from None


defs = build_definitions(load_home_or_exit())
