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
    evaluations = {e.asset_check_key.name: e for e in result.get_asset_check_evaluations()}
    failed = evaluations["marts__agent_month__key_unique"]
    assert not failed.passed and failed.severity.value == "ERROR"
    assert failed.metadata["unexpected_count"].value >= 1
    materialized = {e.asset_key for e in result.get_asset_materialization_events()}
    assert AssetKey(["quality", "gate"]) in materialized
    assert AssetKey(["serving", "relais_snapshot"]) not in materialized
    assert _digest(root / "serving" / "relais.duckdb") == before, "the previous snapshot stays in place"
    with duckdb.connect(str(root / "warehouse.duckdb"), read_only=True) as con:
        recorded = con.execute(
            "SELECT severity, success FROM marts.quality_checks WHERE table_name = 'marts.agent_month' "
            "AND check_name = 'key_unique' ORDER BY checked_at DESC LIMIT 1"
        ).fetchall()
    assert recorded == [("ERROR", False)]
    assert (root / "quality").is_dir()


def test_a_warning_does_not_stop_publication(organisation, tmp_path):  # noqa: F811
    source, _ = organisation
    root = tmp_path / "home"
    shutil.copytree(source, root)
    (root / "relais.toml").write_text("freshness_max_days = 1\n")
    before = _digest(root / "serving" / "relais.duckdb")
    result = _gate_then_publish(root)
    evaluations = {e.asset_check_key.name: e for e in result.get_asset_check_evaluations()}
    stale = [e for name, e in evaluations.items() if "fresh" in name]
    assert stale and not stale[0].passed and stale[0].severity.value == "WARN"
    assert all(e.passed for e in evaluations.values() if e.severity.value == "ERROR")
    assert _digest(root / "serving" / "relais.duckdb") != before, "published despite the warning"
