"""A home's Dagster run history on SQLite without a disk synchronisation per event
(``pipelines.run_history``): what Dagster stores and reads is unchanged, the UI's live view still
sees events, and a home's ``dagster.yaml`` names its own folder."""

import threading
from pathlib import Path

import yaml
from dagster import AssetCheckResult, DagsterInstance, asset, asset_check, materialize

from pipelines.run_history import QuickSqliteEventLogStorage
from pipelines.settings import DAGSTER_YAML_MARK, dagster_yaml, write_instance_yaml


@asset
def counted() -> int:
    return 3


@asset_check(asset=counted)
def counted_positive() -> AssetCheckResult:
    return AssetCheckResult(passed=True)


def home_instance(folder: Path) -> DagsterInstance:
    write_instance_yaml(folder)
    return DagsterInstance.from_config(str(folder))


def test_a_run_s_events_are_stored_and_read_as_with_dagster_s_own_sqlite_storage(tmp_path):
    with home_instance(tmp_path) as instance:
        storage = instance.event_log_storage
        assert isinstance(storage, QuickSqliteEventLogStorage)
        result = materialize([counted, counted_positive], instance=instance)
        assert result.success
        run_id = result.run_id
        logs = instance.all_logs(run_id)
        kinds = [e.dagster_event_type.name for e in logs if e.dagster_event_type]
        assert {"STEP_START", "ASSET_MATERIALIZATION", "ASSET_CHECK_EVALUATION", "RUN_SUCCESS"} <= set(kinds)
        assert instance.get_latest_materialization_event(counted.key).run_id == run_id  # the index shard
        with storage.run_connection(run_id) as conn:
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 0
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"  # Dagster's own choice
    assert (tmp_path / "history" / "runs" / f"{run_id}.db").is_file()
    # Another process (the UI, a later refresh) reads the same history with Dagster's own storage.
    with DagsterInstance.from_config(str(tmp_path)) as again:
        assert [e.message for e in again.all_logs(run_id)] == [e.message for e in logs]


def test_the_live_view_of_a_run_is_told_of_each_new_event(tmp_path):
    """Dagster's UI follows a run by watching its ``.db`` file: an event stored after the watch began
    reaches the callback."""
    with home_instance(tmp_path) as instance:
        first = materialize([counted], instance=instance)
        storage = instance.event_log_storage
        seen = threading.Event()
        storage.watch(first.run_id, None, lambda entry, cursor: seen.set())
        try:
            records = storage.get_records_for_run(first.run_id).records
            storage.store_event(records[-1].event_log_entry)  # one more event in the run's file
            assert seen.wait(20), "the watcher never saw the new event"
        finally:
            storage.dispose()


def test_a_home_s_dagster_yaml_names_its_own_folder_and_an_operator_s_file_is_kept(tmp_path):
    folder = tmp_path / "home" / "dagster"
    folder.mkdir(parents=True)
    write_instance_yaml(folder)
    written = (folder / "dagster.yaml").read_text(encoding="utf-8")
    assert written.startswith(DAGSTER_YAML_MARK)
    settings = yaml.safe_load(written)
    assert settings["telemetry"] == {"enabled": False}
    assert settings["event_log_storage"]["config"]["base_dir"] == str(folder / "history" / "runs")

    moved = tmp_path / "elsewhere" / "dagster"
    moved.mkdir(parents=True)
    (moved / "dagster.yaml").write_text(written, encoding="utf-8")  # the home was moved
    write_instance_yaml(moved)
    assert (moved / "dagster.yaml").read_text(encoding="utf-8") == dagster_yaml(moved)

    older = DAGSTER_YAML_MARK + " (one writer at a time).\ntelemetry:\n  enabled: false\n"
    (moved / "dagster.yaml").write_text(older, encoding="utf-8")  # written by an older Relais
    write_instance_yaml(moved)
    assert (moved / "dagster.yaml").read_text(encoding="utf-8") == dagster_yaml(moved)

    mine = "telemetry:\n  enabled: true\n"
    (moved / "dagster.yaml").write_text(mine, encoding="utf-8")  # the operator's own
    write_instance_yaml(moved)
    assert (moved / "dagster.yaml").read_text(encoding="utf-8") == mine
