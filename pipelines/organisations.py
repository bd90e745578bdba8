"""The Dagster definitions of a deployment serving many organisations, built for one deployment folder.

Every asset of Relais is partitioned by organisation (a dynamic partition whose keys are the
organisations' slugs, ``relais.deployment``): one organisation's refresh is one run of its
partition, queued by Dagster's run coordinator, visible and re-runnable per organisation in the UI.
Each run binds its resources to its organisation's own home (inbox, warehouse, secrets, snapshot),
so no two runs of different organisations share a file and runs of one organisation wait for each
other on its writer lock. ``organisations_sensor`` adds the partition of a new home, removes the
partition of a home that left, and requests a refresh of an organisation whose inbox content
changed since its snapshot was published. The failure sensor notifies each organisation's own
channels (its ``notify_*`` settings).

Start it with ``RELAIS_DEPLOYMENT=DIR dagster dev -m pipelines.deployment``; refresh one
organisation from the command line with
``RELAIS_DEPLOYMENT=DIR dagster asset materialize --select '*' -m pipelines.deployment --partition SLUG``.
A single home keeps ``pipelines.definitions``, unchanged.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from dagster import (
    AddDynamicPartitionsRequest,
    AssetKey,
    AssetsDefinition,
    AssetSelection,
    DagsterRunStatus,
    DefaultSensorStatus,
    Definitions,
    DeleteDynamicPartitionsRequest,
    DynamicPartitionsDefinition,
    InitResourceContext,
    MaterializeResult,
    RunRequest,
    RunsFilter,
    RunStatusSensorContext,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    asset,
    define_asset_job,
    in_process_executor,
    resource,
    run_status_sensor,
    sensor,
)

from assets.quality import build_table_checks
from pipelines.definitions import all_assets
from pipelines.notifications import build_failure_sensor
from pipelines.resources import build_resources
from pipelines.sensors import inbox_decision
from pipelines.settings import SettingsError, load_home
from relais.deployment import DeploymentError, Organisation, find_organisation, list_organisations
from relais.home import RelaisHome
from relais.network import build_network, network_database

DEPLOYMENT_ENV = "RELAIS_DEPLOYMENT"
ORGANISATION_TAG = "relais/organisation"
PARTITION_TAG = "dagster/partition"
ORGANISATIONS = DynamicPartitionsDefinition(name="organisation")
INTERVAL_SECONDS = 30


def deployment_root(environ: dict[str, str] | None = None) -> Path:
    """The deployment folder named by ``RELAIS_DEPLOYMENT`` (absolute), or an error saying to set it."""
    env = os.environ if environ is None else environ
    value = env.get(DEPLOYMENT_ENV)
    if not value:
        raise DeploymentError(f"{DEPLOYMENT_ENV} is not set: point it at the folder holding organisations/")
    return Path(value).expanduser().resolve()


def organisation_home(organisation: Organisation, root: Path | None = None) -> RelaisHome:
    """The home of one organisation, its own settings and secrets (no deployment-wide key applies);
    with the deployment's ``root``, its report compares it with the network of peers built there."""
    home = load_home(organisation.home, environ={})
    if root is None:
        return home
    return replace(home, network_database=network_database(root), slug=organisation.slug)


def partitioned(assets: Sequence[AssetsDefinition]) -> list[AssetsDefinition]:
    """The assets of Relais, each partitioned by organisation."""
    return [
        a.map_asset_specs(lambda spec: spec.replace_attributes(partitions_def=ORGANISATIONS)) for a in assets
    ]


def _run_organisation(context: InitResourceContext, root: Path) -> Organisation:
    run = context.dagster_run
    slug = run.tags.get(PARTITION_TAG) if run is not None else None
    if not slug:
        raise DeploymentError("a run of a deployment refreshes one organisation: choose its partition")
    return find_organisation(root, slug)


def deployment_resources(root: Path) -> dict[str, object]:
    """``home`` and ``warehouse`` bound, at each run, to the home of the run's organisation."""

    @resource(description="The home of the run's organisation (paths, settings, pseudonymisation key).")
    def home(context: InitResourceContext) -> RelaisHome:
        return organisation_home(_run_organisation(context, root), root)

    @resource(description="The working DuckDB warehouse of the run's organisation, under its writer lock.")
    def warehouse(context: InitResourceContext) -> Iterator[object]:
        organisation_home_ = organisation_home(_run_organisation(context, root))
        with build_resources(organisation_home_)["warehouse"].yield_for_execution(context) as bound:
            yield bound

    return {"home": home, "warehouse": warehouse}


NETWORK = AssetKey(["network", "peers"])
NETWORK_TAG = "relais/network"
"""The tag on every rebuild of the network; the run queue's limit of 1 on it keeps rebuilds in turn."""


def network_asset(root: Path) -> AssetsDefinition:
    """``network/peers``: the network of peers rebuilt from every opted-in organisation's snapshot."""

    @asset(
        key=NETWORK,
        deps=[AssetKey(["serving", "relais_snapshot"])],
        kinds={"duckdb"},
        group_name="network",
        description="The network of peers (network/relais-network.duckdb and Parquet): the published "
        "aggregates of the organisations that opted in (network_opt_in), by month and size band; band "
        "statistics only where five organisations or more have the figure. Rebuilt whole: an "
        "organisation that opts out or leaves leaves no trace.",
    )
    def network_peers(context) -> MaterializeResult:
        built = build_network([(o.slug, o.home) for o in list_organisations(root)], root)
        for slug, reason in sorted(built.failed.items()):
            context.log.warning(f"Organisation {slug} left out of the network: {reason}")
        context.log.info(
            f"Network of peers: {len(built.contributed)} organisation(s) contributed, "
            f"{len(built.not_opted_in)} not opted in, {len(built.failed)} left out; "
            f"{built.band_rows} band rows"
        )
        return MaterializeResult(
            metadata={
                "database": str(built.database),
                "contributed": len(built.contributed),
                "not_opted_in": len(built.not_opted_in),
                "left_out": len(built.failed),
                "band_rows": built.band_rows,
            }
        )

    return network_peers


