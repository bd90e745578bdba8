"""The LinkedIn API connector against a fake LinkedIn served on 127.0.0.1 (tests/fake_linkedin_api.py)."""

import json
import random
import stat
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from relais.ledger import FileRejected
from relais.settings import Settings, SettingsError, validate_settings
from relais.sources.linkedin_api.client import (
    BudgetExhausted,
    DayLimitReached,
    LinkedInClient,
    RequestBudget,
    RequestFailed,
    Unauthorized,
    VersionRetired,
)
from relais.sources.linkedin_api.fetch import ApiSettings, sync
from relais.sources.linkedin_api.files import ApiOwner, is_api_envelope, read_api_file, write_api_file
from relais.sources.linkedin_api.state import load_state
from relais.sources.linkedin_api.tokens import TokenStore
from tests.fake_linkedin_api import BURST_BODY, CURRENT_VERSION, FakeLinkedIn, Slow, creator_value, post_path

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
UNTIL = date(2026, 11, 21)
ORG = "urn:li:organization:4242"
ORG_TOKEN = "AQXorgTOKEN0000secret"
MEMBERS = {
    "VDA001": ("urn:li:person:aB1cD2", "AQXmemberONE1111secret"),
    "VDA002": ("urn:li:person:eF3gH4", "AQXmemberTWO2222secret"),
    "VDA003": ("urn:li:person:iJ5kL6", "AQXmemberTHREE3333secret"),
}
OUTSIDER = ("VDA009", "urn:li:person:zZ9yY8", "AQXoutsiderNINE9999secret")
ALL_TOKENS = [ORG_TOKEN, OUTSIDER[2], *(token for _, token in MEMBERS.values())]
ANALYTICS_AND_FOLLOWERS = ("memberCreatorPostAnalytics", "memberFollowersCount")


def ms(moment: datetime | date) -> int:
    if not isinstance(moment, datetime):
        moment = datetime(moment.year, moment.month, moment.day, tzinfo=UTC)
    return int(moment.timestamp() * 1000)


class RecordingRandom(random.Random):
    """A seeded generator that remembers the bounds of every jittered wait."""

    def __init__(self) -> None:
        super().__init__(3)
        self.bounds: list[tuple[float, float]] = []

    def uniform(self, a: float, b: float) -> float:
        self.bounds.append((a, b))
        return super().uniform(a, b)


class Home:
    """A temporary Relais home wired to the fake API; waits are recorded, never slept."""

    def __init__(self, root, api: FakeLinkedIn) -> None:
        self.root, self.api = root, api
        self.inbox = root / "inbox"
        self.state = root / "state" / "linkedin_api.json"
        self.tokens = TokenStore(root / "secrets" / "linkedin_tokens.json")
        self.logs: list[str] = []
        self.sleeps: list[float] = []

    def run(self, ambassadors, until=UNTIL, now=NOW, days=None, **settings):
        options = {"version": CURRENT_VERSION, "base_url": self.api.base_url, **settings}
        return sync(
            self.inbox,
            self.state,
            self.tokens,
            ApiSettings(**options),
            set(ambassadors),
            until,
            self.logs.append,
            client_factory=self.client_factory,
            clock=lambda: now,
            days=days,
        )

    def client_factory(self, token, settings, budget, log, label):
        return LinkedInClient(
            token,
            version=settings.version,
            base_url=settings.base_url,
            budget=budget,
            timeout=settings.timeout,
            max_attempts=settings.max_attempts,
            log=log,
            label=label,
            sleep=self.sleeps.append,
            rng=random.Random(7),
        )

    def folder(self, owner: str, fetched_on: str = "2026-11-22"):
        return self.inbox / "linkedin-api" / fetched_on / owner


def make_home(tmp_path, api, members=("VDA001",), organization=True) -> Home:
    home = Home(tmp_path / "home", api)
    if organization:
        home.tokens.set_organization(ORG, ORG_TOKEN)
        api.add_owner(ORG_TOKEN, ORG)
    for agent_id in members:
        person, token = MEMBERS[agent_id]
        home.tokens.set_member(agent_id, person, token)
        api.add_owner(token, person)
    return home


def make_client(api, token, **options) -> LinkedInClient:
    settings = {"version": CURRENT_VERSION, "base_url": api.base_url, "sleep": lambda s: None, **options}
    return LinkedInClient(token, **settings)


