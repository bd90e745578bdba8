"""Institution reshares named by the LinkedIn API, worked out by hand.

The institution published "Budget 2026" on 10 January 2026: its Page export names it by activity
...1001, the API by urn:li:share:9001 (same day, the Page title begins the API commentary). It also
published "Forum emploi" on 3 February, known only from the API (urn:li:ugcPost:9002, 12 reactions).

Ann's API posts in February: share:5001 reshares share:9001 with commentary, share:5002 reshares
ugcPost:9002 without commentary, share:5003 is her own post. Her archive repeats share:5001 and
share:5003 in Shares.csv (as real archives do, without the reshared link), adds share:5004 (a post
only the archive knows) and an InstantReposts.csv row in the same minute as share:5002.

Counted once each: posts 5003 and 5004 (2), reshares 5001 and 5002 (2), both of the institution;
attributable 3 of 4 (5004 comes from Shares.csv alone), coverage 75 %.
"""

from datetime import UTC, date, datetime

import duckdb
import pytest

from relais.sources.linkedin_api.files import ApiOwner, write_api_file
from tests.builders import csv_text, write_page_export, write_text, write_zip
from tests.conftest import run_pipeline
from tests.test_amplification_coverage import EMAILS_HEADER, ROSTER, key
from tests.test_end_to_end import SHARES_HEADER

ORG = ApiOwner.organization("urn:li:organization:4242")
ANN = ApiOwner.member("A01")
PAGE_1001 = "https://www.linkedin.com/feed/update/urn:li:activity:7100000000000001001"
OBTAINED = datetime(2026, 3, 1, 6, 0, tzinfo=UTC)
FEB = date(2026, 2, 1)


def ms(moment: datetime) -> int:
    return int(moment.replace(tzinfo=UTC).timestamp() * 1000)


def post(urn: str, at: datetime, commentary: str | None = None, parent: str | None = None) -> dict:
    element = {"id": urn, "createdAt": ms(at), "lifecycleState": "PUBLISHED", "visibility": "PUBLIC"}
    if commentary is not None:
        element["commentary"] = commentary
    if parent is not None:
        element["reshareContext"] = {"parent": parent}
    return element


def _api(inbox, owner, endpoint, request, elements):
    window = (date(2026, 1, 1), date(2026, 2, 28))
    write_api_file(inbox, date(2026, 3, 1), owner, endpoint, request, OBTAINED, window, elements)


def build(inbox):
    write_text(inbox / "hr" / "roster.csv", ROSTER)
    write_page_export(
        inbox / "page" / "content.xlsx", [("Budget 2026 ...", PAGE_1001, "1/10/2026", 1000, 10, 20, 2, 3)]
    )
    _api(
        inbox,
        ORG,
        "posts",
        "GET /rest/posts?q=author&author=urn%3Ali%3Aorganization%3A4242",
        [
            post("urn:li:share:9001", datetime(2026, 1, 10, 9, 0), "Budget  2026 : tout ce qui change"),
            post("urn:li:ugcPost:9002", datetime(2026, 2, 3, 9, 0), "Forum emploi\nLe 12 mars à la mairie"),
        ],
    )
    _api(
        inbox,
        ORG,
        "socialMetadata",
        "GET /rest/socialMetadata/urn%3Ali%3AugcPost%3A9002",
        [
            {
                "entity": "urn:li:ugcPost:9002",
                "commentSummary": {"count": 3, "topLevelCount": 3},
                "reactionSummaries": {"LIKE": {"count": 12}},
            }
        ],
    )
    _api(
        inbox,
        ANN,
        "posts",
        "GET /rest/posts?q=author&author=urn%3Ali%3Aperson%3AaB1",
        [
            post("urn:li:share:5001", datetime(2026, 2, 6, 9, 0), "Fière de relayer !", "urn:li:share:9001"),
            post("urn:li:share:5002", datetime(2026, 2, 7, 8, 0, 12), None, "urn:li:ugcPost:9002"),
            post("urn:li:share:5003", datetime(2026, 2, 8, 9, 0), "Mon équipe"),
        ],
    )
    link = "https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A{}"
    write_zip(
        inbox / "linkedin" / "ann.zip",
        {
            "Email Addresses.csv": csv_text([EMAILS_HEADER, "ann.lee@ville.fr,Yes,Yes,"]),
            "Shares.csv": csv_text(
                [
                    SHARES_HEADER,
                    f'2026-02-06 09:00:00,{link.format(5001)},"Fière de relayer !",,,PUBLIC',
                    f'2026-02-08 09:00:00,{link.format(5003)},"Mon équipe",,,PUBLIC',
                    f'2026-02-20 09:00:00,{link.format(5004)},"Seulement dans l\'archive",,,PUBLIC',
                ]
            ),
            "InstantReposts.csv": csv_text(
                [
                    "Date,Link",
                    "2026-02-07 08:00:00,https://www.linkedin.com/feed/update/urn%3Ali%3Aactivity%3A7100000000000009002/",
                ]
            ),
        },
    )


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    root = tmp_path_factory.mktemp("api-amplification") / "home"
    build(root / "inbox")
    (root / "relais.toml").write_text("anonymity_threshold = 1\n", encoding="utf-8")
    assert run_pipeline(root).success
    return root


def test_each_item_counted_once_from_the_source_that_knows_most(home):
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        rows = con.execute(
            "SELECT item_key, kind, source, institution_post_key, is_attributable "
            "FROM staging.activities ORDER BY occurred_at"
        ).fetchall()
        keys = con.execute(
            "SELECT key, post_key, matched_by FROM staging.institution_post_keys ORDER BY key"
        ).fetchall()
    assert rows == [
        ("share:5001", "reshare", "api_posts", "activity:7100000000000001001", True),
        ("share:5002", "reshare", "api_posts", "ugcPost:9002", True),
        ("share:5003", "post", "api_posts", None, True),
        ("share:5004", "post", "archive_shares", None, False),
    ]
    assert keys == [
        ("activity:7100000000000001001", "activity:7100000000000001001", "page_export"),
        ("share:9001", "activity:7100000000000001001", "api_matched_to_page"),
        ("ugcPost:9002", "ugcPost:9002", "api"),
    ]


def test_agent_month_counts_api_reshares_of_the_institution(home):
    with duckdb.connect(str(home / "serving" / "relais.duckdb"), read_only=True) as con:
        row = con.execute(
            "SELECT posts, reshares, institution_reshares, reshare_attribution_coverage "
            "FROM marts.agent_month WHERE agent_key = ? AND month = ?",
            [key("A01"), FEB],
        ).fetchone()
    assert row == (2, 2, 2, pytest.approx(0.75))


def test_institution_posts_from_the_api_join_the_page_export(home):
    with duckdb.connect(str(home / "serving" / "relais.duckdb"), read_only=True) as con:
        rows = con.execute(
            "SELECT post_key, post_link, title, created_on, impressions, reactions, comments, "
            "relaying_ambassadors, reshares FROM marts.institution_post ORDER BY created_on"
        ).fetchall()
    assert rows == [
        ("activity:7100000000000001001", PAGE_1001, "Budget 2026 ...", date(2026, 1, 10), 1000, 20, 2, 1, 1),
        (
            "ugcPost:9002",
            "https://www.linkedin.com/feed/update/urn:li:ugcPost:9002/",
            "Forum emploi",
            date(2026, 2, 3),
            None,
            12,
            3,
            1,
            1,
        ),
    ]
