"""The EU data-portability pull against the fake LinkedIn on 127.0.0.1, with a frozen clock.

Ann and Bob consented on the consent page (tokens "tok-ann" and "tok-bob", as the consent tests'
fake OAuth server issues them); Cy has a Community Management token and must be left alone.
"""

import json
import logging
import random
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from dagster import IntMetadataValue, JsonMetadataValue
from dagster._core.definitions.metadata import normalize_metadata

from assets.linkedin_api import _portability_metadata
from relais.home import RelaisHome
from relais.privacy.withdrawals import withdrawn_tokens
from relais.settings import Settings
from relais.sources.linkedin_api.client import LinkedInClient, RequestFailed, Unauthorized
from relais.sources.linkedin_api.fetch import ApiSettings, sync
from relais.sources.linkedin_api.files import (
    MEMBER_CHANGELOG,
    MEMBER_SNAPSHOT,
    POSTS,
    SNAPSHOT_DOMAINS,
    ApiOwner,
    read_api_file,
    write_api_file,
)
from relais.sources.linkedin_api.portability import (
    changelog_gap,
    http_status,
    is_revocation,
    portability_api_settings,
    portability_files,
    portability_state_path,
    pull_portability,
    snapshot_row_count,
)
from relais.sources.linkedin_api.portability_state import (
    Gap,
    MemberState,
    PortabilityState,
    load_portability_state,
    portability_status,
    save_portability_state,
)
from relais.sources.linkedin_api.pull import pull_portability_home
from relais.sources.linkedin_api.tokens import TokenStore
from tests.fake_linkedin_api import (
    BURST_BODY,
    CURRENT_VERSION,
    DAY_LIMIT_BODY,
    PORTABILITY_VERSION,
    FakeLinkedIn,
)

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
CONSENTED = NOW - timedelta(days=3)
ANN = ("A01", "urn:li:person:ann111", "tok-ann")
BOB = ("A02", "urn:li:person:bob222", "tok-bob")
CY = ("A03", "urn:li:person:cy3333", "AQXcommunityCY3333secret")
DAN = ("A04", "urn:li:person:dan444", "tok-dan")
TOKENS = ["tok-ann", "tok-bob", "tok-dan", CY[2]]
DOMAINS = list(SNAPSHOT_DOMAINS)


def ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def share(n: int) -> dict:
    link = f"https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A70000000000000{n:05d}"
    return {
        "Date": f"2026-10-{n % 28 + 1:02d} 09:00:00",
        "ShareLink": link,
        "ShareCommentary": f"Post {n}",
        "SharedUrl": "",
        "MediaUrl": "",
        "Visibility": "PUBLIC",
    }


class PortabilityHome:
    """A temporary home wired to the fake: its token store, its settings, its log; waits recorded."""

    def __init__(self, root: Path, api: FakeLinkedIn, **settings) -> None:
        self.api = api
        options = {"linkedin_api_base_url": api.base_url, "linkedin_page_size": 50, **settings}
        self.home = RelaisHome(root, settings=Settings(**options), pseudonym_secret="test-pseudonym-secret")
        self.tokens = TokenStore(self.home.linkedin_tokens)
        self.logs: list[str] = []
        self.sleeps: list[float] = []

    def consent(self, member: tuple[str, str, str], consented_at: datetime | None = CONSENTED) -> None:
        agent_id, urn, token = member
        stamp = consented_at.strftime("%Y-%m-%dT%H:%M:%SZ") if consented_at else None
        self.tokens.set_member(
            agent_id,
            urn,
            token,
            product="portability",
            scopes=("r_dma_portability_3rd_party",),
            consented_at=stamp,
        )
        self.api.add_member(token, urn, consented_at or CONSENTED)

    def community(self, member: tuple[str, str, str]) -> None:
        agent_id, urn, token = member
        self.tokens.set_member(agent_id, urn, token)
        self.api.add_owner(token, urn)

    def run(self, ambassadors=("A01", "A02", "A03"), now: datetime = NOW, log=None, **overrides):
        self.api.now = now
        settings = replace(portability_api_settings(self.home.settings), **overrides)
        return pull_portability(
            self.home,
            set(ambassadors),
            log or self.logs.append,
            client_factory=self.client_factory,
            clock=lambda: now,
            tokens=self.tokens,
            settings=settings,
        )

    def client_factory(self, token, settings, budget, log, label) -> LinkedInClient:
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

    @property
    def inbox(self) -> Path:
        return self.home.inbox

    def files(self, agent_id: str, endpoint: str) -> list[Path]:
        """The member's files of an endpoint in the order written (day fetched, then -2, -3...)."""

        def order(path: Path) -> tuple[str, int]:
            suffix = path.stem.removeprefix(endpoint).lstrip("-")
            return path.parent.parent.name, int(suffix or 1)

        return sorted(
            (p for p in portability_files(self.inbox, agent_id) if p.name.startswith(endpoint)), key=order
        )

    def envelopes(self, agent_id: str, endpoint: str) -> list[dict]:
        return [json.loads(p.read_text(encoding="utf-8")) for p in self.files(agent_id, endpoint)]

    def events_saved(self, agent_id: str) -> list[int]:
        return [e["id"] for env in self.envelopes(agent_id, MEMBER_CHANGELOG) for e in env["elements"]]

    def state(self) -> PortabilityState:
        return load_portability_state(portability_state_path(self.home))


