"""Before writing, a run removes what dead runs left half-done, puts back folders a swap left aside,
and rebuilds a warehouse DuckDB cannot open; it never touches what is not its own."""

import duckdb

from relais.home import RelaisHome
from relais.warehouse.recovery import Recovery, check_warehouse, last_recovery, recover, remove_leftovers
from relais.warehouse.writer_lock import Holder


def _touch(path, text="x"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_leftovers_of_any_process_are_removed_and_nothing_else(tmp_path):
    root = tmp_path
    for name in (
        "serving/.relais.duckdb.4242.tmp",
        "serving/.relais.duckdb.4242.tmp.wal",
        "serving/.parquet.4242.tmp/agent_month.parquet",
        "serving/.data-dictionary.md.77.tmp",
        ".warehouse.duckdb.compact.tmp",
        "reports/.2026-03.tmp-0123456789ab/rapport.html",
    ):
        _touch(root / name)
    keep = [
        "serving/relais.duckdb",
        "serving/parquet/agent_month.parquet",
        "serving/notes.tmp",
        "reports/2026-03/rapport.html",
    ]
    for name in keep:
        _touch(root / name)
    recovery = Recovery(recovered_at="now", by_run="r2")
    remove_leftovers(root, recovery)
    left = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
    assert left == sorted(keep)
    assert len(recovery.removed) == 6 and recovery.restored == []


def test_a_swap_cut_half_way_is_put_back(tmp_path):
    root = tmp_path
    _touch(root / "serving/.parquet.old.4242/agent_month.parquet", "old")
    _touch(root / "reports/.2026-03.old-0123456789ab/rapport.html", "march")
    _touch(root / "reports/2026-04/rapport.html", "april")
    _touch(root / "reports/.2026-04.old-ba9876543210/rapport.html", "older april")
    recovery = Recovery(recovered_at="now", by_run="r2")
    remove_leftovers(root, recovery)
    assert (root / "serving/parquet/agent_month.parquet").read_text() == "old"
    assert (root / "reports/2026-03/rapport.html").read_text() == "march"
    assert (root / "reports/2026-04/rapport.html").read_text() == "april"
    assert sorted(recovery.restored) == ["2026-03", "serving/parquet"]
    assert recovery.removed == ["reports/.2026-04.old-ba9876543210"]


def test_a_damaged_warehouse_is_rebuilt_a_sound_one_kept(tmp_path):
    sound = tmp_path / "sound.duckdb"
    with duckdb.connect(str(sound)) as con:
        con.execute("CREATE TABLE t AS SELECT 1 AS x")
    recovery = Recovery(recovered_at="now", by_run="r")
    check_warehouse(sound, recovery)
    assert sound.exists() and recovery.warehouse_rebuilt == ""
    damaged = tmp_path / "warehouse.duckdb"
    damaged.write_bytes(b"\x00" * 8192 + b"not a database" * 100)
    check_warehouse(damaged, recovery)
    assert not damaged.exists() and recovery.warehouse_rebuilt


def test_a_recovery_is_recorded_and_read_back_for_the_summary(tmp_path):
    home = RelaisHome(root=tmp_path)
    _touch(tmp_path / "serving/.relais.duckdb.9.tmp")
    dead = Holder("run-1", 9, "host", "2026-12-01T06:00:00+00:00", "linkedin_archives")
    recovery = recover(home, "run-2", dead, {})
    assert last_recovery(tmp_path / "state") == recovery
    line = recovery.summary()
    assert "run run-1" in line and "died at step linkedin_archives" in line and "1 temporary file" in line
    assert line.endswith("recovered by run run-2")
    assert not recover(home, "run-3", None, {}).anything
    assert last_recovery(tmp_path / "state").by_run == "run-2", "nothing to mend: nothing recorded"
