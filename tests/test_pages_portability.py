"""The institution's Page through the Pages Data Portability API (DMA), against the fake on 127.0.0.1.

The Page (urn:li:organization:4242, organizational Page 9042) published, relative to yesterday D-1:

- "Budget 2026" on D-2 09:00 UTC: urn:li:share:...1 for the APIs, activity ...1001 in the Page export
  (title "Budget 2026 ...", same day). The export gives it 1000 impressions, 10 clicks, 20 likes,
  2 comments, 3 reposts (file modified 4 days ago); the Community Management API's socialMetadata,
  obtained 5 days ago, 26 reactions and 3 comments; the DMA's dmaSocialMetadata, obtained now,
  LIKE 25 + PRAISE 3 = 28 reactions and 4 comments. The newest figure wins each fact: impressions
  1000, clicks 10, reposts 3 (export only), reactions 28 and comments 4 (DMA): one post, not three.
- "Forum emploi" on D-1: urn:li:ugcPost:...2, known from the DMA only: LIKE 12, 3 comments.
- an older post on D-10, outside the 3 days fetched (D-3 to D-1): listed, never kept.

Daily Page impressions: the export's Metrics sheet has D-5 500, D-2 700, D-1 800 (obtained the day
after its last day, today 00:00); the DMA content analytics, obtained now, have D-3 300 + 20,
D-2 650 + 60 and D-1 780 + 40 (organic + sponsored). One value a day: D-5 500 (export), D-3 320,
D-2 710, D-1 820 (DMA); clicks D-5 5 (export), D-3 3, D-2 7, D-1 8 (DMA).
"""

import os
import random
import time
from datetime import UTC, date, datetime, timedelta

import duckdb
import pytest

from relais.settings import Settings
from relais.sources.linkedin_api.client import LinkedInClient
from relais.sources.linkedin_api.fetch import ApiSettings, sync
from relais.sources.linkedin_api.files import PAGE_CONTENT_ANALYTICS, ApiOwner, read_api_file, write_api_file
from relais.sources.linkedin_api.pages_portability import next_cursor, restli_list
from relais.sources.linkedin_api.tokens import TokenStore
from relais.synthetic.page import PAGE_CONTENT, page_content_sheets, page_metrics_row
from relais.synthetic.workbooks import write_workbook
from tests.builders import write_text
from tests.conftest import run_pipeline
from tests.fake_linkedin_api import CURRENT_VERSION, FakeLinkedIn

ORG = "urn:li:organization:4242"
PAGE = "urn:li:organizationalPage:9042"
ORG_TOKEN = "AQXpageADMINdmaTOKENsecret"
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
UNTIL = date(2026, 11, 21)
ACTIVITY = "urn:li:activity:7100000000000001001"
ROSTER = [
    "agent_id,first_name,last_name,email,department,site,job_title,enrolled_on,consent,consent_withdrawn_on",
    "A01,Ann,Lee,ann.lee@ville.fr,Communication,HQ,Officer,2025-01-15,oui,",
]


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def publish(api: FakeLinkedIn, yesterday: date) -> tuple[str, str, str]:
    """The three posts of the module docstring, with their social metadata; their URNs."""
    older, budget, forum = (
        api.add_posts(ORG, [at(yesterday - timedelta(days=9))])[0],
        api.add_posts(ORG, [at(yesterday - timedelta(days=1))])[0],
        api.add_posts(ORG, [at(yesterday)], kind="ugcPost")[0],
    )
    commentary = {budget: "Budget  2026 : tout ce qui change", forum: "Forum emploi\nLe 12 mars à la mairie"}
    for post in api.posts[ORG]:
        post["commentary"] = commentary.get(post["id"], post["commentary"])
    api.social[budget] = {
        "commentSummary": {"count": 4, "topLevelCount": 4},
        "reactionSummaries": {"LIKE": {"count": 25}, "PRAISE": {"count": 3}},
    }
    api.social[forum] = {
        "commentSummary": {"count": 3, "topLevelCount": 3},
        "reactionSummaries": {"LIKE": {"count": 12}},
    }
    return older, budget, forum


