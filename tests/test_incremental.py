"""A refresh that keeps what the last run read gives exactly the tables of a refresh from scratch.

The inbox scan skips files whose size and times are unchanged; the archive and creator-export
readers keep the rows of files whose content, modification time and owner are unchanged. Here an
organisation is refreshed, its inbox changed (a file edited, one removed, one added, a consent
withdrawn), refreshed again, and every table compared with a fresh home built from the same inbox.
"""

import os
import shutil
import time
import zipfile

import duckdb
import pytest

from assets.skills import framework_fingerprint, write_skill_mentions
from relais.inbox import scan as inbox_module
from relais.inbox.reuse import load_scan, previous_reads, record_reads, save_scan
from relais.inbox.scan import scan_inbox
from relais.skills.framework import load_framework
from relais.skills.matcher import SkillMatcher
from relais.sources import registry
from relais.warehouse.tables import ensure_warehouse
from tests.builders import csv_text, write_text, write_zip
from tests.conftest import run_pipeline
from tests.test_end_to_end import ROSTER, SHARES_HEADER, build_organisation, share
from tests.test_reach_end_to_end import build as build_reach_organisation

RUN_SPECIFIC = {"marts.quality_checks", "marts.meta"}
"""Tables that record the run itself (its id, its time): they differ between any two runs."""
STATE = {"raw.inbox_scan", "raw.ingested_files", "raw.reuse_state", "raw.compacted_content"}
"""What the warehouse remembers of earlier runs (``raw.compacted_content``: what it held at its last
rewrite, which a refresh adding rows only does not redo)."""


def _counting_digests(monkeypatch) -> list[str]:
    """Record every stream Relais hashes (a file it reads whole)."""
    calls: list[str] = []
    original = inbox_module._stream_digest

    def counting(handle):
        calls.append(getattr(handle, "name", "?"))
        return original(handle)

    monkeypatch.setattr(inbox_module, "_stream_digest", counting)
    return calls


def test_scan_reads_only_new_or_touched_files(tmp_path, monkeypatch):
    inbox = tmp_path / "inbox"
    write_text(inbox / "hr" / "roster.csv", ROSTER)
    write_zip(
        inbox / "a.zip",
        {
            "Email Addresses.csv": csv_text(
                ["Email Address,Confirmed,Primary,Updated On", "x@y.fr,Yes,Yes,"]
            ),
            "Shares.csv": csv_text([SHARES_HEADER]),
        },
    )
    known: dict = {}
    first = scan_inbox(inbox, known)
    calls = _counting_digests(monkeypatch)
    assert scan_inbox(inbox, known) == first
    assert calls == [], "unchanged files were read again"
    write_text(
        inbox / "hr" / "roster.csv", [*ROSTER, "A09,Gil,Ho,gil.ho@ville.fr,Technique,Depot,Engineer,,,"]
    )
    write_text(inbox / "new" / "Reactions.csv", ["Date,Type,Link"])
    again = scan_inbox(inbox, known)
    assert sorted(calls) == sorted([str(inbox / "hr" / "roster.csv"), str(inbox / "new" / "Reactions.csv")])
    assert again == scan_inbox(inbox)
    assert set(known) == {"hr/roster.csv", "a.zip", "new/Reactions.csv"}


def test_duplicates_are_decided_afresh_when_the_original_leaves(tmp_path):
    inbox = tmp_path / "inbox"
    members = {
        "Email Addresses.csv": csv_text(["Email Address,Confirmed,Primary,Updated On", "x@y.fr,Yes,Yes,"])
    }
    write_zip(inbox / "a.zip", members)
    shutil.copy(inbox / "a.zip", inbox / "b.zip")
    known: dict = {}
    kinds = {f.path: f.kind for f in scan_inbox(inbox, known)}
    assert kinds["b.zip"] == "duplicate"
    (inbox / "a.zip").unlink()
    kinds = {f.path: f.kind for f in scan_inbox(inbox, known)}
    assert kinds == {"b.zip!Email Addresses.csv": "li_email_addresses"}
    assert scan_inbox(inbox, known) == scan_inbox(inbox)


def test_scan_kept_in_the_warehouse_and_dropped_when_the_code_changes(tmp_path, monkeypatch):
    inbox = tmp_path / "inbox"
    write_text(inbox / "hr" / "roster.csv", ROSTER)
    known: dict = {}
    items = scan_inbox(inbox, known)
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        ensure_warehouse(con)
        save_scan(con, known)
        loaded = load_scan(con)
        assert loaded == known
        assert scan_inbox(inbox, loaded) == items
        assert load_scan(con, enabled=False) == {}
        monkeypatch.setattr("relais.inbox.reuse.reader_fingerprint", lambda: "other code")
        assert load_scan(con) == {}, "a scan made by other code was trusted"


