"""The whole graph over a tiny hand-made organisation whose figures were worked out by hand.

Six staff in two departments: Ann (A01) and Bob (A02) in Communication, Cy (A03), Di (A04, refused),
Ed (A05, withdrew) and Flo (A06, not enrolled) in Technique. Ann has two overlapping archives (a
zip found by e-mail, a folder found by e-mail); Cy's folder is found by the agent id in its name;
Ed's archive must never be read. The institution published two posts (activity ...1001 in
January, ...1002 in February 2026). Times are UTC in the files and months are Paris months.
"""

import hashlib
import hmac
import os
import shutil
import time
from datetime import date

import duckdb
import pytest
from dagster import AssetCheckSeverity

from tests.builders import CONNECTIONS_PREAMBLE, csv_text, write_page_export, write_text, write_zip
from tests.conftest import TEST_KEY, run_pipeline

POST_1001 = "https://www.linkedin.com/feed/update/urn:li:activity:7100000000000001001"
POST_1002 = "https://www.linkedin.com/feed/update/urn:li:activity:7100000000000001002/"
ROSTER = [
    "agent_id,first_name,last_name,email,department,site,job_title,enrolled_on,consent,consent_withdrawn_on",
    "A01,Ann,Lee,ann.lee@ville.fr,Communication,HQ,Officer,15/01/2026,oui,",
    "A02,Bob,Ray,bob.ray@ville.fr,Communication,HQ,Officer,2026-02-01,yes,",
    "A03,Cy,Ng,cy.ng@ville.fr,Technique,Depot,Engineer,2026-03-10,1,",
    "A04,Di,Ko,di.ko@ville.fr,Technique,Depot,Engineer,2026-01-01,non,",
    "A05,Ed,Ma,ed.ma@ville.fr,Technique,Depot,Engineer,2026-01-01,oui,2026-02-15",
    "A06,Flo,Po,flo.po@ville.fr,Technique,Depot,Engineer,,,",
]
SHARES_HEADER = "Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl,Visibility"
ANN_SHARE_JAN = (
    "2026-01-20 10:00:00,https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A7000000000000000002,"
    '"Premier post""\n""sur deux lignes","","",PUBLIC'
)


def share(n: int) -> str:
    return f"https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A70000000000000000{n:02d}"


