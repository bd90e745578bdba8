"""Looking people up by e-mail, by agent id inside a file name, and by full name, in constant time.

Ownership rules (``linkedin_archive.find_owner``, ``readers.analytics.file_owner``) compare every file
with every ambassador; at 50,000 ambassadors and as many files that is billions of comparisons. This
index answers the same questions with dictionaries and one Aho-Corasick automaton over the agent
ids, built once per run, with exactly the same matching rules.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import ahocorasick

from relais.sources.io.export_owner import compact_name


def _is_alnum(char: str) -> bool:
    return char.isascii() and char.isalnum()


class OwnerIndex:
    """Agent ids by roster e-mail, by agent id written in a name, and by full name (either order)."""

    def __init__(self, people: Iterable[tuple[str, str | None, str | None, str | None]]) -> None:
        """``people``: (agent_id, email, first_name, last_name) of each consenting ambassador."""
        self._by_email: dict[str, set[str]] = defaultdict(set)
        self._by_name: dict[str, set[str]] = defaultdict(set)
        self._ids = ahocorasick.Automaton()
        lowered: dict[str, set[str]] = defaultdict(set)
        for agent_id, email, first, last in people:
            if email and email.strip():
                self._by_email[email.strip().lower()].add(agent_id)
            lowered[agent_id.lower()].add(agent_id)
            first_c, last_c = compact_name(first or ""), compact_name(last or "")
            if first_c and last_c:
                self._by_name[first_c + last_c].add(agent_id)
                self._by_name[last_c + first_c].add(agent_id)
        for key, ids in lowered.items():
            if key:
                self._ids.add_word(key, (len(key), frozenset(ids)))
        if lowered:
            self._ids.make_automaton()
        self._empty = not lowered

    def by_emails(self, emails: Iterable[str]) -> set[str]:
        """The agent ids whose roster e-mail is one of ``emails`` (case and spaces ignored)."""
        found: set[str] = set()
        for email in emails:
            if email and email.strip():
                found |= self._by_email.get(email.strip().lower(), set())
        return found

    def ids_in_name(self, name: str) -> set[str]:
        """The agent ids written as a whole token in ``name`` (not next to a letter or digit)."""
        if self._empty:
            return set()
        text = name.lower()
        found: set[str] = set()
        for end, (length, ids) in self._ids.iter(text):
            start = end - length + 1
            before = text[start - 1] if start > 0 else ""
            after = text[end + 1] if end + 1 < len(text) else ""
            if not (before and _is_alnum(before)) and not (after and _is_alnum(after)):
                found |= ids
        return found

    def by_full_name(self, name: str | None) -> set[str]:
        """The agent ids whose first and last names, in either order, make ``name`` (accents, case and
        separators ignored)."""
        key = compact_name(name or "")
        return set(self._by_name.get(key, set())) if key else set()
