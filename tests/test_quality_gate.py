"""The quality gate inside the pipeline: a blocking failure leaves the analysts' snapshot as it was."""

import hashlib
import shutil

import duckdb
from dagster import AssetKey, DagsterInstance

from pipelines.definitions import build_definitions
from pipelines.settings import load_home
from tests.test_end_to_end import organisation  # noqa: F401 - the module-scoped run is reused

GATE_AND_PUBLICATION = [AssetKey(["quality", "gate"]), AssetKey(["serving", "relais_snapshot"])]


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _evaluations(result):
    """A run's check evaluations by (asset, check name)."""
    return {
        (e.asset_check_key.asset_key.to_user_string(), e.asset_check_key.name): e
        for e in result.get_asset_check_evaluations()
    }


def _last_recorded(root, table, check):
    """(severity, success) of the newest outcome of ``table``'s ``check`` in marts.quality_checks."""
    with duckdb.connect(str(root / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(
            "SELECT severity, success FROM marts.quality_checks WHERE table_name = ? AND check_name = ? "
            "ORDER BY checked_at DESC LIMIT 1",
            [table, check],
        ).fetchall()


def _gate_then_publish(root):
    job = build_definitions(load_home(root)).resolve_implicit_global_asset_job_def()
    with DagsterInstance.ephemeral() as instance:
        return job.execute_in_process(
            instance=instance, asset_selection=GATE_AND_PUBLICATION, raise_on_error=False
        )


def test_a_blocking_failure_keeps_the_previous_snapshot(organisation, tmp_path):  # noqa: F811
    source, _ = organisation
    root = tmp_path / "home"
    shutil.copytree(source, root)
    before = _digest(root / "serving" / "relais.duckdb")
    with duckdb.connect(str(root / "warehouse.duckdb")) as con:
        con.execute("INSERT INTO marts.agent_month SELECT * FROM marts.agent_month LIMIT 1")
    result = _gate_then_publish(root)
    gate = _evaluations(result)[("quality/gate", "no_blocking_failure")]
    assert not gate.passed and gate.severity.value == "ERROR"
    assert "marts.agent_month key_unique" in gate.metadata["blocking_failures"].value
    materialized = {e.asset_key for e in result.get_asset_materialization_events()}
    assert AssetKey(["quality", "gate"]) in materialized
    assert AssetKey(["serving", "relais_snapshot"]) not in materialized
    assert _digest(root / "serving" / "relais.duckdb") == before, "the previous snapshot stays in place"
    assert _last_recorded(root, "marts.agent_month", "key_unique") == [("ERROR", False)]
    assert (root / "quality").is_dir()


def test_a_warning_does_not_stop_publication(organisation, tmp_path):  # noqa: F811
    source, _ = organisation
    root = tmp_path / "home"
    shutil.copytree(source, root)
    (root / "relais.toml").write_text("freshness_max_days = 1\n")
    before = _digest(root / "serving" / "relais.duckdb")
    result = _gate_then_publish(root)
    evaluations = _evaluations(result)
    assert evaluations[("quality/gate", "no_blocking_failure")].passed
    assert _last_recorded(root, "marts.programme_month", "freshness") == [("WARN", False)]
    assert _digest(root / "serving" / "relais.duckdb") != before, "published despite the warning"


def test_each_table_shows_its_own_checks_even_without_the_gate(organisation, tmp_path):  # noqa: F811
    """A table materialised alone runs its own suite: its checks sit on it under their short names."""
    source, _ = organisation
    root = tmp_path / "home"
    shutil.copytree(source, root)
    job = build_definitions(load_home(root)).resolve_implicit_global_asset_job_def()
    with DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(
            instance=instance, asset_selection=[AssetKey(["marts", "agent_month"])]
        )
    evaluations = _evaluations(result)
    on_table = {name for asset, name in evaluations if asset == "marts/agent_month"}
    assert {"table_exists", "key_unique", "months_contiguous"} <= on_table
    assert {asset for asset, _ in evaluations} == {"marts/agent_month"}
    assert all(e.passed for e in evaluations.values())
    assert max(len(name) for name in on_table) <= 24, "names short enough to read in the UI"