def test_calls_carry_the_headers_and_encoded_urns_and_land_as_envelopes(tmp_path, api):
    home = make_home(tmp_path, api)
    person, token = MEMBERS["VDA001"]
    inside = api.add_posts(
        person, [datetime(2026, 11, 20, 10, tzinfo=UTC), datetime(2026, 10, 23, 0, 30, tzinfo=UTC)]
    )
    api.add_posts(person, [datetime(2026, 10, 22, 23, 59, tzinfo=UTC), datetime(2026, 11, 22, 8, tzinfo=UTC)])
    [org_post] = api.add_posts(ORG, [datetime(2026, 11, 2, 9, tzinfo=UTC)], kind="ugcPost")

    report = home.run({"VDA001"})

    assert [(o.owner, o.status, o.days_fetched, o.through) for o in report.owners] == [
        ("organization", "ok", 30, UNTIL),
        ("member-VDA001", "ok", 30, UNTIL),
    ]
    assert api.requests and all(
        r.headers["linkedin-version"] == CURRENT_VERSION
        and r.headers["x-restli-protocol-version"] == "2.0.0"
        and r.headers["authorization"] in (f"Bearer {ORG_TOKEN}", f"Bearer {token}")
        for r in api.requests
    )
    [posts] = api.requests_to("posts", token)
    assert posts.raw_params["author"] == "urn%3Ali%3Aperson%3AaB1cD2"
    assert (posts.raw_params["sortBy"], posts.raw_params["start"], posts.raw_params["count"]) == (
        "CREATED",
        "0",
        "50",
    )
    assert sorted(r.path for r in api.requests_to("socialMetadata")) == sorted(post_path(u) for u in inside)
    analytics = api.requests_to("memberCreatorPostAnalytics")
    assert sorted(r.raw_params["queryType"] for r in analytics) == [
        "COMMENT",
        "IMPRESSION",
        "REACTION",
        "RESHARE",
    ]
    assert {(r.raw_params["q"], r.raw_params["aggregation"]) for r in analytics} == {("me", "DAILY")}
    days = "(start:(day:23,month:10,year:2026),end:(day:22,month:11,year:2026))"
    assert {r.raw_params["dateRange"] for r in analytics} == {days}
    [followers] = api.requests_to("memberFollowersCount")
    assert (followers.raw_params["q"], followers.raw_params["dateRange"]) == ("dateRange", days)
    [stats] = api.requests_to("organizationalEntityShareStatistics")
    assert stats.raw_params["organizationalEntity"] == "urn%3Ali%3Aorganization%3A4242"
    assert stats.raw_params["timeIntervals.timeGranularityType"] == "DAY"
    assert stats.raw_params["timeIntervals.timeRange.start"] == str(ms(date(2026, 10, 23)))
    assert stats.raw_params["timeIntervals.timeRange.end"] == str(ms(date(2026, 11, 22)))

    member = home.folder("member-VDA001")
    assert sorted(p.name for p in member.iterdir()) == [
        "memberCreatorPostAnalytics-2.json",
        "memberCreatorPostAnalytics-3.json",
        "memberCreatorPostAnalytics-4.json",
        "memberCreatorPostAnalytics.json",
        "memberFollowersCount.json",
        "posts.json",
        "socialMetadata-2.json",
        "socialMetadata.json",
    ]
    envelope = json.loads((member / "posts.json").read_text(encoding="utf-8"))
    assert next(iter(envelope)) == "relais_linkedin_api"
    assert envelope["endpoint"] == "posts" and envelope["owner"] == {"kind": "member", "agent_id": "VDA001"}
    assert (
        envelope["request"]
        == "GET /rest/posts?q=author&author=urn%3Ali%3Aperson%3AaB1cD2&sortBy=CREATED&count=50"
    )
    assert envelope["obtained_at"] == "2026-11-22T09:00:00Z"
    assert envelope["window"] == {"start": "2026-10-23", "end": "2026-11-21"}
    assert is_api_envelope((member / "posts.json").read_bytes()[:200])

    read = read_api_file(member / "posts.json", "posts.json")
    assert (read.owner_kind, read.agent_id, read.obtained_at) == (
        "member",
        "VDA001",
        datetime(2026, 11, 22, 9),
    )
    assert sorted(r["post_urn"] for r in read.rows) == sorted(inside) and not read.problems
    impressions = read_api_file(member / "memberCreatorPostAnalytics.json", "m.json")
    assert len(impressions.rows) == 30
    assert impressions.rows[0] == {
        "day": date(2026, 10, 23),
        "metric": "impressions",
        "value": creator_value(date(2026, 10, 23), "IMPRESSION"),
        "post_urn": None,
        "_source_row": 1,
    }
    social = read_api_file(member / "socialMetadata.json", "s.json").rows[0]
    assert social["post_urn"] in inside and social["reactions"] == social["like"] + social["praise"]
    organization = home.folder("organization")
    [org_read] = [read_api_file(organization / "posts.json", "o.json")]
    assert [r["post_key"] for r in org_read.rows] == [org_post.replace("urn:li:", "")]
    share = read_api_file(organization / "organizationalEntityShareStatistics.json", "o.json")
    assert share.org_urn == ORG and len(share.rows) == 30
    assert share.rows[-1]["day"] == UNTIL and share.rows[-1]["impressions"] == 121


