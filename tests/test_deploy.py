"""The production files of deploy/, checked offline: no cluster, no ``helm``, no image build.

- ``deploy/dagster-postgres.yaml`` loads through Dagster's own instance config machinery, and
  Dagster's own queue (the daemon's dequeue step, on an instance with exactly that
  ``run_coordinator``) starts at most 2 runs at once and never two runs of one organisation;
- ``deploy/helm/values.yaml``, merged over the chart's defaults as ``helm install -f`` merges it,
  validates against the chart's ``values.schema.json`` (a copy of Dagster's chart under
  ``tests/fixtures/dagster-helm/``, see its ORIGIN.md) and its subchart's; the Kubernetes objects in
  it (volumes, mounts, env, resources, security context) parse as the Kubernetes client's models
  through dagster-k8s, and the code location's container context loads through dagster-k8s's config;
- the two files, deploy/README.md and docs/operators.md state the same limits;
- ``deploy/Dockerfile`` installs what ``make install`` installs (a subset of the ``dev`` extra, the
  same Python) from the files the wheel is built from, and its container downloads nothing at run
  time.
"""

from __future__ import annotations

import copy
import json
import re
import shlex
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes.client
import pytest
import yaml
from dagster import DagsterRunStatus
from dagster._config import process_config
from dagster._core.instance.config import dagster_instance_config
from dagster._core.remote_origin import RegisteredCodeLocationOrigin, RemoteRepositoryOrigin
from dagster._core.run_coordinator import QueuedRunCoordinator
from dagster._core.test_utils import create_run_for_test, instance_for_test
from dagster._daemon.run_coordinator.queued_run_coordinator_daemon import QueuedRunCoordinatorDaemon
from dagster._serdes import ConfigurableClassData
from dagster_k8s.container_context import K8sContainerContext
from dagster_k8s.models import k8s_model_from_dict, k8s_snake_case_dict
from dagster_postgres import DagsterPostgresStorage
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

REPO = Path(__file__).resolve().parent.parent
DEPLOY = REPO / "deploy"
INSTANCE_YAML = DEPLOY / "dagster-postgres.yaml"
VALUES_YAML = DEPLOY / "helm" / "values.yaml"
PVC_YAML = DEPLOY / "kubernetes" / "relais-homes-pvc.yaml"
DOCKERFILE = DEPLOY / "Dockerfile"
DOCKERIGNORE = DEPLOY / "Dockerfile.dockerignore"
CHART = Path(__file__).resolve().parent / "fixtures" / "dagster-helm"
SUBCHART_KEY = "dagster-user-deployments"
PARTITION_TAG = "dagster/partition"
NETWORK_TAG = "relais/network"
JOB = "refresh_organisation"
PG_ENV = {
    "DAGSTER_PG_USERNAME": "relais",
    "DAGSTER_PG_PASSWORD": "not-a-real-password",
    "DAGSTER_PG_HOST": "db.internal",
    "DAGSTER_PG_DB": "dagster",
    "DAGSTER_PG_PORT": "5432",
}


def load_yaml(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def pyproject() -> dict[str, Any]:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def merged(defaults: Any, override: Any) -> Any:
    """``override`` over ``defaults`` as Helm merges values: maps key by key, anything else replaced."""
    if isinstance(defaults, Mapping) and isinstance(override, Mapping):
        result = dict(defaults)
        for key, value in override.items():
            result[key] = merged(defaults[key], value) if key in defaults else copy.deepcopy(value)
        return result
    return copy.deepcopy(override)


def chart_values() -> tuple[dict[str, Any], dict[str, Any]]:
    """The values Helm computes for the chart and for its user-deployments subchart."""
    ours = load_yaml(VALUES_YAML)
    parent = merged(load_yaml(CHART / "values.yaml"), ours)
    sub_defaults = load_yaml(CHART / "charts" / SUBCHART_KEY / "values.yaml")
    return parent, merged(sub_defaults, parent[SUBCHART_KEY])


class AnyDefinition(dict):
    """A document in which every JSON pointer leads to an empty schema (one that accepts anything)."""

    def __missing__(self, key: str) -> AnyDefinition:
        return AnyDefinition()


def offline_registry() -> Registry:
    """Resolve the schemas' links to Kubernetes' definitions (URLs) to an empty schema: no network."""

    def retrieve(uri: str) -> Resource:
        assert uri.startswith("https://raw.githubusercontent.com/yannh/kubernetes-json-schema/"), uri
        return Resource.from_contents(AnyDefinition(), default_specification=DRAFT202012)

    return Registry(retrieve=retrieve)


def schema_errors(schema_path: Path, values: dict[str, Any]) -> list[str]:
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator = validator_class(schema, registry=offline_registry())
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(values)]