def build_organisation(inbox):
    write_text(inbox / "hr" / "roster.csv", ROSTER)
    write_page_export(
        inbox / "page" / "content.xlsx",
        [
            ("Budget 2026", POST_1001, "1/10/2026", 1000, 10, 20, 2, 3),
            ("Recrutement", POST_1002, "2/5/2026", 800, 8, 15, 1, 2),
        ],
    )
    write_zip(
        inbox / "linkedin" / "Complete_LinkedInDataExport_03-31-2026.zip",
        {
            "Email Addresses.csv": csv_text(
                [
                    "Email Address,Confirmed,Primary,Updated On",
                    'ann.perso@gmail.com,Yes,No,"4/9/18, 2:05 AM"',
                    "Ann.Lee@Ville.FR,Yes,Yes,Not Available",
                ]
            ),
            "Shares.csv": csv_text(
                [
                    SHARES_HEADER,
                    f'2025-12-15 10:00:00,{share(1)},"Avant l\'adhésion",,,PUBLIC',
                    ANN_SHARE_JAN,
                    f'2026-01-31 23:30:00,{share(3)},"Fière de relayer",https://www.linkedin.com/posts/'
                    "ville_budget-activity-7100000000000001001-AbCd?utm_source=share&utm_medium=member_desktop,,PUBLIC",
                    f'2026-02-10 09:00:00,{share(4)},"Un article",https://www.example.org/article,,PUBLIC',
                ],
                newline="\r\n",
            ),
            "InstantReposts_12345.csv": csv_text(["Date,Link", f"2026-02-06 08:00:00,{POST_1002}"]),
            "Comments.csv": csv_text(
                [
                    "Date,Link,Message",
                    f'2026-01-21 09:00:00,{POST_1001},"Bravo pour ce \\"beau\\" budget"',
                    f',{POST_1001},"Sans date"',
                ]
            ),
            "Reactions.csv": csv_text(["Date,Type,Link", f"2026-02-28 23:30:00,LIKE,{POST_1002}"]),
            "Connections.csv": csv_text(
                [
                    *CONNECTIONS_PREAMBLE,
                    "First Name,Last Name,URL,Email Address,Company,Position,Connected On",
                    "X1,Y1,https://www.linkedin.com/in/x1,,Acme,CTO,05 Jan 2026",
                    "X2,Y2,https://www.linkedin.com/in/x2,,Acme,CTO,28 Jan 2026",
                    "X3,Y3,https://www.linkedin.com/in/x3,,Acme,CTO,02 Mar 2026",
                    "X4,Y4,https://www.linkedin.com/in/x4,,Acme,CTO,10 Jun 2019",
                ]
            ),
            "Endorsement_Received_Info.csv": csv_text(
                [
                    "Endorsement Date,Skill Name,Endorser First Name,Endorser Last Name,Endorser Public Url,Endorsement Status",
                    "2026/02/02 10:00:00 UTC,Communication,Marc,Durand,www.linkedin.com/in/marc-durand,ACCEPTED",
                ]
            ),
            "Skills.csv": csv_text(["Name", "Communication", "Gestion de projet"]),
            "Profile.csv": csv_text(
                [
                    "First Name,Last Name,Maiden Name,Address,Birth Date,Headline,Summary,Industry,"
                    "Zip Code,Geo Location,Twitter Handles,Websites,Instant Messengers",
                    "Ann,Lee,,,,Chargée de com,,,,,,,",
                ]
            ),
        },
    )
    later = inbox / "linkedin" / "ann_2026-04"
    write_text(
        later / "Email Addresses.csv",
        ["Email Address,Confirmed,Primary,Updated On", "ann.lee@ville.fr,Yes,Yes,"],
    )
    write_text(
        later / "Shares.csv",
        [SHARES_HEADER, ANN_SHARE_JAN, f'2026-03-05 12:00:00,{share(5)},"Mars",,,PUBLIC'],
    )
    write_text(
        later / "Connections.csv",
        [
            "First Name,Last Name,Email Address,Company,Position,Connected On",
            "X1,Y1,,Acme,CTO,05 Jan 2026",
            "X3,Y3,,Acme,CTO,02 Mar 2026",
        ],
    )
    cy = inbox / "exports" / "A03_linkedin"
    write_text(
        cy / "Email Addresses.csv",
        ["Email Address,Confirmed,Primary,Updated On", "cy.perso@gmail.com,Yes,Yes,"],
    )
    write_text(
        cy / "Shares.csv",
        [
            "date,sharelink,sharecommentary,sharedurl,mediaurl,visibility",
            f'2026-03-12 08:00:00,{share(10)},"Partage",https://www.linkedin.com/feed/update/urn:li:activity:7555555555555555555/,,PUBLIC',
            f'2026-04-02 08:00:00,{share(11)},"Ligne 1""\r\n""Ligne 2",,,PUBLIC',
        ],
        newline="\r\n",
    )
    write_text(cy / "Reactions.csv", ["Date,Type,Link", f"hier,LIKE,{POST_1001}"])
    write_zip(
        inbox / "linkedin" / "export_ed.zip",
        {
            "Email Addresses.csv": csv_text(
                ["Email Address,Confirmed,Primary,Updated On", "ed.ma@ville.fr,Yes,Yes,"]
            ),
            "Shares.csv": csv_text([SHARES_HEADER, f'2026-02-01 10:00:00,{share(20)},"Secret",,,PUBLIC']),
        },
    )
    write_text(inbox / "misc" / "notes.txt", ["Réunion du comité : rien à signaler."])


def key(agent_id: str) -> str:
    return hmac.new(TEST_KEY, agent_id.encode(), hashlib.sha256).hexdigest()


