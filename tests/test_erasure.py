"""The right to erasure: ``relais erase`` leaves no trace of the person anywhere in the home.

The hand-worked organisation of ``test_end_to_end`` is refreshed by the plain Dagster command with
its run history kept in the home (so logs hold the person too), an advocacy report and an analytics
export named after Ann Lee are added, and a monthly report is written. After ``relais erase
--agent-id A01`` every file of the home is searched, byte by byte and inside ZIP/XLSX members, for
her e-mails, names and agent_key; the others are still there.
"""

import json
import os
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import duckdb
import pytest

from assets.erasure import Person, cells_mention, path_mentions, rewrite_csv_without, text_mentions
from assets.pseudonym import Pseudonymiser
from tests.builders import write_text
from tests.conftest import TEST_KEY
from tests.export_builders import ENGLISH, write_creator_export
from tests.test_end_to_end import build_organisation

BIN = Path(__file__).resolve().parent.parent / ".venv" / "bin"
ANN_KEY = Pseudonymiser(TEST_KEY).agent_key("A01")
BOB_KEY = Pseudonymiser(TEST_KEY).agent_key("A02")
ANN_TERMS = ["ann.lee@ville.fr", "ann.perso@gmail.com", "Ann Lee", "Lee Ann", ANN_KEY]
ES_HEADER = "Name,Type,Created On,Onboarded,Last Active,Reach,Posts,Shares,Clicks"


def _env(root: Path) -> dict[str, str]:
    return {**os.environ, "RELAIS_HOME": str(root), "DAGSTER_HOME": str(root / "dagster")}


def _contents(path: Path) -> list[bytes]:
    data = path.read_bytes()
    found = [data]
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            found += [archive.read(i) for i in archive.infolist() if not i.is_dir()]
    return found


def traces(root: Path, terms: list[str]) -> list[str]:
    """Files under ``root`` whose name or bytes (ZIP members included) contain any of ``terms``."""
    needles = {t.lower().encode(enc) for t in terms for enc in ("utf-8", "cp1252")}
    hits = []
    for path in root.rglob("*"):
        if not path.is_file():
            continue
        name = str(path.relative_to(root)).lower().encode()
        blobs = [name, *(blob.lower() for blob in _contents(path))]
        if any(n in blob for n in needles for blob in blobs):
            hits.append(str(path.relative_to(root)))
    return hits


