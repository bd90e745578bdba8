"""The demo organisation: regenerated identically, and run through the real shell command."""

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "seeds" / "demo"
BIN = Path(sys.executable).parent


def _digests(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_committed_demo_is_what_the_generator_writes(tmp_path):
    subprocess.run([sys.executable, str(DEMO / "generate.py"), "--out", str(tmp_path)], check=True)
    assert _digests(tmp_path / "inbox") == _digests(DEMO / "inbox")
    assert (tmp_path / "expected_profile.json").read_bytes() == (DEMO / "expected_profile.json").read_bytes()
    size = sum(p.stat().st_size for p in (DEMO / "inbox").rglob("*") if p.is_file())
    assert size < 4 * 1024 * 1024


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory):
    """A home holding the demo inbox, refreshed by the plain Dagster command an operator would type."""
    root = tmp_path_factory.mktemp("demo") / "home"
    env = {k: v for k, v in os.environ.items() if k not in {"DAGSTER_HOME", "RELAIS_PSEUDONYM_KEY"}}
    env["RELAIS_HOME"] = str(root)
    subprocess.run([str(BIN / "relais"), "demo"], env=env, check=True, capture_output=True)
    run = subprocess.run(
        [str(BIN / "dagster"), "asset", "materialize", "--select", "*", "-m", "pipelines.definitions"],
        env=env,
        cwd=root.parent,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    summary = subprocess.run(
        [str(BIN / "relais"), "summary"], env=env, check=True, capture_output=True, text=True
    )
    return root, run.stderr + run.stdout, summary.stdout


def test_demo_counts_match_what_the_generator_wrote(demo_home):
    root, _, _ = demo_home
    profile = json.loads((DEMO / "expected_profile.json").read_text())
    totals = profile["consenting_totals_deduplicated"]
    with duckdb.connect(str(root / "warehouse.duckdb"), read_only=True) as con:
        activity = dict(con.execute("SELECT kind, count(*) FROM staging.activities GROUP BY kind").fetchall())
        institution = con.execute(
            "SELECT count(*) FROM staging.activities WHERE is_institution_target"
        ).fetchone()[0]
        given = dict(
            con.execute("SELECT kind, count(*) FROM staging.engagements_given GROUP BY kind").fetchall()
        )
        connections = con.execute("SELECT sum(new_connections) FROM staging.connections_monthly").fetchone()[
            0
        ]
        ambassadors = con.execute("SELECT count(*) FROM staging.agents").fetchone()[0]
        headcount = con.execute("SELECT sum(headcount) FROM staging.headcount").fetchone()[0]
        not_loaded = con.execute("SELECT count(*) FROM raw.archive_owners WHERE agent_id IS NULL").fetchone()[
            0
        ]
        quarantined = {r[0] for r in con.execute("SELECT source_file FROM quarantine.files").fetchall()}
    assert activity["post"] + totals["reshares_with_comment"] == totals["shares"]
    assert activity["reshare"] == totals["reshares_with_comment"] + totals["instant_reposts"]
    assert (
        institution
        == totals["reshares_of_institution_posts"] + totals["instant_reposts_of_institution_posts"]
    )
    assert (given["comment"], given["reaction"]) == (totals["comments"], totals["reactions"])
    assert connections == totals["connections"]
    assert headcount == profile["staff"]
    assert ambassadors == profile["ambassadors"]["with_consent"]
    assert not_loaded == 2, "the withdrawn person's archive and the stranger's"
    assert quarantined == set(profile["analytics"]["expected_quarantined_files"])


def test_demo_reach_matches_what_the_generator_wrote(demo_home):
    root, _, _ = demo_home
    expected = json.loads((DEMO / "expected_profile.json").read_text())["analytics"]["agent_month"][
        "by_agent"
    ]
    env_key = (root / "secrets" / "pseudonym.key").read_text().strip().encode()
    import hashlib
    import hmac

    by_key = {hmac.new(env_key, a.encode(), hashlib.sha256).hexdigest(): a for a in expected}
    with duckdb.connect(str(root / "serving" / "relais.duckdb"), read_only=True) as con:
        rows = con.execute(
            "SELECT agent_key, strftime(month, '%Y-%m'), impressions, engagements_received, followers_gained "
            "FROM marts.agent_month WHERE impressions + engagements_received + followers_gained > 0"
        ).fetchall()
    got = {(by_key.get(k, k), m): (i, e, f) for k, m, i, e, f in rows}
    want = {
        (agent, month): (v["impressions"], v["engagements"], v["followers_gained"])
        for agent, detail in expected.items()
        for month, v in detail["by_month"].items()
        if v["impressions"] + v["engagements"] + v["followers_gained"] > 0
    }
    assert got == want


def test_demo_marts_are_consistent(demo_home):
    root, _, _ = demo_home
    with duckdb.connect(str(root / "serving" / "relais.duckdb"), read_only=True) as con:
        sums = con.execute("""
            SELECT p.month, p.posts, p.enrolled, sum(a.posts) FILTER (WHERE a.is_enrolled),
                   count(*) FILTER (WHERE a.is_enrolled)
            FROM marts.programme_month p JOIN marts.agent_month a USING (month)
            GROUP BY p.month, p.posts, p.enrolled""").fetchall()
        months = [r[0] for r in con.execute("SELECT month FROM marts.programme_month ORDER BY 1").fetchall()]
    assert all(row[1] == row[3] and row[2] == row[4] for row in sums)
    assert len(months) == 16 and str(months[0]) == "2025-08-01" and str(months[-1]) == "2026-11-01"


def test_operator_sees_progress_and_summary(demo_home):
    root, log, summary = demo_home
    assert "Quarantined file divers/budget.csv" in log
    assert "not loaded" in log
    assert str(root / "serving" / "relais.duckdb") in summary
    assert "Programme, last 6 months" in summary and "2026-10" in summary
    assert (root / "secrets" / "pseudonym.key").exists()


def test_demo_departments_below_k_are_merged(demo_home):
    """No published department row (or agent row's department) stands for fewer than k = 5 ambassadors."""
    root, _, _ = demo_home
    k = 5
    with duckdb.connect(str(root / "serving" / "relais.duckdb"), read_only=True) as con:
        small = con.execute(
            "SELECT department, month, enrolled FROM marts.department_month "
            "WHERE enrolled > 0 AND enrolled < ? AND NOT is_other_departments",
            [k],
        ).fetchall()
        agent_groups = con.execute(
            "SELECT department, month, count(*) FILTER (WHERE is_enrolled) AS n FROM marts.agent_month "
            "WHERE department <> 'Autres directions' GROUP BY ALL HAVING n > 0 AND n < ?",
            [k],
        ).fetchall()
        merged = con.execute(
            "SELECT count(*), min(enrolled) FROM marts.department_month WHERE is_other_departments AND enrolled > 0"
        ).fetchall()[0]
        totals = con.execute(
            "SELECT p.month, p.enrolled, sum(d.enrolled), p.headcount, sum(d.headcount) "
            "FROM marts.programme_month p JOIN marts.department_month d USING (month) GROUP BY ALL"
        ).fetchall()
    assert small == [] and agent_groups == []
    assert merged[0] > 0 and merged[1] >= k  # the demo has small directions, and their group reaches k
    assert all(r[1] == r[2] and r[3] == r[4] for r in totals)


def test_committed_data_dictionary_is_generated_from_the_database(demo_home):
    """docs/data-dictionary.md is what ``relais data-dictionary`` prints for the demo's snapshot."""
    root, _, _ = demo_home
    env = {k: v for k, v in os.environ.items() if k != "RELAIS_PSEUDONYM_KEY"}
    env["RELAIS_HOME"] = str(root)
    printed = subprocess.run(
        [str(BIN / "relais"), "data-dictionary"], env=env, check=True, capture_output=True, text=True
    ).stdout
    committed = (Path(__file__).resolve().parent.parent / "docs" / "data-dictionary.md").read_text()
    assert printed == committed, (
        "regenerate it: make run && .venv/bin/relais data-dictionary --out docs/data-dictionary.md"
    )
    assert printed == (root / "serving" / "data-dictionary.md").read_text(encoding="utf-8")
    with duckdb.connect(str(root / "serving" / "relais.duckdb"), read_only=True) as con:
        meta = con.execute(
            "SELECT schema_version, organisation, source_file_count, len(source_files), data_to FROM marts.meta"
        ).fetchall()[0]
        undocumented = con.execute(
            "SELECT table_name, column_name FROM duckdb_columns() WHERE database_name = current_database() "
            "AND schema_name = 'marts' AND (comment IS NULL OR comment = '')"
        ).fetchall()
    assert (
        meta[1] == "Ville de Val-d'Aurore (démo)"
        and meta[2] == meta[3] > 500
        and str(meta[4]) == "2026-11-01"
    )
    assert undocumented == []
    parquet = sorted(p.stem for p in (root / "serving" / "parquet").glob("*.parquet"))
    assert "agent_month" in parquet and "meta" in parquet and len(parquet) == 14


def test_analysts_example_queries_run_on_the_demo(demo_home):
    """Every SQL example of docs/analysts.md runs on the demo's snapshot and returns rows."""
    import re

    root, _, _ = demo_home
    text = (Path(__file__).resolve().parent.parent / "docs" / "analysts.md").read_text(encoding="utf-8")
    queries = re.findall(r"```sql\n(.*?)```", text, re.DOTALL)
    assert len(queries) >= 6
    with duckdb.connect(str(root / "serving" / "relais.duckdb"), read_only=True) as con:
        for query in queries:
            assert con.execute(query).fetchall(), query
