"""The right to erasure: ``relais erase`` leaves no trace of the person anywhere in the home.

The hand-worked organisation of ``test_end_to_end`` is refreshed by the plain Dagster command with
its run history kept in the home (so logs hold the person too), an advocacy report and an analytics
export named after Ann Lee are added, and a monthly report is written. After ``relais erase
--agent-id A01`` every file of the home is searched, byte by byte and inside ZIP/XLSX members, for
her e-mails, names and agent_key; the others are still there.
"""

import json
import os
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import duckdb
import pytest

from relais.privacy.erasure import Person, cells_mention, path_mentions, rewrite_csv_without, text_mentions
from relais.privacy.pseudonym import Pseudonymiser
from relais.synthetic.creator import ENGLISH, write_creator_export
from tests.builders import csv_text, write_text, write_zip
from tests.conftest import TEST_KEY
from tests.test_end_to_end import build_organisation, share

BIN = Path(__file__).resolve().parent.parent / ".venv" / "bin"
ANN_KEY = Pseudonymiser(TEST_KEY).agent_key("A01")
BOB_KEY = Pseudonymiser(TEST_KEY).agent_key("A02")
ANN_TERMS = ["ann.lee@ville.fr", "ann.perso@gmail.com", "Ann Lee", "Lee Ann", ANN_KEY]
ES_HEADER = "Name,Type,Created On,Onboarded,Last Active,Reach,Posts,Shares,Clicks"


def _env(root: Path) -> dict[str, str]:
    return {**os.environ, "RELAIS_HOME": str(root), "DAGSTER_HOME": str(root / "dagster")}


def _contents(path: Path) -> list[bytes]:
    """A file's bytes and those of its zip members (encrypted or damaged members cannot be read)."""
    data = path.read_bytes()
    found = [data]
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if info.is_dir() or info.flag_bits & 0x1:
                    continue
                try:
                    found.append(archive.read(info))
                except zipfile.BadZipFile:
                    continue
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

    from relais.privacy.erasure import scrub_dagster_storage

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


# --- unreadable zip files, zips of several archives, interrupted erasures ------------------------------

SHARES = "Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl,Visibility"
EMAILS = "Email Address,Confirmed,Primary,Updated On"
BOB_SHARE = "2026-02-10 09:00:00,https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A7000000000000000099,Bob,,,PUBLIC"
SEVERAL = {
    "p1/Email Addresses.csv": csv_text([EMAILS, "ann.lee@ville.fr,Yes,Yes,"]),
    "p1/Shares.csv": csv_text([SHARES, f"2026-03-20 10:00:00,{share(30)},Ann,,,PUBLIC"]),
    "p2/Email Addresses.csv": csv_text([EMAILS, "bob.ray@ville.fr,Yes,Yes,"]),
    "p2/Shares.csv": csv_text([SHARES, BOB_SHARE]),
}
"""A zip of two people's archives, one folder each: Ann's (p1, found by her e-mail) and Bob's (p2)."""


def _central_records(data: bytes) -> list[int]:
    """Where each central directory record of a zip file starts."""
    start = data.rindex(b"PK\x05\x06")
    count = int.from_bytes(data[start + 10 : start + 12], "little")
    offset = int.from_bytes(data[start + 16 : start + 20], "little")
    found = []
    for _ in range(count):
        found.append(offset)
        lengths = [int.from_bytes(data[offset + i : offset + i + 2], "little") for i in (28, 30, 32)]
        offset += 46 + sum(lengths)
    return found