def test_pagination_stops_on_a_short_page_or_at_the_total(api):
    person, token = MEMBERS["VDA001"]
    api.add_owner(token, person)
    api.add_posts(person, [NOW - timedelta(hours=k) for k in range(120)])
    query = {"q": "author", "author": person}
    with make_client(api, token) as client:
        posts = client.paginate("posts", query, count=50)
    assert len(posts) == 120 and len({p["id"] for p in posts}) == 120
    pages = [(r.raw_params["start"], r.raw_params["count"]) for r in api.requests_to("posts")]
    assert pages == [("0", "50"), ("50", "50"), ("100", "50")]

    api.posts[person] = api.posts[person][:100]
    for report_total, expected in ((False, 3), (True, 2)):
        api.requests.clear()
        api.report_total = report_total
        with make_client(api, token) as client:
            assert len(client.paginate("posts", query, count=50)) == 100
        assert len(api.requests_to("posts")) == expected


def test_posts_stop_paging_once_older_than_the_window(tmp_path, api):
    home = make_home(tmp_path, api, organization=False)
    person, _ = MEMBERS["VDA001"]
    api.add_posts(person, [datetime(2026, 11, 21, 12, tzinfo=UTC) - timedelta(days=k) for k in range(120)])
    report = home.run({"VDA001"}, page_size=20)
    assert report.owner("member-VDA001").status == "ok"
    assert [r.raw_params["start"] for r in api.requests_to("posts")] == ["0", "20"]
    assert len(read_api_file(home.folder("member-VDA001") / "posts.json", "p").rows) == 30
    assert len(api.requests_to("socialMetadata")) == 30


def test_5xx_bursts_are_retried_with_exponential_backoff_and_full_jitter(api):
    person, token = MEMBERS["VDA001"]
    api.add_owner(token, person)
    api.script("posts", (503, {"status": 503}), (500, "oops"), (502, ""))
    logs, sleeps, rng = [], [], RecordingRandom()
    with make_client(
        api, token, sleep=sleeps.append, rng=rng, log=logs.append, label="member VDA001"
    ) as client:
        answer = client.get("posts", {"q": "author", "author": person})
        assert answer["elements"] == [] and client.requests == 4
    assert len(api.requests_to("posts")) == 4
    assert rng.bounds == [(0, 1.0), (0, 2.0), (0, 4.0)]
    assert len(sleeps) == 3 and all(
        0 <= wait <= high for wait, (_, high) in zip(sleeps, rng.bounds, strict=True)
    )
    assert len(set(sleeps)) == 3
    assert logs[0].startswith("member VDA001: GET posts failed (HTTP 503); attempt 1 of 5, retrying in ")
    assert "attempt 3 of 5" in logs[2]

    api.script("posts", *[(503, "")] * 3)
    rng = RecordingRandom()
    client = make_client(api, token, max_attempts=3, rng=rng, backoff_cap=1.5)
    with client, pytest.raises(RequestFailed, match=r"gave up after 3 attempts \(HTTP 503\)"):
        client.get("posts", {"q": "author", "author": person})
    assert rng.bounds == [(0, 1.0), (0, 1.5)]


def test_a_slow_answer_times_out_and_is_retried(api):
    person, token = MEMBERS["VDA001"]
    api.add_owner(token, person)
    api.script("posts", Slow(1.0))
    logs, sleeps = [], []
    with make_client(api, token, timeout=0.2, sleep=sleeps.append, log=logs.append) as client:
        assert client.get("posts", {"q": "author", "author": person})["elements"] == []
    assert len(api.requests_to("posts")) == 2 and len(sleeps) == 1
    assert "no answer within 0.2 s" in logs[0] and "attempt 1 of 5" in logs[0]


def test_a_429_burst_is_retried_but_a_day_limit_is_not(api):
    person, token = MEMBERS["VDA001"]
    api.add_owner(token, person)
    api.script("posts", (429, BURST_BODY), (429, BURST_BODY))
    sleeps = []
    with make_client(api, token, sleep=sleeps.append) as client:
        assert client.get("posts", {"q": "author", "author": person})["elements"] == []
        assert len(sleeps) == 2 and len(api.requests_to("posts")) == 3
        api.day_limited.add(token)
        with pytest.raises(DayLimitReached, match="midnight UTC"):
            client.get("posts", {"q": "author", "author": person})
    assert len(api.requests_to("posts")) == 4 and len(sleeps) == 2


