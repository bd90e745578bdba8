"""A 300 MiB archive member is ingested in full, row by row, in a subprocess whose memory is measured.

An ambassador's unpacked archive holds a Reactions.csv of about 3.1 million rows, two of them bad
(a row cut short a million lines in, a date in the future on the last line). The ingestion assets
(inbox scan, roster, archives) run in a fresh Python process exactly as a refresh runs them; the
child reports its own peak resident memory. Every good row must be in ``raw.li_reactions``, the
two bad ones in ``quarantine.rows`` with their line numbers, and the peak must stay well below
the file's size.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.builders import write_text

FILE_BYTES = 300 * 1024 * 1024
MAX_GROWTH_MB = 150  # a 100x larger member (3 MB -> 302 MB) may cost at most this much more memory
MEMORY_LIMIT = "64MB"  # the home's warehouse_memory_limit: memory is bounded by the setting, not the file
TRUNCATED_LINE = 1_000_001
MEMBER = "archives/B01_linkedin/Reactions.csv"
ROSTER = [
    "agent_id,first_name,last_name,email,department,site,job_title,enrolled_on,consent,consent_withdrawn_on",
    "B01,Bea,Big,bea.big@ville.fr,Communication,HQ,Officer,2026-01-05,oui,",
]
CHILD = """
import json, resource, sys, time
from pathlib import Path

started = time.monotonic()
from dagster import DagsterInstance, materialize

from assets.ingest import ingest_assets
from pipelines.resources import build_resources
from pipelines.settings import load_home

home = load_home(Path(sys.argv[1]))
with DagsterInstance.ephemeral() as instance:
    result = materialize(ingest_assets(), resources=build_resources(home), instance=instance)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"success": result.success, "seconds": time.monotonic() - started, "peak_rss_mb": peak}))
"""


def _reaction(i: int) -> str:
    """Data line ``i`` (1-based) of the big Reactions.csv: a distinct reaction in 2026."""
    return (
        f"2026-{1 + i % 10:02d}-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d}:{i % 59:02d},LIKE,"
        f"https://www.linkedin.com/feed/update/urn:li:activity:7{i:018d}/\n"
    )


def write_big_member(path: Path, target_bytes: int) -> int:
    """Write a Reactions.csv of about ``target_bytes`` in blocks; return its number of lines."""
    path.parent.mkdir(parents=True, exist_ok=True)
    written, line = 0, 1
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("Date,Type,Link\n")
        while written < target_bytes:
            block = []
            for _ in range(50_000):
                line += 1
                block.append("2026-03-01 10:00:00,LIKE\n" if line == TRUNCATED_LINE else _reaction(line))
            text = "".join(block)
            handle.write(text)
            written += len(text)
        line += 1
        handle.write(
            f"2099-01-01 10:00:00,LIKE,https://www.linkedin.com/feed/update/urn:li:activity:7{line:018d}/\n"
        )
    return line


def _ingest(root: Path, member_bytes: int) -> tuple[int, dict]:
    """Write a member of about ``member_bytes`` into a fresh home and ingest it in a subprocess."""
    write_text(root / "inbox" / "hr" / "roster.csv", ROSTER)
    write_text(root / "relais.toml", [f'warehouse_memory_limit = "{MEMORY_LIMIT}"'])
    lines = write_big_member(root / "inbox" / MEMBER, member_bytes)
    started = time.monotonic()
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(root)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert child.returncode == 0, child.stderr[-3000:]
    report = json.loads(child.stdout.strip().splitlines()[-1])
    report["wall_seconds"] = time.monotonic() - started
    report["file_mb"] = (root / "inbox" / MEMBER).stat().st_size / 1024 / 1024
    return lines, report


@pytest.fixture(scope="module")
def big_run(tmp_path_factory):
    """The big member ingested in a fresh home, with the peak memory of the same run on a 3 MB member."""
    small_root = tmp_path_factory.mktemp("small") / "home"
    _, small = _ingest(small_root, 3 * 1024 * 1024)
    shutil.rmtree(small_root, ignore_errors=True)
    root = tmp_path_factory.mktemp("large") / "home"
    lines, report = _ingest(root, FILE_BYTES)
    report["baseline_peak_rss_mb"] = small["peak_rss_mb"]
    print(f"\nlarge file: {json.dumps(report)}")
    yield root, lines, report
    shutil.rmtree(root, ignore_errors=True)


@pytest.mark.slow
def test_every_row_of_a_300_mb_member_is_loaded_or_quarantined_with_its_line(big_run):
    root, lines, report = big_run
    assert report["success"]
    assert report["file_mb"] >= 290
    with duckdb.connect(str(root / "warehouse.duckdb"), read_only=True) as con:
        ledger = con.execute(
            "SELECT status, rows_read, rows_loaded, rows_quarantined FROM raw.file_ledger WHERE source_file = ?",
            [MEMBER],
        ).fetchall()
        loaded = con.execute(
            "SELECT count(*), min(_source_row), max(_source_row), count(DISTINCT _source_row) "
            "FROM raw.li_reactions WHERE _source_file = ?",
            [MEMBER],
        ).fetchone()
        quarantined = con.execute(
            "SELECT source_row, reason FROM quarantine.rows WHERE source_file = ? ORDER BY source_row",
            [MEMBER],
        ).fetchall()
    data_rows = lines - 1
    assert ledger == [("loaded", data_rows, data_rows - 2, 2)]
    assert loaded == (data_rows - 2, 2, lines - 1, data_rows - 2)
    assert [row for row, _ in quarantined] == [TRUNCATED_LINE, lines]
    assert "truncated row" in quarantined[0][1] and "date in the future" in quarantined[1][1]


@pytest.mark.slow
def test_peak_memory_does_not_grow_with_the_file(big_run):
    _, _, report = big_run
    growth = report["peak_rss_mb"] - report["baseline_peak_rss_mb"]
    assert growth < MAX_GROWTH_MB, report
    assert report["peak_rss_mb"] < report["file_mb"] + report["baseline_peak_rss_mb"], report
