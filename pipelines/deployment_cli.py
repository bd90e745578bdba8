"""`relais organisations` and `relais refresh --organisation`: a deployment of many organisations.

Both read ``RELAIS_DEPLOYMENT`` and record in the deployment's Dagster instance (``DAGSTER_HOME``,
default ``RELAIS_DEPLOYMENT/dagster``), so what they do shows in the UI beside the runs the sensor
queues. Problems the operator can fix raise ``DeploymentError`` with one line naming the fix.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from pipelines.settings import SettingsError
from relais.deployment import DeploymentError, Organisation, list_organisations
from relais.inbox.refreshed import last_refreshed


def instance_folder(root: Path, environ: dict[str, str] | None = None) -> Path:
    """The deployment's Dagster instance folder: ``DAGSTER_HOME``, else ``RELAIS_DEPLOYMENT/dagster``."""
    value = (os.environ if environ is None else environ).get("DAGSTER_HOME")
    return Path(value).expanduser().resolve() if value else root / "dagster"


DEPLOYMENT_DAGSTER_YAML = """# Written by `relais organisations`: one machine (docs/operators.md).
# Runs launched by the UI and the sensors wait in Dagster's queue (dagster dev or dagster-daemon drains
# it): at most 2 at once, never two of one organisation (the limit applies per value of
# dagster/partition, the organisation's slug) and one rebuild of the network of peers at a time. The
# same limits as deploy/dagster-postgres.yaml, which adds PostgreSQL storage for production.
run_coordinator:
  module: dagster._core.run_coordinator
  class: QueuedRunCoordinator
  config:
    max_concurrent_runs: 2
    tag_concurrency_limits:
      - key: dagster/partition
        value:
          applyLimitPerUniqueValue: true
        limit: 1
      - key: relais/network
        limit: 1
telemetry:
  enabled: false
"""


def prepare_instance(folder: Path, create: bool = True) -> Path:
    """The deployment's Dagster instance folder (made when ``create``), with the run queue's limits
    written in its ``dagster.yaml`` unless the operator already wrote one (PostgreSQL storage, a
    cluster); a folder that does not exist and is not to be made is left to the caller to report."""
    if create:
        folder.mkdir(parents=True, exist_ok=True)
    settings = folder / "dagster.yaml"
    if folder.is_dir() and not settings.exists():
        from pipelines.run_history import run_history_yaml

        settings.write_text(DEPLOYMENT_DAGSTER_YAML + run_history_yaml(folder), encoding="utf-8")
    return folder


def ui_command(root: Path, folder: Path) -> str:
    """The command that starts Dagster's UI and daemon on the deployment, with its instance."""
    return f"DAGSTER_HOME={folder} RELAIS_DEPLOYMENT={root} dagster dev -m pipelines.deployment"


def organisation_line(organisation: Organisation) -> str:
    """One organisation as `relais organisations` lists it: slug, home, last publication, network."""
    from pipelines.organisations import organisation_home

    refreshed = last_refreshed(organisation.home / "state")
    published = refreshed.at[:16].replace("T", " ") + " UTC" if refreshed else "never published"
    try:
        shares = getattr(organisation_home(organisation).settings, "network_opt_in", False)
        network = "shares with the network" if shares else "not in the network"
    except SettingsError as error:
        network = f"relais.toml unusable: {str(error).splitlines()[0]}"
    return f"{organisation.slug:<24} {published:<22} {network:<26} {organisation.home}"


def sync_partitions(root: Path, folder: Path) -> tuple[list[str], list[str]]:
    """Make the instance's organisation partitions equal to the deployment's homes; (added, removed)."""
    from dagster import DagsterInstance

    from pipelines.organisations import ORGANISATIONS

    prepare_instance(folder)
    slugs = {o.slug for o in list_organisations(root)}
    with DagsterInstance.from_config(str(folder)) as instance:
        known = set(instance.get_dynamic_partitions(ORGANISATIONS.name))
        added, removed = sorted(slugs - known), sorted(known - slugs)
        if added:
            instance.add_dynamic_partitions(ORGANISATIONS.name, added)
        for slug in removed:
            instance.delete_dynamic_partition(ORGANISATIONS.name, slug)
    return added, removed


def organisations_command(root: Path, write: Callable[[str], None] = print) -> int:
    """List the deployment's organisations and register them as partitions; 1 when there is none."""
    organisations = list_organisations(root)
    if not organisations:
        raise DeploymentError(
            f"no organisation in {root}: make one with `RELAIS_HOME={root}/organisations/<slug> relais init`"
        )
    for organisation in organisations:
        write(organisation_line(organisation))
    added, removed = sync_partitions(root, instance_folder(root))
    write(
        f"{len(organisations)} organisation(s); Dagster partitions: {len(added)} added, "
        f"{len(removed)} removed ({instance_folder(root)})"
    )
    write(f"UI and sensors: {ui_command(root, instance_folder(root))}")
    return 0


def refresh_organisation_command(
    root: Path, slug: str, write: Callable[[str], None] = print
) -> tuple[int, str]:
    """Refresh one organisation as its partition, a line per step; (exit status, the failure or "")."""
    from pipelines.refresh import run_organisation_refresh, step_label

    outcome = folder = prepare_instance(instance_folder(root), create=not os.environ.get("DAGSTER_HOME"))
    outcome = run_organisation_refresh(root, slug, folder, write)
    if outcome.success:
        write(f"Refresh of {slug} done (Dagster run {outcome.run_id}).")
        return 0, ""
    where = f" at step {step_label(outcome.failed_step)}" if outcome.failed_step else ""
    return 1, f"the refresh of {slug} failed{where}: {outcome.failure} (run {outcome.run_id})"