def test_refusals_name_the_fix(api):
    person, token = MEMBERS["VDA001"]
    api.add_owner(token, person)
    client = make_client(api, token, version="202401")
    with client, pytest.raises(VersionRetired, match=r"202401.*linkedin_api_version in relais\.toml"):
        client.get("posts", {"q": "author", "author": person})
    api.revoked.add(token)
    client = make_client(api, token)
    with client, pytest.raises(Unauthorized, match=r"expired or was revoked.*`relais linkedin-token`"):
        client.get("posts", {"q": "author", "author": person})
    budget = RequestBudget(1)
    with make_client(api, token, budget=budget) as client:
        with pytest.raises(Unauthorized):
            client.get("posts", {"q": "author", "author": person})
        with pytest.raises(BudgetExhausted):
            client.get("posts", {"q": "author", "author": person})
    assert len(api.requests_to("posts")) == 3


def test_day_limit_stops_only_that_member_until_midnight_utc(tmp_path, api):
    home = make_home(tmp_path, api, members=("VDA001", "VDA002"), organization=False)
    limited = MEMBERS["VDA001"][1]
    api.day_limited.add(limited)
    report = home.run({"VDA001", "VDA002"})
    one = report.owner("member-VDA001")
    assert (one.status, one.requests, one.days_fetched) == ("day-limit", 1, 0)
    assert "DAY limit" in one.message and "2026-11-23 00:00 UTC" in one.message
    assert report.owner("member-VDA002").status == "ok"
    saved = json.loads(home.state.read_text(encoding="utf-8"))["owners"]
    assert saved == {
        "member-VDA001": {"blocked_until": "2026-11-23T00:00:00Z"},
        "member-VDA002": {"last_day": "2026-11-21"},
    }

    api.day_limited.clear()
    before = len(api.requests_by(limited))
    report = home.run({"VDA001", "VDA002"}, now=datetime(2026, 11, 22, 23, 59, tzinfo=UTC))
    assert report.owner("member-VDA001").status == "day-limit" and report.owner("member-VDA001").requests == 0
    assert len(api.requests_by(limited)) == before

    report = home.run(
        {"VDA001", "VDA002"}, until=date(2026, 11, 22), now=datetime(2026, 11, 23, 0, 5, tzinfo=UTC)
    )
    assert (report.owner("member-VDA001").status, report.owner("member-VDA001").days_fetched) == ("ok", 30)
    assert report.owner("member-VDA002").days_fetched == 1
    saved = json.loads(home.state.read_text(encoding="utf-8"))["owners"]
    assert saved["member-VDA001"] == {"last_day": "2026-11-22"}


def test_unauthorized_and_retired_version_stop_one_member_each(tmp_path, api):
    home = make_home(tmp_path, api, members=("VDA001", "VDA002", "VDA003"), organization=False)
    api.revoked.add(MEMBERS["VDA001"][1])
    retired = {"status": 426, "code": "NONEXISTENT_VERSION", "message": "Requested version is not active"}
    api.script("memberCreatorPostAnalytics", (426, retired), token=MEMBERS["VDA002"][1])
    report = home.run(set(MEMBERS))
    one, two, three = (report.owner(f"member-{a}") for a in MEMBERS)
    assert one.status == "unauthorized"
    assert "expired or was revoked" in one.message and "relais linkedin-token" in one.message
    assert two.status == "version-retired" and "linkedin_api_version in relais.toml" in two.message
    assert (three.status, three.days_fetched) == ("ok", 30) and len(three.files_written) == 6
    assert any("member VDA001 stops (unauthorized)" in line for line in home.logs)
    owners = load_state(home.state).owners
    assert list(owners) == ["member-VDA003"] and owners["member-VDA003"].last_day == UNTIL


def test_budget_exhausted_mid_run_stops_cleanly_and_keeps_completed_days(tmp_path, api):
    home = make_home(tmp_path, api, members=("VDA001", "VDA002", "VDA003"), organization=False)
    stopped_at_once = home.run(set(MEMBERS), request_budget=1, until=date(2026, 11, 1))
    assert stopped_at_once.owner("member-VDA001").status == "budget-exhausted"
    assert (
        "left for the next run: days 2026-10-03 to 2026-11-01"
        in stopped_at_once.owner("member-VDA001").message
    )
    assert not home.state.exists() or load_state(home.state).owners == {}
    api.requests.clear()
    # Per member: 1 posts page + 3 chunks of 10 days x (4 creator metrics + followers) = 16 requests.
    report = home.run(set(MEMBERS), request_budget=24, days_per_call=10)
    assert [(o.status, o.days_fetched, o.requests) for o in report.owners] == [
        ("ok", 30, 16),
        ("budget-exhausted", 10, 8),
        ("budget-exhausted", 0, 0),
    ]
    assert report.budget_exhausted and report.requests == 24 and len(api.requests) == 24
    assert report.left == ["member-VDA002", "member-VDA003"]
    assert "left for the next run: days 2026-11-02 to 2026-11-21" in report.owner("member-VDA002").message
    assert "days 2026-10-23 to 2026-11-21" in report.owner("member-VDA003").message
    assert any("left for the next run: member-VDA002, member-VDA003" in line for line in home.logs)
    owners = load_state(home.state).owners
    assert owners["member-VDA001"].last_day == UNTIL
    assert owners["member-VDA002"].last_day == date(2026, 11, 1)
    assert "member-VDA003" not in owners

    first = len(api.requests)
    report = home.run(set(MEMBERS), days_per_call=10)
    assert [(o.status, o.days_fetched, o.requests) for o in report.owners] == [
        ("ok", 0, 0),
        ("ok", 20, 11),
        ("ok", 30, 16),
    ]
    token = MEMBERS["VDA002"][1]
    ranges = {
        r.raw_params["dateRange"]
        for r in api.requests[first:]
        if r.token == token and "dateRange" in r.raw_params
    }
    assert ranges == {
        "(start:(day:2,month:11,year:2026),end:(day:12,month:11,year:2026))",
        "(start:(day:12,month:11,year:2026),end:(day:22,month:11,year:2026))",
    }