def test_previous_reads_need_the_same_file_and_owner(tmp_path):
    inbox = tmp_path / "inbox"
    write_text(inbox / "hr" / "roster.csv", ROSTER)
    (item,) = scan_inbox(inbox)
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        ensure_warehouse(con)
        con.execute(
            "INSERT INTO raw.file_ledger (asset, source_file, kind, status, rows_read, rows_loaded) "
            "VALUES ('a', ?, 'hr_roster', 'loaded', 6, 6)",
            [item.path],
        )
        record_reads(con, "a", [(item, "A01")])
        previous = previous_reads(con, "a", [])
        assert previous.reusable(item, "A02") is None, "rows kept for another owner"
        assert previous.reusable(item, "A01").rows_loaded == 6
        assert previous.kept == {item.path}
        for change in ({"sha256": "0" * 64}, {"modified_at": 1.0}, {"container": "elsewhere"}):
            touched = item.__class__(**{**item.__dict__, **change})
            assert previous_reads(con, "a", []).reusable(touched, "A01") is None, change
        con.execute("CREATE TABLE raw.t (x INTEGER)")
        assert previous_reads(con, "a", [("raw.t", {"y": None})]).files == {}, "table changed shape"
        assert previous_reads(con, "a", [], enabled=False).files == {}


def _tables(root) -> dict[str, list]:
    """Every table of the working warehouse as a sorted list of rows (run records left out)."""
    with duckdb.connect(str(root / "warehouse.duckdb"), read_only=True) as con:
        names = con.execute(
            "SELECT table_schema || '.' || table_name FROM information_schema.tables "
            "WHERE table_schema IN ('raw', 'staging', 'marts', 'quarantine') ORDER BY 1"
        ).fetchall()
        return {
            name: sorted(con.execute(f"SELECT * FROM {name}").fetchall(), key=repr)
            for (name,) in names
            if name not in RUN_SPECIFIC | STATE
        }


def _files_kept(result) -> dict[str, int]:
    """Files whose rows each reading asset kept from the last run, from its metadata."""
    names = {f"raw/{t.name}": s.asset for s in registry.SOURCES if s.reuses_reads for t in s.tables}
    kept = {}
    for event in result.get_asset_materialization_events():
        metadata = event.materialization.metadata
        if "files_kept_from_last_run" in metadata:
            kept[names[event.asset_key.to_user_string()]] = metadata["files_kept_from_last_run"].value
    return kept


def _files_loaded(root) -> dict[str, int]:
    """Files each reading asset loaded rows from (Email Addresses.csv is read for ownership only)."""
    with duckdb.connect(str(root / "warehouse.duckdb"), read_only=True) as con:
        rows = con.execute(
            "SELECT asset, count(*) FROM raw.file_ledger WHERE status = 'loaded' "
            "AND kind <> 'li_email_addresses' GROUP BY asset"
        ).fetchall()
    return dict(rows)


def _change_archives(inbox) -> None:
    """A month later: Cy's folder archive edited, Ann's older archive gone, Bob's first archive."""
    write_text(
        inbox / "exports" / "A03_linkedin" / "Shares.csv",
        [SHARES_HEADER, f'2026-03-12 08:00:00,{share(10)},"Partage modifié",,,PUBLIC'],
    )
    (inbox / "linkedin" / "Complete_LinkedInDataExport_03-31-2026.zip").unlink()
    write_zip(
        inbox / "linkedin" / "bob.zip",
        {
            "Email Addresses.csv": csv_text(
                ["Email Address,Confirmed,Primary,Updated On", "bob.ray@ville.fr,Yes,Yes,"]
            ),
            "Shares.csv": csv_text([SHARES_HEADER, f'2026-03-20 10:00:00,{share(40)},"Bob",,,PUBLIC']),
            "Reactions.csv": csv_text(["Date,Type,Link", "pas une date,LIKE,x"]),
        },
    )
    roster = inbox / "hr" / "roster_2026-05.csv"
    write_text(roster, [ROSTER[0], "A02,Bob,Ray,bob.ray@ville.fr,Communication,HQ,Officer,2026-02-01,yes,"])
    later = time.time() + 60
    os.utime(roster, (later, later))


def _repeat_archive(inbox) -> None:
    """A month later: Ann's newer archive repeats her older one with one post more (rows only added)."""
    with zipfile.ZipFile(inbox / "linkedin" / "Complete_LinkedInDataExport_03-31-2026.zip") as older:
        members = {name: older.read(name).decode("utf-8") for name in older.namelist()}
    members["Shares.csv"] += f'2026-04-02 10:00:00,{share(50)},"Nouveau",,,PUBLIC\r\n'
    write_zip(inbox / "linkedin" / "Complete_LinkedInDataExport_04-30-2026.zip", members)


