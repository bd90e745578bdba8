"""Whose analytics export a file is, from its name, and whether that name is a given person's.

LinkedIn names creator exports after the member: ``Content_<start>_<end>_<Name>.xlsx`` (older),
``AggregateAnalytics_<Name>_<start>_<end>.xlsx`` (2026) and ``PostAnalytics_<Name>_<postId>.xlsx``.
The name is written as the member spells it, sometimes without spaces (``HeleneLefevre``). Names
are compared with accents, case, spaces and hyphens ignored, first name then last name or the
reverse; a first name alone never matches.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from assets.textio import strip_accents

_DAY = r"\d{1,4}[-.]\d{1,2}[-.]\d{1,4}|\d{8}"
_PATTERNS = (
    re.compile(rf"^Content_(?:{_DAY})_(?:{_DAY})_(?P<name>.+)$", re.IGNORECASE),
    re.compile(rf"^AggregateAnalytics_(?P<name>.+)_(?:{_DAY})_(?:{_DAY})$", re.IGNORECASE),
    re.compile(r"^PostAnalytics_(?P<name>.+)_\d+$", re.IGNORECASE),
)
_COPY_SUFFIX = re.compile(r"\s*[(\[]\d+[)\]]$|\s*-\s*(?:copie|copy)(?:\s*\d+)?$", re.IGNORECASE)


def owner_name_from_file(file_name: str) -> str | None:
    """The member's name written in an analytics export's file name, or None when it names nobody.

    >>> owner_name_from_file("AggregateAnalytics_Hélène Lefèvre_2026-01-01_2026-03-31.xlsx")
    'Hélène Lefèvre'
    """
    stem = PurePath(file_name.replace("\\", "/")).stem.strip()
    stem = _COPY_SUFFIX.sub("", stem)
    for pattern in _PATTERNS:
        match = pattern.match(stem)
        if match:
            name = match.group("name").strip(" _-")
            return name or None
    return None


def compact_name(text: str) -> str:
    """A name reduced for comparison: lower case, no accents, letters and digits only."""
    return re.sub(r"[^0-9a-z]+", "", strip_accents(text).lower())


def same_person(name_in_file: str | None, first_name: str | None, last_name: str | None) -> bool:
    """True when a file's name is the person's full name, in either order, accents and separators ignored."""
    if not name_in_file or not first_name or not last_name:
        return False
    written = compact_name(name_in_file)
    first, last = compact_name(first_name), compact_name(last_name)
    if not written or not first or not last:
        return False
    return written in {first + last, last + first}
