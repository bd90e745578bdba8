"""Whose analytics export a file is, from its name, and whether that name is a given person's.

LinkedIn names creator exports after the member: ``Content_<start>_<end>_<Name>.xlsx`` (older),
``AggregateAnalytics_<Name>_<start>_<end>.xlsx`` (2026) and ``PostAnalytics_<Name>_<postId>.xlsx``.
The name is written as the member spells it, sometimes without spaces (``HeleneLefevre``). Names
are compared with accents, case, spaces and hyphens ignored, first name then last name or the
reverse; a first name alone never matches.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import PurePath

from relais.sources.io.text import strip_accents

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


_ISO_DAY = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})$")
_PERIOD = (
    re.compile(rf"^Content_(?P<start>{_DAY})_(?P<end>{_DAY})_", re.IGNORECASE),
    re.compile(rf"^AggregateAnalytics_.+_(?P<start>{_DAY})_(?P<end>{_DAY})$", re.IGNORECASE),
)


def period_from_file_name(file_name: str) -> tuple[date, date] | None:
    """The period an aggregate export's file name gives (``YYYY-MM-DD`` or ``YYYYMMDD`` days), or None.

    A workbook of sheets saved apart without DISCOVERY (TOP POSTS alone) has no other period;
    days written otherwise (``01-04-2024``) are ambiguous and give None.

    >>> period_from_file_name("AggregateAnalytics_Hélène Lefèvre_2026-01-01_2026-03-31 (1).xlsx")
    (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
    """
    stem = _COPY_SUFFIX.sub("", PurePath(file_name.replace("\\", "/")).stem.strip())
    for pattern in _PERIOD:
        match = pattern.match(stem)
        if match:
            days = [_ISO_DAY.match(match.group(part)) for part in ("start", "end")]
            try:
                start, end = (date(*map(int, found.groups())) for found in days if found)
            except (ValueError, TypeError):
                return None
            return (start, end) if start <= end else None
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