def relais_deployment(values: dict[str, Any]) -> dict[str, Any]:
    (deployment,) = values[SUBCHART_KEY]["deployments"]
    return deployment


# --- the instance settings of one machine ---------------------------------------------------------


@pytest.fixture
def instance_settings(tmp_path, monkeypatch) -> dict[str, Any]:
    """deploy/dagster-postgres.yaml as Dagster validates it from a DAGSTER_HOME (env values set)."""
    for name, value in PG_ENV.items():
        monkeypatch.setenv(name, value)
    (tmp_path / "dagster.yaml").write_text(INSTANCE_YAML.read_text(encoding="utf-8"), encoding="utf-8")
    settings, custom_class = dagster_instance_config(str(tmp_path))
    assert custom_class is None
    return settings


def test_instance_settings_load_through_dagster(instance_settings):
    storage = instance_settings["storage"]["postgres"]
    processed = process_config(DagsterPostgresStorage.config_type(), storage)
    assert processed.success, processed.errors
    assert processed.value["postgres_db"]["hostname"] == PG_ENV["DAGSTER_PG_HOST"]
    assert instance_settings["telemetry"] == {"enabled": False}

    coordinator = instance_settings["run_coordinator"]
    assert coordinator["class"] == "QueuedRunCoordinator"
    queue = (
        ConfigurableClassData(coordinator["module"], coordinator["class"], yaml.dump(coordinator["config"]))
        .rehydrate(as_type=QueuedRunCoordinator)
        .get_run_queue_config()
    )
    assert queue.max_concurrent_runs == 2
    assert queue.tag_concurrency_limits == [
        {"key": PARTITION_TAG, "value": {"applyLimitPerUniqueValue": True}, "limit": 1},
        {"key": NETWORK_TAG, "limit": 1},
    ]


def queued_then_dequeued(instance, started: list[str], queued: list[str]) -> list[str]:
    """Runs of ``queued`` Dagster's daemon would launch now, runs of ``started`` in progress; each run
    is an organisation's slug (a refresh of its partition) or ``network`` (a rebuild of the network,
    with the tags the job puts on its runs)."""
    from pipelines.organisations import network_job

    def origin(job: str):
        return RemoteRepositoryOrigin(
            RegisteredCodeLocationOrigin("relais"), "__repository__"
        ).get_job_origin(job)

    for status, names in ((DagsterRunStatus.STARTED, started), (DagsterRunStatus.QUEUED, queued)):
        for name in names:
            job, tags = (
                (network_job.name, dict(network_job.tags))
                if name == "network"
                else (JOB, {PARTITION_TAG: name})
            )
            create_run_for_test(
                instance, job_name=job, status=status, tags=tags, remote_job_origin=origin(job)
            )
    daemon = QueuedRunCoordinatorDaemon(interval_seconds=1)
    runs = daemon._get_runs_to_dequeue(instance, instance.get_concurrency_config(), None)
    return [run.tags.get(PARTITION_TAG, "network") for run in runs]


@pytest.fixture
def queued_instance(instance_settings) -> Iterator[Any]:
    """A throw-away instance (SQLite storage) whose run coordinator is the shipped file's, unchanged."""
    with instance_for_test(overrides={"run_coordinator": instance_settings["run_coordinator"]}) as instance:
        yield instance


