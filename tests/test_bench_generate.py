"""The benchmark generator (``bench/generate.py``): a tiny custom scale, byte-for-byte deterministic.

The generator runs twice as a script (one worker, then two) over 3 months with 40 ambassadors among
200 staff; both runs must give the same bytes, the counts its profile promises, files the pipeline
recognises by kind, and progress lines on stderr.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from relais.inbox.scan import scan_inbox
from relais.skills.framework import load_framework
from relais.sources.readers.archives import read_roster_file

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "bench" / "generate.py"
TINY = ["--scale", "M", "--agents", "40", "--staff", "200", "--months", "3", "--seed", "7", "--increment"]


def generate(out: Path, workers: int) -> subprocess.CompletedProcess[str]:
    """Run the generator on the tiny custom scale into ``out``."""
    command = [sys.executable, str(SCRIPT), *TINY, "--out", str(out), "--workers", str(workers)]
    return subprocess.run(command, capture_output=True, text=True, check=True, timeout=60)


def digests(root: Path) -> dict[str, str]:
    """SHA-256 of every file under ``root``, by relative path."""
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """Two generations of the tiny scale (one and two workers) and the first one's stderr."""
    first, second = tmp_path_factory.mktemp("bench-a"), tmp_path_factory.mktemp("bench-b")
    result = generate(first, workers=1)
    generate(second, workers=2)
    return first, second, result.stderr


def test_same_seed_gives_the_same_bytes_whatever_the_workers(runs):
    first, second, _ = runs
    for folder in ("inbox", "increment/inbox"):
        assert digests(first / folder) == digests(second / folder)
    assert digests(first / "inbox")
    assert (first / "skills_esco.csv").read_bytes() == (second / "skills_esco.csv").read_bytes()


def test_profile_counts_match_the_files_written(runs):
    first, _, _ = runs
    profile = json.loads((first / "profile.json").read_text(encoding="utf-8"))
    inbox = first / "inbox"
    assert profile["scale"] == "custom"
    assert (profile["staff"], profile["ambassadors"]) == (200, 40)
    assert len(list((inbox / "archives").rglob("*.zip"))) == profile["archives"] > 0
    assert len(list((inbox / "analytique").glob("*.xlsx"))) == profile["analytics_files"] > 0
    assert len(list((inbox / "page").glob("*.xlsx"))) == profile["page_files"] == 3
    assert profile["files"] == sum(1 for p in inbox.rglob("*") if p.is_file())
    newer = first / "increment" / "inbox" / "archives"
    assert profile["increment"]["archives"] == len(list(newer.rglob("*.zip")))
    shares = 0
    for archive in (inbox / "archives").rglob("*.zip"):
        with zipfile.ZipFile(archive) as opened:
            name = next(n for n in opened.namelist() if n.startswith("Shares"))
            shares += opened.read(name).decode("utf-8").count("\n20")
    assert shares == profile["shares_rows"]


def test_the_pipeline_recognises_every_file(runs):
    first, _, _ = runs
    items = scan_inbox(first / "inbox")
    kinds = Counter(item.kind for item in items)
    assert not [item for item in items if item.kind == "unknown"]
    for kind in ("hr_roster", "li_shares", "li_email_addresses", "creator_analytics", "page_content"):
        assert kinds[kind] >= 1, kind
    assert kinds["page_followers"] == kinds["page_visitors"] == 1
    roster = next(item for item in items if item.kind == "hr_roster")
    read = read_roster_file(first / "inbox", roster)
    assert len(read.rows) == 200 and not read.problems
    increment = Counter(item.kind for item in scan_inbox(first / "increment" / "inbox"))
    assert increment["creator_analytics"] >= 1 and increment["page_content"] == 1


def test_settings_point_at_an_esco_sized_framework(runs):
    first, _, _ = runs
    settings = (first / "relais.toml").read_text(encoding="utf-8")
    assert 'skills_framework = "esco"' in settings and 'organisation = "Bench custom"' in settings
    framework = load_framework("esco", first / "skills_esco.csv")
    assert len(framework.skills) == 13_939 and not framework.problems


def test_progress_is_reported_on_stderr(runs):
    _, _, stderr = runs
    lines = [line for line in stderr.splitlines() if line.startswith("[bench custom]")]
    assert any("ambassadors" in line and "40/40" in line and "ETA" in line for line in lines)
    assert any(line.startswith("[bench custom] roster:") for line in lines)