AGENT_MONTH_COLUMNS = (
    "is_enrolled",
    "posts",
    "reshares",
    "institution_reshares",
    "comments_given",
    "reactions_given",
    "new_connections",
    "endorsements_received",
    "is_active",
)
EXPECTED_AGENT_MONTH = {
    ("A01", date(2025, 12, 1)): (False, 1, 0, 0, 0, 0, 0, 0, True),
    ("A01", date(2026, 1, 1)): (True, 1, 0, 0, 1, 0, 2, 0, True),
    ("A01", date(2026, 2, 1)): (True, 1, 2, 2, 0, 0, 0, 1, True),
    ("A01", date(2026, 3, 1)): (True, 1, 0, 0, 0, 1, 1, 0, True),
    ("A01", date(2026, 4, 1)): (True, 0, 0, 0, 0, 0, 0, 0, False),
    ("A02", date(2026, 2, 1)): (True, 0, 0, 0, 0, 0, 0, 0, False),
    ("A02", date(2026, 3, 1)): (True, 0, 0, 0, 0, 0, 0, 0, False),
    ("A02", date(2026, 4, 1)): (True, 0, 0, 0, 0, 0, 0, 0, False),
    ("A03", date(2026, 3, 1)): (True, 0, 1, 0, 0, 0, 0, 0, True),
    ("A03", date(2026, 4, 1)): (True, 1, 0, 0, 0, 0, 0, 0, True),
}
# department, month: headcount, enrolled, active, participation, adoption, posts, reshares, institution
EXPECTED_DEPARTMENT_MONTH = {
    ("Communication", date(2025, 12, 1)): (2, 0, 0, None, 0.0, 0, 0, 0),
    ("Communication", date(2026, 1, 1)): (2, 1, 1, 1.0, 0.5, 1, 0, 0),
    ("Communication", date(2026, 2, 1)): (2, 2, 1, 0.5, 1.0, 1, 2, 2),
    ("Communication", date(2026, 3, 1)): (2, 2, 1, 0.5, 1.0, 1, 0, 0),
    ("Communication", date(2026, 4, 1)): (2, 2, 0, 0.0, 1.0, 0, 0, 0),
    ("Technique", date(2025, 12, 1)): (4, 0, 0, None, 0.0, 0, 0, 0),
    ("Technique", date(2026, 1, 1)): (4, 0, 0, None, 0.0, 0, 0, 0),
    ("Technique", date(2026, 2, 1)): (4, 0, 0, None, 0.0, 0, 0, 0),
    ("Technique", date(2026, 3, 1)): (4, 1, 1, 1.0, 0.25, 0, 1, 0),
    ("Technique", date(2026, 4, 1)): (4, 1, 1, 1.0, 0.25, 1, 0, 0),
}
EXPECTED_PROGRAMME_MONTH = {
    date(2025, 12, 1): (6, 0, 0, None, 0.0, 0, 0, 0),
    date(2026, 1, 1): (6, 1, 1, 1.0, 0.1667, 1, 0, 0),  # rates are published to 4 decimals
    date(2026, 2, 1): (6, 2, 1, 0.5, 0.3333, 1, 2, 2),
    date(2026, 3, 1): (6, 3, 2, 0.6667, 0.5, 1, 1, 0),
    date(2026, 4, 1): (6, 3, 1, 0.3333, 0.5, 1, 0, 0),
}


@pytest.fixture(scope="module")
def organisation(tmp_path_factory):
    root = tmp_path_factory.mktemp("org") / "home"
    build_organisation(root / "inbox")
    # Hand-worked department figures: the anonymity merge is off here (tests/test_anonymity.py covers it).
    (root / "relais.toml").write_text("anonymity_threshold = 1\n", encoding="utf-8")
    result = run_pipeline(root)
    assert result.success
    return root, result


def marts(root):
    with duckdb.connect(str(root / "serving" / "relais.duckdb"), read_only=True) as con:
        agent = con.execute(
            f"SELECT agent_key, month, {', '.join(AGENT_MONTH_COLUMNS)} FROM marts.agent_month"
        ).fetchall()
        columns = (
            "headcount, enrolled, active, participation_rate, adoption_rate, posts, reshares, "
            "institution_reshares"
        )
        department = con.execute(
            f"SELECT department, month, {columns} FROM marts.department_month"
        ).fetchall()
        programme = con.execute(f"SELECT month, {columns} FROM marts.programme_month").fetchall()
    return agent, department, programme


