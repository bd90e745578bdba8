"""The LinkedIn API connector inside Relais: the pull before a refresh, and the daily partitioned job."""

from datetime import UTC, datetime, timedelta

import duckdb
import pytest
from dagster import DagsterInstance

from pipelines.definitions import build_definitions
from pipelines.settings import load_home
from relais.sources.linkedin_api.tokens import TokenStore
from tests.builders import write_text
from tests.conftest import run_pipeline
from tests.fake_linkedin_api import CURRENT_VERSION

ORG, ORG_TOKEN = "urn:li:organization:4242", "AQXorgTOKENsecretXYZ"
PERSON, TOKEN = "urn:li:person:aB1cD2", "AQXmemberTOKENsecretXYZ"
ROSTER = [
    "agent_id,first_name,last_name,email,department,site,job_title,enrolled_on,consent,consent_withdrawn_on",
    "A01,Ann,Lee,ann.lee@ville.fr,Communication,HQ,Officer,2025-01-15,oui,",
]


def _home(tmp_path, api):
    root = tmp_path / "home"
    write_text(root / "inbox" / "rh" / "roster.csv", ROSTER)
    home = load_home(root)
    (root / "relais.toml").write_text(
        f'linkedin_api_base_url = "{api.base_url}"\nlinkedin_api_version = "{CURRENT_VERSION}"\n'
        'linkedin_backfill_days = 3\nlinkedin_partitions_start = "2026-01-01"\n'
    )
    tokens = TokenStore(home.linkedin_tokens)
    tokens.set_organization(ORG, ORG_TOKEN)
    tokens.set_member("A01", PERSON, TOKEN)
    api.add_owner(ORG_TOKEN, ORG)
    api.add_owner(TOKEN, PERSON)
    return root


@pytest.mark.slow
def test_refresh_pulls_then_reads_the_answers(tmp_path, api):
    root = _home(tmp_path, api)
    api.add_posts(PERSON, [datetime.now(UTC) - timedelta(days=2)])
    assert run_pipeline(root).success
    first = {r.endpoint for r in api.requests}
    assert "organizationalEntityShareStatistics" in first
    assert "memberCreatorPostAnalytics" not in first, "no roster loaded yet: members wait for the next run"
    api.requests.clear()
    state = root / "state" / "linkedin_api.json"
    state.unlink()
    assert run_pipeline(root).success
    assert "memberCreatorPostAnalytics" in {r.endpoint for r in api.requests}
    with duckdb.connect(str(root / "warehouse.duckdb"), read_only=True) as con:
        loaded = dict(
            con.execute(
                "SELECT kind, count(*) FROM raw.file_ledger WHERE kind = 'linkedin_api' AND status = 'loaded' GROUP BY 1"
            ).fetchall()
        )
        posts = con.execute("SELECT count(*) FROM raw.api_posts WHERE agent_id = 'A01'").fetchone()[0]
        impressions = con.execute(
            "SELECT count(*) FROM raw.api_member_daily WHERE metric = 'impressions'"
        ).fetchone()[0]
    assert loaded["linkedin_api"] > 0 and posts == 1 and impressions > 0
    assert ORG_TOKEN.encode() not in (root / "warehouse.duckdb").read_bytes()


def test_daily_job_fetches_its_partition_day(tmp_path, api):
    root = _home(tmp_path, api)
    assert run_pipeline(root).success
    api.requests.clear()
    job = build_definitions(load_home(root)).get_job_def("linkedin_api_daily")
    with DagsterInstance.ephemeral() as instance:
        assert job.execute_in_process(partition_key="2026-03-04", instance=instance).success
    ranges = {
        r.raw_params.get("dateRange") for r in api.requests if r.endpoint == "memberCreatorPostAnalytics"
    }
    assert ranges == {"(start:(day:4,month:3,year:2026),end:(day:5,month:3,year:2026))"}
    assert (root / "inbox" / "linkedin-api").is_dir()


def test_token_command_reads_stdin_and_never_prints_tokens(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    relais = Path(sys.executable).parent / "relais"
    env = {**os.environ, "RELAIS_HOME": str(tmp_path / "home")}
    run = subprocess.run(
        [str(relais), "linkedin-token", "member", "--agent-id", "A01", "--person-urn", PERSON],
        input=TOKEN + "\n",
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    listed = subprocess.run(
        [str(relais), "linkedin-token", "list"], env=env, capture_output=True, text=True, check=True
    )
    assert "member: A01" in listed.stdout
    assert TOKEN not in run.stdout + run.stderr + listed.stdout + listed.stderr
    stored = tmp_path / "home" / "secrets" / "linkedin_tokens.json"
    assert oct(stored.stat().st_mode & 0o777) == "0o600"