@pytest.fixture
def home(tmp_path, api) -> PortabilityHome:
    return PortabilityHome(tmp_path / "home", api)


def snapshot_requests(api: FakeLinkedIn, token: str, domain: str | None = None) -> list:
    return [
        r
        for r in api.requests_to("memberSnapshotData", token)
        if domain is None or r.raw_params["domain"] == domain
    ]


# -- the snapshot -------------------------------------------------------------------------------


def test_snapshot_is_paged_and_saved_as_returned_with_the_portability_headers(home, api):
    home.consent(ANN)
    rows = [share(n) for n in range(9)]
    api.set_snapshot(ANN[1], "MEMBER_SHARE_INFO", rows)
    api.set_snapshot(ANN[1], "SKILLS", [{"Name": "Python"}, {"Name": "SQL"}, {"Name": "Dagster"}])

    report = home.run(page_size=2)

    ann = report.member("A01")
    assert (ann.status, ann.pending, ann.gap) == ("ok", [], None)
    assert sorted(ann.domains_read) == sorted(DOMAINS)
    shares = snapshot_requests(api, "tok-ann", "MEMBER_SHARE_INFO")
    assert [(r.raw_params["start"], r.raw_params["count"]) for r in shares] == [
        ("0", "2"),
        ("2", "2"),
        ("4", "2"),
    ]
    assert all(
        r.headers["linkedin-version"] == PORTABILITY_VERSION
        and r.headers["x-restli-protocol-version"] == "2.0.0"
        and r.headers["authorization"] == "Bearer tok-ann"
        for r in api.requests
    )
    [envelope] = [e for e in home.envelopes("A01", MEMBER_SNAPSHOT) if "MEMBER_SHARE_INFO" in e["request"]]
    assert (
        envelope["request"]
        == "GET /rest/memberSnapshotData?q=criteria&domain=MEMBER_SHARE_INFO&start=0&count=2"
    )
    assert envelope["owner"] == {"kind": "member", "agent_id": "A01"}
    assert envelope["window"] == {"start": "2026-11-22", "end": "2026-11-22"}
    assert envelope["elements"] == [
        {"snapshotDomain": "MEMBER_SHARE_INFO", "snapshotData": rows[k : k + 2]} for k in range(0, 9, 2)
    ]
    state = home.state().members["A01"]
    assert (state.domains["MEMBER_SHARE_INFO"].status, state.domains["MEMBER_SHARE_INFO"].rows) == ("read", 9)
    assert (state.domains["SKILLS"].rows, state.domains["CONNECTIONS"].rows) == (3, 0)
    assert state.last_pull == NOW


