import stat
import subprocess
import sys
import textwrap

import duckdb

from pipelines.settings import load_home, ready_home
from relais.warehouse.publish import publish_snapshot, published_tables
from relais.warehouse.serving_meta import SCHEMA_VERSION


def _warehouse(path, version: int):
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA IF NOT EXISTS marts")
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    con.execute("CREATE OR REPLACE TABLE raw.secret AS SELECT 'Ann Lee' AS name")
    con.execute(
        f"CREATE OR REPLACE TABLE marts.a AS SELECT {version} AS version, range AS i FROM range(1000)"
    )
    con.execute(f"CREATE OR REPLACE TABLE marts.b AS SELECT {version} AS version")
    return con


def test_only_marts_are_published(tmp_path):
    con = _warehouse(tmp_path / "wh.duckdb", 1)
    publication = publish_snapshot(
        con, tmp_path / "serving" / "relais.duckdb", published_tables(con), run_id="run-1", organisation="Org"
    )
    target = publication.snapshot
    with duckdb.connect(str(target), read_only=True) as reader:
        tables = reader.execute("SELECT schema_name, table_name FROM duckdb_tables() ORDER BY 2").fetchall()
        meta = reader.execute(
            "SELECT run_id, organisation, schema_version, source_file_count FROM marts.meta"
        )
        meta = meta.fetchall()
    assert tables == [("marts", "a"), ("marts", "b"), ("marts", "meta")]
    assert meta == [("run-1", "Org", SCHEMA_VERSION, 0)]
    assert b"Ann Lee" not in target.read_bytes()
    assert not list(target.parent.glob(".*tmp*")), "no temporary file left behind"
    parquet = sorted(p.name for p in publication.parquet_dir.iterdir())
    assert parquet == ["a.parquet", "b.parquet", "meta.parquet"]
    assert duckdb.sql(f"SELECT count(*) FROM '{publication.parquet_dir / 'a.parquet'}'").fetchall() == [
        (1000,)
    ]
    dictionary = publication.dictionary.read_text()
    assert "## marts.a" in dictionary and "| version | INTEGER |" in dictionary


def test_republishing_replaces_parquet_of_tables_no_longer_published(tmp_path):
    con = _warehouse(tmp_path / "wh.duckdb", 1)
    target = tmp_path / "serving" / "relais.duckdb"
    publish_snapshot(con, target, published_tables(con))
    con.execute("DROP TABLE marts.b")
    publication = publish_snapshot(con, target, published_tables(con))
    assert sorted(p.name for p in publication.parquet_dir.iterdir()) == ["a.parquet", "meta.parquet"]
    assert not [p for p in target.parent.iterdir() if p.name.startswith(".")], "no leftover folder"