def test_a_daily_run_asks_only_for_the_new_day(tmp_path, api):
    home = make_home(tmp_path, api)
    person, _ = MEMBERS["VDA001"]
    api.add_posts(person, [datetime(2026, 11, 10, tzinfo=UTC)])
    home.run({"VDA001"})
    first = len(api.requests)
    [new_post] = api.add_posts(person, [datetime(2026, 11, 22, 15, tzinfo=UTC)])

    report = home.run({"VDA001"}, until=date(2026, 11, 22), now=datetime(2026, 11, 23, 9, tzinfo=UTC))
    assert [(o.status, o.days_fetched) for o in report.owners] == [("ok", 1), ("ok", 1)]
    new = api.requests[first:]
    ranges = {r.raw_params["dateRange"] for r in new if r.endpoint in ANALYTICS_AND_FOLLOWERS}
    assert ranges == {"(start:(day:22,month:11,year:2026),end:(day:23,month:11,year:2026))"}
    [stats] = [r for r in new if r.endpoint == "organizationalEntityShareStatistics"]
    assert stats.raw_params["timeIntervals.timeRange.start"] == str(ms(date(2026, 11, 22)))
    assert stats.raw_params["timeIntervals.timeRange.end"] == str(ms(date(2026, 11, 23)))
    assert [r.path for r in new if r.endpoint == "socialMetadata"] == [post_path(new_post)]
    posts = read_api_file(home.folder("member-VDA001", "2026-11-23") / "posts.json", "p")
    assert [r["post_urn"] for r in posts.rows] == [new_post]

    report = home.run({"VDA001"}, until=date(2026, 11, 22), now=datetime(2026, 11, 23, 10, tzinfo=UTC))
    assert [(o.status, o.requests) for o in report.owners] == [("ok", 0), ("ok", 0)]
    assert "up to date through 2026-11-22" in report.owner("member-VDA001").message


def test_a_partition_fetches_its_own_day_whatever_the_cursor(tmp_path, api):
    home = make_home(tmp_path, api)
    home.run({"VDA001"}, until=date(2026, 11, 22), now=datetime(2026, 11, 23, 9, tzinfo=UTC))
    first = len(api.requests)
    backfill = (date(2026, 9, 1), date(2026, 9, 1))
    report = home.run(
        {"VDA001"}, until=date(2026, 11, 22), now=datetime(2026, 11, 23, 10, tzinfo=UTC), days=backfill
    )
    assert [(o.status, o.days_fetched) for o in report.owners] == [("ok", 1), ("ok", 1)]
    ranges = {
        r.raw_params["dateRange"] for r in api.requests[first:] if r.endpoint in ANALYTICS_AND_FOLLOWERS
    }
    assert ranges == {"(start:(day:1,month:9,year:2026),end:(day:2,month:9,year:2026))"}
    assert (
        "up to date through 2026-11-22"
        in home.run({"VDA001"}, until=date(2026, 11, 22), now=datetime(2026, 11, 23, 11, tzinfo=UTC))
        .owner("member-VDA001")
        .message
    ), "a backfilled day never moves the cursor back"