def write_encrypted_zip(path: Path, members: dict[str, str]) -> Path:
    """A zip whose stored members carry the "encrypted" flag (bit 0) in their local and central headers:
    Python's zipfile cannot write encrypted members, and with the flag set it refuses to read them
    ("File ... is encrypted, password required for extraction") as it does real ZipCrypto members."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for name, text in members.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 5, 1, 0, 0, 0)), text.encode())
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        locals_ = [info.header_offset + 6 for info in archive.infolist()]
    for flags in [*locals_, *(start + 8 for start in _central_records(bytes(data)))]:
        data[flags] |= 0x1
    path.write_bytes(bytes(data))
    return path


def write_damaged_zips(folder: Path) -> tuple[Path, Path]:
    """A truncated zip (no directory left) and one whose member fails its checksum."""
    whole = write_zip(folder / "whole.zip", {"Connections.csv": "First Name,Last Name\nX1,Y1\n"})
    data = whole.read_bytes()
    whole.unlink()
    truncated = folder / "truncated.zip"
    truncated.write_bytes(data[: len(data) // 2])
    stored = folder / "bad_crc.zip"
    with zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("notes.txt", "meeting at noon")
    stored.write_bytes(stored.read_bytes().replace(b"meeting at noon", b"meeting at nine"))
    return truncated, stored


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {i.filename: archive.read(i) for i in archive.infolist() if not i.is_dir()}


def test_encrypted_and_damaged_zips_are_reported_never_an_error(tmp_path):
    from relais.privacy.erasure import examine, file_mentions, find_traces, search_home

    locked = write_encrypted_zip(tmp_path / "locked.zip", {"Connections.csv": "First Name\nX1\n"})
    named = write_encrypted_zip(tmp_path / "named.zip", {"Ann Lee/Shares.csv": f"{SHARES}\n"})
    truncated, bad_crc = write_damaged_zips(tmp_path)
    with pytest.raises(RuntimeError, match="is encrypted"):
        zipfile.ZipFile(locked).read("Connections.csv")
    assert not file_mentions(ANN, locked) and not file_mentions(ANN, truncated)
    assert file_mentions(ANN, named)  # its member path names her, though its contents cannot be read
    assert examine(ANN, locked)[1] == (
        "encrypted zip file: its member names were checked, their contents cannot be (a password is needed)",
    )
    assert examine(ANN, bad_crc)[1] == (
        "zip file with damaged members (bad checksum or data): their contents cannot be searched",
    )
    assert "damaged zip file" in examine(ANN, truncated)[1][0]
    assert find_traces(tmp_path, ANN) == [named]
    traces, problems = search_home(tmp_path, ANN)
    assert traces == [named]
    assert [(p.path.name, p.action.startswith("check it by hand")) for p in problems] == [
        ("bad_crc.zip", True),
        ("locked.zip", True),
        ("truncated.zip", True),
    ]


def test_a_zip_of_several_archives_loses_only_hers_byte_for_byte(tmp_path):
    from relais.inbox.scan import scan_inbox
    from relais.privacy.erasure import erase_from_inbox

    inbox = tmp_path / "inbox"
    several = write_zip(inbox / "hr" / "all_exports.zip", {**SEVERAL, "readme.txt": "collected by HR"})
    hers = write_zip(inbox / "hr" / "one.zip", {k: v for k, v in SEVERAL.items() if k.startswith("p1/")})
    locked = write_encrypted_zip(inbox / "hr" / "protected.zip", {"Ann Lee/Shares.csv": f"{SHARES}\n"})
    others = write_encrypted_zip(inbox / "hr" / "locked.zip", {"Connections.csv": "First Name\nX1\n"})
    truncated, bad_crc = write_damaged_zips(inbox / "hr")
    before = _members(several)
    result = erase_from_inbox(inbox, scan_inbox(inbox), ANN)
    assert sorted(result.deleted) == ["hr/one.zip", "hr/protected.zip"]
    assert result.members_removed == {"hr/all_exports.zip": 2}  # p1/Email Addresses.csv and p1/Shares.csv
    assert result.problems == [] and not hers.exists() and not locked.exists()
    assert _members(several) == {k: v for k, v in before.items() if not k.startswith("p1/")}
    assert others.exists() and truncated.exists() and bad_crc.exists()
    assert sorted(p.name for p in (inbox / "hr").iterdir()) == [
        "all_exports.zip",
        "bad_crc.zip",
        "locked.zip",
        "truncated.zip",
    ]  # no temporary file left beside them
    again = erase_from_inbox(inbox, scan_inbox(inbox), ANN)
    assert (again.deleted, again.members_removed, again.rewritten) == ([], {}, {})


@pytest.mark.skipif(shutil.which("zip") is None, reason="the zip command is needed to encrypt members")
def test_an_encrypted_zip_of_several_archives_keeps_the_others_encrypted_as_they_were(tmp_path):
    from relais.inbox.scan import scan_inbox
    from relais.privacy.erasure import erase_from_inbox

    source = tmp_path / "source"
    for name, text in SEVERAL.items():
        write_text(source / name.replace("p1/", "Ann Lee/"), text.splitlines())
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    zipped = ["zip", "-q", "-r", "-P", "secret", str(inbox / "exports.zip"), "Ann Lee", "p2"]
    subprocess.run(zipped, cwd=source, check=True)
    with zipfile.ZipFile(inbox / "exports.zip") as archive:
        kept = {
            i.filename: (i.CRC, i.compress_size) for i in archive.infolist() if i.filename.startswith("p2")
        }
    with pytest.raises(RuntimeError, match="is encrypted"):
        zipfile.ZipFile(inbox / "exports.zip").read("p2/Shares.csv")
    result = erase_from_inbox(inbox, scan_inbox(inbox), ANN)
    assert result.members_removed == {"exports.zip": 3}  # the folder entry "Ann Lee/" and its two files
    with zipfile.ZipFile(inbox / "exports.zip") as archive:
        archive.setpassword(b"secret")
        assert {i.filename: (i.CRC, i.compress_size) for i in archive.infolist()} == kept
        assert archive.read("p2/Shares.csv").decode() == csv_text([SHARES, BOB_SHARE])


class PowerCut(RuntimeError):
    """The failure simulated half-way through an erasure."""


def _cut_power() -> bool:
    raise PowerCut("the power went off during the refresh")


@pytest.fixture(scope="module")
def interrupted(tmp_path_factory):
    """The hand-worked organisation plus a zip of Ann's and Bob's archives, an encrypted zip whose member
    path names Ann, an encrypted zip of somebody else's and two damaged zips; refreshed, then erased
    once with the power cut during the refresh (after the inbox and the warehouse were cleaned), then
    erased again."""
    from pipelines.erase import erase_agent, pending_file
    from pipelines.runs import refresh_home, regenerate_reports
    from pipelines.settings import load_home
    from tests.conftest import run_pipeline

    root = tmp_path_factory.mktemp("interrupted") / "home"
    inbox = root / "inbox"
    build_organisation(inbox)
    write_zip(inbox / "linkedin" / "all_exports.zip", SEVERAL)
    write_encrypted_zip(inbox / "linkedin" / "protected.zip", {"Ann Lee/Shares.csv": f"{SHARES}\n"})
    write_encrypted_zip(inbox / "linkedin" / "locked.zip", {"Connections.csv": "First Name\nX9\n"})
    write_damaged_zips(inbox / "linkedin")
    (root / "relais.toml").write_text('anonymity_threshold = 1\nreport_language = "en"\n', encoding="utf-8")
    home = load_home(root)
    run_pipeline(root)
    before = traces(root, ANN_TERMS)
    screen: list[str] = []
    with pytest.raises(PowerCut):
        erase_agent(home, "A01", _cut_power, lambda: regenerate_reports(home), [], screen.append)
    halfway = {
        "pending": pending_file(home, "A01").exists(),
        "erased": (root / "erasure" / "erased.txt").read_text().split(),
        "inbox": sorted(p.relative_to(inbox).as_posix() for p in inbox.rglob("*") if p.is_file()),
        "several": sorted(_members(inbox / "linkedin" / "all_exports.zip")),
    }
    record, found = erase_agent(
        home, "A01", lambda: refresh_home(home), lambda: regenerate_reports(home), [], screen.append
    )
    return root, before, halfway, record, found, screen


def _audit_lines(root: Path) -> list[dict]:
    return [json.loads(line) for line in (root / "erasure" / "audit.log").read_text().splitlines()]


@pytest.mark.slow
def test_the_interrupted_erasure_left_a_harmless_half_way_state(interrupted):
    _, before, halfway, _, _, screen = interrupted
    assert "inbox/linkedin/protected.zip" in before and "inbox/linkedin/all_exports.zip" in before
    assert halfway["erased"] == [Pseudonymiser(TEST_KEY).erasure_token("A01")]  # recorded before any file
    assert halfway["pending"]  # her identifiers are kept until the erasure completes
    assert halfway["several"] == ["p2/Email Addresses.csv", "p2/Shares.csv"]
    assert halfway["inbox"] == [
        "exports/A03_linkedin/Email Addresses.csv",
        "exports/A03_linkedin/Reactions.csv",
        "exports/A03_linkedin/Shares.csv",
        "hr/roster.csv",
        "linkedin/all_exports.zip",
        "linkedin/bad_crc.zip",
        "linkedin/export_ed.zip",
        "linkedin/locked.zip",
        "linkedin/truncated.zip",
        "misc/notes.txt",
        "page/content.xlsx",
    ]
    assert "  interrupted during the refresh (PowerCut): run relais erase again to finish" in screen


@pytest.mark.slow
def test_the_rerun_completes_and_leaves_no_trace(interrupted):
    from relais.privacy.erasure import find_traces

    root, _, _, record, found, _ = interrupted
    assert record.status == "completed" and found == []
    ann = Person("A01", ANN_KEY, ("Ann",), ("Lee",), ("ann.lee@ville.fr",))
    assert find_traces(root, ann) == []
    assert traces(root, ANN_TERMS) == []
    assert not (root / "erasure" / "pending").exists()
    assert (root / "erasure" / "erased.txt").read_text().split() == [
        Pseudonymiser(TEST_KEY).erasure_token("A01")
    ]


@pytest.mark.slow
def test_the_other_archives_still_load_and_unreadable_zips_are_reported(interrupted):
    root, _, _, record, _, _ = interrupted
    with duckdb.connect(str(root / "serving" / "relais.duckdb"), read_only=True) as con:
        bob = con.execute(
            "SELECT month, posts FROM marts.agent_month WHERE agent_key = ? AND posts > 0", [BOB_KEY]
        ).fetchall()
        keys = {r[0] for r in con.execute("SELECT DISTINCT agent_key FROM marts.agent_month").fetchall()}
    assert bob == [(date(2026, 2, 1), 1)]  # his one share of 10 February 2026, from folder p2 of the zip
    assert ANN_KEY not in keys
    linkedin = root / "inbox" / "linkedin"
    assert _members(linkedin / "all_exports.zip") == {
        "p2/Email Addresses.csv": SEVERAL["p2/Email Addresses.csv"].encode(),
        "p2/Shares.csv": SEVERAL["p2/Shares.csv"].encode(),
    }
    assert (linkedin / "locked.zip").exists() and not (linkedin / "protected.zip").exists()
    reported = sorted(n.split(":")[0] for n in record.notes if n.startswith("inbox/"))
    assert reported == [
        "inbox/linkedin/bad_crc.zip",
        "inbox/linkedin/locked.zip",
        "inbox/linkedin/truncated.zip",
    ]
    assert any(
        n.startswith("inbox/linkedin/locked.zip: encrypted zip file") and "relais erase again" in n
        for n in record.notes
    )


@pytest.mark.slow
def test_the_audit_log_records_both_attempts_with_counts_only(interrupted):
    root, _, _, record, _, _ = interrupted
    lines = _audit_lines(root)
    assert [line["status"] for line in lines] == ["started", "incomplete", "started", "completed"]
    first, rerun = lines[1], lines[3]
    assert lines[0]["erasure_id"] == first["erasure_id"] != rerun["erasure_id"] == lines[2]["erasure_id"]
    assert rerun["erasure_id"] == record.erasure_id and rerun["resumes"] == first["erasure_id"]
    assert any("did not complete: this attempt finishes it" in n for n in rerun["notes"])
    # First attempt: her zip archive, her three-file folder and the encrypted zip naming her deleted
    # (5); the roster (her one row) and the zip of two archives (her folder's two files) rewritten.
    assert (first["files_deleted"], first["files_rewritten"]) == (5, 2)
    assert (first["rows_removed_from_files"], first["zip_members_removed"]) == (1, 2)
    assert first["warehouse_rows_removed"] > 0 and not first["refresh_succeeded"]
    # The rerun found nothing left in the inbox or the warehouse, refreshed, and searched.
    assert (rerun["files_deleted"], rerun["files_rewritten"], rerun["warehouse_rows_removed"]) == (0, 0, 0)
    assert rerun["found_in_roster"] and rerun["refresh_succeeded"]
    assert (rerun["traces_left"], rerun["files_not_searched"]) == (0, 3)
    text = (root / "erasure" / "audit.log").read_text()
    assert "A01" not in text and not any(t.lower() in text.lower() for t in ANN_TERMS)