def test_a_domain_not_built_yet_is_pending_retried_next_run_and_never_reported_as_zero(home, api):
    home.consent(ANN)
    api.set_snapshot(ANN[1], "MEMBER_SHARE_INFO", [share(1)], not_built_calls=1)
    api.set_snapshot(ANN[1], "SKILLS", [{"Name": "Python"}], not_built_calls=2, status=404)

    first = home.run()

    ann = first.member("A01")
    assert ann.status == "pending" and ann.pending == ["MEMBER_SHARE_INFO", "SKILLS"]
    assert first.pending == {"A01": ["MEMBER_SHARE_INFO", "SKILLS"]}
    assert (
        "pending (not built yet by LinkedIn, asked again next run): MEMBER_SHARE_INFO, SKILLS" in ann.line()
    )
    assert not any("MEMBER_SHARE_INFO" in e["request"] for e in home.envelopes("A01", MEMBER_SNAPSHOT))
    rows = {r["domain"]: r for r in portability_status(home.state()) if r["agent_id"] == "A01"}
    assert (rows["SKILLS"]["status"], rows["SKILLS"]["rows"], rows["SKILLS"]["since"]) == (
        "pending",
        None,
        NOW.replace(tzinfo=None),
    )

    api.requests.clear()
    second = home.run(now=NOW + timedelta(hours=6))
    asked = [r.raw_params["domain"] for r in snapshot_requests(api, "tok-ann")]
    assert asked == ["MEMBER_SHARE_INFO", "SKILLS"], "only the pending domains are asked again"
    assert second.member("A01").pending == ["SKILLS"]
    skills = home.state().members["A01"].domains["SKILLS"]
    assert (skills.status, skills.since) == ("pending", NOW), "pending since the first time LinkedIn said so"

    third = home.run(now=NOW + timedelta(hours=12))
    assert third.member("A01").status == "ok" and third.member("A01").domains_read == ["SKILLS"]
    assert home.state().members["A01"].domains["SKILLS"].rows == 1


def test_read_domains_are_read_again_after_the_refresh_days(tmp_path, api):
    home = PortabilityHome(tmp_path / "home", api, portability_snapshot_refresh_days=10)
    home.consent(ANN)
    api.set_snapshot(ANN[1], "SKILLS", [{"Name": "Python"}])
    home.run()
    assert len(snapshot_requests(api, "tok-ann")) == len(DOMAINS)

    api.requests.clear()
    assert home.run(now=NOW + timedelta(days=9, hours=23)).member("A01").domains_read == []
    assert snapshot_requests(api, "tok-ann") == []

    api.set_snapshot(ANN[1], "SKILLS", [{"Name": "Python"}, {"Name": "SQL"}])
    later = NOW + timedelta(days=10)
    assert sorted(home.run(now=later).member("A01").domains_read) == sorted(DOMAINS)
    assert len(snapshot_requests(api, "tok-ann")) == len(DOMAINS)
    assert home.state().members["A01"].domains["SKILLS"].rows == 2
    assert (
        len(list((home.inbox / "linkedin-api" / "2026-12-02" / "member-A01").glob("memberSnapshotData*")))
        == 6
    )


# -- the changelog ------------------------------------------------------------------------------


def test_the_changelog_cursor_reads_every_event_once_across_runs(home, api):
    home.consent(ANN)
    t = [ms(CONSENTED + timedelta(hours=h)) for h in (1, 2, 3, 4, 5, 6)]
    e1 = api.add_event(ANN[1], "ugcPosts", "CREATE", t[0])
    e2 = api.add_event(ANN[1], "ugcPosts", "CREATE", t[1])
    e3 = api.add_event(ANN[1], "socialActions/likes", "CREATE", t[2])
    e4 = api.add_event(ANN[1], "socialActions/likes", "CREATE", t[2])
    e5 = api.add_event(ANN[1], "ugcPosts", "UPDATE", t[3])

    first = home.run(page_size=2)

    assert first.member("A01").events == 5
    starts = [int(r.raw_params["startTime"]) for r in api.requests_to("memberChangeLogs", "tok-ann")]
    assert starts == [ms(CONSENTED), t[1], t[2], t[2] + 1], (
        "inclusive startTime: the latest processedAt again"
    )
    assert home.events_saved("A01") == [e["id"] for e in (e1, e2, e3, e4, e5)]
    state = home.state().members["A01"]
    assert (state.cursor, state.ids_at_cursor, state.events_read) == (t[3], [str(e5["id"])], 5)

    e6 = api.add_event(ANN[1], "socialActions/comments", "CREATE", t[4])
    e7 = api.add_event(ANN[1], "ugcPosts", "DELETE", t[5])
    api.requests.clear()
    second = home.run(now=NOW + timedelta(hours=1), page_size=2)

    starts = [int(r.raw_params["startTime"]) for r in api.requests_to("memberChangeLogs", "tok-ann")]
    assert starts == [t[3], t[4], t[5]]
    assert second.member("A01").events == 2
    saved = home.events_saved("A01")
    assert saved == [e["id"] for e in (e1, e2, e3, e4, e5, e6, e7)] and len(set(saved)) == len(saved)

    api.requests.clear()
    assert home.run(now=NOW + timedelta(hours=2), page_size=2).member("A01").events == 0
    assert len(api.requests_to("memberChangeLogs", "tok-ann")) == 1, "only the event at the cursor came back"
    assert home.events_saved("A01") == saved


