"""A fake LinkedIn REST API for the connector's tests: a real HTTP server on 127.0.0.1, scriptable.

It serves ``posts``, ``socialMetadata/{urn}``, ``memberCreatorPostAnalytics``,
``memberFollowersCount`` and ``organizationalEntityShareStatistics`` from data the test sets up,
checks what LinkedIn checks (bearer token, ``LinkedIn-Version``, Rest.li 2.0 header and encoding)
and records every request (path, raw query, headers). A test can queue answers per endpoint (and
token): 5xx bursts, 429 bursts, a DAY-limit 429, a slow answer. Every loop is bounded: days per
query, page sizes, and the length of a slow answer.

The EU data-portability APIs are served too, under their own version (``portability_version``):
``memberSnapshotData`` (per member and domain, rows paged by ``start``/``count``; a domain can be
"not built yet" for its first N calls, answering no elements or a 404), ``memberChangeLogs``
(events paged by an inclusive ``startTime``, those older than 28 days before the fake's clock
gone) and ``memberComplianceAuthorizations``. Tokens are chosen by the test (``add_member``), like
the consent page's fake OAuth server issues them; a token can be revoked (401) or lose its
compliance authorisation (403).

The Pages Data Portability API (scope ``r_dma_admin_pages_content``) is served for the tokens
``add_page_admin`` names, under the Community Management version: ``dmaFeedContentsExternal``
(``q=postsByAuthor``, the author's post URNs newest first, paged by ``maxPaginationCount`` and an
opaque ``paginationCursor`` given back in ``metadata.paginationCursorMetdata``), ``dmaPosts`` and
``dmaSocialMetadata`` (BATCH_GET ``ids=List(...)``: ``results`` keyed by URN, unknown or foreign
posts under ``errors``), ``dmaOrganizationalPageProfiles`` (``q=pageEntity``) and
``dmaOrganizationalPageContentAnalytics`` (``q=trend``, one element per metric and day, figures set
by ``set_page_day``). Any other token is refused with a 403.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import quote, unquote

CURRENT_VERSION = "202611"
PORTABILITY_VERSION = "202312"
PORTABILITY_ENDPOINTS = ("memberSnapshotData", "memberChangeLogs", "memberComplianceAuthorizations")
PAGE_ENDPOINTS = (
    "dmaFeedContentsExternal",
    "dmaPosts",
    "dmaSocialMetadata",
    "dmaOrganizationalPageProfiles",
    "dmaOrganizationalPageContentAnalytics",
)
PAGE_METRICS = ("IMPRESSIONS", "UNIQUE_IMPRESSIONS", "CLICKS", "REACTIONS", "COMMENTS", "REPOSTS")
MAX_BATCH = 50
_LIST = re.compile(r"^List\(([^()]*)\)$")
_TIME_INTERVALS = re.compile(r"^\(timeRange:\(start:(\d+),end:(\d+)\),timeGranularityType:DAY\)$")
RETENTION_DAYS = 28
MAX_CHANGELOG_COUNT = 50
MAX_PENDING_CALLS = 1000
APPLICATION = "urn:li:developerApplication:123"
_DOMAIN = re.compile(r"^[A-Z][A-Z_]{1,60}$")
MAX_DAYS = 400
MAX_COUNT = 100
MAX_SLOW_SECONDS = 3.0
DAY_MS = 86_400_000
METRIC_TYPE_KEY = "com.linkedin.adsexternalapi.memberanalytics.v1.CreatorPostAnalyticsMetricTypeV1"
QUERY_TYPES = ("IMPRESSION", "MEMBERS_REACHED", "RESHARE", "REACTION", "COMMENT")
DAY_LIMIT_BODY = {
    "status": 429,
    "serviceErrorCode": 101,
    "code": "TOO_MANY_REQUESTS",
    "message": "Resource level throttle MEMBER DAY limit for calls to this resource is reached.",
}
BURST_BODY = {"status": 429, "code": "TOO_MANY_REQUESTS", "message": "Too many requests."}
_DATE_RANGE = re.compile(
    r"^\(start:\(day:(\d+),month:(\d+),year:(\d+)\),end:\(day:(\d+),month:(\d+),year:(\d+)\)\)$"
)


@dataclass(frozen=True)
class Slow:
    """A scripted answer that arrives after ``seconds`` (then the normal answer)."""

    seconds: float


@dataclass(frozen=True)
class Recorded:
    """One request as the server saw it: raw path, raw query string, headers with lower-cased names."""

    path: str
    query: str
    headers: dict[str, str]

    @property
    def endpoint(self) -> str:
        """The first path segment after ``/rest/`` (``posts``, ``socialMetadata``...)."""
        return self.path.removeprefix("/rest/").split("/", 1)[0]

    @property
    def raw_params(self) -> dict[str, str]:
        """Query parameters, not decoded (to check the client's encoding)."""
        pairs = (part.split("=", 1) for part in self.query.split("&") if part)
        return {name: value for name, value in pairs}

    @property
    def token(self) -> str:
        """The bearer token sent."""
        return self.headers.get("authorization", "").removeprefix("Bearer ")


@dataclass
class _Script:
    endpoint: str
    token: str | None
    answers: deque[Any] = field(default_factory=deque)


def _epoch_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _day_ms(day: date) -> int:
    return _epoch_ms(datetime(day.year, day.month, day.day, tzinfo=UTC))


def _restli_day(day: date) -> dict[str, int]:
    return {"year": day.year, "month": day.month, "day": day.day}


def creator_value(day: date, query_type: str) -> int:
    """The fake's daily figure of a member for one metric."""
    return day.day * 10 + QUERY_TYPES.index(query_type)


class FakeLinkedIn:
    """The fake API's data, scripts and record; ``start()`` serves it, ``stop()`` ends it."""

    def __init__(self) -> None:
        self.version = CURRENT_VERSION
        self.requests: list[Recorded] = []
        self.owners: dict[str, str] = {}
        self.posts: dict[str, list[dict[str, Any]]] = {}
        self.revoked: set[str] = set()
        self.day_limited: set[str] = set()
        self.report_total = False
        self.portability_version = PORTABILITY_VERSION
        self.now: datetime | None = None
        self.consented_at: dict[str, int] = {}
        self.snapshots: dict[str, dict[str, list[dict[str, Any]]]] = {}
        self.not_built: dict[tuple[str, str], tuple[int, int]] = {}
        self.rows_per_element = 2
        self.changelogs: dict[str, list[dict[str, Any]]] = {}
        self.forbidden: set[str] = set()
        self._next_event = 5_000
        self.page_admins: dict[str, str] = {}
        self.pages: dict[str, str] = {}
        self.page_days: dict[tuple[str, date], dict[str, tuple[int, int]]] = {}
        self.social: dict[str, dict[str, Any]] = {}
        self._scripts: list[_Script] = []
        self._lock = threading.Lock()
        self._next_post = 7_300_000_000_000_000_000
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- set-up ---------------------------------------------------------------------------------
    def add_owner(self, token: str, urn: str) -> None:
        """Accept ``token`` as the credentials of ``urn`` (an organisation or a person)."""
        self.owners[token] = urn

    def add_posts(self, author: str, created: list[datetime], kind: str = "share") -> list[str]:
        """Give ``author`` posts created at the given moments; return their URNs."""
        urns = []
        for moment in created:
            self._next_post += 1
            urn = f"urn:li:{kind}:{self._next_post}"
            self.posts.setdefault(author, []).append(
                {
                    "id": urn,
                    "author": author,
                    "commentary": f"Post {self._next_post}",
                    "createdAt": _epoch_ms(moment),
                    "publishedAt": _epoch_ms(moment) + 1000,
                    "lastModifiedAt": _epoch_ms(moment) + 1000,
                    "visibility": "PUBLIC",
                    "lifecycleState": "PUBLISHED",
                }
            )
            urns.append(urn)
        return urns

    def add_page_admin(self, token: str, organization: str, page: str) -> None:
        """Accept ``token`` as an administrator's Pages Data Portability token of ``organization``,
        whose organizational Page is ``page`` (``urn:li:organizationalPage:...``)."""
        self.add_owner(token, organization)
        self.page_admins[token] = organization
        self.pages[organization] = page

    def set_page_day(self, page: str, day: date, **figures: tuple[int, int]) -> None:
        """Give the Page's content analytics of ``day``: (organic, sponsored) per metric type, such as
        ``IMPRESSIONS=(900, 100)``; metric types not given are served as (0, 0)."""
        unknown = set(figures) - set(PAGE_METRICS)
        if unknown:
            raise ValueError(f"unknown metric types {sorted(unknown)}")
        self.page_days[(page, day)] = dict(figures)

    def add_member(self, token: str, urn: str, consented_at: datetime | None = None) -> None:
        """Accept ``token`` as a member's data-portability consent, given at ``consented_at``."""
        self.add_owner(token, urn)
        if consented_at is not None:
            self.consented_at[urn] = _epoch_ms(consented_at)

    def set_snapshot(
        self, urn: str, domain: str, rows: list[dict[str, Any]], not_built_calls: int = 0, status: int = 200
    ) -> None:
        """Give a member's snapshot ``domain`` its rows; the first ``not_built_calls`` calls find it
        not built yet (no elements, or a 404 when ``status`` is 404). A domain never set is built empty.
        """
        self.snapshots.setdefault(urn, {})[domain] = [dict(row) for row in rows]
        if not_built_calls:
            self.not_built[(urn, domain)] = (min(not_built_calls, MAX_PENDING_CALLS), status)

    def add_event(
        self,
        urn: str,
        resource_name: str,
        method: str,
        processed_at: datetime | int,
        activity: dict[str, Any] | None = None,
        resource_id: str | None = None,
    ) -> dict[str, Any]:
        """Add an event to a member's changelog (processed at that moment); return it as served."""
        self._next_event += 1
        processed = processed_at if isinstance(processed_at, int) else _epoch_ms(processed_at)
        resource_id = resource_id or f"urn:li:share:{self._next_event}"
        event = {
            "id": self._next_event,
            "capturedAt": processed - 2000,
            "processedAt": processed,
            "configVersion": 1,
            "owner": urn,
            "actor": urn,
            "resourceName": resource_name,
            "resourceId": resource_id,
            "resourceUri": f"/{resource_name}/{quote(resource_id, safe='')}",
            "method": method,
            "activity": {} if activity is None else activity,
            "processedActivity": {},
            "activityId": f"{self._next_event}-activity",
            "activityStatus": "SUCCESS",
        }
        self.changelogs.setdefault(urn, []).append(event)
        return event

    def revoke(self, token: str, status: int = 401) -> None:
        """The member revokes the authorisation (401), or LinkedIn removes its compliance record (403)."""
        if status == 403:
            self.forbidden.add(token)
        else:
            self.revoked.add(token)

    def clock_ms(self) -> int:
        """The fake's present moment in epoch milliseconds (``now`` when set, else the real time)."""
        return _epoch_ms(self.now or datetime.now(UTC))

    def script(self, endpoint: str, *answers: Any, token: str | None = None) -> None:
        """Queue answers for the next requests to ``endpoint`` (by ``token`` only, if given).

        An answer is ``(status, body)`` or ``Slow(seconds)``; once the queue is empty the normal
        answer comes back.
        """
        with self._lock:
            self._scripts.append(_Script(endpoint, token, deque(answers)))

    def requests_to(self, endpoint: str, token: str | None = None) -> list[Recorded]:
        """The recorded requests to an endpoint (by one token, if given)."""
        with self._lock:
            return [
                r for r in self.requests if r.endpoint == endpoint and (token is None or r.token == token)
            ]

    def requests_by(self, token: str) -> list[Recorded]:
        """Every recorded request made with a token."""
        with self._lock:
            return [r for r in self.requests if r.token == token]

    # -- serving --------------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        """Where the fake listens, as a LinkedIn base URL."""
        assert self._server is not None, "start() the fake first"
        return f"http://127.0.0.1:{self._server.server_address[1]}/rest/"

    def start(self) -> None:
        """Serve on 127.0.0.1, on a free port, in a daemon thread."""
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.fake = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and free the port."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    # -- answering ------------------------------------------------------------------------------
    def answer(self, request: Recorded) -> tuple[int, Any, float]:
        """The status, JSON body and delay (seconds) of the answer to a request."""
        with self._lock:
            self.requests.append(request)
            scripted = self._scripted(request)
        if isinstance(scripted, Slow):
            return (*self._normal(request), min(scripted.seconds, MAX_SLOW_SECONDS))
        if scripted is not None:
            return (*scripted, 0.0)
        return (*self._normal(request), 0.0)

    def _scripted(self, request: Recorded) -> Any:
        for script in self._scripts:
            if (
                script.endpoint == request.endpoint
                and script.token in (None, request.token)
                and script.answers
            ):
                return script.answers.popleft()
        return None

    def _normal(self, request: Recorded) -> tuple[int, Any]:
        headers = request.headers
        if headers.get("x-restli-protocol-version") != "2.0.0":
            return 400, {"status": 400, "message": "X-Restli-Protocol-Version 2.0.0 is required"}
        if not headers.get("authorization", "").startswith("Bearer "):
            return 401, {"status": 401, "code": "EMPTY_ACCESS_TOKEN", "message": "Empty oauth2 access token"}
        portability = request.endpoint in PORTABILITY_ENDPOINTS
        if headers.get("linkedin-version") != (self.portability_version if portability else self.version):
            return 426, {
                "status": 426,
                "code": "NONEXISTENT_VERSION",
                "message": f"Requested version {headers.get('linkedin-version')} is not active",
            }
        token = request.token
        if token in self.revoked or token not in self.owners:
            return 401, {
                "status": 401,
                "serviceErrorCode": 65601,
                "code": "REVOKED_ACCESS_TOKEN",
                "message": "The token used in the request has been revoked by the user",
            }
        if portability and token in self.forbidden:
            return 403, {
                "status": 403,
                "serviceErrorCode": 100,
                "code": "ACCESS_DENIED",
                "message": "Not enough permissions: no member compliance authorization for this application",
            }
        if token in self.day_limited:
            return 429, DAY_LIMIT_BODY
        if request.endpoint in PAGE_ENDPOINTS and token not in self.page_admins:
            return 403, {
                "status": 403,
                "serviceErrorCode": 100,
                "code": "ACCESS_DENIED",
                "message": "Not enough permissions to access: r_dma_admin_pages_content is required",
            }
        handler = {
            "memberSnapshotData": self._snapshot,
            "memberChangeLogs": self._changelog,
            "memberComplianceAuthorizations": self._compliance,
            "posts": self._posts,
            "socialMetadata": self._social_metadata,
            "memberCreatorPostAnalytics": self._creator_analytics,
            "memberFollowersCount": self._followers,
            "organizationalEntityShareStatistics": self._share_statistics,
            "dmaFeedContentsExternal": self._feed_contents,
            "dmaPosts": self._dma_posts,
            "dmaSocialMetadata": self._dma_social_metadata,
            "dmaOrganizationalPageProfiles": self._page_profiles,
            "dmaOrganizationalPageContentAnalytics": self._page_content_analytics,
        }.get(request.endpoint)
        if handler is None:
            return 404, {"status": 404, "message": f"no resource {request.endpoint}"}
        try:
            return handler(request, self.owners[token])
        except ValueError as exc:
            return 400, {"status": 400, "message": str(exc)}

    def _page(self, request: Recorded, elements: list[dict[str, Any]]) -> tuple[int, Any]:
        params = request.raw_params
        start = int(params.get("start", "0"))
        count = min(int(params.get("count", "10")), MAX_COUNT)
        paging: dict[str, Any] = {"start": start, "count": count, "links": []}
        if self.report_total:
            paging["total"] = len(elements)
        return 200, {"paging": paging, "elements": elements[start : start + count]}

    @staticmethod
    def _urn_param(raw: str | None, name: str) -> str:
        if raw is None:
            raise ValueError(f"parameter {name} is required")
        if ":" in raw:
            raise ValueError(f"parameter {name}: URNs must be URL-encoded")
        return unquote(raw)

    @staticmethod
    def _days(raw: str | None) -> list[date]:
        match = _DATE_RANGE.match(raw or "")
        if not match:
            raise ValueError(f"dateRange {raw!r} is not Rest.li 2.0 syntax")
        d1, m1, y1, d2, m2, y2 = (int(g) for g in match.groups())
        start, end = date(y1, m1, d1), date(y2, m2, d2)
        if not 0 < (end - start).days <= MAX_DAYS:
            raise ValueError("dateRange must cover 1 to 400 days, end excluded")
        return [start + timedelta(days=k) for k in range((end - start).days)]

    def _posts(self, request: Recorded, owner: str) -> tuple[int, Any]:
        params = request.raw_params
        author = self._urn_param(params.get("author"), "author")
        if params.get("q") != "author":
            raise ValueError("q=author is required")
        if author != owner:
            return 403, {"status": 403, "message": "Not enough permissions to access posts of this author"}
        key = "createdAt" if params.get("sortBy") == "CREATED" else "lastModifiedAt"
        posts = sorted(self.posts.get(author, []), key=lambda p: p[key], reverse=True)
        return self._page(request, posts)

    def _social_metadata(self, request: Recorded, owner: str) -> tuple[int, Any]:
        raw_key = request.path.removeprefix("/rest/socialMetadata/")
        if ":" in raw_key:
            raise ValueError("the URN key must be URL-encoded")
        urn = unquote(raw_key)
        if not any(p["id"] == urn for posts in self.posts.values() for p in posts):
            return 404, {"status": 404, "message": f"no post {urn}"}
        return 200, self._social_record(urn)

    def _social_record(self, urn: str) -> dict[str, Any]:
        if urn in self.social:
            return {"entity": urn, **self.social[urn]}
        number = int(urn.rsplit(":", 1)[1]) % 7
        return {
            "entity": urn,
            "commentSummary": {"count": number + 1, "topLevelCount": number},
            "reactionSummaries": {
                "LIKE": {"reactionType": "LIKE", "count": number + 2},
                "PRAISE": {"reactionType": "PRAISE", "count": 1},
            },
            "commentsState": "OPEN",
        }

    # -- Pages Data Portability -----------------------------------------------------------------
    @staticmethod
    def _urn_list(raw: str | None) -> list[str]:
        match = _LIST.match(raw or "")
        if not match or not match.group(1):
            raise ValueError("ids must be a Rest.li List(...) of URL-encoded URNs")
        items = match.group(1).split(",")
        if any(":" in item for item in items) or len(items) > MAX_BATCH:
            raise ValueError(f"ids: URNs must be URL-encoded, at most {MAX_BATCH} a call")
        return [unquote(item) for item in items]

    def _post(self, urn: str) -> dict[str, Any] | None:
        return next((p for posts in self.posts.values() for p in posts if p["id"] == urn), None)

    def _feed_contents(self, request: Recorded, owner: str) -> tuple[int, Any]:
        params = request.raw_params
        if params.get("q") != "postsByAuthor":
            raise ValueError("q=postsByAuthor is required")
        author = self._urn_param(params.get("author"), "author")
        if author != owner:
            return 403, {"status": 403, "message": "Not enough permissions to access posts of this author"}
        count = min(int(params.get("maxPaginationCount", "10")), MAX_COUNT)
        cursor = unquote(params.get("paginationCursor", "c0"))
        if not re.fullmatch(r"c\d+", cursor):
            raise ValueError("paginationCursor is not one this server gave")
        start = int(cursor[1:])
        posts = sorted(self.posts.get(author, []), key=lambda p: p["createdAt"], reverse=True)
        page = posts[start : start + count]
        following = f"c{start + count}" if start + count < len(posts) else None
        metadata = {"paginationCursorMetdata": {"nextPaginationCursor": following}}
        return 200, {
            "elements": [{"id": p["id"]} for p in page],
            "metadata": metadata,
            "paging": {"count": count},
        }

    def _dma_posts(self, request: Recorded, owner: str) -> tuple[int, Any]:
        results, errors = {}, {}
        for urn in self._urn_list(request.raw_params.get("ids")):
            post = self._post(urn)
            if post is None or post["author"] != owner:
                errors[urn] = {"status": 404 if post is None else 403, "message": f"no access to {urn}"}
                continue
            served = {k: v for k, v in post.items() if k not in ("createdAt", "lastModifiedAt")}
            served["created"] = {"time": post["createdAt"]}
            served["lastModified"] = {"time": post["lastModifiedAt"]}
            results[urn] = served
        return 200, {"results": results, "statuses": dict.fromkeys(results, 200), "errors": errors}

    def _dma_social_metadata(self, request: Recorded, owner: str) -> tuple[int, Any]:
        results, errors = {}, {}
        for urn in self._urn_list(request.raw_params.get("ids")):
            post = self._post(urn)
            if post is None or post["author"] != owner:
                errors[urn] = {"status": 404 if post is None else 403, "message": f"no access to {urn}"}
            else:
                results[urn] = self._social_record(urn)
        return 200, {"results": results, "statuses": dict.fromkeys(results, 200), "errors": errors}

    def _page_profiles(self, request: Recorded, owner: str) -> tuple[int, Any]:
        params = request.raw_params
        match = re.fullmatch(r"\(organization:([^():]+)\)", params.get("pageEntity", ""))
        if params.get("q") != "pageEntity" or not match:
            raise ValueError("q=pageEntity and pageEntity=(organization:<URL-encoded URN>) are required")
        organization = unquote(match.group(1))
        if organization != owner or organization not in self.pages:
            return 403, {"status": 403, "message": f"Not enough permissions to access {organization}"}
        page = self.pages[organization]
        return 200, {"elements": [{"entityUrn": page, "pageEntity": {"organization": organization}}]}

    def _page_content_analytics(self, request: Recorded, owner: str) -> tuple[int, Any]:
        params = request.raw_params
        page = self._urn_param(params.get("sourceEntity"), "sourceEntity")
        if params.get("q") != "trend":
            raise ValueError("q=trend is required")
        if page != self.pages.get(owner):
            return 403, {"status": 403, "message": f"Not enough permissions to access {page}"}
        metrics = _LIST.match(params.get("metricTypes", ""))
        types = metrics.group(1).split(",") if metrics else []
        if not types or any(t not in PAGE_METRICS for t in types):
            raise ValueError("metricTypes must be a List(...) of known metric types")
        interval = _TIME_INTERVALS.match(params.get("timeIntervals", ""))
        if not interval:
            raise ValueError("timeIntervals must be (timeRange:(start:..,end:..),timeGranularityType:DAY)")
        start, end = int(interval.group(1)), int(interval.group(2))
        if start % DAY_MS or end % DAY_MS or not 0 < end - start <= MAX_DAYS * DAY_MS:
            raise ValueError("timeRange must be whole UTC days")
        elements = []
        for moment in range(start, end, DAY_MS):
            day = datetime.fromtimestamp(moment / 1000, UTC).date()
            figures = self.page_days.get((page, day), {})
            for metric_type in types:
                organic, sponsored = figures.get(metric_type, (0, 0))
                value = {
                    "totalCount": {"long": organic + sponsored},
                    "typeSpecificValue": {
                        "contentAnalyticsValue": {
                            "organicValue": {"long": organic},
                            "sponsoredValue": {"long": sponsored},
                        }
                    },
                }
                time_range = {"timeRange": {"start": moment, "end": moment + DAY_MS}}
                elements.append(
                    {
                        "type": metric_type,
                        "sourceEntity": page,
                        "metric": {
                            "timeIntervals": {**time_range, "timeGranularityType": "DAY"},
                            "value": value,
                        },
                    }
                )
        return 200, {"elements": elements, "paging": {"start": 0, "count": len(elements), "links": []}}

    def _creator_analytics(self, request: Recorded, owner: str) -> tuple[int, Any]:
        params = request.raw_params
        query_type, aggregation = params.get("queryType"), params.get("aggregation")
        if params.get("q") != "me" or query_type not in QUERY_TYPES:
            raise ValueError("q=me and a known queryType are required")
        if aggregation != "DAILY" or query_type == "MEMBERS_REACHED":
            raise ValueError("only DAILY aggregation, and not for MEMBERS_REACHED, is served here")
        elements = [
            {
                "count": creator_value(day, query_type),
                "dateRange": {"start": _restli_day(day), "end": _restli_day(day + timedelta(days=1))},
                "metricType": {METRIC_TYPE_KEY: query_type},
            }
            for day in self._days(params.get("dateRange"))
        ]
        return self._page(request, elements)

    def _followers(self, request: Recorded, owner: str) -> tuple[int, Any]:
        params = request.raw_params
        if params.get("q") == "me":
            return 200, {"elements": [{"memberFollowersCount": 961}]}
        if params.get("q") != "dateRange":
            raise ValueError("q=me or q=dateRange is required")
        elements = [
            {
                "dateRange": {"start": _restli_day(day), "end": _restli_day(day + timedelta(days=1))},
                "memberFollowersCount": day.day % 3,
            }
            for day in self._days(params.get("dateRange"))
        ]
        return self._page(request, elements)

    def _snapshot(self, request: Recorded, owner: str) -> tuple[int, Any]:
        params = request.raw_params
        domain = params.get("domain", "")
        if params.get("q") != "criteria" or not _DOMAIN.match(domain):
            raise ValueError("q=criteria and a domain are required")
        with self._lock:
            calls, status = self.not_built.get((owner, domain), (0, 200))
            if calls:
                self.not_built[(owner, domain)] = (calls - 1, status)
        if calls and status == 404:
            return 404, {"status": 404, "message": f"no snapshot data for domain {domain} yet"}
        if calls:
            return self._page(request, [])
        rows = self.snapshots.get(owner, {}).get(domain, [])
        size = max(1, self.rows_per_element)
        chunks = [rows[k : k + size] for k in range(0, len(rows), size)] or [[]]
        elements = [{"snapshotDomain": domain, "snapshotData": chunk} for chunk in chunks]
        return self._page(request, elements)

    def _changelog(self, request: Recorded, owner: str) -> tuple[int, Any]:
        params = request.raw_params
        if params.get("q") != "memberAndApplication":
            raise ValueError("q=memberAndApplication is required")
        try:
            start_time = int(params.get("startTime", "0"))
            count = int(params.get("count", "10"))
        except ValueError:
            raise ValueError("startTime and count must be whole numbers") from None
        if not 0 < count <= MAX_CHANGELOG_COUNT:
            raise ValueError(f"count must be 1 to {MAX_CHANGELOG_COUNT}")
        oldest = max(start_time, self.clock_ms() - RETENTION_DAYS * DAY_MS)
        events = sorted(
            (e for e in self.changelogs.get(owner, []) if e["processedAt"] >= oldest),
            key=lambda e: (e["processedAt"], e["id"]),
        )
        return 200, {"paging": {"start": 0, "count": count, "links": []}, "elements": events[:count]}

    def _compliance(self, request: Recorded, owner: str) -> tuple[int, Any]:
        if request.raw_params.get("q") != "memberAndApplication":
            raise ValueError("q=memberAndApplication is required")
        element = {
            "regulatedAt": self.consented_at.get(owner, self.clock_ms()),
            "memberComplianceAuthorizationKey": {"developerApplication": APPLICATION, "member": owner},
            "memberComplianceScopes": ["DMA"],
        }
        return 200, {"elements": [element], "paging": {"count": 10, "start": 0, "links": []}}

    def _share_statistics(self, request: Recorded, owner: str) -> tuple[int, Any]:
        params = request.raw_params
        organization = self._urn_param(params.get("organizationalEntity"), "organizationalEntity")
        if params.get("q") != "organizationalEntity":
            raise ValueError("q=organizationalEntity is required")
        if organization != owner:
            return 403, {"status": 403, "message": "Not enough permissions to access this organization"}
        if params.get("timeIntervals.timeGranularityType") != "DAY":
            raise ValueError("timeIntervals.timeGranularityType=DAY is required")
        start, end = int(params["timeIntervals.timeRange.start"]), int(params["timeIntervals.timeRange.end"])
        if start % DAY_MS or end % DAY_MS or not 0 < end - start <= MAX_DAYS * DAY_MS:
            raise ValueError("timeRange must be whole UTC days")
        elements = []
        for moment in range(start, end, DAY_MS):
            day = datetime.fromtimestamp(moment / 1000, UTC).date()
            elements.append(
                {
                    "organizationalEntity": organization,
                    "timeRange": {"start": moment, "end": moment + DAY_MS},
                    "totalShareStatistics": {
                        "impressionCount": 100 + day.day,
                        "uniqueImpressionsCount": 50 + day.day,
                        "clickCount": day.day,
                        "likeCount": 3,
                        "commentCount": 1,
                        "shareCount": 2,
                        "engagement": 0.05,
                    },
                }
            )
        return 200, {"elements": elements}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 5  # an idle kept-alive connection ends after 5 s
    disable_nagle_algorithm = True  # headers and body leave at once, no delayed-ACK stall

    def do_GET(self) -> None:
        path, _, query = self.path.partition("?")
        request = Recorded(path, query, {k.lower(): v for k, v in self.headers.items()})
        status, body, delay = self.server.fake.answer(request)  # type: ignore[attr-defined]
        if delay:
            time.sleep(delay)
        payload = (body if isinstance(body, str) else json.dumps(body)).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, format: str, *args: Any) -> None:
        pass


def post_path(urn: str) -> str:
    """The request path of a post's socialMetadata, as the client must send it."""
    return f"/rest/socialMetadata/{quote(urn, safe='')}"
