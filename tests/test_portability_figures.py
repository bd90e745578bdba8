"""Members who consented through the EU data-portability APIs, others who handed in archives, some both.

Figures worked by hand for a small organisation: Ann gave only her consent (a member snapshot and
her changelog), Bob only an archive, Cy both, overlapping. Every item counts once, deletes leave the
figures, reshares named by the changelog count as institution amplification, a domain LinkedIn has
not built yet is loaded empty with its reason, and a revoked authorisation takes the member out of
the warehouse and the published snapshot at the next run.
"""

from datetime import UTC, date, datetime

import duckdb

from pipelines.settings import load_home
from relais.privacy.withdrawals import record_withdrawal, withdrawn_tokens
from relais.sources.linkedin_api.files import MEMBER_CHANGELOG, MEMBER_SNAPSHOT, ApiOwner, write_api_file
from tests.builders import csv_text, write_page_export, write_text, write_zip
from tests.conftest import run_pipeline
from tests.test_end_to_end import POST_1001, SHARES_HEADER

ROSTER = [
    "agent_id,first_name,last_name,email,department,site,job_title,enrolled_on,consent,consent_withdrawn_on",
    "A01,Ann,Lee,ann.lee@ville.fr,Communication,HQ,Officer,2026-01-05,oui,",
    "A02,Bob,Ray,bob.ray@ville.fr,Communication,HQ,Officer,2026-01-05,oui,",
    "A03,Cy,Ng,cy.ng@ville.fr,Technique,Depot,Engineer,2026-01-05,oui,",
]
INSTITUTION = "urn:li:activity:7100000000000001001"


def link(n: int) -> str:
    return f"https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A7000000000000000{n:03d}"


def urn(n: int) -> str:
    return f"urn:li:share:7000000000000000{n:03d}"


def ms(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp() * 1000)


def share_row(day: str, n: int, text: str, shared: str = "") -> dict:
    return {
        "Date": day,
        "ShareLink": link(n),
        "ShareCommentary": text,
        "SharedUrl": shared,
        "Visibility": "PUBLIC",
    }


def post_event(event: int, n: int, created: str, parent: str | None = None, method: str = "CREATE") -> dict:
    activity = (
        {}
        if method == "DELETE"
        else {
            "id": urn(n),
            "created": {"time": ms(created)},
            "specificContent": {"com.linkedin.ugc.ShareContent": {"shareCommentary": {"text": ""}}},
            **({"responseContext": {"parent": parent, "root": parent}} if parent else {}),
        }
    )
    return {
        "id": event,
        "capturedAt": ms(created),
        "processedAt": ms(created) + 5000 + event,
        "method": method,
        "resourceName": "ugcPosts",
        "resourceId": urn(n),
        "activity": activity,
    }


def comment_event(event: int, comment_id: int, created: str, target: str) -> dict:
    activity = {
        "id": str(comment_id),
        "created": {"time": ms(created)},
        "message": {"text": "Bravo"},
        "object": target,
    }
    return {
        "id": event,
        "capturedAt": ms(created),
        "processedAt": ms(created) + 5000,
        "method": "CREATE",
        "resourceName": "socialActions/comments",
        "resourceId": str(comment_id),
        "activity": activity,
    }


def snapshot(inbox, agent_id: str, domain: str, rows: list[dict], day: date = date(2026, 3, 1)) -> None:
    request = f"GET /rest/memberSnapshotData?q=criteria&domain={domain}&start=0&count=50"
    elements = [{"snapshotDomain": domain, "snapshotData": rows}] if rows else []
    obtained = datetime(day.year, day.month, day.day, 6, tzinfo=UTC)
    write_api_file(
        inbox, day, ApiOwner.member(agent_id), MEMBER_SNAPSHOT, request, obtained, (day, day), elements
    )


def changelog(inbox, agent_id: str, events: list[dict], day: date = date(2026, 3, 20)) -> None:
    request = f"GET /rest/memberChangeLogs?q=memberAndApplication&startTime={ms('2026-02-25T00:00:00')}"
    obtained = datetime(day.year, day.month, day.day, 6, tzinfo=UTC)
    write_api_file(
        inbox,
        day,
        ApiOwner.member(agent_id),
        MEMBER_CHANGELOG,
        request,
        obtained,
        (date(2026, 2, 25), day),
        events,
    )


