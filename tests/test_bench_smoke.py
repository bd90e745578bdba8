"""A smoke run of the benchmark at scale S (the demo): every part runs, nothing is timed or asserted on speed."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_benchmark_runs_at_scale_s(tmp_path):
    run = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "run.py"),
            "--scale",
            "S",
            "--data",
            str(tmp_path / "S"),
            "--work",
            str(tmp_path / "work"),
            "--no-write",
        ],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    ratios = json.loads(run.stdout)
    assert {"peak_gb", "full_vs_floor", "pandas_vs_full", "validation_share", "skills_posts_per_s"} <= set(
        ratios
    )
    assert "full refresh" in run.stderr and "floor" in run.stderr and "pandas" in run.stderr
    assert (tmp_path / "work" / "home" / "serving" / "relais.duckdb").exists()