def page_analytics(api: FakeLinkedIn, yesterday: date) -> None:
    """The DMA's daily Page figures of the module docstring (organic, sponsored)."""
    for back, impressions, clicks in ((2, (300, 20), (3, 0)), (1, (650, 60), (7, 0)), (0, (780, 40), (8, 0))):
        api.set_page_day(
            PAGE, yesterday - timedelta(days=back), IMPRESSIONS=impressions, CLICKS=clicks, REACTIONS=(5, 1)
        )


def dma_settings(api: FakeLinkedIn, **options) -> ApiSettings:
    base = {"version": CURRENT_VERSION, "base_url": api.base_url, "backfill_days": 3}
    return ApiSettings(**{**base, "organization_product": "pages_portability", **options})


def client_factory(token, settings, budget, log, label) -> LinkedInClient:
    return LinkedInClient(
        token,
        version=settings.version,
        base_url=settings.base_url,
        budget=budget,
        max_attempts=settings.max_attempts,
        log=log,
        label=label,
        sleep=lambda seconds: None,
        rng=random.Random(7),
    )


def pull(tmp_path, api: FakeLinkedIn, **options):
    tokens = TokenStore(tmp_path / "secrets" / "linkedin_tokens.json")
    tokens.set_organization(ORG, ORG_TOKEN)
    api.add_page_admin(ORG_TOKEN, ORG, PAGE)
    logs: list[str] = []
    report = sync(
        tmp_path / "inbox",
        tmp_path / "state.json",
        tokens,
        dma_settings(api, **options),
        set(),
        UNTIL,
        logs.append,
        client_factory=client_factory,
        clock=lambda: NOW,
    )
    return report, logs