network_job = define_asset_job(
    "network",
    selection=AssetSelection.assets(NETWORK),
    description="Rebuild the network of peers from the organisations' published snapshots.",
    tags={NETWORK_TAG: "rebuild"},
)


@run_status_sensor(
    run_status=DagsterRunStatus.SUCCESS,
    request_job=network_job,
    default_status=DefaultSensorStatus.RUNNING,
    description="Rebuilds the network of peers after each organisation's successful refresh.",
)
def network_after_refresh(context: RunStatusSensorContext) -> RunRequest | SkipReason:
    """Request a network rebuild when a refresh of an organisation succeeded, unless one is already
    waiting in the queue (it will read this organisation's new snapshot too)."""
    run = context.dagster_run
    if run.job_name != "refresh_organisation":
        return SkipReason(f"{run.job_name} does not change any organisation's snapshot")
    waiting = context.instance.get_runs_count(
        RunsFilter(
            job_name=network_job.name, statuses=[DagsterRunStatus.QUEUED, DagsterRunStatus.NOT_STARTED]
        )
    )
    if waiting:
        return SkipReason("a rebuild of the network is already queued: it will include this refresh")
    return RunRequest(run_key=f"network-after-{run.run_id}")


refresh_organisation_job = define_asset_job(
    "refresh_organisation",
    selection=AssetSelection.all() - AssetSelection.assets(NETWORK),
    partitions_def=ORGANISATIONS,
    description="Refresh one organisation (its partition): read its inbox, rebuild, check and publish.",
)


def organisations_decisions(
    root: Path, known: set[str], cursor: dict[str, dict]
) -> tuple[list[str], list[str], list[tuple[str, str, dict]]]:
    """What the sensor does: slugs to add, slugs to remove, and (slug, run key, new cursor entry) to run.

    An organisation is refreshed when its inbox holds content its published snapshot was not built
    from (``pipelines.sensors.inbox_decision``); one whose settings cannot be read is left alone.
    """
    organisations = list_organisations(root)
    present = {o.slug for o in organisations}
    runs = []
    for organisation in organisations:
        try:
            home = organisation_home(organisation)
        except SettingsError:
            continue
        entry, run_key, _ = inbox_decision(home, cursor.get(organisation.slug, {}))
        cursor[organisation.slug] = entry
        if run_key is not None:
            runs.append((organisation.slug, run_key, entry))
    return sorted(present - known), sorted(known - present), runs


@sensor(
    job=refresh_organisation_job,
    minimum_interval_seconds=INTERVAL_SECONDS,
    default_status=DefaultSensorStatus.RUNNING,
    description="Adds the partition of each new organisation home (and removes those that left); "
    "refreshes an organisation whose inbox content changed.",
)
def organisations_sensor(context: SensorEvaluationContext) -> SensorResult:
    """Keep the organisation partitions equal to the deployment's homes; request the refreshes due."""
    root = deployment_root()
    known = set(context.instance.get_dynamic_partitions(ORGANISATIONS.name))
    cursor = json.loads(context.cursor) if context.cursor else {}
    added, removed, runs = organisations_decisions(root, known, cursor)
    for slug in removed:
        cursor.pop(slug, None)
    requests = []
    if added:
        requests.append(AddDynamicPartitionsRequest(ORGANISATIONS.name, added))
    if removed:
        requests.append(DeleteDynamicPartitionsRequest(ORGANISATIONS.name, removed))
    return SensorResult(
        run_requests=[
            RunRequest(run_key=f"{slug}:{key}", partition_key=slug, tags={ORGANISATION_TAG: slug})
            for slug, key, _ in runs
        ],
        dynamic_partitions_requests=requests,
        skip_reason=None
        if runs
        else SkipReason(f"no new inbox content in any of {len(cursor)} organisation(s)"),
        cursor=json.dumps(cursor),
    )


def build_deployment_definitions(root: Path) -> Definitions:
    """Every asset and check of Relais partitioned by organisation, the job, the sensors, the resources."""
    assets = partitioned(all_assets())
    return Definitions(
        assets=[*assets, network_asset(root)],
        asset_checks=[build_table_checks({key for a in assets for key in a.keys})],
        jobs=[refresh_organisation_job, network_job],
        sensors=[
            organisations_sensor,
            network_after_refresh,
            build_failure_sensor(None, settings_of=lambda run: _run_settings(root, run)),
        ],
        resources=deployment_resources(root),
        executor=in_process_executor,
    )


def _run_settings(root: Path, run):
    slug = run.tags.get(PARTITION_TAG)
    return organisation_home(find_organisation(root, slug)).settings if slug else None


def load_deployment_or_exit() -> Path:
    """The deployment folder, or the process ends with one line saying what to fix."""
    try:
        root = deployment_root()
        list_organisations(root)
    except DeploymentError as error:
        print(f"relais: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    return root