def build(inbox) -> None:
    write_text(inbox / "hr" / "roster.csv", ROSTER)
    write_page_export(
        inbox / "page" / "content.xlsx", [("Budget 2026", POST_1001, "1/10/2026", 1000, 10, 20, 2, 3)]
    )
    # Ann: consent only. Her snapshot: a post (later deleted), a reshare of the institution's post, a like.
    snapshot(
        inbox,
        "A01",
        "MEMBER_SHARE_INFO",
        [
            share_row("2026-02-03 09:00:00", 101, "Mon post"),
            share_row("2026-02-10 09:00:00", 102, "À lire", POST_1001),
        ],
    )
    snapshot(inbox, "A01", "ALL_LIKES", [{"Date": "2026-02-04 08:00:00", "Type": "LIKE", "Link": POST_1001}])
    snapshot(inbox, "A01", "SKILLS", [])  # not built yet at LinkedIn
    # Her changelog: a reshare of the institution's post, a post created then deleted, a comment, the
    # deletion of her February post; the first event saved again by a second pull.
    events = [
        post_event(1, 103, "2026-03-05T10:00:00", parent=INSTITUTION),
        post_event(2, 104, "2026-03-06T10:00:00"),
        post_event(3, 104, "2026-03-06T12:00:00", method="DELETE"),
        comment_event(4, 9001, "2026-03-07T10:00:00", INSTITUTION),
        post_event(5, 101, "2026-03-08T10:00:00", method="DELETE"),
    ]
    changelog(inbox, "A01", events)
    changelog(inbox, "A01", events[:1])
    # Bob: an archive only.
    bob = {
        "Email Addresses.csv": csv_text(
            ["Email Address,Confirmed,Primary,Updated On", "bob.ray@ville.fr,Yes,Yes,"]
        ),
        "Shares.csv": csv_text([SHARES_HEADER, f'2026-02-05 10:00:00,{link(201)},"Bob",,,PUBLIC']),
    }
    write_zip(inbox / "linkedin" / "bob.zip", bob)
    # Cy: an archive, a snapshot repeating its post and adding a reshare, the changelog naming that reshare.
    cy = {
        "Email Addresses.csv": csv_text(
            ["Email Address,Confirmed,Primary,Updated On", "cy.ng@ville.fr,Yes,Yes,"]
        ),
        "Shares.csv": csv_text([SHARES_HEADER, f'2026-02-12 10:00:00,{link(301)},"Cy",,,PUBLIC']),
    }
    write_zip(inbox / "linkedin" / "cy.zip", cy)
    snapshot(
        inbox,
        "A03",
        "MEMBER_SHARE_INFO",
        [
            share_row("2026-02-12 10:00:00", 301, "Cy"),
            share_row("2026-02-20 09:00:00", 302, "", ""),
        ],
    )
    changelog(inbox, "A03", [post_event(7, 302, "2026-02-20T09:00:00", parent=INSTITUTION)])


def _figures(root) -> dict[tuple, int]:
    with duckdb.connect(str(root / "warehouse.duckdb"), read_only=True) as con:
        rows = con.execute(
            """
            SELECT r.agent_id, x.kind, strftime(x.month, '%Y-%m'), x.institution, count(*)
            FROM (
                SELECT agent_key, kind, month, is_institution_target AS institution FROM staging.activities
                UNION ALL
                SELECT agent_key, kind, month, NULL FROM staging.engagements_given
            ) AS x JOIN raw.roster AS r ON r.agent_key = x.agent_key AND r.is_current
            GROUP BY ALL
            """
        ).fetchall()
    return {tuple(r[:4]): r[4] for r in rows}


def test_consent_archive_and_both_count_every_item_once(tmp_path):
    root = tmp_path / "home"
    build(root / "inbox")
    (root / "relais.toml").write_text("anonymity_threshold = 1\n", encoding="utf-8")
    assert run_pipeline(root).success
    assert _figures(root) == {
        ("A01", "reshare", "2026-02", True): 1,  # snapshot row 102 (SharedUrl names the institution post)
        ("A01", "reaction", "2026-02", None): 1,
        ("A01", "reshare", "2026-03", True): 1,  # changelog event 1, saved twice, counted once
        ("A01", "comment", "2026-03", None): 1,
        ("A02", "post", "2026-02", False): 1,
        ("A03", "post", "2026-02", False): 1,  # archive and snapshot: one item
        ("A03", "reshare", "2026-02", True): 1,  # snapshot row without SharedUrl, named by the changelog
    }, "Ann's deleted posts (101 from her snapshot, 104 from the changelog) must not count"
    with duckdb.connect(str(root / "warehouse.duckdb"), read_only=True) as con:
        pending = con.execute(
            "SELECT reason FROM raw.file_ledger WHERE kind = 'member_snapshot' AND source_file LIKE '%-3.json'"
        ).fetchall()
        owners = con.execute(
            "SELECT agent_id, count(*) FROM raw.archive_owners WHERE agent_id IS NOT NULL GROUP BY 1 ORDER BY 1"
        ).fetchall()
    assert pending == [("SKILLS: no rows yet (LinkedIn builds a snapshot one domain at a time)",)]
    assert owners == [("A01", 1), ("A02", 1), ("A03", 2)]


def test_a_revoked_authorisation_takes_the_member_out_at_the_next_run(tmp_path):
    root = tmp_path / "home"
    build(root / "inbox")
    (root / "relais.toml").write_text("anonymity_threshold = 1\n", encoding="utf-8")
    assert run_pipeline(root).success
    home = load_home(root)
    record_withdrawal(home, "A01", "LinkedIn answered 401: the authorisation was revoked")
    assert home.pseudonymiser.erasure_token("A01") in withdrawn_tokens(home)
    assert b"A01" not in (root / "state" / "consent_withdrawals.json").read_bytes()
    assert run_pipeline(root).success
    figures = _figures(root)
    assert not any(key[0] == "A01" for key in figures) and ("A02", "post", "2026-02", False) in figures
    ann = home.pseudonymiser.agent_key("A01")
    with duckdb.connect(str(home.serving), read_only=True) as con:
        tables = con.execute("SELECT schema_name, table_name FROM duckdb_tables()").fetchall()
        for schema, table in tables:
            columns = [c[0] for c in con.execute(f'DESCRIBE "{schema}"."{table}"').fetchall()]
            if "agent_key" in columns:
                found = con.execute(f'SELECT count(*) FROM "{schema}"."{table}" WHERE agent_key = ?', [ann])
                assert found.fetchone()[0] == 0, f"{schema}.{table} still holds the withdrawn member"
    audit = (home.erasure_dir / "audit.log").read_text(encoding="utf-8")
    assert "linkedin_authorisation_revoked" in audit and "A01" not in audit