def _refresh(env: dict[str, str]) -> None:
    """The operators' plain whole refresh, with the home's own Dagster storage (run history kept)."""
    run = subprocess.run(
        [str(BIN / "dagster"), "asset", "materialize", "--select", "*", "-m", "pipelines.definitions"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]


@pytest.fixture(scope="module")
def erased(tmp_path_factory):
    root = tmp_path_factory.mktemp("erasure") / "home"
    inbox = root / "inbox"
    build_organisation(inbox)
    write_text(
        inbox / "advocacy" / "everyonesocial_users_2026-03.csv",
        [
            ES_HEADER,
            "Ann Lee,User,2026-01-20,,2026-03-02,900,2,3,4",
            "Bob Ray,User,2026-02-01,,2026-03-03,50,1,1,1",
        ],
    )
    write_creator_export(
        inbox / "analytique" / "AggregateAnalytics_Ann Lee_2026-01-01_2026-02-28.xlsx",
        ENGLISH,
        "1/1/2026 - 2/28/2026",
        (1500, 900),
        [["1/20/2026", 500, 20]],
        [],
        [],
        "2/28/2026",
        250,
        [["1/20/2026", 5]],
    )
    env = _env(root)
    subprocess.run([str(BIN / "relais"), "init"], env=env, check=True, capture_output=True)
    (root / "relais.toml").write_text('anonymity_threshold = 1\nreport_language = "en"\n', encoding="utf-8")
    _refresh(env)
    before = traces(root, ANN_TERMS)
    erase = subprocess.run(
        [str(BIN / "relais"), "erase", "--agent-id", "A01", "--yes"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return root, before, erase


def test_before_erasure_the_person_is_everywhere(erased):
    _, before, _ = erased
    # The check below would catch her: the inbox, warehouse, snapshot, Parquet and reports hold her.
    assert any(p.startswith("inbox/") for p in before)
    assert any(p.startswith("reports/") for p in before)
    assert any(p.startswith("serving/parquet/") for p in before)
    assert "warehouse.duckdb" in before


def test_no_trace_is_left_anywhere_in_the_home(erased):
    root, _, erase = erased
    assert erase.returncode == 0, erase.stdout + erase.stderr
    assert "no trace left" in erase.stdout
    assert traces(root, ANN_TERMS) == []


def test_the_others_are_still_there_and_her_rows_left_the_shared_files(erased):
    root, _, _ = erased
    with duckdb.connect(str(root / "serving" / "relais.duckdb"), read_only=True) as con:
        keys = {r[0] for r in con.execute("SELECT DISTINCT agent_key FROM marts.agent_month").fetchall()}
        headcount = con.execute("SELECT max(headcount) FROM marts.programme_month").fetchall()[0][0]
    assert BOB_KEY in keys and ANN_KEY not in keys
    assert headcount == 5  # her roster row is gone: six staff became five
    roster = (root / "inbox" / "hr" / "roster.csv").read_text()
    assert "A02,Bob,Ray" in roster and "A01" not in roster
    advocacy = (root / "inbox" / "advocacy" / "everyonesocial_users_2026-03.csv").read_text()
    assert "Bob Ray" in advocacy and advocacy.startswith(ES_HEADER)
    assert not (
        root / "inbox" / "analytique" / "AggregateAnalytics_Ann Lee_2026-01-01_2026-02-28.xlsx"
    ).exists()
    report = next((root / "reports").glob("*/report.html"))
    assert "Ann" not in report.read_text()


def test_audit_log_counts_without_personal_data(erased):
    root, _, _ = erased
    lines = (root / "erasure" / "audit.log").read_text().splitlines()
    record = json.loads(lines[-1])
    assert record["found_in_roster"] and record["refresh_succeeded"] and record["traces_left"] == 0
    assert record["files_deleted"] >= 3 and record["files_rewritten"] == 2
    assert record["reports_regenerated"] >= 1
    text = (root / "erasure" / "audit.log").read_text()
    assert "A01" not in text and not any(t.lower() in text.lower() for t in ANN_TERMS)


def test_a_roster_dropped_again_does_not_bring_her_back(erased):
    root, _, _ = erased
    env = _env(root)
    build_organisation(root / "inbox")  # HR drops the original roster (and her archive) again
    _refresh(env)
    with duckdb.connect(str(root / "serving" / "relais.duckdb"), read_only=True) as con:
        keys = {r[0] for r in con.execute("SELECT DISTINCT agent_key FROM marts.agent_month").fetchall()}
    assert ANN_KEY not in keys and BOB_KEY in keys
    with duckdb.connect(str(root / "warehouse.duckdb"), read_only=True) as con:
        named = con.execute("SELECT count(*) FROM raw.roster WHERE first_name = 'Ann'").fetchall()[0][0]
    assert named == 0


ANN = Person("A01", "k" * 64, ("Ann",), ("Lee",), ("ann.lee@ville.fr",))


def test_matching_rules():
    assert (
        cells_mention(ANN, ["A01", "x"])
        and cells_mention(ANN, ["Ann Lee"])
        and cells_mention(ANN, ["Lee", "Ann"])
    )
    assert cells_mention(ANN, ["ANN.LEE@VILLE.FR"])
    assert not cells_mention(ANN, ["Anne", "Leeds"]) and not cells_mention(ANN, ["A011"])
    assert path_mentions(ANN, "analytique/Content_2026-01-01_2026-03-31_AnnLee.xlsx")
    assert path_mentions(ANN, "archives/A01_export/Shares.csv")
    assert not path_mentions(ANN, "archives/A011_export/Shares.csv")
    assert text_mentions(ANN, "owner member-A01 blocked") and not text_mentions(ANN, "run 4a01f")
    assert text_mentions(ANN, "Ann  Lée wrote")  # spaces and accents folded


def test_rewriting_a_csv_keeps_its_encoding_separator_and_other_rows(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes("matricule;prénom;nom\r\nA01;Ann;Lee\r\nA02;Élodie;Ray\r\n".encode("cp1252"))
    assert rewrite_csv_without(path, ANN) == 1
    assert path.read_bytes() == "matricule;prénom;nom\r\nA02;Élodie;Ray\r\n".encode("cp1252")
    assert rewrite_csv_without(path, ANN) == 0


def test_report_month_folders_are_found(tmp_path):
    from pipelines.runs import report_months
    from pipelines.settings import load_home

    home = load_home(tmp_path / "h")
    for name in ("2026-03", "2026-10", "notes", ".2026-04.tmp"):
        (home.reports_dir / name).mkdir(parents=True)
    assert report_months(home) == [date(2026, 3, 1), date(2026, 10, 1)]


def test_dagster_history_and_logs_are_scrubbed(tmp_path):
    import sqlite3

    from assets.erasure import scrub_dagster_storage

    storage = tmp_path / "dagster" / "history"
    storage.mkdir(parents=True)
    with sqlite3.connect(storage / "runs.db") as con:
        con.execute("CREATE TABLE event_logs (id INTEGER, event TEXT)")
        con.executemany(
            "INSERT INTO event_logs VALUES (?, ?)",
            [(1, '{"message": "Quarantined analytique/AggregateAnalytics_Ann Lee_2026.xlsx"}'), (2, "ok")],
        )
    logs = tmp_path / "dagster" / "storage" / "run1" / "compute_logs"
    logs.mkdir(parents=True)
    (logs / "step.err").write_text("start\nowner ann.lee@ville.fr failed\nend\n")
    assert scrub_dagster_storage(tmp_path / "dagster", ANN) == 2
    with sqlite3.connect(storage / "runs.db") as con:
        assert con.execute("SELECT id FROM event_logs").fetchall() == [(2,)]
    assert (logs / "step.err").read_text() == "start\n[line removed by relais erase]\nend\n"
    assert b"Ann Lee" not in (storage / "runs.db").read_bytes(), "vacuumed: no freed page keeps the row"
