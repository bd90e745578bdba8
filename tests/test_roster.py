from datetime import date

import pytest

from relais.privacy.pseudonym import Pseudonymiser
from relais.sources.io.files import InboxFile
from relais.sources.readers.archives import ingest_rosters
from tests.builders import write_text

KEY = Pseudonymiser(b"test-key")
FRENCH = "matricule;prénom;nom;courriel;direction;site;fonction;date_adhesion;consentement;date_retrait"
ENGLISH = (
    "agent_id,first_name,last_name,email,department,site,job_title,enrolled_on,consent,consent_withdrawn_on"
)


def _item(root, relative, modified=1.0):
    path = root / relative
    return InboxFile(relative, relative, "file", "hr_roster", "", "", path.stat().st_size, modified)


def _read(root, *items):
    return ingest_rosters(root, list(items), KEY)


@pytest.mark.parametrize(
    ("encoding", "newline"), [("cp1252", "\r\n"), ("utf-8-sig", "\n"), ("utf-8", "\r\n")]
)
def test_french_roster_in_every_encoding(tmp_path, encoding, newline):
    write_text(
        tmp_path / "rh.csv",
        [
            FRENCH,
            "VDA1;Hélène;Lefèvre;Helene.Lefevre@Ville.fr;Direction de l'éducation;Mairie;Chargée de mission;01/03/2025;oui;",
            "VDA2;Jérôme;Bénard;jerome@ville.fr;Direction de l'éducation;Mairie;Agent;;;",
            "VDA3;Éloïse;Noël;eloise@ville.fr;Direction des finances;Mairie;Cheffe;2025-04-10;Oui;15/06/2025",
        ],
        newline=newline,
        encoding=encoding,
    )
    rows, ledger = _read(tmp_path, _item(tmp_path, "rh.csv"))
    assert ledger.problems == []
    assert ledger.files[0].rows_read == 3 and ledger.files[0].rows_loaded == 3
    first, second, third = rows
    assert first["first_name"] == "Hélène" and first["email"] == "helene.lefevre@ville.fr"
    assert first["enrolled_on"] == date(2025, 3, 1) and first["is_ambassador"]
    assert first["department"] == "Direction de l'éducation"
    assert not second["is_ambassador"] and second["first_name"] is None and second["agent_id"] is None
    assert not third["is_ambassador"], "withdrawn consent means not an ambassador"
    assert third["first_name"] is None and third["email"] is None and third["enrolled_on"] is None
    assert third["agent_key"] == KEY.agent_key("VDA3") and third["department"] == "Direction des finances"


def test_english_roster_with_commas_and_all_consent_spellings(tmp_path):
    write_text(
        tmp_path / "roster.csv",
        [
            ENGLISH,
            "A1,Ann,Lee,ann@x.org,Comms,HQ,Officer,2026-01-15,yes,",
            "A2,Bob,Ray,bob@x.org,Comms,HQ,Officer,2026-01-15,TRUE,",
            "A3,Cy,Ng,cy@x.org,Tech,HQ,Officer,2026-01-15,1,",
            "A4,Di,Ko,di@x.org,Tech,HQ,Officer,2026-01-15,no,",
            "A5,Ed,Ma,ed@x.org,Tech,HQ,Officer,,yes,",
        ],
    )
    rows, _ = _read(tmp_path, _item(tmp_path, "roster.csv"))
    assert [r["is_ambassador"] for r in rows] == [True, True, True, False, False]


def test_bad_roster_rows_are_quarantined_with_row_and_reason(tmp_path):
    write_text(
        tmp_path / "roster.csv",
        [
            ENGLISH,
            "A1,Ann,Lee,ann@x.org,Comms,HQ,Officer,31/02/2026,yes,",
            ",Bob,Ray,bob@x.org,Comms,HQ,Officer,2026-01-15,yes,",
            "A3,Cy,Ng,cy@x.org,Tech,HQ,Officer,2026-01-15,peut-être,",
            "A4,Di,Ko,di@x.org,Tech,HQ,Officer,2026-01-15,yes,",
            "A4,Di,Ko,di@x.org,Tech,HQ,Officer,2026-01-15,yes,",
        ],
    )
    rows, ledger = _read(tmp_path, _item(tmp_path, "roster.csv"))
    assert [r["_source_row"] for r in rows] == [5]
    reasons = {p.source_row: p.reason for p in ledger.problems}
    assert set(reasons) == {2, 3, 4, 6}
    assert "31/02/2026" in reasons[2] and "enrolled_on" in reasons[2]
    assert "agent_id" in reasons[3] and "empty" in reasons[3]
    assert "peut-être" in reasons[4]
    assert "already on row 5" in reasons[6]
    outcome = ledger.files[0]
    assert (outcome.rows_read, outcome.rows_loaded, outcome.rows_quarantined) == (5, 1, 4)


def test_latest_roster_file_wins_and_withdrawal_strips_everything(tmp_path):
    write_text(tmp_path / "old.csv", [ENGLISH, "A1,Ann,Lee,ann@x.org,Comms,HQ,Officer,2026-01-15,yes,"])
    write_text(
        tmp_path / "new.csv", [ENGLISH, "A1,Ann,Lee,ann@x.org,Comms,HQ,Officer,2026-01-15,yes,2026-05-01"]
    )
    rows, _ = _read(
        tmp_path, _item(tmp_path, "new.csv", modified=2.0), _item(tmp_path, "old.csv", modified=1.0)
    )
    assert [r["is_current"] for r in rows] == [True, False]
    assert all(r["first_name"] is None and r["email"] is None and r["agent_id"] is None for r in rows)
    assert all(not r["is_ambassador"] for r in rows)


def test_roster_without_required_columns_is_rejected(tmp_path):
    write_text(tmp_path / "roster.csv", ["nom;prénom", "Lee;Ann"])
    rows, ledger = _read(tmp_path, _item(tmp_path, "roster.csv"))
    assert rows == [] and ledger.files[0].status == "quarantined"
    assert "no header line" in ledger.files[0].reason


def test_roster_without_department_column_counts_everyone_in_one_group(tmp_path):
    write_text(tmp_path / "r.csv", ["Identifiant;Date d'adhésion;Consentement", "Z1;02/01/2026;o", "Z2;;"])
    rows, ledger = _read(tmp_path, _item(tmp_path, "r.csv"))
    assert ledger.problems == []
    assert [(r["agent_id"], r["department"], r["is_ambassador"]) for r in rows] == [
        ("Z1", "Non renseignée", True),
        (None, "Non renseignée", False),
    ]
