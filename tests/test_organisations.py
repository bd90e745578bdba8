"""Many organisations in one deployment: each is a partition, refreshed in its own home only.

Two small organisations (the hand-worked home of test_end_to_end, copied) live under
``organisations/``; a refresh of one partition writes that organisation's warehouse and snapshot and
nothing of the other's; the sensor adds a new home's partition, removes a departed one and asks a
refresh only where the inbox holds content no snapshot was built from.
"""

import json
import shutil
from pathlib import Path

import duckdb
import pytest
from dagster import (
    DagsterInstance,
    DagsterRun,
    DagsterRunStatus,
    build_run_status_sensor_context,
    build_sensor_context,
)

from pipelines.organisations import (
    ORGANISATIONS,
    build_deployment_definitions,
    network_after_refresh,
    organisations_decisions,
    organisations_sensor,
)
from relais.deployment import DeploymentError, find_organisation, list_organisations
from tests.builders import write_text
from tests.test_end_to_end import build_organisation

REPO = Path(__file__).resolve().parents[1]


def _home(root: Path, slug: str) -> Path:
    home = root / "organisations" / slug
    build_organisation(home / "inbox")
    (home / "relais.toml").write_text(f'organisation = "{slug}"\n', encoding="utf-8")
    return home


def test_homes_are_listed_by_folder_and_by_the_deployment_file(tmp_path):
    _home(tmp_path, "ville-a")
    (tmp_path / "organisations" / "not-yet-a-home").mkdir()
    elsewhere = tmp_path / "elsewhere" / "cdg"
    elsewhere.mkdir(parents=True)
    (elsewhere / "relais.toml").write_text("", encoding="utf-8")
    (tmp_path / "relais-deployment.toml").write_text('organisations = { cdg-42 = "elsewhere/cdg" }\n')
    assert [(o.slug, o.home) for o in list_organisations(tmp_path)] == [
        ("cdg-42", elsewhere.resolve()),
        ("ville-a", (tmp_path / "organisations" / "ville-a").resolve()),
    ]
    (tmp_path / "relais-deployment.toml").write_text('exclude = ["ville-a"]\n')
    assert [o.slug for o in list_organisations(tmp_path)] == []
    with pytest.raises(DeploymentError, match="there are: none"):
        find_organisation(tmp_path, "ville-a")


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ('organisations = { x = "missing" }\n', "is not a Relais home"),
        ("organisations = [1]\n", "maps a slug to a home"),
        ("colour = 1\n", "unknown key"),
        ("organisations = {\n", "cannot be read"),
    ],
)
def test_a_bad_deployment_file_is_named_with_the_fix(tmp_path, content, problem):
    (tmp_path / "relais-deployment.toml").write_text(content)
    with pytest.raises(DeploymentError, match=problem):
        list_organisations(tmp_path)


def test_a_slug_must_name_runs_safely(tmp_path):
    (tmp_path / "organisations" / "Ville A").mkdir(parents=True)
    (tmp_path / "organisations" / "Ville A" / "relais.toml").write_text("")
    with pytest.raises(DeploymentError, match="lower-case letters"):
        list_organisations(tmp_path)


def _network_request(instance, result):
    """What the network sensor does on the successful run ``result``."""
    return network_after_refresh(
        build_run_status_sensor_context(
            sensor_name=network_after_refresh.name,
            dagster_instance=instance,
            dagster_run=result.dagster_run,
            dagster_event=result.get_run_success_event(),
        )
    )


def test_one_partition_refreshes_its_own_home_only_then_the_network_follows(tmp_path):
    a, b = _home(tmp_path, "ville-a"), _home(tmp_path, "ville-b")
    (a / "relais.toml").write_text('organisation = "ville-a"\nnetwork_opt_in = true\n', encoding="utf-8")
    defs = build_deployment_definitions(tmp_path)
    job = defs.resolve_job_def("refresh_organisation")
    with DagsterInstance.ephemeral() as instance:
        instance.add_dynamic_partitions(ORGANISATIONS.name, ["ville-a", "ville-b"])
        result = job.execute_in_process(instance=instance, partition_key="ville-a")
        assert result.success
        materialised = {e.partition for e in result.get_asset_materialization_events()}
        assert materialised == {"ville-a"}
        request = _network_request(instance, result)
        assert request.run_key == f"network-after-{result.run_id}"
        queued = DagsterRun(
            job_name="network", run_id="queued-network-run", status=DagsterRunStatus.NOT_STARTED
        )
        instance.add_run(queued)
        again = _network_request(instance, result)
        assert "already queued" in again.skip_message, "one waiting rebuild serves every refresh before it"
        instance.delete_run("queued-network-run")
        network = defs.resolve_job_def("network").execute_in_process(instance=instance)
        assert network.success
    with duckdb.connect(str(tmp_path / "network" / "relais-network.duckdb"), read_only=True) as con:
        slugs = con.execute("SELECT slug FROM network.organisations").fetchall()
    assert slugs == [("ville-a",)], "only the organisation that opted in"
    with duckdb.connect(str(a / "serving" / "relais.duckdb"), read_only=True) as con:
        organisation = con.execute("SELECT organisation FROM marts.meta").fetchall()[0][0]
        assert organisation == "ville-a"
        assert con.execute("SELECT count(*) FROM marts.programme_month").fetchall()[0][0] > 0
    assert not (b / "warehouse.duckdb").exists() and not (b / "serving" / "relais.duckdb").exists()
    assert (a / "secrets" / "pseudonym.key").exists(), "each organisation keeps its own key"


