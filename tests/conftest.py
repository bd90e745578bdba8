"""Test set-up: a throw-away default home, a fixed pseudonymisation key, and a pipeline runner."""

import os
import shutil
import tempfile
from pathlib import Path

import pytest

os.environ["RELAIS_HOME"] = tempfile.mkdtemp(prefix="relais-default-home-")
os.environ["RELAIS_PSEUDONYM_KEY"] = "tests-pseudonym-key"
os.environ.setdefault("DAGSTER_HOME", tempfile.mkdtemp(prefix="relais-dagster-home-"))

from dagster import DagsterInstance

from pipelines.definitions import build_definitions
from pipelines.settings import load_home

TEST_KEY = os.environ["RELAIS_PSEUDONYM_KEY"].encode()
# Headless Chromium without the network, profiles or background services: the browser tests open local files
# and servers on 127.0.0.1 only.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium through Playwright; skipped when either is missing."""
    binary = shutil.which("chromium")
    if binary is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium): no browser is downloaded")
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed (pip install -e .[dev])"
    )
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=binary, args=CHROMIUM_ARGS, headless=True)
        try:
            yield launched
        finally:
            launched.close()


def run_pipeline(root: Path):
    """Materialise every asset and check of Relais over the home at ``root``; return the result."""
    home = load_home(root)
    job = build_definitions(home).resolve_implicit_global_asset_job_def()
    with DagsterInstance.ephemeral() as instance:
        return job.execute_in_process(instance=instance, raise_on_error=True)


@pytest.fixture
def api():
    """A fake LinkedIn REST API served on 127.0.0.1 for the duration of a test."""
    from tests.fake_linkedin_api import FakeLinkedIn

    fake = FakeLinkedIn()
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture
def home_root(tmp_path: Path) -> Path:
    """An empty home folder with its inbox."""
    root = tmp_path / "home"
    (root / "inbox").mkdir(parents=True)
    return root
