"""Adding a source is one module and one registry entry: the toy "badges" source of ``tests/toy_source.py``
is recognised in the inbox, loaded by its own asset, counted by row conservation and erased."""

import duckdb
import pytest
from dagster import DagsterInstance

from pipelines.definitions import build_definitions
from pipelines.settings import load_home
from relais.inbox.scan import recognise_csv, scan_inbox
from relais.privacy.erasure import erase_from_inbox, find_person, scrub_duckdb
from relais.sources import registry
from tests import toy_source
from tests.builders import write_text

ROSTER = [
    "agent_id,first_name,last_name,email,department,site,job_title,enrolled_on,consent,consent_withdrawn_on",
    "A01,Ann,Lee,ann.lee@ville.fr,Communication,HQ,Officer,2026-01-01,oui,",
    "A02,Bob,Ray,bob.ray@ville.fr,Communication,HQ,Officer,2026-01-01,oui,",
    "Z09,Zoe,Kim,zoe.kim@ville.fr,Finances,HQ,Officer,,,",
]
BADGES = [
    "badge_id,agent_id,badge,awarded_on",
    "B1,A01,Prise de parole,12/01/2026",
    "B2,A02,Réseaux sociaux,13/01/2026",
    "B3,Z09,Tableur,14/01/2026",
    "B4,A01,Écriture web,le 15",
]


@pytest.fixture
def with_toy(monkeypatch):
    """The registry with the toy source as its last entry."""
    monkeypatch.setattr(registry, "SOURCES", (*registry.SOURCES, toy_source.SOURCE))


def test_the_registry_drives_recognition_and_the_near_miss_reason(with_toy):
    assert recognise_csv("badges.csv", "\n".join(BADGES).encode()) == ("toy_badges", "")
    kind, reason = recognise_csv("x.csv", b"badge_id,agent_id,badge\nB1,A01,x\n")
    assert kind == "unknown" and reason.startswith(
        "looks like a badges report but lacks the column(s) awarded_on"
    )


def test_without_its_entry_the_file_is_not_recognised():
    assert recognise_csv("badges.csv", "\n".join(BADGES).encode())[0] == "unknown"


def test_a_toy_source_is_loaded_conserved_and_erased(tmp_path, with_toy):
    root = tmp_path / "home"
    write_text(root / "inbox" / "hr" / "roster.csv", ROSTER)
    write_text(root / "inbox" / "badges" / "badges-2026-01.csv", BADGES)
    home = load_home(root)
    job = build_definitions(home, registry.SOURCES).resolve_implicit_global_asset_job_def()
    with DagsterInstance.ephemeral() as instance:
        assert job.execute_in_process(instance=instance, raise_on_error=True).success
    with duckdb.connect(str(root / "warehouse.duckdb")) as con:
        loaded = con.execute("SELECT badge_id, agent_id FROM raw.toy_badges ORDER BY badge_id").fetchall()
        ledger = con.execute(
            "SELECT kind, status, rows_read, rows_loaded, rows_quarantined, rows_withheld FROM raw.file_ledger "
            "WHERE asset = 'raw/toy_badges_reports'"
        ).fetchall()
        quarantined = con.execute(
            "SELECT source_row, reason FROM quarantine.rows WHERE kind = 'toy_badges'"
        ).fetchall()
        conservation = con.execute(
            "SELECT success FROM marts.quality_checks WHERE check_name LIKE '%conserv%' ORDER BY checked_at DESC"
        ).fetchall()
    assert loaded == [("B1", "A01"), ("B2", "A02")]
    assert ledger == [("toy_badges", "loaded", 4, 2, 1, 1)]
    assert [row for row, _ in quarantined] == [5] and "'le 15' is not a date" in quarantined[0][1]
    assert conservation and all(ok for (ok,) in conservation)

    person = find_person(
        "A01", [{"agent_id": "A01", "first_name": "Ann", "last_name": "Lee"}], home.pseudonymiser
    )
    inbox = root / "inbox"
    erased = erase_from_inbox(inbox, scan_inbox(inbox), person)
    assert erased.rewritten == {"badges/badges-2026-01.csv": 2, "hr/roster.csv": 1}
    remaining = (inbox / "badges" / "badges-2026-01.csv").read_text(encoding="utf-8")
    assert "A01" not in remaining and "B2,A02" in remaining
    with duckdb.connect(str(root / "warehouse.duckdb")) as con:
        assert scrub_duckdb(con, person) > 0
        assert con.execute("SELECT count(*) FROM raw.toy_badges WHERE agent_id = 'A01'").fetchone() == (0,)
