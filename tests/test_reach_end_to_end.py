"""Reach figures from every source, overlapping, worked out by hand.

Ann (A01) and Bob (A02) are consenting ambassadors in Communication; Cy (A03) refused. Ann has two
creator analytics exports that overlap on 10 February 2026: the older one (English, found by the
name in its file name) says 700 impressions and 30 engagements, the newer one (French interface,
D/M/Y dates, found by the agent id of its folder) revises them to 800 and 35 — the newer wins. Bob's
March figures come from the LinkedIn API. The institution's Page has two overlapping exports and an
API pull; an EveryoneSocial report gives clicks and names an outsider and Cy, both withheld.

By hand, per month (impressions / engagements received / followers gained / clicks):
  Ann  2026-01: 500 + 300 = 800 / 20 + 10 = 30 / 5 / 0
  Ann  2026-02: 800 (newer file) / 35 / 7 / 37
  Ann  2026-03: 400 / 12 / 3 / 0
  Bob  2026-02: 0 / 0 / 0 / 8
  Bob  2026-03: 120 / 4 + 1 = 5 / 2 / 0
Page impressions: January 110 + 250 (revised 31 Jan in the newer export) = 360; February
300 + 450 (API, obtained after both exports) = 750.
"""

import hashlib
import hmac
import os
from datetime import date, datetime

import duckdb
import pytest

from relais.sources.linkedin_api.files import ApiOwner, write_api_file
from relais.synthetic.creator import ENGLISH, FRENCH, write_creator_export
from relais.synthetic.workbooks import write_workbook
from tests.builders import write_text
from tests.conftest import TEST_KEY, run_pipeline

ROSTER = [
    "agent_id,first_name,last_name,email,department,site,job_title,enrolled_on,consent,consent_withdrawn_on",
    "A01,Ann,Lee,ann.lee@ville.fr,Communication,HQ,Officer,2026-01-15,oui,",
    "A02,Bob,Ray,bob.ray@ville.fr,Communication,HQ,Officer,2026-02-01,oui,",
    "A03,Cy,Ng,cy.ng@ville.fr,Communication,HQ,Officer,2026-01-01,non,",
]
POST = "https://www.linkedin.com/feed/update/urn:li:activity:7100000000000001001"


def _stamp(path, when: datetime):
    moment = when.timestamp()
    os.utime(path, (moment, moment))


def _page_export(path, metric_rows, when):
    header = [
        "Date",
        "Impressions (organic)",
        "Impressions (sponsored)",
        "Impressions (total)",
        "Clicks (total)",
    ]
    posts_header = [
        "Post title",
        "Post link",
        "Post type",
        "Created date",
        "Impressions",
        "Clicks",
        "Likes",
        "Comments",
        "Reposts",
    ]
    write_workbook(
        path,
        {
            "Metrics": [["Aggregated metrics for the selected range."], header, *metric_rows],
            "All posts": [
                ["All posts published in the selected range."],
                posts_header,
                ["Budget", POST, "Organic", "1/10/2026", 1000, 10, 20, 2, 3],
            ],
        },
    )
    _stamp(path, when)


