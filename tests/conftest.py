"""Test set-up: a throw-away default home, a fixed pseudonymisation key, and a pipeline runner."""

import os
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