def test_tokens_never_appear_in_logs_messages_files_or_representations(tmp_path, api):
    home = make_home(tmp_path, api, members=("VDA001", "VDA002", "VDA003"))
    home.tokens.set_member(*OUTSIDER)
    api.revoked.add(MEMBERS["VDA001"][1])
    api.script("posts", (503, ""), token=MEMBERS["VDA002"][1])
    echoed = MEMBERS["VDA003"][1]
    api.script("memberFollowersCount", (400, {"message": f"bad request with Bearer {echoed}"}), token=echoed)
    report = home.run(set(MEMBERS))
    assert (
        report.owner("member-VDA003").status == "failed"
        and "Bearer ***" in report.owner("member-VDA003").message
    )
    assert any("retrying in" in line for line in home.logs)

    texts = [*home.logs, repr(report), *(o.message for o in report.owners)]
    texts += [
        p.read_text(encoding="utf-8") for p in home.root.rglob("*") if p.is_file() and p != home.tokens.path
    ]
    texts += [repr(home.tokens), repr(home.tokens.organization()), repr(home.tokens.member("VDA001"))]
    texts += [str(home.tokens.member("VDA002").token)]
    client = home.client_factory(
        home.tokens.member("VDA001").token,
        ApiSettings(base_url=api.base_url, version=CURRENT_VERSION),
        RequestBudget(5),
        home.logs.append,
        "member VDA001",
    )
    with client, pytest.raises(Unauthorized) as refused:
        client.get("posts", {"q": "author", "author": MEMBERS["VDA001"][0]})
    texts += [repr(client), str(refused.value), repr(refused.value)]
    assert len(texts) > 20
    leaks = [token for token in ALL_TOKENS for text in texts if token in text]
    assert leaks == []
    stored = home.tokens.path.read_text(encoding="utf-8")
    assert not any(token in stored for token in ALL_TOKENS), "tokens are encrypted at rest"
    assert home.tokens.member("VDA002").token.reveal() == MEMBERS["VDA002"][1]


def test_token_store_is_owner_only_and_never_shows_tokens(tmp_path):
    store = TokenStore(tmp_path / "secrets" / "linkedin_tokens.json")
    person, token = MEMBERS["VDA001"]
    store.set_organization(ORG, ORG_TOKEN)
    store.set_member("VDA001", person, token)
    store.set_member("VDA002", *MEMBERS["VDA002"])
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.path.parent.stat().st_mode) == 0o700
    assert sorted(p.name for p in store.path.parent.iterdir()) == ["linkedin_tokens.json", "token.key"]
    assert store.member_ids() == ["VDA001", "VDA002"]
    member = store.member("VDA001")
    assert (member.person_urn, member.token.reveal()) == (person, token)
    assert store.organization().urn == ORG and store.organization().token.reveal() == ORG_TOKEN
    assert (
        token not in repr(member) and ORG_TOKEN not in repr(store.organization()) and token not in str(store)
    )

    assert store.remove_member("VDA001") and not store.remove_member("VDA001")
    assert store.member("VDA001") is None and store.member_ids() == ["VDA002"]
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert store.remove_organization() and store.organization() is None
    with pytest.raises(ValueError, match="not a person URN"):
        store.set_member("VDA003", "https://www.linkedin.com/in/someone", "tok")
    with pytest.raises(ValueError, match="not an organisation URN"):
        store.set_organization("urn:li:person:abc", "tok")
    with pytest.raises(ValueError):
        store.set_member("VDA003", "urn:li:person:abc", "two words")


def test_a_token_of_someone_not_consenting_is_never_used(tmp_path, api):
    home = make_home(tmp_path, api, members=("VDA001", "VDA002"), organization=False)
    report = home.run({"VDA001", "VDA004"})
    assert [(o.owner, o.status) for o in report.owners] == [
        ("member-VDA001", "ok"),
        ("member-VDA002", "not-consenting"),
        ("member-VDA004", "no-token"),
    ]
    assert api.requests and api.requests_by(MEMBERS["VDA002"][1]) == []
    assert not home.folder("member-VDA002").exists()
    assert "member-VDA002" not in load_state(home.state).owners


def _write(tmp_path, owner, endpoint, elements, request=None):
    return write_api_file(
        tmp_path,
        date(2026, 11, 22),
        owner,
        endpoint,
        request or f"GET /rest/{endpoint}?q=me",
        NOW,
        (date(2026, 11, 20), date(2026, 11, 21)),
        elements,
    )


def _problems(read):
    return [(p.source_row, p.kind, p.reason) for p in read.problems]


