"""The institution's Page through LinkedIn's Pages Data Portability API (DMA, ``r_dma_admin_pages_content``).

When ``linkedin_organization_product`` is "pages_portability", the connector reads the organisation
with an administrator's token of that product instead of the Community Management API, within the
same run, cursor, budget and error handling (``fetch.sync``). For each window it:

- lists the Page's posts with ``dmaFeedContentsExternal?q=postsByAuthor`` (newest first, paged by
  ``paginationCursor``) and reads them with ``dmaPosts`` (BATCH_GET ``ids=List(...)``), keeping those
  created in the window and stopping once a page reaches older posts;
- reads their reactions and comments with ``dmaSocialMetadata`` (BATCH_GET);
- finds the Page (``dmaOrganizationalPageProfiles?q=pageEntity``) and reads its daily figures with
  ``dmaOrganizationalPageContentAnalytics?q=trend`` (impressions, unique impressions, clicks,
  reactions, comments, reposts; ``timeGranularityType:DAY``).

Each answer is saved as an envelope (``files.write_api_file``) and read into the same raw tables as
the Community Management answers (api_posts, api_social_metadata, api_org_share_stats), so that
staging keeps one value per fact whichever source, Page export included, gave it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from relais.settings import LINKEDIN_ORGANIZATION_PRODUCTS
from relais.sources.linkedin_api.client import LinkedInClient, Params, RequestFailed, Restli, urn_key
from relais.sources.linkedin_api.files import (
    PAGE_CONTENT_ANALYTICS,
    PAGE_CONTENT_METRICS,
    PAGE_POSTS,
    PAGE_SOCIAL_METADATA,
    post_created_ms,
)
from relais.sources.post_identity import post_key

COMMUNITY, PAGES_PORTABILITY = LINKEDIN_ORGANIZATION_PRODUCTS

FEED_CONTENTS = "dmaFeedContentsExternal"
PAGE_PROFILES = "dmaOrganizationalPageProfiles"
MAX_BATCH = 50
MAX_FEED_PAGES = 200

Batch = tuple[str, list[dict[str, Any]]]
"""One call's record (``GET /rest/...``) and its elements, ready for an envelope."""


def restli_list(values: list[str]) -> Restli:
    """A Rest.li 2.0 list of URNs (each URL-encoded): ``List(urn%3Ali%3Ashare%3A1,...)``."""
    return Restli("List(" + ",".join(urn_key(value) for value in values) + ")")


def next_cursor(answer: dict[str, Any]) -> str | None:
    """The feed's next ``paginationCursor``, under either spelling LinkedIn's metadata has used."""
    metadata = answer.get("metadata") if isinstance(answer.get("metadata"), dict) else {}
    holders = (metadata.get("paginationCursorMetdata"), metadata.get("paginationCursorMetadata"), metadata)
    for holder in holders:
        cursor = holder.get("nextPaginationCursor") if isinstance(holder, dict) else None
        if isinstance(cursor, str) and cursor:
            return cursor
    return None


def feed_pages(client: LinkedInClient, author: str, page_size: int) -> Iterator[list[str]]:
    """The URNs of ``author``'s posts, page after page of ``dmaFeedContentsExternal`` (newest first)."""
    params: dict[str, str | int] = {"q": "postsByAuthor", "author": author, "maxPaginationCount": page_size}
    for _ in range(MAX_FEED_PAGES):
        answer = client.get(FEED_CONTENTS, params)
        elements = answer.get("elements")
        if not isinstance(elements, list):
            raise RequestFailed(f"GET {FEED_CONTENTS}: the answer has no list of elements")
        yield [e["id"] for e in elements if isinstance(e, dict) and isinstance(e.get("id"), str)]
        cursor = next_cursor(answer)
        if cursor is None or not elements:
            return
        params = {**params, "paginationCursor": cursor}
    raise RequestFailed(f"GET {FEED_CONTENTS}: more than {MAX_FEED_PAGES} pages, stopped")


