"""One key per LinkedIn post, whatever form its link takes.

Links arrive as feed URLs (``/feed/update/urn:li:activity:<n>/``, URL-encoded or not, with
tracking query strings), as ``/posts/<author>_<slug>-activity-<n>-<hash>`` slugs, as embed URLs or
as bare URNs. All of them reduce to ``<type>:<id>`` (``activity:7206231498968948737``). Share and
ugcPost URNs keep their own type: their numbers are not the activity id of the same post and no
offline rule maps one onto the other, so such links only meet links of the same type.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

_URN = re.compile(r"urn:li:(activity|share|ugcpost):(\d+)", re.IGNORECASE)
_SLUG_ACTIVITY = re.compile(r"-(activity|share|ugcpost)-(\d{6,})(?:-|$)", re.IGNORECASE)
_CANONICAL_TYPE = {"activity": "activity", "share": "share", "ugcpost": "ugcPost"}
_LINKEDIN_HOST = re.compile(r"(^|\.)linkedin\.com$", re.IGNORECASE)


def post_key(link: str | None) -> str | None:
    """Return the canonical key of the LinkedIn post a link designates, or None if it designates none.

    >>> post_key("https://www.linkedin.com/feed/update/urn%3Ali%3Aactivity%3A72062314989/?trk=x")
    'activity:72062314989'
    """
    if not link:
        return None
    text = unquote(unquote(link.strip()))
    if not text:
        return None
    if text.lower().startswith("urn:li:"):
        return _from_urn(text)
    parts = urlsplit(text if "://" in text else f"https://{text}")
    if not _LINKEDIN_HOST.search(parts.hostname or ""):
        return None
    path = parts.path.rstrip("/")
    if "/feed/update/" in path or "/embed/feed/update/" in path:
        return _from_urn(path)
    if path.startswith("/posts/"):
        match = _SLUG_ACTIVITY.search(path)
        if match:
            return f"{_CANONICAL_TYPE[match.group(1).lower()]}:{match.group(2)}"
    return None


def _from_urn(text: str) -> str | None:
    match = _URN.search(text)
    if not match:
        return None
    return f"{_CANONICAL_TYPE[match.group(1).lower()]}:{match.group(2)}"


def is_linkedin_post(link: str | None) -> bool:
    """True when a link designates a LinkedIn post (so sharing it is a reshare, not an original post)."""
    return post_key(link) is not None


def post_url(key: str) -> str:
    """The canonical public URL of a post key (``activity:1`` → ``https://www.linkedin.com/feed/update/urn:li:activity:1/``)."""
    kind, number = key.split(":", 1)
    return f"https://www.linkedin.com/feed/update/urn:li:{kind}:{number}/"
