"""Text that comes from outside (LinkedIn posts, HR department names) made safe for file names and links."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import urlsplit

SAFE_SCHEMES = frozenset({"http", "https"})
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_CONTROL = re.compile(r"[\x00-\x20\x7f]")
MAX_SLUG = 60
LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "đ": "d", "ł": "l"})


def safe_url(url: str | None) -> str | None:
    """``url`` if it is an absolute http(s) link with a host, else ``None`` (never ``javascript:``)."""
    if not url:
        return None
    candidate = url.strip()
    if _CONTROL.search(candidate):
        return None
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    if parts.scheme.lower() not in SAFE_SCHEMES or not parts.hostname:
        return None
    return candidate


def slugify(name: str, fallback: str = "departement") -> str:
    """ASCII lowercase words joined by dashes: ``Direction de l'Éducation`` → ``direction-de-l-education``.

    Accents are dropped (NFKD decomposition), ligatures spelled out, and any other character
    (apostrophes of any kind, punctuation, other scripts) separates words.
    """
    decomposed = unicodedata.normalize("NFKD", name.casefold().translate(LIGATURES))
    ascii_name = "".join(c for c in decomposed if not unicodedata.combining(c))
    slug = _NOT_SLUG.sub("-", ascii_name).strip("-")[:MAX_SLUG].strip("-")
    return slug or fallback


def unique_slugs(names: Iterable[str], fallback: str = "departement") -> dict[str, str]:
    """A distinct slug for each distinct name, numbered ``-2``, ``-3`` when two names give the same slug."""
    slugs: dict[str, str] = {}
    taken: set[str] = set()
    for name in names:
        if name in slugs:
            continue
        base = slugify(name, fallback)
        slug, number = base, 1
        while slug in taken:
            number += 1
            slug = f"{base}-{number}"
        slugs[name] = slug
        taken.add(slug)
    return slugs


def shorten(text: str | None, limit: int = 140) -> str:
    """One line of at most ``limit`` characters, cut at a word with an ellipsis."""
    line = " ".join((text or "").split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1].rsplit(" ", 1)[0] if " " in line[: limit - 1] else line[: limit - 1]
    return cut.rstrip(" ,;:.") + "…"