def build(inbox):
    write_text(inbox / "rh" / "roster.csv", ROSTER)
    _page_export(
        inbox / "page" / "content_jan.xlsx",
        [["1/30/2026", 100, 10, 110, 5], ["1/31/2026", 200, 0, 200, 4], ["2/1/2026", 300, 0, 300, 3]],
        datetime(2026, 2, 2, 12),
    )
    _page_export(
        inbox / "page" / "content_feb.xlsx",
        [["1/31/2026", 250, 0, 250, 4], ["2/1/2026", 300, 0, 300, 3], ["2/2/2026", 400, 0, 400, 6]],
        datetime(2026, 3, 1, 12),
    )
    older = write_creator_export(
        inbox / "analytique" / "AggregateAnalytics_Ann Lee_2026-01-01_2026-02-28.xlsx",
        ENGLISH,
        "1/1/2026 - 2/28/2026",
        (1500, 900),
        [["1/20/2026", 500, 20], ["1/21/2026", 300, 10], ["2/10/2026", 700, 30]],
        [[POST, "1/10/2026", 40]],
        [[POST, "1/10/2026", 1200]],
        "2/28/2026",
        250,
        [["1/20/2026", 5], ["2/10/2026", 7]],
    )
    _stamp(older, datetime(2026, 3, 1, 12))
    newer = write_creator_export(
        inbox / "analytique" / "A01" / "AggregateAnalytics_Ann Lee_2026-02-01_2026-03-31.xlsx",
        FRENCH,
        "1/2/2026 - 31/3/2026",
        (1200, 700),
        [["10/2/2026", 800, 35], ["15/3/2026", 400, 12]],
        [],
        [],
        "31/3/2026",
        253,
        [["10/2/2026", 7], ["15/3/2026", 3]],
    )
    _stamp(newer, datetime(2026, 4, 1, 12))
    refused = write_creator_export(
        inbox / "analytique" / "AggregateAnalytics_Cy Ng_2026-01-01_2026-02-28.xlsx",
        ENGLISH,
        "1/1/2026 - 2/28/2026",
        (99, 9),
        [["1/20/2026", 99, 9]],
        [],
        [],
        "2/28/2026",
        1,
        [],
    )
    _stamp(refused, datetime(2026, 3, 1, 12))
    write_text(
        inbox / "advocacy" / "everyonesocial_users_2026-02.csv",
        [
            "Name,Type,Created On,Onboarded,Last Active,Reach,Posts,Shares,Clicks",
            "ann lee,User,2025-12-01,2025-12-02,2026-02-27,5000,4,12,37",
            "Bob RAY,User,2025-12-01,2025-12-02,2026-02-20,1000,1,3,8",
            "Cy Ng,User,2025-12-01,2025-12-02,2026-02-20,700,2,2,5",
            "Zoé Étrangère,User,2025-12-01,2025-12-02,2026-02-20,300,1,1,2",
        ],
    )
    bob = ApiOwner.member("A02")
    day = {"start": {"day": 5, "month": 3, "year": 2026}, "end": {"day": 6, "month": 3, "year": 2026}}
    for metric, count in (("IMPRESSION", 120), ("REACTION", 4), ("COMMENT", 1)):
        write_api_file(
            inbox,
            date(2026, 3, 6),
            bob,
            "memberCreatorPostAnalytics",
            f"GET /rest/memberCreatorPostAnalytics?q=me&queryType={metric}&aggregation=DAILY",
            datetime(2026, 3, 6, 8),
            (date(2026, 3, 5), date(2026, 3, 5)),
            [{"count": count, "dateRange": day, "metricType": {"x": metric}}],
        )
    write_api_file(
        inbox,
        date(2026, 3, 6),
        bob,
        "memberFollowersCount",
        "GET /rest/memberFollowersCount?q=dateRange",
        datetime(2026, 3, 6, 8),
        (date(2026, 3, 5), date(2026, 3, 5)),
        [{"memberFollowersCount": 2, "dateRange": day}],
    )
    start_ms = int(datetime(2026, 2, 2).timestamp() * 1000)
    write_api_file(
        inbox,
        date(2026, 11, 1),
        ApiOwner.organization("urn:li:organization:42"),
        "organizationalEntityShareStatistics",
        "GET /rest/organizationalEntityShareStatistics",
        datetime(2026, 11, 1, 8),
        (date(2026, 2, 2), date(2026, 2, 2)),
        [
            {
                "timeRange": {"start": start_ms, "end": start_ms + 86_400_000},
                "totalShareStatistics": {
                    "impressionCount": 450,
                    "clickCount": 9,
                    "likeCount": 3,
                    "commentCount": 1,
                    "shareCount": 0,
                },
            }
        ],
    )


def key(agent_id: str) -> str:
    return hmac.new(TEST_KEY, agent_id.encode(), hashlib.sha256).hexdigest()


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    root = tmp_path_factory.mktemp("reach") / "home"
    build(root / "inbox")
    assert run_pipeline(root).success
    return root


def test_agent_month_reach_figures(home):
    with duckdb.connect(str(home / "serving" / "relais.duckdb"), read_only=True) as con:
        rows = con.execute(
            "SELECT agent_key, month, impressions, engagements_received, followers_gained, clicks "
            "FROM marts.agent_month ORDER BY agent_key, month"
        ).fetchall()
    names = {key("A01"): "Ann", key("A02"): "Bob"}
    got = {(names[r[0]], str(r[1])[:7]): r[2:] for r in rows}
    assert got == {
        ("Ann", "2026-01"): (800, 30, 5, 0),
        ("Ann", "2026-02"): (800, 35, 7, 37),
        ("Ann", "2026-03"): (400, 12, 3, 0),
        ("Bob", "2026-02"): (0, 0, 0, 8),
        ("Bob", "2026-03"): (120, 5, 2, 0),
    }