def test_queue_starts_two_runs_never_two_of_one_organisation(queued_instance):
    # Nothing running: the second run of ville-a waits behind the first, ville-b takes the second slot.
    assert queued_then_dequeued(queued_instance, [], ["ville-a", "ville-a", "ville-b", "ville-c"]) == [
        "ville-a",
        "ville-b",
    ]


def test_queue_skips_an_organisation_already_running(queued_instance):
    # ville-a is being refreshed: its queued run waits even though it is first in the queue.
    assert queued_then_dequeued(queued_instance, ["ville-a"], ["ville-a", "ville-b", "ville-c"]) == [
        "ville-b"
    ]


def test_queue_is_full_at_two_runs(queued_instance):
    assert queued_then_dequeued(queued_instance, ["ville-a", "ville-b"], ["ville-c"]) == []


def test_queue_rebuilds_the_network_one_at_a_time(queued_instance):
    # A rebuild in progress: the next waits, and an organisation's refresh takes the free slot.
    assert queued_then_dequeued(queued_instance, ["network"], ["network", "ville-a"]) == ["ville-a"]


def test_queue_starts_one_of_two_queued_rebuilds_of_the_network(queued_instance):
    assert queued_then_dequeued(queued_instance, [], ["network", "network", "ville-a"]) == [
        "network",
        "ville-a",
    ]


# --- the Helm values -------------------------------------------------------------------------------


def test_values_validate_against_the_chart_schema():
    parent, sub = chart_values()
    assert schema_errors(CHART / "values.schema.json", parent) == []
    assert schema_errors(CHART / "charts" / SUBCHART_KEY / "values.schema.json", sub) == []


def test_chart_schema_catches_a_wrong_value():
    """The validation can fail: a misspelt launcher type and a string limit are both refused."""
    parent, _ = chart_values()
    broken = merged(
        parent,
        {
            "runLauncher": {"type": "K8sLauncher"},
            "dagsterDaemon": {
                "runCoordinator": {"config": {"queuedRunCoordinator": {"maxConcurrentRuns": "8"}}}
            },
        },
    )
    errors = schema_errors(CHART / "values.schema.json", broken)
    assert any(e.startswith("runLauncher/type") for e in errors), errors
    assert any("maxConcurrentRuns" in e for e in errors), errors


def test_values_run_each_run_as_a_kubernetes_job_on_postgres():
    parent, _ = chart_values()
    assert parent["runLauncher"]["type"] == "K8sRunLauncher"
    assert parent["runLauncher"]["config"]["k8sRunLauncher"]["loadInclusterConfig"] is True
    assert parent["dagsterDaemon"]["runCoordinator"]["type"] == "QueuedRunCoordinator"
    # External PostgreSQL; its password comes from a secret the operator creates, never from values.
    assert parent["postgresql"]["enabled"] is False
    assert parent["generatePostgresqlPasswordSecret"] is False
    assert "postgresqlPassword" not in load_yaml(VALUES_YAML)["postgresql"]
    assert parent["global"]["postgresqlSecretName"] == "dagster-postgresql-secret"


def test_values_limits_equal_the_instance_settings(instance_settings):
    parent, _ = chart_values()
    chart_queue = parent["dagsterDaemon"]["runCoordinator"]["config"]["queuedRunCoordinator"]
    assert (
        chart_queue["tagConcurrencyLimits"]
        == instance_settings["run_coordinator"]["config"]["tag_concurrency_limits"]
    )
    assert chart_queue["maxConcurrentRuns"] == 8
    # The newer `concurrency:` block stays off: Dagster refuses the limits set in both places.
    assert parent["concurrency"]["enabled"] is False