def _change_exports(inbox) -> None:
    """A month later: Ann's older creator export gone, her newer one copied again (a new time)."""
    (inbox / "analytique" / "AggregateAnalytics_Ann Lee_2026-01-01_2026-02-28.xlsx").unlink()
    newer = inbox / "analytique" / "A01" / "AggregateAnalytics_Ann Lee_2026-02-01_2026-03-31.xlsx"
    later = newer.stat().st_mtime + 3600
    os.utime(newer, (later, later))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("build", "change"),
    [
        (build_organisation, _change_archives),
        (build_organisation, _repeat_archive),
        (build_reach_organisation, _change_exports),
    ],
    ids=["archives", "newer-archive", "creator-exports"],
)
def test_refresh_keeping_last_runs_reads_equals_a_refresh_from_scratch(tmp_path, build, change):
    root = tmp_path / "kept"
    build(root / "inbox")
    (root / "relais.toml").write_text("anonymity_threshold = 1\n", encoding="utf-8")
    assert run_pipeline(root).success
    loaded = _files_loaded(root)
    kept = _files_kept(run_pipeline(root))
    assert any(kept.values())
    assert _checks_kept(root) > 0, "an unchanged warehouse was validated again"
    assert kept == {asset: loaded.get(asset, 0) for asset in kept}, "an unchanged file was read again"
    change(root / "inbox")
    assert run_pipeline(root).success

    fresh = tmp_path / "fresh"
    shutil.copytree(root / "inbox", fresh / "inbox")
    shutil.copy(root / "relais.toml", fresh / "relais.toml")
    assert run_pipeline(fresh).success
    kept_tables, fresh_tables = _tables(root), _tables(fresh)
    assert kept_tables.keys() == fresh_tables.keys()
    for name in fresh_tables:
        assert kept_tables[name] == fresh_tables[name], f"{name} differs from a refresh from scratch"

    (root / "relais.toml").write_text("anonymity_threshold = 1\nfull_refresh = true\n", encoding="utf-8")
    kept = _files_kept(run_pipeline(root))
    assert kept and not any(kept.values()), f"full_refresh = true kept rows: {kept}"
    assert _tables(root) == fresh_tables
    assert _checks_kept(root) == 0, "full_refresh = true kept quality results"


def _checks_kept(root) -> int:
    """Checks of the last gate whose results were kept from an earlier one, in part or whole."""
    with duckdb.connect(str(root / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(
            "SELECT count(*) FROM marts.quality_checks WHERE details LIKE '%kept%' AND run_id = "
            "(SELECT run_id FROM marts.quality_checks ORDER BY checked_at DESC LIMIT 1)"
        ).fetchone()[0]


def _activities(con, texts):
    con.execute("CREATE SCHEMA IF NOT EXISTS staging")
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    con.execute(
        "CREATE OR REPLACE TABLE staging.activities AS SELECT * FROM (VALUES "
        + ", ".join(
            f"('k{i % 2}', 'item{i}', 'post', TIMESTAMP '2026-03-01 10:00:00', DATE '2026-03-01', "
            f"DATE '2026-03-01', 'f.csv', {i})"
            for i in range(len(texts))
        )
        + ") AS t(agent_key, item_key, kind, occurred_at, local_day, month, source_file, source_row)"
    )
    con.execute(
        "CREATE OR REPLACE TABLE raw.li_shares (_source_file VARCHAR, _source_row BIGINT, commentary VARCHAR)"
    )
    con.executemany("INSERT INTO raw.li_shares VALUES ('f.csv', ?, ?)", list(enumerate(texts)))
    for table in ("raw.api_posts", "raw.api_changelog"):
        con.execute(
            f"CREATE OR REPLACE TABLE {table} (_source_file VARCHAR, _source_row BIGINT, commentary VARCHAR)"
        )


def test_skills_of_a_commentary_matched_once_and_kept_by_its_text(tmp_path):
    framework = load_framework()
    matcher = SkillMatcher.build(framework.skills)
    fingerprint = framework_fingerprint(framework.skills)
    texts = ["Fière de la gestion de projet #RGPD", "Fière de la gestion de projet #RGPD", "Rien à voir"]

    class Counting:
        def __init__(self):
            self.seen = []

        def skill_ids_many(self, items):
            items = list(items)
            self.seen.extend(items)
            return matcher.skill_ids_many(items)

    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        _activities(con, texts)
        first = Counting()
        counts = write_skill_mentions(con, first, fingerprint)
        assert sorted(first.seen) == sorted(set(texts)), "each distinct commentary matched once"
        expected = {("item0", s) for s in matcher.skill_ids(texts[0])} | {
            ("item1", s) for s in matcher.skill_ids(texts[0])
        }
        mentions = set(con.execute("SELECT item_key, skill_id FROM staging.skill_mentions").fetchall())
        assert mentions == expected and expected
        assert (counts.commentaries, counts.distinct, counts.reused) == (3, 2, 0)

        _activities(con, [*texts, "Formation Excel"])
        again = Counting()
        counts = write_skill_mentions(con, again, fingerprint)
        assert again.seen == ["Formation Excel"], "a commentary was matched again"
        assert (counts.commentaries, counts.distinct, counts.reused) == (4, 3, 2)
        items = {r[0] for r in con.execute("SELECT item_key FROM staging.skill_mentions").fetchall()}
        assert items == {"item0", "item1", "item3"}

        other = Counting()
        write_skill_mentions(con, other, framework_fingerprint(framework.skills[:-1]))
        assert len(other.seen) == 3, "matches of another framework were kept"
        _activities(con, texts[2:])
        write_skill_mentions(con, Counting(), fingerprint, reuse=False)
        assert con.execute("SELECT count(*) FROM staging.skill_match_cache").fetchall() == [(1,)]
