"""The floor uses every core like Relais may (bench/floor.py), and bench/run.py reports throughput.

The floor's Python parts (archives taken out, workbooks read) run in a process pool over contiguous
shares of the files: the marts must not depend on how many workers read them. The runner's table
gives the inbox's megabytes per second beside issue 17's targets.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from bench.floor import _shares, run_floor
from bench.run import TARGETS, render, throughput

DEMO_INBOX = Path(__file__).resolve().parents[1] / "seeds" / "demo" / "inbox"


@pytest.mark.parametrize("count, workers", [(0, 2), (1, 2), (5, 2), (6, 3), (7, 1), (3, 8)])
def test_shares_are_contiguous_nearly_equal_and_cover_every_file(count, workers):
    items = list(range(count))
    shares = _shares(items, workers)
    assert [item for share in shares for item in share] == items
    assert all(shares) and len(shares) <= workers
    if shares:
        assert max(map(len, shares)) - min(map(len, shares)) <= 1


def _marts(database: Path) -> dict[str, list]:
    with duckdb.connect(str(database), read_only=True) as con:
        return {
            table: sorted(con.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
            for table in ("agent_month", "department_month", "programme_month")
        }


def test_the_floor_gives_the_same_marts_with_one_or_two_workers(tmp_path):
    one = _marts(run_floor(DEMO_INBOX, tmp_path / "one", workers=1))
    two = _marts(run_floor(DEMO_INBOX, tmp_path / "two", workers=2))
    assert one == two
    assert len(one["agent_month"]) > 100 and one["programme_month"]


def test_the_table_gives_megabytes_per_second_and_the_issue_targets():
    result = {
        "scale": "M",
        "profile": {"bytes": 150_000_000},
        "full": {"seconds": 100.0, "peak_gb": 2.0, "steps": []},
        "floor": {"seconds": 50.0},
        "ratios": {"full_vs_floor": 2.0, "peak_gb": 2.0, "validation_share": 0.1},
    }
    assert throughput(result, "full") == "1.50" and throughput(result, "floor") == "3.00"
    assert throughput(result, "pandas") == "—"
    page = render([result])
    assert "| M | — | 0.1 | 150.0 | 1.50 | 3.00 | — |" in page
    assert "full refresh / floor (target <= 1.0)" in page and "2.0 (**no**)" in page
    assert TARGETS["incremental_share"][2] == 0.15 and TARGETS["peak_gb"][2] == 4.0