def test_docs_state_the_limits_of_the_files(instance_settings):
    parent, _ = chart_values()
    local = instance_settings["run_coordinator"]["config"]["max_concurrent_runs"]
    cluster = parent["dagsterDaemon"]["runCoordinator"]["config"]["queuedRunCoordinator"]["maxConcurrentRuns"]
    readme = (DEPLOY / "README.md").read_text(encoding="utf-8")
    assert f"`max_concurrent_runs: {local}`" in readme
    assert f"`maxConcurrentRuns: {cluster}`" in readme
    operators = (REPO / "docs" / "operators.md").read_text(encoding="utf-8")
    assert f"`max_concurrent_runs: {local}`" in operators
    assert f"at most {cluster} runs at once" in operators
    assert f"while {cluster} are in progress" in operators
    assert f"`{PARTITION_TAG}`" in operators


def k8s_model(model_name: str, data: Mapping[str, Any]) -> Any:
    """``data`` (camelCase, as in a manifest) as the Kubernetes client's model: unknown keys fail."""
    model_class = getattr(kubernetes.client, model_name)
    return k8s_model_from_dict(model_class, k8s_snake_case_dict(model_class, data))


def test_values_kubernetes_objects_parse_as_kubernetes_models():
    parent, _ = chart_values()
    deployment = relais_deployment(parent)
    volumes = [k8s_model("V1Volume", v) for v in deployment["volumes"]]
    mounts = [k8s_model("V1VolumeMount", m) for m in deployment["volumeMounts"]]
    env = {e.name: e.value for e in (k8s_model("V1EnvVar", e) for e in deployment["env"])}
    security = k8s_model("V1PodSecurityContext", deployment["podSecurityContext"])
    resources = k8s_model(
        "V1ResourceRequirements", parent["runLauncher"]["config"]["k8sRunLauncher"]["resources"]
    )

    # The homes' claim is the shipped PVC, mounted where RELAIS_DEPLOYMENT points.
    pvc = load_yaml(PVC_YAML)
    assert pvc["kind"] == "PersistentVolumeClaim" and pvc["spec"]["accessModes"] == ["ReadWriteMany"]
    k8s_model("V1PersistentVolumeClaimSpec", pvc["spec"])
    (volume,) = volumes
    assert volume.persistent_volume_claim.claim_name == pvc["metadata"]["name"]
    (mount,) = mounts
    assert mount.name == volume.name and mount.mount_path == env["RELAIS_DEPLOYMENT"]
    assert security.fs_group == 10001
    assert resources.limits["memory"] == "4Gi"

    with pytest.raises(Exception, match="Unexpected keys"):
        k8s_model("V1VolumeMount", {"name": "relais-homes", "mountpath": "/homes"})


def test_code_location_context_reaches_every_run_pod():
    """What the chart hands the K8sRunLauncher for each run of the code location loads in dagster-k8s."""
    parent, _ = chart_values()
    deployment = relais_deployment(parent)
    assert deployment["includeConfigInLaunchedRuns"]["enabled"] is True
    assert deployment["dagsterApiGrpcArgs"] == ["-m", "pipelines.deployment"]
    context = K8sContainerContext.create_from_config(
        {
            "k8s": {
                "image_pull_policy": deployment["image"]["pullPolicy"],
                "env": deployment["env"],
                "volumes": deployment["volumes"],
                "volume_mounts": deployment["volumeMounts"],
                "run_k8s_config": {"pod_spec_config": {"security_context": deployment["podSecurityContext"]}},
            }
        }
    )
    pod, container = context.run_k8s_config.pod_spec_config, context.run_k8s_config.container_config
    assert pod["volumes"] == [
        {"name": "relais-homes", "persistent_volume_claim": {"claim_name": "relais-homes"}}
    ]
    assert pod["security_context"] == {"fs_group": 10001}
    assert container["volume_mounts"] == [{"name": "relais-homes", "mount_path": "/homes"}]
    assert container["env"] == [{"name": "RELAIS_DEPLOYMENT", "value": "/homes"}]