def test_open_reader_keeps_its_snapshot_and_never_blocks_publication(tmp_path):
    target = tmp_path / "serving" / "relais.duckdb"
    con = _warehouse(tmp_path / "wh.duckdb", 1)
    publish_snapshot(con, target, published_tables(con))
    reader = duckdb.connect(str(target), read_only=True)
    other_process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import duckdb, sys, time
            con = duckdb.connect({str(target)!r}, read_only=True)
            print("open", flush=True)
            sys.stdin.readline()
            print(con.execute("SELECT min(version), max(version), count(*) FROM marts.a").fetchone(), flush=True)
        """),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert other_process.stdout.readline().strip() == "open"
    for version in (2, 3):
        con.execute(
            f"CREATE OR REPLACE TABLE marts.a AS SELECT {version} AS version, range AS i FROM range(1000)"
        )
        con.execute(f"CREATE OR REPLACE TABLE marts.b AS SELECT {version} AS version")
        publish_snapshot(con, target, published_tables(con))
    assert reader.execute("SELECT min(version), max(version), count(*) FROM marts.a").fetchone() == (
        1,
        1,
        1000,
    )
    assert reader.execute("SELECT version FROM marts.b").fetchone() == (1,)
    out, _ = other_process.communicate("go\n", timeout=30)
    assert out.strip() == "(1, 1, 1000)"
    reader.close()  # DuckDB shares one instance per path within a process: reopen to see the new file
    with duckdb.connect(str(target), read_only=True) as fresh:
        assert fresh.execute("SELECT DISTINCT version FROM marts.a").fetchall() == [(3,)]


def test_generated_pseudonym_key_is_made_when_first_needed_private_and_stable(tmp_path):
    root = tmp_path / "home"
    home = load_home(root, environ={})
    assert not root.exists(), "describing a home creates nothing"
    first = home.pseudonymiser.key
    assert len(first) == 64
    path = root / "secrets" / "pseudonym.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert [p.name for p in path.parent.iterdir()] == ["pseudonym.key"], "no temporary file left"
    assert load_home(root, environ={}).pseudonymiser.key == first
    from_env = load_home(root, environ={"RELAIS_PSEUDONYM_KEY": "from-env"})
    assert from_env.pseudonymiser.key == b"from-env"


def test_home_is_prepared_with_settings_and_key_hidden(tmp_path):
    home = ready_home(tmp_path / "h", environ={"RELAIS_PSEUDONYM_KEY": "k"})
    assert (home.root / "relais.toml").exists() and home.inbox.is_dir()
    assert (home.root / "dagster" / "dagster.yaml").exists()
    assert not (home.root / "secrets").exists(), "the environment's key: no key file"
    assert home.timezone == "Europe/Paris"
    assert "k" not in repr(home.pseudonymiser) and "secret" not in repr(home)
    (home.root / "relais.toml").write_text('timezone = "America/Montreal"\n')
    assert load_home(home.root, environ={"RELAIS_PSEUDONYM_KEY": "k"}).timezone == "America/Montreal"


def test_compaction_leaves_no_trace_of_replaced_rows(tmp_path):
    from relais.warehouse.compaction import compact_database

    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA raw")
        con.execute(
            "CREATE TABLE raw.x AS SELECT 'WITHDRAWN-PERSON-' || range::VARCHAR AS s FROM range(100000)"
        )
        con.execute("CREATE TABLE raw.keep AS SELECT range AS i FROM range(10)")
        con.execute("CHECKPOINT")
        con.execute("CREATE OR REPLACE TABLE raw.x AS SELECT 'other-' || range::VARCHAR AS s FROM range(100)")
        con.execute("CHECKPOINT")
    assert b"WITHDRAWN-PERSON" in path.read_bytes(), "DuckDB keeps freed blocks: the reason compaction exists"
    compact_database(path)
    assert b"WITHDRAWN-PERSON" not in path.read_bytes()
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM raw.x").fetchone() == (100,)
        assert con.execute("SELECT sum(i) FROM raw.keep").fetchone() == (45,)


def test_a_full_disk_or_a_stop_while_publishing_keeps_the_old_publication_whole(tmp_path, monkeypatch):
    import errno

    import pytest

    from relais.warehouse import publish

    con = _warehouse(tmp_path / "wh.duckdb", 1)
    target = tmp_path / "serving" / "relais.duckdb"
    publish_snapshot(con, target, published_tables(con))
    before = {p.relative_to(target.parent): p.read_bytes() for p in target.parent.rglob("*") if p.is_file()}
    export = publish._export_parquet
    con.execute("CREATE OR REPLACE TABLE marts.a AS SELECT 2 AS version")
    for fault in (OSError(errno.ENOSPC, "No space left on device"), KeyboardInterrupt()):

        def export_then_fail(con, database, tables, folder, fault=fault):
            export(con, database, tables[:1], folder)
            raise fault

        monkeypatch.setattr(publish, "_export_parquet", export_then_fail)
        with pytest.raises(type(fault)):
            publish_snapshot(con, target, published_tables(con))
        after = {
            p.relative_to(target.parent): p.read_bytes() for p in target.parent.rglob("*") if p.is_file()
        }
        assert after == before, f"{fault!r}: the previous snapshot, Parquet and dictionary are untouched"
    monkeypatch.setattr(publish, "_export_parquet", export)
    publish_snapshot(con, target, published_tables(con))
    with duckdb.connect(str(target), read_only=True) as reader:
        assert reader.execute("SELECT version FROM marts.a").fetchall() == [(2,)]