def test_create_update_delete_events_and_a_reshare_parent_are_saved_as_returned(home, api):
    home.consent(ANN)
    institution = "urn:li:share:7100000000000001001"
    created = ms(CONSENTED + timedelta(hours=2))
    reshare = {
        "author": ANN[1],
        "created": {"time": created},
        "lifecycleState": "PUBLISHED",
        "specificContent": {"com.linkedin.ugc.ShareContent": {"shareCommentary": {"text": "À lire"}}},
        "responseContext": {"parent": institution, "root": institution},
        "visibility": {"com.linkedin.ugc.MemberNetworkVisibility": "PUBLIC"},
        "id": "urn:li:share:7200000000000000456",
    }
    edited = {
        **reshare,
        "specificContent": {"com.linkedin.ugc.ShareContent": {"shareCommentary": {"text": "Lu"}}},
    }
    like = {"actor": ANN[1], "created": {"time": created}, "object": institution}
    comment = {
        "actor": ANN[1],
        "created": {"time": created},
        "id": "9001",
        "message": {"text": "Bravo"},
        "object": "urn:li:ugcPost:7100000000000001002",
    }
    events = [
        api.add_event(ANN[1], "ugcPosts", "CREATE", created + 1000, reshare, reshare["id"]),
        api.add_event(ANN[1], "ugcPosts", "PARTIAL_UPDATE", created + 2000, edited, reshare["id"]),
        api.add_event(ANN[1], "socialActions/likes", "CREATE", created + 3000, like, "like-1"),
        api.add_event(ANN[1], "socialActions/comments", "CREATE", created + 4000, comment, "9001"),
        api.add_event(ANN[1], "ugcPosts", "DELETE", created + 5000, None, reshare["id"]),
    ]

    home.run()

    [envelope] = home.envelopes("A01", MEMBER_CHANGELOG)
    assert envelope["elements"] == events
    assert envelope["elements"][0]["activity"]["responseContext"]["parent"] == institution
    assert envelope["request"].startswith(
        f"GET /rest/memberChangeLogs?q=memberAndApplication&startTime={ms(CONSENTED)}"
    )
    [path] = home.files("A01", MEMBER_CHANGELOG)
    read = read_api_file(path, str(path))
    assert read.problems == []
    assert [(r["method"], r["kind"], r["target_key"], r["reaction_type"]) for r in read.rows] == [
        ("CREATE", "post", "share:7100000000000001001", None),
        ("PARTIAL_UPDATE", "post", "share:7100000000000001001", None),
        ("CREATE", "reaction", "share:7100000000000001001", "LIKE"),
        ("CREATE", "comment", "ugcPost:7100000000000001002", None),
        ("DELETE", "post", None, None),
    ]


def test_a_cursor_older_than_28_days_is_reported_as_a_gap_with_its_dates(home, api):
    home.consent(ANN)
    api.add_event(ANN[1], "ugcPosts", "CREATE", NOW - timedelta(days=1))
    assert home.run().member("A01").gap is None
    assert home.state().members["A01"].cursor == ms(NOW - timedelta(days=1))

    later = NOW + timedelta(days=40)
    api.add_event(ANN[1], "ugcPosts", "CREATE", later - timedelta(days=30))  # gone at LinkedIn
    kept = api.add_event(ANN[1], "ugcPosts", "CREATE", later - timedelta(days=2))
    api.requests.clear()
    report = home.run(now=later)

    ann = report.member("A01")
    assert ann.status == "gap" and (ann.gap.first, ann.gap.last) == (date(2026, 11, 21), date(2026, 12, 4))
    assert report.gaps == {"A01": "2026-11-21 to 2026-12-04"}
    assert (
        "GAP: changelog events from 2026-11-21 to 2026-12-04 are gone (LinkedIn keeps 28 days)" in ann.line()
    )
    [request] = api.requests_to("memberChangeLogs", "tok-ann")
    assert int(request.raw_params["startTime"]) == ms(later - timedelta(days=28)), "what is left is read"
    assert home.events_saved("A01")[-1] == kept["id"]
    [gap_row] = [r for r in portability_status(home.state()) if r["status"] == "gap"]
    assert (gap_row["domain"], gap_row["gap_from"], gap_row["gap_to"]) == (
        "changelog",
        date(2026, 11, 21),
        date(2026, 12, 4),
    )
    assert home.run(now=later + timedelta(hours=1)).member("A01").gap is None, "a gap is reported once"
    assert len(home.state().members["A01"].gaps) == 1