# --- the image -------------------------------------------------------------------------------------


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of deploy/Dockerfile, continuation lines joined, comments left out."""
    lines, current = [], ""
    for raw in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        stripped = raw.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        current += stripped[:-1] + " " if stripped.endswith("\\") else stripped
        if not stripped.endswith("\\"):
            lines.append(current)
            current = ""
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]


def dockerfile_args() -> dict[str, str]:
    return dict(a.split("=", 1) for i, a in dockerfile_instructions() if i == "ARG" and "=" in a)


def test_dockerfile_python_and_dagster_match_the_project():
    project = pyproject()["project"]
    args = dockerfile_args()
    assert Version(args["PYTHON_VERSION"] + ".0") in SpecifierSet(project["requires-python"])
    froms = [a for i, a in dockerfile_instructions() if i == "FROM"]
    assert froms and all(f.startswith("python:${PYTHON_VERSION}-slim") for f in froms), froms
    dagster = next(Requirement(r) for r in project["dependencies"] if Requirement(r).name == "dagster")
    assert Version(args["DAGSTER_VERSION"]) in dagster.specifier
    # The chart is installed at the image's Dagster version, as the guide and the values say.
    install = f"--version {args['DAGSTER_VERSION']}"
    assert install in (REPO / "docs" / "operators.md").read_text(encoding="utf-8")
    assert install in VALUES_YAML.read_text(encoding="utf-8")
    assert relais_deployment(chart_values()[0])["image"]["tag"] == project["version"]


def test_dockerfile_installs_what_make_install_installs():
    """The image's extra is part of the dev extra `make install` installs: the suite tests what runs."""
    project = pyproject()["project"]
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "pip install --progress-bar off -e '.[dev]'" in makefile
    runs = " ".join(a for i, a in dockerfile_instructions() if i == "RUN")
    extras = re.findall(r"\$\{WHEEL\}\[([a-z0-9,-]+)\]", runs)
    assert extras == ["kubernetes"], extras
    extra = {Requirement(r).name for r in project["optional-dependencies"]["kubernetes"]}
    assert {"dagster-k8s", "dagster-postgres"} <= extra
    assert extra <= {Requirement(r).name for r in project["optional-dependencies"]["dev"]}
    assert "pip wheel" in runs and "--no-deps" in runs


def test_dockerfile_copies_what_the_wheel_is_built_from():
    config = pyproject()
    wheel = config["tool"]["hatch"]["build"]["targets"]["wheel"]
    needed = {
        *wheel["packages"],
        *wheel["hooks"]["custom"]["shipped"],
        config["project"]["readme"],
        "pyproject.toml",
        "hatch_build.py",
    }
    copied = set()
    for instruction, arguments in dockerfile_instructions():
        if instruction == "COPY" and not arguments.startswith("--from"):
            copied.update(shlex.split(arguments)[:-1])
    assert needed <= copied, needed - copied
    allowed = {
        line[1:] for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines() if line.startswith("!")
    }
    assert copied <= allowed, copied - allowed


def test_container_downloads_nothing_when_it_runs():
    instructions = dockerfile_instructions()
    assert not [a for i, a in instructions if i == "ADD"], "ADD can fetch URLs: COPY only"
    (cmd,) = [json.loads(a) for i, a in instructions if i == "CMD"]
    assert not [i for i, _ in instructions if i == "ENTRYPOINT"]
    assert cmd[:3] == ["dagster", "api", "grpc"]
    assert not {"pip", "curl", "wget", "apt-get", "uv"} & set(cmd)
    # The same code location and port as the chart's code server.
    deployment = relais_deployment(chart_values()[0])
    assert cmd[cmd.index("-m") :] == deployment["dagsterApiGrpcArgs"]
    assert cmd[cmd.index("-p") + 1] == str(deployment["port"])
    env = " ".join(a for i, a in instructions if i == "ENV")
    assert "RELAIS_DEPLOYMENT=/homes" in env
    user = [a for i, a in instructions if i == "USER"]
    assert user == [str(deployment["podSecurityContext"]["fsGroup"])]
    runs = " ".join(a for i, a in instructions if i == "RUN")
    assert f"--uid {user[0]}" in runs
    # The folder the chart mounts dagster.yaml into belongs to that user.
    assert f"chown {user[0]} {chart_values()[0]['global']['dagsterHome']}" in runs