def test_read_api_file_normalises_posts_and_social_metadata(tmp_path):
    member = ApiOwner.member("VDA001")
    created = datetime(2026, 11, 21, 10, 15)
    path = _write(
        tmp_path,
        member,
        "posts",
        [
            {
                "id": "urn:li:share:7001",
                "createdAt": ms(created.replace(tzinfo=UTC)),
                "publishedAt": ms(created.replace(tzinfo=UTC)) + 60_000,
                "visibility": "PUBLIC",
                "lifecycleState": "PUBLISHED",
                "commentary": "Bonjour",
                "reshareContext": {"parent": "urn:li:activity:7206231498968948737"},
            },
            {"id": "urn:li:person:abc", "createdAt": ms(created.replace(tzinfo=UTC))},
            {"id": "urn:li:ugcPost:7003"},
            {"id": "urn:li:share:7004", "createdAt": "yesterday"},
            "not an object",
        ],
    )
    read = read_api_file(path, "posts.json")
    assert (read.endpoint, read.kind, read.rows_read) == ("posts", "li_api_posts", 5)
    assert read.rows == [
        {
            "post_urn": "urn:li:share:7001",
            "post_key": "share:7001",
            "created_at": created,
            "published_at": created + timedelta(minutes=1),
            "visibility": "PUBLIC",
            "lifecycle_state": "PUBLISHED",
            "reshare_parent_urn": "urn:li:activity:7206231498968948737",
            "reshare_parent_key": "activity:7206231498968948737",
            "commentary": "Bonjour",
            "_source_row": 1,
        }
    ]
    assert [(row, kind) for row, kind, _ in _problems(read)] == [(n, "li_api_posts") for n in (2, 3, 4, 5)]
    reasons = [reason for _, _, reason in _problems(read)]
    assert "not a post URN" in reasons[0] and "createdAt is missing" in reasons[1]
    assert (
        "'yesterday' is not a time in epoch milliseconds" in reasons[2] and "not a JSON object" in reasons[3]
    )

    path = _write(
        tmp_path,
        member,
        "socialMetadata",
        [
            {
                "entity": "urn:li:ugcPost:7002",
                "commentSummary": {"count": 4, "topLevelCount": 3},
                "reactionSummaries": {"LIKE": {"count": 5}, "EMPATHY": {"count": 2}, "MAYBE": {"count": 1}},
            },
            {
                "entity": "urn:li:share:7003",
                "commentSummary": {"count": 1},
                "reactionSummaries": {"LIKE": {"count": -2}},
            },
            {"entity": "urn:li:share:7004", "reactionSummaries": {}},
            {"commentSummary": {"count": 0, "topLevelCount": 0}, "reactionSummaries": {}},
        ],
        request="GET /rest/socialMetadata/urn%3Ali%3Ashare%3A7005",
    )
    read = read_api_file(path, "social.json")
    assert read.rows[0] == {
        "post_urn": "urn:li:ugcPost:7002",
        "post_key": "ugcPost:7002",
        "comments": 4,
        "top_level_comments": 3,
        "reactions": 8,
        "like": 5,
        "praise": 0,
        "empathy": 2,
        "interest": 0,
        "appreciation": 0,
        "entertainment": 0,
        "_source_row": 1,
    }
    assert (read.rows[1]["post_urn"], read.rows[1]["reactions"], read.rows[1]["_source_row"]) == (
        "urn:li:share:7005",
        0,
        4,
    )
    assert [(row, reason) for row, _, reason in _problems(read)] == [
        (2, "socialMetadata: urn:li:share:7003: reactions LIKE count -2 is negative"),
        (3, "socialMetadata: urn:li:share:7004: commentSummary is missing"),
    ]


