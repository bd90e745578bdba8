"""An analyst's read-only connection, from another process, never fails while whole refreshes run."""

import json
import subprocess
import sys
import textwrap

import pytest

from tests.conftest import run_pipeline
from tests.test_end_to_end import build_organisation

READER = textwrap.dedent("""
    import json, sys, time
    from pathlib import Path
    import duckdb

    serving, stop = Path(sys.argv[1]), Path(sys.argv[2])
    ok, failures, runs = 0, [], set()
    while not stop.exists():
        try:
            with duckdb.connect(str(serving), read_only=True) as con:
                months = con.execute("SELECT count(*) FROM marts.programme_month").fetchall()[0][0]
                agents = con.execute("SELECT count(DISTINCT agent_key) FROM marts.agent_month").fetchall()[0][0]
                run = con.execute("SELECT run_id FROM marts.meta").fetchall()[0][0]
            assert months > 0 and agents > 0, (months, agents)
            runs.add(run)
            ok += 1
        except Exception as exc:  # every failure is reported, none is retried
            failures.append(repr(exc))
        time.sleep(0.01)
    print(json.dumps({"ok": ok, "failures": failures, "runs": len(runs)}))
""")


@pytest.mark.slow
def test_reader_never_fails_during_full_refreshes(tmp_path):
    root = tmp_path / "home"
    build_organisation(root / "inbox")
    assert run_pipeline(root).success
    stop = tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(root / "serving" / "relais.duckdb"), str(stop)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for _ in range(2):
            assert run_pipeline(root).success
    finally:
        stop.touch()
        out, err = reader.communicate(timeout=60)
    assert reader.returncode == 0, err
    result = json.loads(out)
    assert result["failures"] == []
    assert result["ok"] > 10
    assert result["runs"] >= 2, "the reader saw the snapshots of successive runs"