def test_a_first_pull_long_after_consent_reports_the_gap_from_the_consent_day(home, api):
    home.consent(ANN, consented_at=NOW - timedelta(days=40))
    gap = home.run().member("A01").gap
    assert (gap.first, gap.last) == (date(2026, 10, 13), date(2026, 10, 25))


def test_without_a_stored_consent_time_the_first_pull_asks_linkedin_for_it(home, api):
    home.consent(ANN, consented_at=None)
    api.consented_at[ANN[1]] = ms(NOW - timedelta(days=30))
    assert home.run().member("A01").gap == Gap(date(2026, 10, 23), date(2026, 10, 25), NOW)
    [check] = api.requests_to("memberComplianceAuthorizations", "tok-ann")
    assert check.raw_params["q"] == "memberAndApplication"
    home.run(now=NOW + timedelta(hours=1))
    assert len(api.requests_to("memberComplianceAuthorizations", "tok-ann")) == 1, (
        "asked at the first pull only"
    )


# -- limits, versions, revocation ------------------------------------------------------------------


def test_a_429_burst_is_retried_with_backoff(home, api):
    home.consent(ANN)
    api.script("memberSnapshotData", (429, BURST_BODY), (429, BURST_BODY), token="tok-ann")
    report = home.run()
    assert report.member("A01").status == "ok" and len(home.sleeps) == 2
    assert any("HTTP 429, a burst" in line and "retrying in" in line for line in home.logs)
    assert report.member("A01").requests == len(api.requests_by("tok-ann"))


def test_a_day_limit_stops_that_member_only_until_midnight(home, api):
    home.consent(ANN)
    home.consent(BOB)
    api.script("memberChangeLogs", (429, DAY_LIMIT_BODY), token="tok-ann")

    report = home.run()

    ann, bob = report.member("A01"), report.member("A02")
    assert ann.status == "day-limit" and "2026-11-23 00:00 UTC" in ann.message
    assert bob.status == "ok"
    assert sorted(ann.domains_read) == sorted(DOMAINS), "the domains read before the limit are kept"
    assert home.state().members["A01"].blocked_until == datetime(2026, 11, 23, tzinfo=UTC)

    api.requests.clear()
    again = home.run(now=NOW + timedelta(hours=10))
    assert again.member("A01").status == "day-limit" and api.requests_by("tok-ann") == []

    after = home.run(now=datetime(2026, 11, 23, 0, 30, tzinfo=UTC))
    assert after.member("A01").status == "ok"
    assert [r.endpoint for r in api.requests_by("tok-ann")] == ["memberChangeLogs"]


def test_a_retired_version_stops_the_run_and_names_the_setting(home, api):
    home.consent(ANN)
    home.consent(BOB)
    report = home.run(version="202301")
    ann, bob = report.member("A01"), report.member("A02")
    assert ann.status == "version-retired" and bob.status == "version-retired"
    assert "linkedin_portability_version" in ann.message and "202301" in ann.message
    assert "HTTP 426" in ann.message and report.stopped == "version-retired"
    assert ann.requests == 1 and api.requests_by("tok-bob") == []
    assert portability_files(home.inbox, "A01") == []


