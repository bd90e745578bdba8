"""Institution amplification that real data can show, and every LinkedIn link keyed, worked out by hand.

Ann (A01) and Bob (A02), both in Communication, enrolled in January 2026; the institution published
two posts (activity ...1001 on 10 January, ...1002 on 5 February). In February 2026 (Paris):

- Ann's archive has only Shares.csv: two reshares with commentary that, as in every real archive,
  do not name the post they relay (no SharedUrl; an lnkd.in link) and a post sharing a pulse
  article. posts 3, reshares 0, institution reshares 0, coverage 0 / 3 = 0 %: her zero means
  "not measurable", not "Ann relayed nothing".
- Bob's archive has InstantReposts.csv: ...1001 (URL-encoded feed URL), ...1002 (/posts/ slug) and a
  group post. posts 0, reshares 3, institution reshares 2, coverage 3 / 3 = 100 %. His
  Reactions.csv reacts to a LinkedIn Learning course, an event and a profile: all three keyed.

Communication and the programme in February: posts 3, reshares 3, institution reshares 2,
institution share 2 / 6, coverage (0 + 3) / 6 = 50 %. January: no activity, coverage NULL.
"""

import hashlib
import hmac
from datetime import date, datetime
from html import unescape
from zoneinfo import ZoneInfo

import duckdb
import pytest

from pipelines.settings import load_home
from relais.reports.build import write_month_report
from relais.reports.labels import Labels
from tests.builders import csv_text, write_page_export, write_text, write_zip
from tests.conftest import TEST_KEY, run_pipeline
from tests.report_checks import data_values
from tests.test_end_to_end import SHARES_HEADER, share

ROSTER = [
    "agent_id,first_name,last_name,email,department,site,job_title,enrolled_on,consent,consent_withdrawn_on",
    "A01,Ann,Lee,ann.lee@ville.fr,Communication,HQ,Officer,2026-01-01,oui,",
    "A02,Bob,Ray,bob.ray@ville.fr,Communication,HQ,Officer,2026-01-01,oui,",
]
POST_1001 = "https://www.linkedin.com/feed/update/urn:li:activity:7100000000000001001"
POST_1002 = "https://www.linkedin.com/feed/update/urn:li:activity:7100000000000001002/"
EMAILS_HEADER = "Email Address,Confirmed,Primary,Updated On"
JAN, FEB = date(2026, 1, 1), date(2026, 2, 1)


def build(inbox):
    write_text(inbox / "hr" / "roster.csv", ROSTER)
    write_page_export(
        inbox / "page" / "content.xlsx",
        [
            ("Budget 2026", POST_1001, "1/10/2026", 1000, 10, 20, 2, 3),
            ("Recrutement", POST_1002, "2/5/2026", 800, 8, 15, 1, 2),
        ],
    )
    write_zip(
        inbox / "linkedin" / "ann.zip",
        {
            "Email Addresses.csv": csv_text([EMAILS_HEADER, "ann.lee@ville.fr,Yes,Yes,"]),
            "Shares.csv": csv_text(
                [
                    SHARES_HEADER,
                    f'2026-02-06 09:00:00,{share(1)},"Fière de relayer le budget !",,,PUBLIC',
                    f'2026-02-12 09:00:00,{share(2)},"À lire",https://lnkd.in/eXaMpLe,,PUBLIC',
                    f'2026-02-20 09:00:00,{share(3)},"Mon article",'
                    "https://www.linkedin.com/pulse/mon-article-ann-lee/,,PUBLIC",
                ]
            ),
        },
    )
    write_zip(
        inbox / "linkedin" / "bob.zip",
        {
            "Email Addresses.csv": csv_text([EMAILS_HEADER, "bob.ray@ville.fr,Yes,Yes,"]),
            "InstantReposts.csv": csv_text(
                [
                    "Date,Link",
                    "2026-02-02 08:00:00,https://www.linkedin.com/feed/update/urn%3Ali%3Aactivity%3A7100000000000001001/",
                    "2026-02-06 08:00:00,https://www.linkedin.com/posts/ville_recrutement-activity-"
                    "7100000000000001002-AbCd?utm_source=share",
                    "2026-02-07 08:00:00,https://www.linkedin.com/feed/update/urn%3Ali%3AgroupPost%3A123-456/",
                ]
            ),
            "Reactions.csv": csv_text(
                [
                    "Date,Type,Link",
                    "2026-02-03 08:00:00,LIKE,urn:li:lyndaCourse:2825179",
                    "2026-02-04 08:00:00,LIKE,https://www.linkedin.com/events/forumemploi7134567890123456789/",
                    "2026-02-05 08:00:00,LIKE,https://www.linkedin.com/in/someone-else/",
                ]
            ),
        },
    )