def approx_rows(rows):
    return {row[0]: tuple(pytest.approx(v) if isinstance(v, float) else v for v in row[1:]) for row in rows}


def test_agent_month_matches_hand_worked_figures(organisation):
    root, _ = organisation
    agent, _, _ = marts(root)
    by_id = {key(a): a for a in ("A01", "A02", "A03")}
    got = {(by_id[row[0]], row[1]): tuple(row[2:]) for row in agent}
    assert got == EXPECTED_AGENT_MONTH


def test_department_and_programme_month_match_hand_worked_figures(organisation):
    root, _ = organisation
    _, department, programme = marts(root)
    got_departments = {(r[0], r[1]): r[2:] for r in department}
    assert set(got_departments) == set(EXPECTED_DEPARTMENT_MONTH)
    for cell, expected in EXPECTED_DEPARTMENT_MONTH.items():
        assert got_departments[cell] == pytest.approx(expected), cell
    assert approx_rows(programme) == {
        m: tuple(pytest.approx(v) if isinstance(v, float) else v for v in values)
        for m, values in EXPECTED_PROGRAMME_MONTH.items()
    }


def test_published_file_is_pseudonymous(organisation):
    root, _ = organisation
    data = (root / "serving" / "relais.duckdb").read_bytes()
    secrets = ("Ann", "Lee", "ann.lee", "ville.fr", "A01", "A03", "Officer", "HQ")
    # Bytes: secrets of three letters or more. Two bytes ("HQ") turn up by chance in the random
    # block checksums of a DuckDB file (about one run in a hundred), so every secret is also looked
    # for in every text cell and comment through SQL, which sees strings however they are compressed.
    for secret in secrets:
        if len(secret) >= 3:
            assert secret.encode() not in data, secret
    with duckdb.connect(str(root / "serving" / "relais.duckdb"), read_only=True) as con:
        schemas = {r[0] for r in con.execute("SELECT DISTINCT schema_name FROM duckdb_tables()").fetchall()}
        texts = con.execute(
            "SELECT table_name, column_name FROM duckdb_columns() WHERE database_name = current_database() "
            "AND schema_name = 'marts' AND (data_type = 'VARCHAR' OR data_type LIKE '%VARCHAR[]%')"
        ).fetchall()
        assert texts, "no text column found to search"
        for table, column in texts:
            cells = con.execute(f'SELECT DISTINCT CAST("{column}" AS VARCHAR) FROM marts.{table}').fetchall()
            found = [(secret, cell) for (cell,) in cells if cell for secret in secrets if secret in cell]
            assert not found, f"marts.{table}.{column}: {found[:3]}"
        comments = con.execute(
            "SELECT comment FROM duckdb_tables() WHERE schema_name = 'marts' "
            "UNION ALL SELECT comment FROM duckdb_columns() WHERE schema_name = 'marts'"
        ).fetchall()
        assert not [c for (c,) in comments if c and any(s in c for s in secrets)]
    assert schemas == {"marts"}


def test_people_without_consent_leave_no_data(organisation):
    root, _ = organisation
    with duckdb.connect(str(root / "warehouse.duckdb"), read_only=True) as con:
        assert (
            con.execute(
                "SELECT count(*) FROM raw.li_shares WHERE _source_file LIKE '%export_ed%'"
            ).fetchone()[0]
            == 0
        )
        people = con.execute(
            "SELECT agent_id, first_name, email, is_ambassador FROM raw.roster ORDER BY _source_row"
        ).fetchall()
        owners = dict(con.execute("SELECT archive, agent_id FROM raw.archive_owners").fetchall())
        excluded = con.execute(
            "SELECT count(*) FROM raw.file_ledger WHERE status = 'excluded' AND container LIKE '%export_ed%'"
        ).fetchone()[0]
    assert [p[0] for p in people] == ["A01", "A02", "A03", None, None, None]
    assert all(p[1] is None and p[2] is None for p in people[3:])
    assert owners == {
        "exports/A03_linkedin": "A03",
        "linkedin/Complete_LinkedInDataExport_03-31-2026.zip": "A01",
        "linkedin/ann_2026-04": "A01",
        "linkedin/export_ed.zip": None,
    }
    assert excluded == 1
    data = (root / "warehouse.duckdb").read_bytes()
    assert b"Secret" not in data and b"Durand" not in data and b"marc-durand" not in data