def batch_get(client: LinkedInClient, endpoint: str, urns: list[str], key: str) -> Batch:
    """BATCH_GET ``urns`` from ``endpoint``: the call and its ``results`` in the order asked.

    A result that does not name itself gets its URN under ``key`` (``id`` for posts, ``entity`` for
    social metadata); URNs LinkedIn answered nothing for are left out.
    """
    params: Params = {"ids": restli_list(urns)}
    answer = client.get(endpoint, params)
    results = answer.get("results")
    if not isinstance(results, dict):
        raise RequestFailed(f"GET {endpoint}: the answer has no map of results")
    elements = [
        {key: urn, **results[urn]} if key not in results[urn] else results[urn]
        for urn in urns
        if isinstance(results.get(urn), dict)
    ]
    return client.describe(endpoint, params), elements


def page_posts(
    client: LinkedInClient, author: str, window_ms: tuple[int, int], page_size: int
) -> Iterator[Batch]:
    """``author``'s posts created in ``[start, end)`` (epoch ms), one ``dmaPosts`` batch a feed page.

    Posts come newest first: the listing stops at the first page holding a post older than the window.
    """
    first_ms, end_ms = window_ms
    for urns in feed_pages(client, author, min(page_size, MAX_BATCH)):
        if not urns:
            return
        request, posts = batch_get(client, PAGE_POSTS, urns, "id")
        created = [post_created_ms(post) for post in posts]
        yield (
            request,
            [post for post, at in zip(posts, created, strict=True) if at is None or first_ms <= at < end_ms],
        )
        if any(at is not None and at < first_ms for at in created):
            return


def social_metadata(client: LinkedInClient, posts: list[dict[str, Any]]) -> Iterator[Batch]:
    """The reactions and comments of ``posts`` (those that name a post), ``MAX_BATCH`` posts a call."""
    urns = [p["id"] for p in posts if isinstance(p.get("id"), str) and post_key(p["id"]) is not None]
    for k in range(0, len(urns), MAX_BATCH):
        yield batch_get(client, PAGE_SOCIAL_METADATA, urns[k : k + MAX_BATCH], "entity")


def organizational_page(client: LinkedInClient, organization: str) -> str:
    """The ``urn:li:organizationalPage:...`` of an organisation, which the Page analytics are keyed by."""
    entity = Restli(f"(organization:{urn_key(organization)})")
    answer = client.get(PAGE_PROFILES, {"q": "pageEntity", "pageEntity": entity})
    for element in answer.get("elements") or []:
        urn = element.get("entityUrn") if isinstance(element, dict) else None
        if isinstance(urn, str) and urn.startswith("urn:li:organizationalPage:"):
            return urn
    raise RequestFailed(f"GET {PAGE_PROFILES}: no organizational Page found for {organization}")


def time_intervals(first_ms: int, end_ms: int) -> Restli:
    """A daily ``timeIntervals`` value from ``first_ms`` (included) to ``end_ms`` (excluded)."""
    return Restli(f"(timeRange:(start:{first_ms},end:{end_ms}),timeGranularityType:DAY)")


def content_analytics(client: LinkedInClient, page: str, window_ms: tuple[int, int]) -> Batch:
    """The Page's daily content figures over ``[start, end)`` (epoch ms): the ``trend`` finder's elements."""
    params: Params = {
        "q": "trend",
        "sourceEntity": page,
        "metricTypes": Restli("List(" + ",".join(PAGE_CONTENT_METRICS) + ")"),
        "timeIntervals": time_intervals(*window_ms),
    }
    answer = client.get(PAGE_CONTENT_ANALYTICS, params)
    elements = answer.get("elements")
    if not isinstance(elements, list):
        raise RequestFailed(f"GET {PAGE_CONTENT_ANALYTICS}: the answer has no list of elements")
    return client.describe(PAGE_CONTENT_ANALYTICS, params), elements