@pytest.mark.parametrize("status", [401, 403])
def test_a_revoked_authorisation_is_a_consent_withdrawal(home, api, status):
    home.consent(ANN)
    home.consent(BOB)
    home.community(CY)
    api.set_snapshot(ANN[1], "SKILLS", [{"Name": "Python"}])
    api.add_event(ANN[1], "ugcPosts", "CREATE", NOW - timedelta(days=1))
    home.run()
    owner = ApiOwner.member("A01")
    posts = write_api_file(
        home.inbox, NOW.date(), owner, POSTS, "GET /rest/posts?q=author", NOW, (NOW.date(),) * 2, []
    )
    cy_posts = write_api_file(
        home.inbox,
        NOW.date(),
        ApiOwner.member("A03"),
        POSTS,
        "GET /rest/posts?q=author",
        NOW,
        (NOW.date(),) * 2,
        [],
    )
    assert len(portability_files(home.inbox, "A01")) == len(DOMAINS) + 1

    api.revoke("tok-ann", status)
    later = NOW + timedelta(days=1)
    report = home.run(now=later)

    ann = report.member("A01")
    assert ann.status == "revoked" and report.revoked == ["A01"]
    assert f"HTTP {status}" in ann.message and "consent withdrawal" in ann.message
    assert f"{len(DOMAINS) + 1} portability file(s) deleted" in ann.message
    assert home.tokens.member("A01") is None
    assert portability_files(home.inbox, "A01") == [] and posts.exists(), "only the portability files go"
    assert home.home.pseudonymiser.erasure_token("A01") in withdrawn_tokens(home.home)
    assert "A01" not in home.state().members
    assert report.member("A02").status == "ok" and home.tokens.member("A02") is not None
    assert home.tokens.member("A03") is not None and cy_posts.exists()
    assert api.requests_by(CY[2]) == []

    api.requests.clear()
    assert [m.agent_id for m in home.run(now=later + timedelta(hours=1)).members] == ["A02"]
    assert api.requests_by("tok-ann") == []


def test_an_expired_authorisation_is_not_a_withdrawal(home, api):
    home.consent(ANN)
    home.consent(BOB)
    home.tokens.set_member(
        "A02", BOB[1], BOB[2], product="portability", consented_at="2026-01-01T00:00:00Z",
        expires_at="2026-03-02T00:00:00Z",
    )  # fmt: skip
    expired = {
        "status": 401,
        "serviceErrorCode": 65601,
        "message": "The token used in the request has expired",
    }
    api.script("memberSnapshotData", (401, expired), token="tok-ann")
    report = home.run()
    for agent_id, day in (("A01", NOW.date()), ("A02", date(2026, 3, 2))):
        member = report.member(agent_id)
        assert member.status == "expired", member.message
        assert f"expired on {day:%Y-%m-%d}" in member.message and "relais consent links" in member.message
        assert home.tokens.member(agent_id) is not None
        assert home.home.pseudonymiser.erasure_token(agent_id) not in withdrawn_tokens(home.home)
    assert report.revoked == [] and api.requests_by("tok-bob") == []


def test_community_members_are_untouched_and_outsiders_not_fetched(home, api):
    home.consent(ANN)
    home.consent(DAN)
    home.community(CY)
    report = home.run(ambassadors={"A01", "A03"})
    assert [(m.agent_id, m.status) for m in report.members] == [("A01", "ok"), ("A04", "not-consenting")]
    assert "not a current consenting ambassador" in report.member("A04").message
    assert api.requests_by("tok-dan") == [] and api.requests_by(CY[2]) == []
    assert home.tokens.member("A04") is not None, "an outsider's token is kept, unused"

    # The Community Management sync, for its part, leaves the portability members out.
    api.requests.clear()
    sync_report = sync(
        home.inbox,
        home.home.linkedin_state,
        home.tokens,
        ApiSettings(version=CURRENT_VERSION, base_url=api.base_url),
        {"A01", "A03"},
        NOW.date() - timedelta(days=1),
        home.logs.append,
        clock=lambda: NOW,
    )
    assert [o.owner for o in sync_report.owners] == ["member-A03"]
    assert api.requests_by("tok-ann") == [] and api.requests_by("tok-dan") == []


def test_no_token_in_any_written_file_or_log_line(home, api, caplog):
    home.consent(ANN)
    home.consent(BOB)
    home.community(CY)
    api.add_event(ANN[1], "ugcPosts", "CREATE", NOW - timedelta(days=1))
    api.script("memberSnapshotData", (500, "oops"), token="tok-ann")
    api.script("memberChangeLogs", (400, {"message": "bad request with Bearer tok-bob"}), token="tok-bob")
    logger = logging.getLogger("relais.test.portability")
    with caplog.at_level(logging.INFO, logger="relais.test.portability"):
        report = home.run(log=logger.info)
        api.revoke("tok-ann", 403)
        report2 = home.run(now=NOW + timedelta(days=1), log=logger.info)
    assert report.member("A02").status == "failed" and "Bearer ***" in report.member("A02").message
    assert report2.member("A01").status == "revoked"
    texts = [record.getMessage() for record in caplog.records]
    assert len(texts) > 3 and any("retrying in" in text for text in texts)
    texts += [repr(report), repr(report2), *report.lines(), *report2.lines()]
    written = [p for p in home.home.root.rglob("*") if p.is_file() and p.parent.name != "secrets"]
    assert any(p.name == "linkedin_portability.json" for p in written)
    assert any(p.name == "consent_withdrawals.json" for p in written)
    texts += [p.read_text(encoding="utf-8") for p in written]
    assert [token for token in TOKENS for text in texts if token in text] == []


