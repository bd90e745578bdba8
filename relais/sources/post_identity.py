"""One key per LinkedIn post (and per LinkedIn page of any other kind), whatever form its link takes.

Links arrive as feed URLs (``/feed/update/urn:li:activity:<n>/``, URL-encoded or not, with
tracking query strings), as ``/posts/<author>_<slug>-activity-<n>-<hash>`` slugs, as embed URLs or
as bare URNs. All of them reduce to ``<type>:<id>`` (``activity:7206231498968948737``). Share and
ugcPost URNs keep their own type: their numbers are not the activity id of the same post and no
offline rule maps one onto the other, so such links only meet links of the same type.

Links to LinkedIn content that has no activity id get a stable key of their own kind, in raw,
URL-encoded and feed-URL forms alike:

- ``urn:li:groupPost:<group>-<id>`` → ``groupPost:<group>-<id>``
- ``urn:li:article:<id>`` → ``article:<id>``; ``/pulse/<slug>`` → ``pulse:<slug>`` (no offline rule
  maps a pulse slug to an article id)
- ``urn:li:lyndaCourse:<id>`` → ``lyndaCourse:<id>``
- ``urn:li:event:<id>`` and ``/events/<slug><id>/`` → ``event:<id>`` (``event:<slug>`` without id)
- ``urn:li:newsletter:<id>`` and ``/newsletters/<slug>-<id>/`` → ``newsletter:<id>``

Any other linkedin.com link (a profile, a company page, a job...) gets the fallback key
``url:linkedin.com/<path>`` (host reduced to ``linkedin.com``, path lower-cased, query string,
fragment and trailing slash dropped), so no linkedin.com link is left without a key. Only the
*post* kinds (``POST_KINDS``) make a shared link a reshare.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

POST_KINDS = ("activity", "share", "ugcPost", "groupPost")
"""Key kinds that designate a feed post: sharing one is a reshare, not an original post."""
PUBLICATION_KINDS = (*POST_KINDS, "article", "pulse")
"""Key kinds that designate something a member or a Page publishes (a feed post or an article)."""

_URN = re.compile(
    r"urn:li:(?:"
    r"(?P<post>activity|share|ugcpost):(?P<post_id>\d+)"
    r"|(?P<group>grouppost):(?P<group_id>\d+-\d+)"
    r"|(?P<other>article|lyndacourse|event|newsletter):(?P<other_id>[A-Za-z0-9_-]+)"
    r")",
    re.IGNORECASE,
)
_SLUG_ACTIVITY = re.compile(r"-(activity|share|ugcpost)-(\d{6,})(?:-|$)", re.IGNORECASE)
_TRAILING_ID = re.compile(r"(\d{6,})$")
_CANONICAL_TYPE = {
    "activity": "activity",
    "share": "share",
    "ugcpost": "ugcPost",
    "grouppost": "groupPost",
    "article": "article",
    "lyndacourse": "lyndaCourse",
    "event": "event",
    "newsletter": "newsletter",
}
_LINKEDIN_HOST = re.compile(r"(^|\.)linkedin\.com$", re.IGNORECASE)


def post_key(link: str | None) -> str | None:
    """The canonical key of the LinkedIn post (or page) a link designates; None for non-LinkedIn links.

    >>> post_key("https://www.linkedin.com/feed/update/urn%3Ali%3Aactivity%3A72062314989/?trk=x")
    'activity:72062314989'
    >>> post_key("https://www.linkedin.com/feed/update/urn%3Ali%3AgroupPost%3A123-456/")
    'groupPost:123-456'
    """
    if not link:
        return None
    text = unquote(unquote(link.strip()))
    if not text:
        return None
    if text.lower().startswith("urn:li:"):
        return _from_urn(text)
    parts = urlsplit(text if "://" in text else f"https://{text}")
    try:
        host = parts.hostname or ""
    except ValueError:
        return None
    if not _LINKEDIN_HOST.search(host):
        return None
    path = re.sub(r"/{2,}", "/", parts.path).rstrip("/")
    return _from_path(path) or _fallback(path)


def _from_path(path: str) -> str | None:
    lowered = path.lower()
    if "/feed/update/" in lowered:
        return _from_urn(path)
    if lowered.startswith("/posts/"):
        match = _SLUG_ACTIVITY.search(path)
        if match:
            return f"{_CANONICAL_TYPE[match.group(1).lower()]}:{match.group(2)}"
        return _from_urn(path)
    segments = path.strip("/").split("/")
    head, rest = segments[0].lower(), segments[1:]
    if not rest or not rest[0]:
        return None
    slug = rest[0]
    if head == "pulse":
        return f"pulse:{slug.lower()}"
    if head == "events":
        match = _TRAILING_ID.search(slug)
        return f"event:{match.group(1)}" if match else f"event:{slug.lower()}"
    if head == "newsletters":
        match = _TRAILING_ID.search(slug)
        return f"newsletter:{match.group(1)}" if match else f"newsletter:{slug.lower()}"
    return None


def _fallback(path: str) -> str:
    """The generic key of a linkedin.com link no kind matches: its normalised path."""
    return f"url:linkedin.com{path.lower() or '/'}"


def _from_urn(text: str) -> str | None:
    match = _URN.search(text)
    if not match:
        return None
    if match.group("post"):
        return f"{_CANONICAL_TYPE[match.group('post').lower()]}:{match.group('post_id')}"
    if match.group("group"):
        return f"groupPost:{match.group('group_id')}"
    return f"{_CANONICAL_TYPE[match.group('other').lower()]}:{match.group('other_id')}"


def key_kind(key: str | None) -> str | None:
    """The kind of a key (``activity``, ``groupPost``, ``url``...), None for None."""
    return key.split(":", 1)[0] if key else None


def is_linkedin_post(link: str | None) -> bool:
    """True when a link designates a LinkedIn feed post (so sharing it is a reshare, not an original post)."""
    return key_kind(post_key(link)) in POST_KINDS


def publication_key(link: str | None) -> str | None:
    """The key of a link to a feed post or an article, None for any other link (a profile, a course...).

    Analytics exports list publications only: a row whose link designates anything else was not
    written by LinkedIn and is refused with its reason rather than loaded under a ``url:`` key.
    """
    key = post_key(link)
    return key if key_kind(key) in PUBLICATION_KINDS else None


def post_url(key: str) -> str:
    """The canonical public URL of a post key (``activity:1`` → ``https://www.linkedin.com/feed/update/urn:li:activity:1/``)."""
    kind, number = key.split(":", 1)
    if kind == "url":
        return f"https://www.{number}"
    if kind == "pulse":
        return f"https://www.linkedin.com/pulse/{number}/"
    return f"https://www.linkedin.com/feed/update/urn:li:{kind}:{number}/"