def test_the_page_is_pulled_through_the_dma_endpoints_and_saved_as_envelopes(tmp_path, api):
    older, budget, forum = publish(api, UNTIL)
    page_analytics(api, UNTIL)
    report, logs = pull(tmp_path, api, page_size=2)
    organization = report.owner("organization")
    assert organization.status == "ok" and organization.days_fetched == 3 and organization.through == UNTIL
    endpoints = [r.endpoint for r in api.requests]
    assert "posts" not in endpoints and "organizationalEntityShareStatistics" not in endpoints
    assert endpoints == [
        "dmaFeedContentsExternal",  # forum, budget (2 a page, newest first)
        "dmaPosts",
        "dmaFeedContentsExternal",  # older: before the window, the listing stops
        "dmaPosts",
        "dmaSocialMetadata",
        "dmaOrganizationalPageProfiles",
        "dmaOrganizationalPageContentAnalytics",
    ]
    feeds = api.requests_to("dmaFeedContentsExternal")
    assert feeds[0].raw_params == {
        "q": "postsByAuthor",
        "author": "urn%3Ali%3Aorganization%3A4242",
        "maxPaginationCount": "2",
    }
    assert feeds[1].raw_params["paginationCursor"] == "c2"
    assert api.requests_to("dmaPosts")[0].raw_params["ids"] == str(restli_list([forum, budget]))
    assert api.requests_to("dmaOrganizationalPageProfiles")[0].raw_params["pageEntity"] == (
        "(organization:urn%3Ali%3Aorganization%3A4242)"
    )
    analytics = api.requests_to(PAGE_CONTENT_ANALYTICS)[0].raw_params
    assert analytics["sourceEntity"] == "urn%3Ali%3AorganizationalPage%3A9042"
    assert (
        analytics["metricTypes"] == "List(IMPRESSIONS,UNIQUE_IMPRESSIONS,CLICKS,REACTIONS,COMMENTS,REPOSTS)"
    )
    first, end = (int(at(day, 0).timestamp() * 1000) for day in (date(2026, 11, 19), date(2026, 11, 22)))
    assert analytics["timeIntervals"] == f"(timeRange:(start:{first},end:{end}),timeGranularityType:DAY)"
    assert all(r.headers["linkedin-version"] == CURRENT_VERSION for r in api.requests)

    folder = tmp_path / "inbox" / "linkedin-api" / "2026-11-22" / "organization"
    names = sorted(p.name for p in folder.iterdir())
    assert names == [
        "dmaOrganizationalPageContentAnalytics.json",
        "dmaPosts-2.json",
        "dmaPosts.json",
        "dmaSocialMetadata.json",
    ]
    posts = [
        row
        for name in ("dmaPosts.json", "dmaPosts-2.json")
        for row in read_api_file(folder / name, name).rows
    ]
    assert [(r["post_urn"], r["created_at"]) for r in posts] == [
        (forum, datetime(2026, 11, 21, 9, 0)),
        (budget, datetime(2026, 11, 20, 9, 0)),
    ], "the older post is listed but not kept"
    assert api.requests_to("dmaPosts")[1].raw_params["ids"] == str(restli_list([older]))
    social = read_api_file(folder / "dmaSocialMetadata.json", "s").rows
    assert [(r["post_key"], r["reactions"], r["comments"], r["like"], r["praise"]) for r in social] == [
        (f"ugcPost:{forum.rsplit(':', 1)[1]}", 12, 3, 12, 0),
        (f"share:{budget.rsplit(':', 1)[1]}", 28, 4, 25, 3),
    ]
    days = read_api_file(folder / "dmaOrganizationalPageContentAnalytics.json", "a")
    assert days.problems == [] and days.rows_read == 3, "6 metric types x 3 days, joined by day"
    assert [
        (r["day"], r["impressions"], r["clicks"], r["likes"], r["comments"], r["shares"]) for r in days.rows
    ] == [
        (date(2026, 11, 19), 320, 3, 6, 0, 0),
        (date(2026, 11, 20), 710, 7, 6, 0, 0),
        (date(2026, 11, 21), 820, 8, 6, 0, 0),
    ]
    assert ORG_TOKEN not in "".join(logs) + "".join(p.read_text() for p in folder.iterdir())

    api.requests.clear()
    again, _ = pull(tmp_path, api)
    assert again.owner("organization").message.startswith("up to date") and api.requests == []


def test_the_community_management_api_is_kept_unless_the_setting_says_otherwise(tmp_path, api):
    publish(api, UNTIL)
    report, _ = pull(tmp_path, api, organization_product="community")
    assert report.owner("organization").status == "ok"
    assert {r.endpoint for r in api.requests} == {"posts", "organizationalEntityShareStatistics"}
    assert Settings().linkedin_organization_product == "community"
    assert Settings(linkedin_organization_product="Pages_Portability").linkedin_organization_product == (
        "pages_portability"
    )
    with pytest.raises(ValueError, match="a LinkedIn product for the Page"):
        Settings(linkedin_organization_product="marketing")


def test_a_token_without_the_dma_product_is_refused_and_stops_the_page_only(tmp_path, api):
    tokens = TokenStore(tmp_path / "secrets" / "linkedin_tokens.json")
    tokens.set_organization(ORG, ORG_TOKEN)
    api.add_owner(ORG_TOKEN, ORG)  # a Community Management token: no r_dma_admin_pages_content
    report = sync(
        tmp_path / "inbox",
        tmp_path / "state.json",
        tokens,
        dma_settings(api),
        set(),
        UNTIL,
        lambda line: None,
        client_factory=client_factory,
        clock=lambda: NOW,
    )
    organization = report.owner("organization")
    assert organization.status == "failed" and "HTTP 403" in organization.message
    assert organization.through is None and not (tmp_path / "inbox" / "linkedin-api").exists()