def test_requests_are_counted_bounded_and_stop_at_the_budget(home, api):
    home.consent(ANN)
    home.consent(BOB)
    api.set_snapshot(ANN[1], "MEMBER_SHARE_INFO", [share(n) for n in range(7)])
    for hours in range(5):
        api.add_event(ANN[1], "ugcPosts", "CREATE", CONSENTED + timedelta(hours=hours))
    report = home.run(page_size=3)
    # Ann: 7 rows in 4 elements -> 2 pages of MEMBER_SHARE_INFO, 1 per other domain; 5 events -> 3
    # pages (3 events, 2 new after the repeated one, then only the repeated one). Bob: 6 + 1.
    assert report.member("A01").requests == 2 + 5 + 3
    assert report.member("A02").requests == len(DOMAINS) + 1
    assert report.requests == len(api.requests) == 10 + 7

    api.requests.clear()
    budgeted = home.run(now=NOW + timedelta(days=31), request_budget=4)
    assert budgeted.member("A01").status == "budget-exhausted" and budgeted.stopped == "budget-exhausted"
    assert budgeted.member("A02").status == "budget-exhausted" and api.requests_by("tok-bob") == []
    assert len(api.requests) == 4 and budgeted.requests == 4
    assert "request budget" in budgeted.lines()[-1]


# -- the home, the asset, the pure functions ----------------------------------------------------


def test_pull_portability_home_needs_a_portability_member(tmp_path, api):
    root = tmp_path / "bare"
    logs: list[str] = []
    bare = RelaisHome(root, settings=Settings(linkedin_api_base_url=api.base_url))
    assert pull_portability_home(bare, {"A01"}, logs.append) is None
    TokenStore(bare.linkedin_tokens).set_member(*CY)
    assert pull_portability_home(bare, {"A03"}, logs.append) is None
    assert any("no portability pull" in line for line in logs)
    api.add_member("tok-ann", ANN[1], datetime.now(UTC) - timedelta(days=1))
    TokenStore(bare.linkedin_tokens).set_member(*ANN, product="portability")
    report = pull_portability_home(bare, {"A01"}, logs.append)
    assert report is not None and report.member("A01").status == "ok"
    assert portability_state_path(bare).exists()


def test_the_asset_metadata_names_pulled_pending_gaps_and_revoked(home, api):
    home.consent(ANN, consented_at=NOW - timedelta(days=35))
    home.consent(BOB)
    api.set_snapshot(ANN[1], "SKILLS", [], not_built_calls=1)
    api.revoke("tok-bob", 403)
    metadata = _portability_metadata(home.run())
    assert metadata["portability_pulled"] == ["A01"]
    assert metadata["portability_pending_domains"] == {"A01": ["SKILLS"]}
    assert metadata["portability_gaps"] == {"A01": "2026-10-18 to 2026-10-25"}
    assert metadata["portability_revoked"] == ["A02"]
    assert all(
        isinstance(value, JsonMetadataValue | IntMetadataValue)
        for value in normalize_metadata(metadata).values()
    )
    assert _portability_metadata(None) == {"portability_members": 0}


def test_portability_status_flattens_the_state_for_the_warehouse():
    member = MemberState()
    member.mark_read("SKILLS", 3, NOW)
    member.mark_pending("ALL_LIKES", NOW)
    member.mark_pending("ALL_LIKES", NOW + timedelta(hours=1))
    member.add_gap(date(2026, 10, 1), date(2026, 10, 25), NOW)
    member.add_gap(date(2026, 10, 1), date(2026, 10, 25), NOW + timedelta(days=1))
    naive = NOW.replace(tzinfo=None)
    assert portability_status(PortabilityState({"A01": member, "A00": MemberState()})) == [
        {
            "agent_id": "A00",
            "domain": "changelog",
            "status": "not-read",
            "since": None,
            "rows": 0,
            "gap_from": None,
            "gap_to": None,
        },
        {
            "agent_id": "A01",
            "domain": "ALL_LIKES",
            "status": "pending",
            "since": naive,
            "rows": None,
            "gap_from": None,
            "gap_to": None,
        },
        {
            "agent_id": "A01",
            "domain": "SKILLS",
            "status": "read",
            "since": naive,
            "rows": 3,
            "gap_from": None,
            "gap_to": None,
        },
        {
            "agent_id": "A01",
            "domain": "changelog",
            "status": "not-read",
            "since": None,
            "rows": 0,
            "gap_from": None,
            "gap_to": None,
        },
        {
            "agent_id": "A01",
            "domain": "changelog",
            "status": "gap",
            "since": naive,
            "rows": None,
            "gap_from": date(2026, 10, 1),
            "gap_to": date(2026, 10, 25),
        },
    ]