def key(agent_id: str) -> str:
    return hmac.new(TEST_KEY, agent_id.encode(), hashlib.sha256).hexdigest()


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    root = tmp_path_factory.mktemp("coverage") / "home"
    build(root / "inbox")
    (root / "relais.toml").write_text("anonymity_threshold = 1\n", encoding="utf-8")
    assert run_pipeline(root).success
    return root


def _serving(root):
    return duckdb.connect(str(root / "serving" / "relais.duckdb"), read_only=True)


def test_agent_month_coverage_and_institution_reshares(home):
    with _serving(home) as con:
        rows = con.execute(
            "SELECT agent_key, month, posts, reshares, institution_reshares, reshare_attribution_coverage "
            "FROM marts.agent_month ORDER BY agent_key, month"
        ).fetchall()
    got = {(agent, month): rest for agent, month, *rest in rows}
    assert got == {
        (key("A01"), JAN): [0, 0, 0, None],
        (key("A01"), FEB): [3, 0, 0, 0.0],
        (key("A02"), JAN): [0, 0, 0, None],
        (key("A02"), FEB): [0, 3, 2, 1.0],
    }


def test_department_and_programme_coverage(home):
    columns = "posts, reshares, institution_reshares, institution_share, reshare_attribution_coverage"
    with _serving(home) as con:
        department = con.execute(
            f"SELECT month, {columns} FROM marts.department_month WHERE department = 'Communication' "
            "ORDER BY month"
        ).fetchall()
        programme = con.execute(
            f"SELECT month, {columns} FROM marts.programme_month ORDER BY month"
        ).fetchall()
    expected = [(JAN, 0, 0, 0, None, None), (FEB, 3, 3, 2, 0.3333, 0.5)]  # rates are published to 4 decimals
    assert department == expected
    assert programme == expected


def test_every_linkedin_link_is_keyed_and_joined(home):
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        reposts = con.execute("SELECT target_key FROM raw.li_instant_reposts ORDER BY reposted_at").fetchall()
        reactions = con.execute("SELECT target_key FROM raw.li_reactions ORDER BY reacted_at").fetchall()
        shares = con.execute(
            "SELECT kind, target_key, source, is_attributable FROM staging.activities ORDER BY occurred_at"
        ).fetchall()
        given = con.execute(
            "SELECT count(*) FROM staging.engagements_given WHERE kind = 'reaction' AND month = ?", [FEB]
        ).fetchall()
        checks = con.execute(
            "SELECT table_name, success FROM marts.quality_checks WHERE check_name = 'linkedin_links_keyed'"
        ).fetchall()
    assert [r[0] for r in reposts] == [
        "activity:7100000000000001001",
        "activity:7100000000000001002",
        "groupPost:123-456",
    ]
    assert [r[0] for r in reactions] == [
        "lyndaCourse:2825179",
        "event:7134567890123456789",
        "url:linkedin.com/in/someone-else",
    ]
    assert given == [(3,)]
    assert shares == [
        ("reshare", "activity:7100000000000001001", "archive_instant_reposts", True),
        ("reshare", "activity:7100000000000001002", "archive_instant_reposts", True),
        ("post", None, "archive_shares", False),
        ("reshare", "groupPost:123-456", "archive_instant_reposts", True),
        ("post", None, "archive_shares", False),
        ("post", "pulse:mon-article-ann-lee", "archive_shares", False),
    ]
    assert {t for t, _ in checks} == {
        "raw.li_shares",
        "raw.li_instant_reposts",
        "raw.li_comments",
        "raw.li_reactions",
    }
    assert all(ok for _, ok in checks)


@pytest.mark.parametrize(
    ("language", "note"),
    [("fr", "mesurable pour {share} de l'activité"), ("en", "measurable for {share} of activity")],
)
def test_report_shows_the_coverage_beside_institution_reshares(home, language, note):
    labels = Labels(language)
    settings = load_home(home).settings
    with _serving(home) as con:
        files = write_month_report(
            con,
            home / language,
            FEB,
            settings.model_copy(
                update={"organisation": "Ville", "report_language": language, "timezone": "Europe/Paris"}
            ),
            generated_at=datetime(2026, 3, 2, 8, 0, tzinfo=ZoneInfo("Europe/Paris")),
        )
    html = files[0].read_text(encoding="utf-8")
    values = data_values(html)
    assert float(values["institution_reshares"]) == 2
    assert float(values["reshare_attribution_coverage"]) == pytest.approx(0.5)
    tile = html.split('data-metric="institution_reshares"', 1)[1].split('<div class="tile"', 1)[0]
    assert note.format(share=labels.percent(0.5)) in unescape(tile)
