"""The files the connector drops into the inbox, and reading them back as rows.

Each API answer becomes one JSON envelope,
``<inbox>/linkedin-api/<day fetched>/<owner>/<endpoint>[-<k>].json``, holding the marker
``relais_linkedin_api`` (always the first key, so ``is_api_envelope`` can tell the format from the
first bytes), the endpoint, the call (``GET /rest/...``, never a token), when it was obtained, whose
data it is, the window of days asked for, and the API's elements as returned. ``read_api_file``
turns the elements into rows, one schema per endpoint; an element that cannot be read becomes a
``RowProblem`` (its 1-based index as the row), a file that is not an envelope is ``FileRejected``.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from relais.ledger import FileRejected, RowProblem
from relais.sources.post_identity import post_key

ENVELOPE_KEY = "relais_linkedin_api"
ENVELOPE_VERSION = 1
API_FOLDER = "linkedin-api"
ORGANIZATION = "organization"
MEMBER = "member"
MAX_SAME_NAME = 10_000
_ENVELOPE_START = re.compile(rb'^\{\s*"' + ENVELOPE_KEY.encode() + rb'"\s*:')
_EPOCH = datetime(1970, 1, 1)
_EARLIEST = datetime(2000, 1, 1)
_LATEST = datetime(2100, 1, 1)

POSTS = "posts"
SOCIAL_METADATA = "socialMetadata"
CREATOR_ANALYTICS = "memberCreatorPostAnalytics"
FOLLOWERS = "memberFollowersCount"
SHARE_STATISTICS = "organizationalEntityShareStatistics"
MEMBER_SNAPSHOT = "memberSnapshotData"
MEMBER_CHANGELOG = "memberChangeLogs"
PAGE_POSTS = "dmaPosts"
PAGE_SOCIAL_METADATA = "dmaSocialMetadata"
PAGE_CONTENT_ANALYTICS = "dmaOrganizationalPageContentAnalytics"

#: The ingestion kind of each endpoint's rows (the ``kind`` of their row problems).
API_KINDS = {
    POSTS: "li_api_posts",
    SOCIAL_METADATA: "li_api_social_metadata",
    CREATOR_ANALYTICS: "li_api_creator_analytics",
    FOLLOWERS: "li_api_followers",
    SHARE_STATISTICS: "li_api_share_statistics",
    MEMBER_SNAPSHOT: "li_dma_snapshot",
    MEMBER_CHANGELOG: "li_dma_changelog",
    PAGE_POSTS: "li_dma_page_posts",
    PAGE_SOCIAL_METADATA: "li_dma_page_social_metadata",
    PAGE_CONTENT_ANALYTICS: "li_dma_page_content_analytics",
}
_OWNER_KINDS = {
    POSTS: {ORGANIZATION, MEMBER},
    SOCIAL_METADATA: {ORGANIZATION, MEMBER},
    CREATOR_ANALYTICS: {MEMBER},
    FOLLOWERS: {MEMBER},
    SHARE_STATISTICS: {ORGANIZATION},
    MEMBER_SNAPSHOT: {MEMBER},
    MEMBER_CHANGELOG: {MEMBER},
    PAGE_POSTS: {ORGANIZATION},
    PAGE_SOCIAL_METADATA: {ORGANIZATION},
    PAGE_CONTENT_ANALYTICS: {ORGANIZATION},
}
METRIC_NAMES = {
    "IMPRESSION": "impressions",
    "MEMBERS_REACHED": "members_reached",
    "RESHARE": "reposts",
    "REACTION": "reactions",
    "COMMENT": "comments",
    "POST_SAVE": "saves",
    "POST_SEND": "sends",
    "LINK_CLICKS": "link_clicks",
}
#: The member snapshot's domains Relais reads, each with the archive file family its rows belong to
#: (``snapshotData`` rows carry the archive CSV's column names, so one parser serves both transports).
SNAPSHOT_DOMAINS = {
    "MEMBER_SHARE_INFO": "li_shares",
    "ALL_COMMENTS": "li_comments",
    "ALL_LIKES": "li_reactions",
    "SKILLS": "li_skills",
    "CONNECTIONS": "li_connections",
    "ENDORSEMENT_RECEIVED_INFO": "li_endorsements_received",
}
REACTION_TYPES = ("LIKE", "PRAISE", "EMPATHY", "INTEREST", "APPRECIATION", "ENTERTAINMENT")
#: The Pages Data Portability content analytics' metric types, each with its column of the Page's
#: daily figures (the columns of the share statistics: reactions are ``likes``, reposts ``shares``).
PAGE_CONTENT_METRICS = {
    "IMPRESSIONS": "impressions",
    "UNIQUE_IMPRESSIONS": "unique_impressions",
    "CLICKS": "clicks",
    "REACTIONS": "likes",
    "COMMENTS": "comments",
    "REPOSTS": "shares",
}
DAY_MS = 86_400_000


@dataclass(frozen=True)
class ApiOwner:
    """Whose data a file holds: the organisation (by URN) or a member (by agent id, never their URN)."""

    kind: str
    agent_id: str | None = None
    urn: str | None = None

    @classmethod
    def organization(cls, urn: str) -> ApiOwner:
        """The institution's Page."""
        return cls(ORGANIZATION, urn=urn)

    @classmethod
    def member(cls, agent_id: str) -> ApiOwner:
        """A member of the programme."""
        return cls(MEMBER, agent_id=agent_id)

    @property
    def name(self) -> str:
        """The owner's folder in the inbox and its name in the cursor: ``organization`` or ``member-<id>``."""
        if self.kind == ORGANIZATION:
            return ORGANIZATION
        return f"{MEMBER}-{quote(self.agent_id or '', safe='-_.')}"

    def as_json(self) -> dict[str, str]:
        """The owner as written in an envelope."""
        if self.kind == ORGANIZATION:
            return {"kind": ORGANIZATION, "urn": self.urn or ""}
        return {"kind": MEMBER, "agent_id": self.agent_id or ""}