def test_the_state_file_round_trips_atomically(tmp_path):
    member = MemberState(cursor=1_763_000_000_000, ids_at_cursor=["7"], events_read=4, last_pull=NOW)
    member.mark_read("SKILLS", 3, NOW)
    member.mark_pending("ALL_LIKES", NOW)
    member.add_gap(date(2026, 10, 1), date(2026, 10, 25), NOW)
    member.blocked_until = datetime(2026, 11, 23, tzinfo=UTC)
    path = tmp_path / "state" / "linkedin_portability.json"
    save_portability_state(path, PortabilityState({"A01": member}))
    assert load_portability_state(path) == PortabilityState({"A01": member})
    assert [p.name for p in path.parent.iterdir()] == ["linkedin_portability.json"]
    assert json.loads(path.read_text())["relais_linkedin_portability_state"] == 1
    path.write_text("{}")
    with pytest.raises(ValueError, match="delete it and the next run"):
        load_portability_state(path)
    assert load_portability_state(tmp_path / "absent.json") == PortabilityState()


def test_pure_helpers():
    assert changelog_gap(None, NOW) is None
    assert changelog_gap(ms(NOW - timedelta(days=27)), NOW) is None
    assert changelog_gap(ms(NOW - timedelta(days=29)), NOW) == (date(2026, 10, 24), date(2026, 10, 25))
    forbidden = RequestFailed("GET memberChangeLogs: HTTP 403: Not enough permissions")
    assert http_status(forbidden) == 403 and is_revocation(forbidden)
    assert is_revocation(Unauthorized("GET x: HTTP 401"))
    gave_up = RequestFailed("GET x: gave up after 5 attempts (HTTP 503)")
    assert http_status(gave_up) is None and not is_revocation(gave_up)
    assert http_status(RequestFailed("GET x: HTTP 404: none")) == 404
    assert snapshot_row_count([{"snapshotData": [{}, {}]}, {"snapshotData": {"Name": "x"}}, {}]) == 3
    settings = portability_api_settings(Settings(linkedin_portability_version="202401"))
    assert settings.version == "202401" and settings.base_url == Settings().linkedin_api_base_url


def test_the_pull_asset_runs_the_portability_pull_after_the_community_one(tmp_path, api):
    from dagster import materialize

    from assets.linkedin_api import linkedin_api_pull

    home = PortabilityHome(tmp_path / "home", api, linkedin_api_version=CURRENT_VERSION)
    home.consent(ANN)
    home.community(CY)
    api.now = datetime.now(UTC)
    home.home.warehouse.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(home.home.warehouse)) as con:
        con.execute("CREATE SCHEMA raw")
        con.execute(
            "CREATE TABLE raw.roster AS SELECT * FROM (VALUES ('A01', true, true), ('A03', true, true))"
        )
        con.execute("ALTER TABLE raw.roster RENAME COLUMN col0 TO agent_id")
        con.execute("ALTER TABLE raw.roster RENAME COLUMN col1 TO is_current")
        con.execute("ALTER TABLE raw.roster RENAME COLUMN col2 TO is_ambassador")

    result = materialize([linkedin_api_pull], resources={"home": home.home})

    assert result.success
    metadata = result.asset_materializations_for_node("raw__linkedin_api_pull")[0].metadata
    assert metadata["owners"].data == {"member-A03": "ok"}
    assert metadata["portability_pulled"].data == ["A01"] and metadata["portability_members"].value == 1
    endpoints = [r.endpoint for r in api.requests]
    assert endpoints.index("memberSnapshotData") > max(i for i, e in enumerate(endpoints) if e == "posts")
    assert portability_files(home.inbox, "A01")