def test_the_feed_cursor_is_read_under_either_spelling():
    assert next_cursor({"metadata": {"paginationCursorMetdata": {"nextPaginationCursor": "x"}}}) == "x"
    assert next_cursor({"metadata": {"paginationCursorMetadata": {"nextPaginationCursor": "y"}}}) == "y"
    assert next_cursor({"metadata": {"paginationCursorMetdata": {"nextPaginationCursor": None}}}) is None


def test_content_analytics_problems_are_reported_per_element(tmp_path):
    start = int(datetime(2026, 11, 19, tzinfo=UTC).timestamp() * 1000)

    def element(metric_type, value, end=start + 86_400_000):
        return {
            "type": metric_type,
            "metric": {"timeIntervals": {"timeRange": {"start": start, "end": end}}, "value": value},
        }

    path = write_api_file(
        tmp_path,
        date(2026, 11, 22),
        ApiOwner.organization(ORG),
        PAGE_CONTENT_ANALYTICS,
        "GET /rest/dmaOrganizationalPageContentAnalytics?q=trend",
        NOW,
        (date(2026, 11, 19), date(2026, 11, 19)),
        [
            element("IMPRESSIONS", {"totalCount": {"long": 120}}),
            element(
                "CLICKS",
                {
                    "typeSpecificValue": {
                        "contentAnalyticsValue": {"organicValue": {"long": 4}, "sponsoredValue": {"long": 1}}
                    }
                },
            ),
            element("REPOSTS", {"totalCount": {"bigDecimal": "2"}}),
            element("FOLLOWS", {"totalCount": {"long": 1}}),
            element("COMMENTS", {"totalCount": {"long": 1}}, end=start + 7 * 86_400_000),
            element("REACTIONS", {"totalCount": {"long": -1}}),
        ],
    )
    read = read_api_file(path, "a.json")
    assert read.rows_read == 4, "one day read, three elements quarantined"
    assert read.rows == [
        {
            "day": date(2026, 11, 19),
            "impressions": 120,
            "unique_impressions": None,
            "clicks": 5,
            "likes": None,
            "comments": None,
            "shares": 2,
            "engagement": None,
            "_source_row": 1,
        }
    ]
    assert [(p.source_row, p.reason.split(": ", 1)[1]) for p in read.problems] == [
        (4, "metric type 'FOLLOWS' is not one Relais reads"),
        (
            5,
            f"COMMENTS: the time range {{'start': {start}, 'end': {start + 7 * 86_400_000}}} is not one whole day",
        ),
        (6, "REACTIONS: totalCount -1 is negative"),
    ]