def test_bad_input_is_quarantined_with_file_row_and_reason(organisation):
    root, result = organisation
    with duckdb.connect(str(root / "warehouse.duckdb"), read_only=True) as con:
        rows = con.execute("SELECT source_file, source_row, reason FROM quarantine.rows").fetchall()
        files = con.execute("SELECT source_file, reason FROM quarantine.files").fetchall()
    assert [(f, r) for f, r, _ in rows] == [("exports/A03_linkedin/Reactions.csv", 2)]
    assert "hier" in rows[0][2]
    assert files == [("misc/notes.txt", "not a recognised export (no known header line or sheet names)")]
    evaluations = result.get_asset_check_evaluations()
    checks = {
        (e.asset_check_key.asset_key.to_user_string(), e.asset_check_key.name): e.passed
        for e in evaluations
        if e.severity == AssetCheckSeverity.ERROR
    }
    assert checks[("quarantine/files", "row_conservation")] is True
    assert all(checks.values()), checks


def test_rerun_and_redropped_archive_change_nothing(organisation, tmp_path):
    root, _ = organisation
    before = marts(root)
    copy = tmp_path / "home"
    shutil.copytree(root, copy)
    (copy / "serving" / "relais.duckdb").unlink()
    shutil.copy(
        copy / "inbox" / "linkedin" / "Complete_LinkedInDataExport_03-31-2026.zip",
        copy / "inbox" / "linkedin" / "encore_la_meme_archive.zip",
    )
    assert run_pipeline(copy).success
    assert marts(copy) == before


def test_withdrawal_removes_history_at_the_next_run(organisation, tmp_path):
    root, _ = organisation
    copy = tmp_path / "home"
    shutil.copytree(root, copy)
    many = [
        f'2026-03-{1 + i % 28:02d} 09:{i % 60:02d}:00,{share(30)}{i},"Marqueur-Cy-{i:05d}",,,PUBLIC'
        for i in range(5000)
    ]
    write_text(copy / "inbox" / "exports" / "A03_linkedin" / "Shares_2.csv", [SHARES_HEADER, *many])
    assert run_pipeline(copy).success
    assert b"Marqueur-Cy" in (copy / "warehouse.duckdb").read_bytes()
    roster = copy / "inbox" / "hr" / "roster_2026-05.csv"
    write_text(
        roster, [ROSTER[0], "A03,Cy,Ng,cy.ng@ville.fr,Technique,Depot,Engineer,2026-03-10,1,2026-05-02"]
    )
    later = time.time() + 60
    os.utime(roster, (later, later))
    assert run_pipeline(copy).success
    agent, _, programme = marts(copy)
    for path in (copy / "warehouse.duckdb", copy / "serving" / "relais.duckdb"):
        assert b"Marqueur-Cy" not in path.read_bytes(), f"Cy's post text is still on disk in {path.name}"
    assert key("A03") not in {row[0] for row in agent}
    with duckdb.connect(str(copy / "warehouse.duckdb"), read_only=True) as con:
        for table in ("raw.li_shares", "raw.li_reactions"):
            assert con.execute(f"SELECT count(*) FROM {table} WHERE agent_id = 'A03'").fetchone()[0] == 0
        assert (
            con.execute(
                "SELECT count(*) FROM raw.roster WHERE agent_id = 'A03' OR first_name = 'Cy'"
            ).fetchone()[0]
            == 0
        )
    headcount = {r[0]: r[1] for r in programme}
    assert max(headcount) == date(2026, 3, 1), "April held only Cy's data"
    assert headcount[date(2026, 3, 1)] == 6, "Cy still counts in the headcount"