def test_the_sensor_follows_homes_and_new_content(tmp_path):
    _home(tmp_path, "ville-a")
    cursor: dict = {}
    added, removed, runs = organisations_decisions(tmp_path, {"gone"}, cursor)
    assert (added, removed, [slug for slug, _, _ in runs]) == (["ville-a"], ["gone"], ["ville-a"])
    added, removed, runs = organisations_decisions(tmp_path, {"ville-a"}, cursor)
    assert (added, removed, runs) == ([], [], []), "launched, not published yet: not asked again"
    write_text(tmp_path / "organisations" / "ville-a" / "inbox" / "new.csv", ["x,y", "1,2"])
    assert [slug for slug, _, _ in organisations_decisions(tmp_path, {"ville-a"}, cursor)[2]] == ["ville-a"]


def test_the_sensor_requests_partitions_and_runs_together(tmp_path, monkeypatch):
    _home(tmp_path, "ville-a")
    monkeypatch.setenv("RELAIS_DEPLOYMENT", str(tmp_path))
    with DagsterInstance.ephemeral() as instance:
        result = organisations_sensor(build_sensor_context(instance=instance))
    assert [r.partition_keys for r in result.dynamic_partitions_requests] == [["ville-a"]]
    assert [(r.partition_key, r.tags["relais/organisation"]) for r in result.run_requests] == [
        ("ville-a", "ville-a")
    ]
    assert set(json.loads(result.cursor)) == {"ville-a"}


def test_removing_a_home_folder_removes_its_partition(tmp_path):
    home = _home(tmp_path, "ville-a")
    shutil.rmtree(home)
    assert organisations_decisions(tmp_path, {"ville-a"}, {})[:2] == ([], ["ville-a"])


def test_the_command_line_lists_registers_and_names_a_wrong_organisation(tmp_path, monkeypatch, capsys):
    from pipelines.cli import main

    _home(tmp_path, "ville-a")
    monkeypatch.setenv("RELAIS_DEPLOYMENT", str(tmp_path))
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    assert main(["organisations"]) == 0
    out = capsys.readouterr().out
    assert "ville-a" in out and "never published" in out and "1 added, 0 removed" in out
    with DagsterInstance.from_config(str(tmp_path / "dagster")) as instance:
        assert instance.get_dynamic_partitions(ORGANISATIONS.name) == ["ville-a"]
    assert main(["refresh", "--organisation", "ville-z"]) == 2
    assert "no organisation 'ville-z'" in capsys.readouterr().err
    monkeypatch.delenv("RELAIS_DEPLOYMENT")
    assert main(["organisations"]) == 2
    assert "RELAIS_DEPLOYMENT is not set" in capsys.readouterr().err


def test_the_deployment_instance_queues_runs_with_the_limits_of_the_shipped_settings(
    tmp_path, monkeypatch, capsys
):
    """`relais organisations` writes the local instance's run queue: the limits of the production
    file, on Dagster's own coordinator; the command to start the UI on that instance is printed."""
    import yaml
    from dagster._core.run_coordinator import QueuedRunCoordinator

    from pipelines.cli import main

    _home(tmp_path, "ville-a")
    monkeypatch.setenv("RELAIS_DEPLOYMENT", str(tmp_path))
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    assert main(["organisations"]) == 0
    assert (
        f"DAGSTER_HOME={tmp_path / 'dagster'} RELAIS_DEPLOYMENT={tmp_path} dagster dev"
        in capsys.readouterr().out
    )
    written = yaml.safe_load((tmp_path / "dagster" / "dagster.yaml").read_text(encoding="utf-8"))
    shipped = yaml.safe_load((REPO / "deploy" / "dagster-postgres.yaml").read_text(encoding="utf-8"))
    assert written["run_coordinator"] == shipped["run_coordinator"]
    with DagsterInstance.from_config(str(tmp_path / "dagster")) as instance:
        coordinator = instance.run_coordinator
        assert isinstance(coordinator, QueuedRunCoordinator)
        assert coordinator.get_run_queue_config().max_concurrent_runs == 2


def test_an_operators_own_instance_settings_are_kept(tmp_path):
    from pipelines.deployment_cli import prepare_instance

    folder = tmp_path / "dagster"
    folder.mkdir()
    (folder / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    prepare_instance(folder)
    assert (folder / "dagster.yaml").read_text(encoding="utf-8") == "telemetry:\n  enabled: false\n"
    missing = tmp_path / "typo"
    assert prepare_instance(missing, create=False) == missing and not missing.exists()


def test_a_deployment_home_made_by_init_is_named_by_its_slug(tmp_path, monkeypatch):
    """`relais init` in organisations/<slug> names the organisation by its slug, never the demo's name."""
    import tomllib

    from pipelines.cli import main
    from pipelines.settings import DEFAULT_SETTINGS, load_settings

    home = tmp_path / "organisations" / "ville-a"
    monkeypatch.setenv("RELAIS_HOME", str(home))
    assert main(["init"]) == 0
    assert load_settings(home).organisation == "ville-a"
    elsewhere = tmp_path / "relais-home"
    monkeypatch.setenv("RELAIS_HOME", str(elsewhere))
    assert main(["init"]) == 0
    shipped = tomllib.loads(DEFAULT_SETTINGS.read_text(encoding="utf-8"))["organisation"]
    assert load_settings(elsewhere).organisation == shipped != "ville-a", (
        "a single home keeps the shipped file"
    )