def test_read_api_file_normalises_daily_figures(tmp_path):
    member, org = ApiOwner.member("VDA001"), ApiOwner.organization(ORG)
    day = {"start": {"year": 2026, "month": 11, "day": 20}, "end": {"year": 2026, "month": 11, "day": 21}}
    week = {"start": {"year": 2026, "month": 11, "day": 14}, "end": {"year": 2026, "month": 11, "day": 21}}
    metric = {"com.linkedin.adsexternalapi.memberanalytics.v1.CreatorPostAnalyticsMetricTypeV1": "RESHARE"}
    path = _write(
        tmp_path,
        member,
        "memberCreatorPostAnalytics",
        [
            {"count": 7, "dateRange": day, "metricType": metric},
            {"dateRange": day, "metricType": metric},
            {"count": 1, "dateRange": {"start": {"year": 2026, "month": 13, "day": 1}}, "metricType": metric},
            {"count": 40, "dateRange": week, "metricType": "MEMBERS_REACHED"},
            {"count": 3, "dateRange": day},
        ],
        request="GET /rest/memberCreatorPostAnalytics?q=me&queryType=COMMENT&aggregation=DAILY",
    )
    read = read_api_file(path, "c.json")
    assert [{k: v for k, v in r.items() if k != "_source_row"} for r in read.rows] == [
        {"day": date(2026, 11, 20), "metric": "reposts", "value": 7, "post_urn": None},
        {"day": None, "metric": "members_reached", "value": 40, "post_urn": None},
        {"day": date(2026, 11, 20), "metric": "comments", "value": 3, "post_urn": None},
    ]
    assert [(row, reason) for row, _, reason in _problems(read)] == [
        (2, "memberCreatorPostAnalytics: reposts: count is missing"),
        (
            3,
            'memberCreatorPostAnalytics: dateRange.start {"year": 2026, "month": 13, "day": 1} is not a real date',
        ),
    ]
    path = _write(
        tmp_path,
        member,
        "memberCreatorPostAnalytics",
        [{"count": 12, "metricType": metric}],
        request="GET /rest/memberCreatorPostAnalytics?q=entity&entity=(share:urn%3Ali%3Ashare%3A7001)&queryType=RESHARE&aggregation=TOTAL",
    )
    assert read_api_file(path, "e.json").rows[0]["post_urn"] == "urn:li:share:7001"

    path = _write(
        tmp_path,
        member,
        "memberFollowersCount",
        [
            {"memberFollowersCount": 961},
            {"dateRange": day, "memberFollowersCount": 2},
            {"dateRange": day, "memberFollowersCount": -1},
        ],
    )
    read = read_api_file(path, "f.json")
    assert [(r["day"], r["followers_total"], r["new_followers"]) for r in read.rows] == [
        (None, 961, None),
        (date(2026, 11, 20), None, 2),
    ]
    assert _problems(read) == [
        (3, "li_api_followers", "memberFollowersCount: memberFollowersCount -1 is negative")
    ]

    stats = {
        "impressionCount": 120,
        "uniqueImpressionsCount": 70,
        "clickCount": 9,
        "likeCount": 3,
        "commentCount": 1,
        "shareCount": 2,
        "engagement": 0.12,
    }
    start = ms(date(2026, 11, 20))
    path = _write(
        tmp_path,
        org,
        "organizationalEntityShareStatistics",
        [
            {"timeRange": {"start": start, "end": start + 86_400_000}, "totalShareStatistics": stats},
            {"timeRange": {"start": start}, "totalShareStatistics": {**stats, "clickCount": None}},
            {"timeRange": {"start": "soon"}, "totalShareStatistics": stats},
        ],
    )
    read = read_api_file(path, "s.json")
    assert (read.owner_kind, read.org_urn, read.agent_id) == ("organization", ORG, None)
    assert read.rows == [
        {
            "day": date(2026, 11, 20),
            "impressions": 120,
            "unique_impressions": 70,
            "clicks": 9,
            "likes": 3,
            "comments": 1,
            "shares": 2,
            "engagement": 0.12,
            "_source_row": 1,
        }
    ]
    assert [(row, reason.split(": ", 1)[1]) for row, _, reason in _problems(read)] == [
        (2, "clickCount is missing"),
        (3, "timeRange.start 'soon' is not a time in epoch milliseconds"),
    ]


def test_files_that_are_not_envelopes_are_rejected_with_the_reason(tmp_path):
    written = _write(tmp_path, ApiOwner.member("VDA001"), "posts", [])
    assert is_api_envelope(written.read_bytes()[:64])
    assert is_api_envelope(b'\xef\xbb\xbf \n{ "relais_linkedin_api": 1, "endpoint"')
    assert not is_api_envelope(b'{"elements": [], "relais_linkedin_api": 1}')
    assert not is_api_envelope(b"agent_id,first_name,last_name\n")

    cases = {
        "broken.json": (b'{"relais_linkedin_api": 1, "endpoint": ', "invalid JSON"),
        "plain.json": (b'{"elements": []}', "no 'relais_linkedin_api' marker"),
        "future.json": (json.dumps({"relais_linkedin_api": 2}).encode(), "format 2"),
    }
    envelope = json.loads(written.read_text(encoding="utf-8"))
    cases["unknown.json"] = (json.dumps({**envelope, "endpoint": "adAnalytics"}).encode(), "'adAnalytics'")
    cases["owner.json"] = (
        json.dumps({**envelope, "endpoint": "organizationalEntityShareStatistics"}).encode(),
        "owner of kind member",
    )
    cases["elements.json"] = (json.dumps({**envelope, "elements": {}}).encode(), "list of elements")
    cases["nobody.json"] = (json.dumps({**envelope, "owner": {"kind": "member"}}).encode(), "valid owner")
    for name, (content, reason) in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(FileRejected, match=reason if reason[0] != "'" else f"endpoint {reason}"):
            read_api_file(path, name)


def test_settings_come_from_relais_toml_keys_and_are_checked():
    values = {"linkedin_api_version": 202611, "linkedin_request_budget": 300, "timezone": "Europe/Paris"}
    settings = ApiSettings.from_settings(validate_settings(values, Path("relais.toml")))
    assert (settings.version, settings.request_budget, settings.backfill_days, settings.page_size) == (
        "202611",
        300,
        30,
        50,
    )
    assert ApiSettings.from_settings(Settings()) == ApiSettings(), "one set of defaults: the model's"
    with pytest.raises(SettingsError, match="YYYYMM"):
        validate_settings({"linkedin_api_version": "2026-11"}, Path("relais.toml"))
    with pytest.raises(SettingsError, match="https"):
        validate_settings({"linkedin_api_base_url": "http://api.example.org/rest/"}, Path("relais.toml"))