def test_programme_and_department_sums(home):
    with duckdb.connect(str(home / "serving" / "relais.duckdb"), read_only=True) as con:
        programme = con.execute(
            "SELECT month, impressions, engagements_received, followers_gained, clicks, page_impressions "
            "FROM marts.programme_month ORDER BY month"
        ).fetchall()
        department = con.execute(
            "SELECT month, impressions, clicks FROM marts.department_month ORDER BY month"
        ).fetchall()
    assert [(str(r[0])[:7], *r[1:]) for r in programme] == [
        ("2026-01", 800, 30, 5, 0, 360),
        ("2026-02", 800, 35, 7, 45, 750),
        ("2026-03", 520, 17, 5, 0, None),
    ]
    assert [(str(r[0])[:7], *r[1:]) for r in department] == [
        ("2026-01", 800, 0),
        ("2026-02", 800, 45),
        ("2026-03", 520, 0),
    ]


def test_reach_is_published_per_period_and_post_never_summed(home):
    with duckdb.connect(str(home / "serving" / "relais.duckdb"), read_only=True) as con:
        periods = con.execute(
            "SELECT agent_key, period_start, period_end, members_reached FROM marts.agent_reach ORDER BY 2"
        ).fetchall()
        post = con.execute(
            "SELECT impressions, reactions, comments, reposts, is_institution_post FROM "
            "marts.post_metrics WHERE post_key = 'activity:7100000000000001001'"
        ).fetchall()
    assert periods == [
        (key("A01"), date(2026, 1, 1), date(2026, 2, 28), 900),
        (key("A01"), date(2026, 2, 1), date(2026, 3, 31), 700),
    ]
    assert post == [(1000, 20, 2, 3, True)]


def test_lineage_and_privacy(home):
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        winner = con.execute(
            "SELECT source_file FROM staging.agent_day_metrics WHERE day = DATE '2026-02-10' AND metric = 'impressions'"
        ).fetchone()[0]
        page = con.execute(
            "SELECT source_file FROM staging.page_day_metrics WHERE day = DATE '2026-02-02' "
            "AND metric = 'page_impressions'"
        ).fetchone()[0]
        owners = dict(con.execute("SELECT source_file, agent_id FROM raw.analytics_owners").fetchall())
        ledger = dict(
            con.execute(
                "SELECT source_file, rows_withheld FROM raw.file_ledger WHERE kind = 'everyonesocial_users'"
            ).fetchall()
        )
        platform_rows = con.execute("SELECT count(*) FROM raw.advocacy_users").fetchone()[0]
        refused_rows = con.execute(
            "SELECT count(*) FROM raw.creator_daily WHERE _source_file LIKE '%Cy Ng%'"
        ).fetchone()[0]
    assert winner == "analytique/A01/AggregateAnalytics_Ann Lee_2026-02-01_2026-03-31.xlsx"
    assert page.startswith("linkedin-api/2026-11-01/organization/")
    assert owners["analytique/AggregateAnalytics_Cy Ng_2026-01-01_2026-02-28.xlsx"] is None
    assert owners["analytique/AggregateAnalytics_Ann Lee_2026-01-01_2026-02-28.xlsx"] == "A01"
    assert ledger == {"advocacy/everyonesocial_users_2026-02.csv": 2}
    assert platform_rows == 2
    assert refused_rows == 0, "a refusing person's export is never read"
    data = (home / "warehouse.duckdb").read_bytes()
    assert "Étrangère".encode() not in data, "names in advocacy reports are never stored"


def test_worker_processes_read_the_exports_as_one_process_does(home):
    """The parallel path (spreadsheets read in worker processes, rows back as typed frames) gives the
    same rows as reading them in this process."""
    import polars as pl

    from relais.inbox.scan import scan_inbox
    from relais.sources.readers.analytics import CREATOR_SCHEMAS, Person, ingest_creator_exports

    items = [i for i in scan_inbox(home / "inbox") if i.kind in {"creator_analytics", "post_analytics"}]
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        people = [
            Person(*r)
            for r in con.execute(
                "SELECT agent_id, first_name, last_name FROM raw.roster WHERE is_current AND is_ambassador"
            ).fetchall()
        ]
    results = []
    for workers in (1, 2):
        frames: dict[str, list[pl.DataFrame]] = {}
        _, owners, ledger = ingest_creator_exports(
            home / "inbox",
            items,
            people,
            lambda table, data, frames=frames: frames.setdefault(table, []).append(data),
            workers,
            CREATOR_SCHEMAS,
            parallel_from=1,
        )
        tables = {t: pl.concat(f).sort(pl.all()).to_dicts() for t, f in frames.items()}
        results.append((tables, owners, [f.as_row() for f in ledger.files]))
    assert len(items) >= 3 and results[0] == results[1]
    assert sum(len(rows) for rows in results[0][0].values()) > 0
