"""The warehouse is rewritten only when something left it, and then leaves no trace of what left.

``removed_since_rewrite`` compares what the warehouse holds (ledger entries, consenting ambassadors,
as digests) with what it held at its last rewrite; the refresh's last step rewrites the file only
when an entry is gone. Tested on the tables directly, then through whole refreshes: an unchanged
refresh does not rewrite; a removed archive is rewritten away, its text nowhere in the file.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from dagster import DagsterInstance

from pipelines.definitions import build_definitions
from pipelines.settings import load_home
from relais.warehouse.compaction import CONTENT_TABLE, record_content, removed_since_rewrite
from tests.test_end_to_end import build_organisation


@pytest.fixture
def con():
    with duckdb.connect() as connection:
        connection.execute("CREATE SCHEMA raw; CREATE SCHEMA staging")
        connection.execute(
            "CREATE TABLE raw.file_ledger (asset VARCHAR, source_file VARCHAR, sha256 VARCHAR, status VARCHAR)"
        )
        connection.execute("CREATE TABLE staging.agents (agent_key VARCHAR)")
        connection.execute(
            "INSERT INTO raw.file_ledger VALUES ('archives', 'a.zip/Shares.csv', 'aa', 'loaded'), "
            "('roster', 'roster.csv', 'rr', 'loaded')"
        )
        connection.execute("INSERT INTO staging.agents VALUES ('k1'), ('k2')")
        yield connection


def test_no_record_means_rewrite_and_additions_alone_do_not(con):
    assert removed_since_rewrite(con) is None
    record_content(con)
    assert removed_since_rewrite(con) == 0
    con.execute("INSERT INTO raw.file_ledger VALUES ('archives', 'b.zip/Shares.csv', 'bb', 'loaded')")
    con.execute("INSERT INTO staging.agents VALUES ('k3')")
    assert removed_since_rewrite(con) == 0


@pytest.mark.parametrize(
    "change",
    [
        "DELETE FROM raw.file_ledger WHERE source_file = 'a.zip/Shares.csv'",  # removed (or retention)
        "UPDATE raw.file_ledger SET sha256 = 'a2' WHERE source_file = 'a.zip/Shares.csv'",  # replaced
        "UPDATE raw.file_ledger SET status = 'excluded' WHERE source_file = 'a.zip/Shares.csv'",  # withdrawn
        "DELETE FROM staging.agents WHERE agent_key = 'k2'",  # consent withdrawn, erased
    ],
)
def test_anything_gone_since_the_rewrite_asks_for_one(con, change):
    record_content(con)
    con.execute(change)
    assert removed_since_rewrite(con) == 1


def test_the_record_holds_digests_never_a_key_or_a_path(con):
    record_content(con)
    stored = " ".join(row[0] for row in con.execute(f"SELECT digest FROM {CONTENT_TABLE}").fetchall())
    assert "k1" not in stored and "Shares" not in stored and len(stored.split()) == 4


def _refresh(root: Path) -> dict[str, object]:
    """One whole refresh; the metadata of its compaction step."""
    job = build_definitions(load_home(root)).resolve_implicit_global_asset_job_def()
    with DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(instance=instance, raise_on_error=True)
    (event,) = [
        e
        for e in result.get_asset_materialization_events()
        if e.asset_key.path == ["warehouse", "compaction"]
    ]
    return {k: v.value for k, v in event.materialization.metadata.items()}


def test_a_refresh_rewrites_only_after_a_removal_and_leaves_no_trace(tmp_path):
    root = tmp_path / "home"
    build_organisation(root / "inbox")
    archive = root / "inbox" / "linkedin" / "Complete_LinkedInDataExport_03-31-2026.zip"
    assert _refresh(root)["rewritten"] is True  # the first rewrite records the content
    warehouse = root / "warehouse.duckdb"
    inode = warehouse.stat().st_ino
    assert _refresh(root)["rewritten"] is False
    assert warehouse.stat().st_ino == inode, "the same file, not a rewritten copy"
    marker = "Avant l'adhésion".encode()
    assert marker in warehouse.read_bytes(), "the archive's text is on disk while the archive is read"
    archive.unlink()
    assert _refresh(root)["rewritten"] is True
    assert warehouse.stat().st_ino != inode
    assert marker not in warehouse.read_bytes(), "the removed archive's text left the disk"