def _page_export(path, yesterday: date) -> None:
    """The Page export of the module docstring: the Budget post and three days of Metrics."""

    def us(day: date) -> str:
        return f"{day.month}/{day.day}/{day.year}"

    post = {
        "title": "Budget 2026 ...",
        "link": f"https://www.linkedin.com/feed/update/{ACTIVITY}",
        "type": "Organic",
        "posted_by": "Camille Admin",
        "created": us(yesterday - timedelta(days=1)),
        "impressions": 1000,
        "clicks": 10,
        "likes": 20,
        "comments": 2,
        "reposts": 3,
    }
    daily = [
        page_metrics_row(us(yesterday - timedelta(days=back)), impressions, impressions // 2, clicks, 4, 1, 0)
        for back, impressions, clicks in ((4, 500, 5), (1, 700, 6), (0, 800, 9))
    ]
    write_workbook(path, page_content_sheets(PAGE_CONTENT, daily, [post]))
    past = time.time() - 4 * 86_400
    os.utime(path, (past, past))


@pytest.mark.slow
def test_pipeline_counts_a_page_post_once_across_export_cm_api_and_dma(tmp_path, api):
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    root = tmp_path / "home"
    inbox = root / "inbox"
    write_text(inbox / "rh" / "roster.csv", ROSTER)
    _page_export(inbox / "page" / "content.xlsx", yesterday)
    (root / "relais.toml").write_text(
        f'linkedin_api_base_url = "{api.base_url}"\nlinkedin_api_version = "{CURRENT_VERSION}"\n'
        'linkedin_backfill_days = 3\nlinkedin_partitions_start = "2026-01-01"\n'
        'linkedin_organization_product = "pages_portability"\n'
    )
    TokenStore(root / "secrets" / "linkedin_tokens.json").set_organization(ORG, ORG_TOKEN)
    api.add_page_admin(ORG_TOKEN, ORG, PAGE)
    _, budget, forum = publish(api, yesterday)
    page_analytics(api, yesterday)
    cm_obtained = datetime.now(UTC) - timedelta(days=5)
    window = (yesterday - timedelta(days=2), yesterday)
    cm = ApiOwner.organization(ORG)
    cm_post = {"id": budget, "createdAt": int(at(window[1] - timedelta(days=1)).timestamp() * 1000)}
    write_api_file(
        inbox, cm_obtained.date(), cm, "posts", "GET /rest/posts?q=author", cm_obtained, window, [cm_post]
    )
    cm_social = {
        "entity": budget,
        "commentSummary": {"count": 3},
        "reactionSummaries": {"LIKE": {"count": 26}},
    }
    write_api_file(
        inbox,
        cm_obtained.date(),
        cm,
        "socialMetadata",
        "GET /rest/socialMetadata/x",
        cm_obtained,
        window,
        [cm_social],
    )

    assert run_pipeline(root).success
    assert {r.endpoint for r in api.requests} == {
        "dmaFeedContentsExternal",
        "dmaPosts",
        "dmaSocialMetadata",
        "dmaOrganizationalPageProfiles",
        "dmaOrganizationalPageContentAnalytics",
    }
    budget_key, forum_key = f"share:{budget.rsplit(':', 1)[1]}", f"ugcPost:{forum.rsplit(':', 1)[1]}"
    page_key = "activity:7100000000000001001"
    with duckdb.connect(str(root / "warehouse.duckdb"), read_only=True) as con:
        keys = con.execute(
            "SELECT key, post_key, matched_by FROM staging.institution_post_keys ORDER BY key"
        ).fetchall()
        posts = con.execute(
            "SELECT post_key, impressions, clicks, reactions, comments, reposts FROM marts.institution_post ORDER BY post_key"
        ).fetchall()
        metric_keys = {r[0] for r in con.execute("SELECT post_key FROM staging.post_metrics").fetchall()}
        days = con.execute(
            "SELECT day, metric, value, source_file LIKE '%linkedin-api%' FROM staging.page_day_metrics ORDER BY day, metric"
        ).fetchall()
        raw_days = con.execute("SELECT count(*) FROM raw.api_org_share_stats").fetchone()[0]
    assert keys == [
        (page_key, page_key, "page_export"),
        (budget_key, page_key, "api_matched_to_page"),
        (forum_key, forum_key, "api"),
    ]
    assert posts == [(page_key, 1000, 10, 28, 4, 3), (forum_key, None, None, 12, 3, None)]
    assert budget_key not in metric_keys, "the DMA and CM figures of the Budget post count under its Page key"
    d = {back: yesterday - timedelta(days=back) for back in range(5)}
    assert days == [
        (d[4], "page_clicks", 5, False),
        (d[4], "page_impressions", 500, False),
        (d[2], "page_clicks", 3, True),
        (d[2], "page_impressions", 320, True),
        (d[1], "page_clicks", 7, True),
        (d[1], "page_impressions", 710, True),
        (d[0], "page_clicks", 8, True),
        (d[0], "page_impressions", 820, True),
    ]
    assert raw_days == 3, "one row a day from the content analytics' 6 x 3 elements"
    assert ORG_TOKEN.encode() not in (root / "warehouse.duckdb").read_bytes()