def utc_stamp(moment: datetime) -> str:
    """A moment written ``2026-11-22T09:00:00Z`` (naive values are taken as UTC)."""
    moment = moment.astimezone(UTC) if moment.tzinfo else moment
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def write_api_file(
    inbox: Path,
    fetched_on: date,
    owner: ApiOwner,
    endpoint: str,
    request: str,
    obtained_at: datetime,
    window: tuple[date, date],
    elements: Sequence[dict[str, Any]],
) -> Path:
    """Write one envelope atomically (temporary file, then rename) under a name not used yet; return it."""
    if endpoint not in API_KINDS:
        raise ValueError(f"unknown LinkedIn API endpoint {endpoint!r}")
    folder = inbox / API_FOLDER / fetched_on.isoformat() / owner.name
    folder.mkdir(parents=True, exist_ok=True)
    envelope = {
        ENVELOPE_KEY: ENVELOPE_VERSION,
        "endpoint": endpoint,
        "request": request,
        "obtained_at": utc_stamp(obtained_at),
        "owner": owner.as_json(),
        "window": {"start": window[0].isoformat(), "end": window[1].isoformat()},
        "elements": list(elements),
    }
    target = _free_name(folder, endpoint)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{endpoint}-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(envelope, handle, ensure_ascii=False, indent=1)
            handle.write("\n")
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def _free_name(folder: Path, endpoint: str) -> Path:
    for k in range(1, MAX_SAME_NAME):
        candidate = folder / (f"{endpoint}.json" if k == 1 else f"{endpoint}-{k}.json")
        if not candidate.exists():
            return candidate
    raise FileExistsError(f"{folder}: too many {endpoint} files for one day")


def is_api_envelope(head: bytes) -> bool:
    """True when a file's first bytes open a Relais LinkedIn API envelope (its marker comes first)."""
    return _ENVELOPE_START.match(head.lstrip(b"\xef\xbb\xbf \t\r\n")) is not None


@dataclass
class ApiFileRead:
    """One envelope read back: whose and what it is, its rows (each with ``_source_row``), its problems."""

    endpoint: str
    kind: str
    owner_kind: str
    agent_id: str | None
    org_urn: str | None
    obtained_at: datetime
    request: str
    window_start: date
    window_end: date
    rows: list[dict[str, Any]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    rows_read: int = 0


def read_api_file(path: Path, source_file: str) -> ApiFileRead:
    """Read an envelope and normalise its elements into rows of the endpoint's schema.

    Rows: posts -> post_urn, post_key, created_at, published_at (naive UTC), visibility,
    lifecycle_state, reshare_parent_urn, reshare_parent_key, commentary; socialMetadata -> post_urn,
    post_key, comments, top_level_comments, reactions (all types), like ... entertainment;
    memberCreatorPostAnalytics -> day, metric, value, post_urn; memberFollowersCount -> day,
    followers_total, new_followers; organizationalEntityShareStatistics -> day, impressions,
    unique_impressions, clicks, likes, comments, shares, engagement. The Pages Data Portability
    answers take the same schemas: dmaPosts those of posts (``created.time`` standing for
    ``createdAt``), dmaSocialMetadata those of socialMetadata, and the content analytics those of
    the share statistics, one row per day (reactions as ``likes``, reposts as ``shares``).
    """
    envelope = load_envelope(path)
    read = read_envelope_header(envelope)
    parse = _PARSERS[read.endpoint]
    for index, element in enumerate(envelope["elements"], start=1):
        read.rows_read += 1
        try:
            if not isinstance(element, dict):
                raise ValueError("the element is not a JSON object")
            row = parse(element, read)
        except ValueError as exc:
            read.problems.append(RowProblem(source_file, index, read.kind, f"{read.endpoint}: {exc}"))
        else:
            row["_source_row"] = index
            read.rows.append(row)
    if read.endpoint in _MERGERS:
        read.rows = _MERGERS[read.endpoint](read.rows)
        read.rows_read = len(read.rows) + len(read.problems)  # the file's rows are its days
    return read


def load_envelope(path: Path) -> Any:
    """A saved answer's JSON (UTF-8, BOM or not); ``FileRejected`` naming why it is not one."""
    try:
        return json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise FileRejected("not a LinkedIn API file: not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise FileRejected(f"not a LinkedIn API file: invalid JSON at line {exc.lineno}") from None


def read_envelope_header(envelope: Any) -> ApiFileRead:
    """Check an envelope's marker, endpoint, owner, elements, request, time and window; no rows yet."""
    if not isinstance(envelope, dict) or ENVELOPE_KEY not in envelope:
        raise FileRejected(f"not a LinkedIn API file: no '{ENVELOPE_KEY}' marker")
    if envelope[ENVELOPE_KEY] != ENVELOPE_VERSION:
        raise FileRejected(f"LinkedIn API file of format {envelope[ENVELOPE_KEY]!r}, this Relais reads 1")
    endpoint = envelope.get("endpoint")
    if endpoint not in API_KINDS:
        raise FileRejected(f"LinkedIn API file of endpoint {endpoint!r}, which Relais does not read")
    owner = envelope.get("owner")
    kind = owner.get("kind") if isinstance(owner, dict) else None
    agent_id = owner.get("agent_id") if kind == MEMBER else None
    org_urn = owner.get("urn") if kind == ORGANIZATION else None
    if not (isinstance(agent_id, str) and agent_id.strip()) and not (
        isinstance(org_urn, str) and org_urn.startswith("urn:li:organization:")
    ):
        raise FileRejected(
            "LinkedIn API file without a valid owner (a member's agent_id or an organisation URN)"
        )
    if kind not in _OWNER_KINDS[endpoint]:
        raise FileRejected(f"LinkedIn API file: {endpoint} data cannot belong to an owner of kind {kind}")
    if not isinstance(envelope.get("elements"), list):
        raise FileRejected("LinkedIn API file without a list of elements")
    if not isinstance(envelope.get("request"), str):
        raise FileRejected("LinkedIn API file without the request that produced it")
    try:
        obtained_at = datetime.fromisoformat(str(envelope.get("obtained_at")))
        window = envelope["window"]
        window_start, window_end = date.fromisoformat(window["start"]), date.fromisoformat(window["end"])
    except (KeyError, TypeError, ValueError):
        raise FileRejected("LinkedIn API file with an unreadable obtained_at or window") from None
    return ApiFileRead(
        endpoint=endpoint,
        kind=API_KINDS[endpoint],
        owner_kind=kind,
        agent_id=agent_id.strip() if agent_id else None,
        org_urn=org_urn,
        obtained_at=obtained_at.astimezone(UTC).replace(tzinfo=None) if obtained_at.tzinfo else obtained_at,
        request=envelope["request"],
        window_start=window_start,
        window_end=window_end,
    )


def _count(value: Any, what: str, *, required: bool = True) -> int | None:
    """A non-negative whole number, or None when absent and not required."""
    if value is None:
        if required:
            raise ValueError(f"{what} is missing")
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{what} {value!r} is not a whole number")
    if value < 0:
        raise ValueError(f"{what} {value} is negative")
    return value


def _epoch_ms(value: Any, what: str) -> datetime | None:
    """A naive UTC datetime from epoch milliseconds, or None when absent."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{what} {value!r} is not a time in epoch milliseconds")
    try:
        moment = _EPOCH + timedelta(milliseconds=value)
    except OverflowError:
        moment = _LATEST
    if not _EARLIEST <= moment < _LATEST:
        raise ValueError(f"{what} {value!r} is not a plausible time (epoch milliseconds)")
    return moment


def _restli_day(value: Any, what: str) -> date:
    """A day written ``{"year": 2024, "month": 5, "day": 4}``."""
    if not isinstance(value, dict):
        raise ValueError(f"{what} is not a date")
    try:
        return date(int(value["year"]), int(value["month"]), int(value["day"]))
    except (KeyError, TypeError, ValueError):
        raise ValueError(f"{what} {json.dumps(value)} is not a real date") from None


def _one_day(date_range: Any) -> date | None:
    """The day a ``dateRange`` covers, or None for a range longer than one day (a total)."""
    if not isinstance(date_range, dict):
        raise ValueError("dateRange is not a range of dates")
    start = _restli_day(date_range.get("start"), "dateRange.start")
    if date_range.get("end") is None:
        return start
    end = _restli_day(date_range["end"], "dateRange.end")
    if end < start:
        raise ValueError(f"dateRange ends ({end}) before it starts ({start})")
    return start if (end - start).days <= 1 else None


def _post_urn(value: Any, what: str) -> tuple[str, str]:
    """A post URN and its post key; anything else is an error."""
    key = post_key(value) if isinstance(value, str) and value.startswith("urn:li:") else None
    if key is None:
        raise ValueError(f"{what} {value!r} is not a post URN")
    return value, key


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value != "" else None


def request_params(request: str) -> dict[str, str]:
    """The query parameters of a recorded call, decoded."""
    query = urlsplit(request.split(" ", 1)[-1]).query
    return dict(parse_qsl(query, keep_blank_values=True))


def _created(post: dict[str, Any]) -> Any:
    """A post's creation time as written: ``createdAt`` (Posts API) or ``created.time`` (DMA Posts)."""
    value = post.get("createdAt")
    if value is None and isinstance(post.get("created"), dict):
        value = post["created"].get("time")
    return value


def post_created_ms(post: dict[str, Any]) -> int | None:
    """When a post was created, in epoch ms (``createdAt`` or ``created.time``); None when unknown."""
    value = _created(post)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _parse_post(element: dict[str, Any], read: ApiFileRead) -> dict[str, Any]:
    urn, key = _post_urn(element.get("id"), "id")
    created_at = _epoch_ms(_created(element), "createdAt")
    if created_at is None:
        raise ValueError(f"post {urn}: createdAt is missing")
    parent = (element.get("reshareContext") or {}).get("parent")
    if parent is not None and not isinstance(parent, str):
        raise ValueError(f"post {urn}: reshareContext.parent is not a URN")
    return {
        "post_urn": urn,
        "post_key": key,
        "created_at": created_at,
        "published_at": _epoch_ms(element.get("publishedAt"), "publishedAt"),
        "visibility": _text(element.get("visibility")),
        "lifecycle_state": _text(element.get("lifecycleState")),
        "reshare_parent_urn": parent,
        "reshare_parent_key": post_key(parent) if parent else None,
        "commentary": _text(element.get("commentary")),
    }


def _parse_social_metadata(element: dict[str, Any], read: ApiFileRead) -> dict[str, Any]:
    entity = element.get("entity")
    if entity is None:
        path = urlsplit(read.request.split(" ", 1)[-1]).path
        entity = unquote(path.rsplit("/", 1)[-1]) if f"/{SOCIAL_METADATA}/" in path else None
    urn, key = _post_urn(entity, "entity")
    comments = element.get("commentSummary")
    if not isinstance(comments, dict):
        raise ValueError(f"{urn}: commentSummary is missing")
    summaries = element.get("reactionSummaries") or {}
    if not isinstance(summaries, dict):
        raise ValueError(f"{urn}: reactionSummaries is not a map of reaction types")
    by_type = {
        str(name).upper(): _count(
            entry.get("count") if isinstance(entry, dict) else None, f"{urn}: reactions {name} count"
        )
        for name, entry in summaries.items()
    }
    row: dict[str, Any] = {
        "post_urn": urn,
        "post_key": key,
        "comments": _count(comments.get("count"), f"{urn}: commentSummary.count"),
        "top_level_comments": _count(
            comments.get("topLevelCount"), f"{urn}: commentSummary.topLevelCount", required=False
        ),
        "reactions": sum(v or 0 for v in by_type.values()),
    }
    row.update({name.lower(): by_type.get(name, 0) for name in REACTION_TYPES})
    return row


def _metric_type(element: dict[str, Any], read: ApiFileRead) -> str:
    value = element.get("metricType")
    if isinstance(value, dict) and len(value) == 1:
        value = next(iter(value.values()))
    if value is None:
        value = request_params(read.request).get("queryType")
    if not isinstance(value, str) or not value.strip():
        raise ValueError("metricType is missing")
    return METRIC_NAMES.get(value.strip().upper(), value.strip().lower())


def _creator_post(element: dict[str, Any], read: ApiFileRead) -> str | None:
    entity = element.get("entity")
    if isinstance(entity, str):
        return entity
    match = re.search(r"urn:li:(?:share|ugcPost):\d+", request_params(read.request).get("entity", ""))
    return match.group(0) if match else None


def _parse_creator_analytics(element: dict[str, Any], read: ApiFileRead) -> dict[str, Any]:
    metric = _metric_type(element, read)
    date_range = element.get("dateRange")
    return {
        "day": _one_day(date_range) if date_range is not None else None,
        "metric": metric,
        "value": _count(element.get("count"), f"{metric}: count"),
        "post_urn": _creator_post(element, read),
    }


def _parse_followers(element: dict[str, Any], read: ApiFileRead) -> dict[str, Any]:
    value = _count(element.get("memberFollowersCount"), "memberFollowersCount")
    date_range = element.get("dateRange")
    if date_range is None:
        return {"day": None, "followers_total": value, "new_followers": None}
    return {"day": _one_day(date_range), "followers_total": None, "new_followers": value}


def _parse_share_statistics(element: dict[str, Any], read: ApiFileRead) -> dict[str, Any]:
    time_range = element.get("timeRange")
    day = None
    if time_range is not None:
        start = _epoch_ms(
            time_range.get("start") if isinstance(time_range, dict) else None, "timeRange.start"
        )
        if start is None:
            raise ValueError("timeRange.start is missing")
        day = start.date()
    stats = element.get("totalShareStatistics")
    if not isinstance(stats, dict):
        raise ValueError("totalShareStatistics is missing")
    engagement = stats.get("engagement")
    if engagement is not None and (
        isinstance(engagement, bool) or not isinstance(engagement, int | float) or engagement < 0
    ):
        raise ValueError(f"engagement {engagement!r} is not a non-negative rate")
    return {
        "day": day,
        "impressions": _count(stats.get("impressionCount"), "impressionCount"),
        "unique_impressions": _count(
            stats.get("uniqueImpressionsCount"), "uniqueImpressionsCount", required=False
        ),
        "clicks": _count(stats.get("clickCount"), "clickCount"),
        "likes": _count(stats.get("likeCount"), "likeCount"),
        "comments": _count(stats.get("commentCount"), "commentCount"),
        "shares": _count(stats.get("shareCount"), "shareCount"),
        "engagement": float(engagement) if engagement is not None else None,
    }


def _analytics_count(value: Any, what: str) -> int | None:
    """A count of the Pages analytics, written ``{"long": n}``, ``{"bigDecimal": "n"}`` or as a number."""
    if isinstance(value, dict):
        if "long" in value:
            value = value["long"]
        elif "bigDecimal" in value:
            try:
                value = float(value["bigDecimal"])
            except (TypeError, ValueError):
                raise ValueError(f"{what} {value['bigDecimal']!r} is not a number") from None
        else:
            return None
    return _count(value, what, required=False)


def _parse_page_content_analytics(element: dict[str, Any], read: ApiFileRead) -> dict[str, Any]:
    """One element of the content analytics ``trend`` finder: one metric of the Page on one day.

    The value is ``totalCount`` (organic and sponsored together), else organic + sponsored from
    ``typeSpecificValue.contentAnalyticsValue``; the row holds that metric's column only, and
    ``merge_page_days`` joins a day's metrics into one row.
    """
    metric_type = str(element.get("type") or "").strip().upper()
    if metric_type not in PAGE_CONTENT_METRICS:
        raise ValueError(f"metric type {element.get('type')!r} is not one Relais reads")
    metric = element.get("metric")
    if not isinstance(metric, dict):
        raise ValueError(f"{metric_type}: metric is missing")
    time_range = (metric.get("timeIntervals") or {}).get("timeRange")
    if not isinstance(time_range, dict):
        raise ValueError(f"{metric_type}: timeIntervals.timeRange is missing")
    start = _epoch_ms(time_range.get("start"), "timeRange.start")
    if start is None:
        raise ValueError(f"{metric_type}: timeRange.start is missing")
    end = time_range.get("end")
    if end is not None and end != time_range["start"] + DAY_MS:
        raise ValueError(f"{metric_type}: the time range {time_range} is not one whole day")
    value = metric.get("value") if isinstance(metric.get("value"), dict) else {}
    total = _analytics_count(value.get("totalCount"), f"{metric_type}: totalCount")
    if total is None:
        split = (value.get("typeSpecificValue") or {}).get("contentAnalyticsValue") or {}
        parts = [
            _analytics_count(split.get(side), f"{metric_type}: {side}")
            for side in ("organicValue", "sponsoredValue")
        ]
        if all(part is None for part in parts):
            raise ValueError(f"{metric_type}: the value is missing")
        total = sum(part or 0 for part in parts)
    return {"day": start.date(), PAGE_CONTENT_METRICS[metric_type]: total}


def merge_page_days(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per day from the content analytics' one row per metric and day (columns of the share
    statistics; a metric not given stays None, ``engagement`` too); the first element of a day is its
    ``_source_row``, and a metric given twice for a day keeps its later value."""
    days: dict[date, dict[str, Any]] = {}
    columns = ("impressions", "unique_impressions", "clicks", "likes", "comments", "shares")
    for row in rows:
        empty = {"day": row["day"], **dict.fromkeys(columns), "engagement": None}
        merged = days.setdefault(row["day"], {**empty, "_source_row": row["_source_row"]})
        merged.update({k: v for k, v in row.items() if k in columns})
    return [days[day] for day in sorted(days)]


CHANGELOG_METHODS = ("CREATE", "UPDATE", "PARTIAL_UPDATE", "DELETE")
#: What a changelog resource is, for the figures; events of other resources are kept, with no kind.
CHANGELOG_RESOURCES = {
    "ugcPosts": "post",
    "posts": "post",
    "shares": "post",
    "socialActions/comments": "comment",
    "socialActions/likes": "reaction",
    "reactions": "reaction",
}


def _changelog_text(activity: dict[str, Any]) -> str | None:
    """A post's commentary (ugcPosts, posts or shares shapes) or a comment's message."""
    content = (activity.get("specificContent") or {}).get("com.linkedin.ugc.ShareContent") or {}
    for value in (
        (content.get("shareCommentary") or {}).get("text"),
        activity.get("commentary"),
        (activity.get("text") or {}).get("text") if isinstance(activity.get("text"), dict) else None,
        (activity.get("message") or {}).get("text") if isinstance(activity.get("message"), dict) else None,
    ):
        if isinstance(value, str):
            return value
    return None


def _changelog_parent(activity: dict[str, Any]) -> str | None:
    """The post a reshare relays: ``responseContext.parent`` (ugcPosts) or ``reshareContext.parent``."""
    for context in ("responseContext", "reshareContext"):
        parent = (activity.get(context) or {}).get("parent")
        if isinstance(parent, str):
            return parent
    return None


def _parse_changelog(element: dict[str, Any], read: ApiFileRead) -> dict[str, Any]:
    """One changelog event: what changed (post, comment, reaction), how, when, and what it targets."""
    event_id = element.get("id")
    if isinstance(event_id, bool) or not isinstance(event_id, int | str) or str(event_id).strip() == "":
        raise ValueError(f"event id {event_id!r} is missing or not an identifier")
    method = element.get("method")
    if method not in CHANGELOG_METHODS:
        raise ValueError(f"event {event_id}: method {method!r} is not one of {', '.join(CHANGELOG_METHODS)}")
    processed_at = _epoch_ms(element.get("processedAt"), "processedAt")
    if processed_at is None:
        raise ValueError(f"event {event_id}: processedAt is missing")
    resource_name = _text(element.get("resourceName"))
    resource_id = element.get("resourceId")
    if not resource_name or resource_id in (None, ""):
        raise ValueError(f"event {event_id}: resourceName or resourceId is missing")
    activity = element.get("activity") or {}
    if not isinstance(activity, dict):
        raise ValueError(f"event {event_id}: activity is not a JSON object")
    kind = CHANGELOG_RESOURCES.get(resource_name)
    created = activity.get("created")
    occurred_at = _epoch_ms(created.get("time") if isinstance(created, dict) else None, "created.time")
    item_key = target = None
    if kind == "post":
        item_urn = activity.get("id") if isinstance(activity.get("id"), str) else str(resource_id)
        item_key = post_key(item_urn if item_urn.startswith("urn:li:") else f"urn:li:share:{item_urn}")
        target = _changelog_parent(activity)
    elif kind in {"comment", "reaction"}:
        target = activity.get("object") if isinstance(activity.get("object"), str) else None
        item_key = f"{kind}:{resource_id}"
    reaction_type = activity.get("reactionType") if kind == "reaction" else None
    return {
        "event_id": str(event_id),
        "processed_at": processed_at,
        "captured_at": _epoch_ms(element.get("capturedAt"), "capturedAt"),
        "method": method,
        "resource_name": resource_name,
        "resource_id": str(resource_id),
        "kind": kind,
        "item_key": item_key,
        "target_key": post_key(target) if target else None,
        "occurred_at": occurred_at or _epoch_ms(element.get("capturedAt"), "capturedAt") or processed_at,
        "commentary": _changelog_text(activity) if kind in {"post", "comment"} else None,
        "reaction_type": (reaction_type or "LIKE") if kind == "reaction" else None,
    }


_PARSERS: dict[str, Callable[[dict[str, Any], ApiFileRead], dict[str, Any]]] = {
    POSTS: _parse_post,
    SOCIAL_METADATA: _parse_social_metadata,
    CREATOR_ANALYTICS: _parse_creator_analytics,
    FOLLOWERS: _parse_followers,
    SHARE_STATISTICS: _parse_share_statistics,
    MEMBER_CHANGELOG: _parse_changelog,
    PAGE_POSTS: _parse_post,
    PAGE_SOCIAL_METADATA: _parse_social_metadata,
    PAGE_CONTENT_ANALYTICS: _parse_page_content_analytics,
}
#: Endpoints whose rows are joined after parsing (the content analytics: one row per day); the rows
#: read of such a file are its joined rows and its rejected elements, so that read = loaded + quarantined.
_MERGERS: dict[str, Callable[[list[dict[str, Any]]], list[dict[str, Any]]]] = {
    PAGE_CONTENT_ANALYTICS: merge_page_days,
}
