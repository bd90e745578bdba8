"""Finding a framework's skills in post text: one Aho-Corasick automaton over normalised text.

``SkillMatcher.build(skills)`` normalises every surface form of every skill (labels, aliases,
hashtags; see ``normalise``) and compiles them all, French and English together, into ONE
pyahocorasick automaton. A form also gets its CamelCase split (``AutoCAD`` → ``auto cad``, as
hashtags are split) and, when it has two to four words, its joined spelling (``gestiondeprojet``,
for hashtags written in one lower-case word).

Keys and texts are written in the spaced form: each word between two spaces of its own
(``" gestion  de  projet "``, see ``spaced``). A key begins and ends with a space and a word of a
text is never glued to its neighbour's spaces, so matching is whole-word by construction
(``excellent`` never matches ``Excel``, ``deux`` never matches ``UX``) and two forms side by side
(``Excel, Word``) are both found. Scanning the characters directly costs no per-word dictionary
lookup; the word a hit ends on is the number of double spaces before it.

Choices that keep precision high (the rules themselves are in ``context``):

- Longest match wins: the automaton is scanned leftmost-longest (``iter_long``), so a form nested
  in a longer one is never reported (``gestion de projet agile`` over ``gestion de projet``,
  ``famille d'accueil`` over ``accueil``, ``communication interculturelle`` over
  ``communication``), and of two overlapping forms the one that starts first wins.
- Generic single words (``communication``, ``accueil``, ``management``, ``budget``; ``Excel`` is
  not one: whole-word matching suffices) need a hashtag, a cue (``Formation terminée :``,
  ``chargée de``, ``skills``) or a neighbouring skill in a list; vague words (``formation``,
  ``qualité``) count only as hashtags; sector names (``service public``) never from a hashtag alone.
- Capitalised short forms (``PLU``, ``RGPD``, ``IA``) must be written in capitals or as a hashtag.
- Blocking phrases (``sur nos réseaux sociaux``, ``crèche de Noël``, ``Excel-lent``) win as the
  longest match and yield nothing; a domain right after an administrative unit (``direction de la
  communication``) is an affiliation and yields nothing.

``Match.start`` and ``Match.end`` are offsets in ``normalise(text)`` (the words of the match,
without the framing spaces); ``Match.surface`` is the normalised form that matched. The cost of a
post is its normalisation and one pass of the automaton over its characters; only the few hits of
a post run the context rules.
"""

from __future__ import annotations

import gc
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import accumulate
from typing import NamedTuple, TypeVar

import ahocorasick

from relais.skills.context import (
    BLOCKERS,
    NEIGHBOUR_GAPS,
    Mode,
    after_org_unit,
    has_cue,
    mode_of,
    written_in_capitals,
)
from relais.skills.framework import Skill
from relais.skills.normalise import TEXT_BREAK, normal_words, normalise, spaced, spaced_flat

MIN_JOINED_LENGTH = 8
"""Joined spellings shorter than this (``eaupotable`` passes, ``enr`` would not) are not added."""


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector paused for the block (and restored as it was).

    Matching builds only strings, tuples and lists, which reference counting frees; the
    collector's passes over a large heap (the rows a run holds) took a tenth of the matching time,
    and unpickling a worker's results (a list per text) took 0.23 s with it and 0.03 s without.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


class Match(NamedTuple):
    """One skill found in a text: which skill, by which normalised form, where in the normalised text."""

    skill_id: str
    surface: str
    start: int
    end: int


_new_match = tuple.__new__
"""Builds a ``Match`` without the Python-level ``__new__`` of named tuples (the hot path)."""


_T = TypeVar("_T")
_Outcome = Callable[[str, list[str], list[tuple[int, int, "_Entry"]], bool], list[_T]]
"""What is kept of a text's hits: its ``Match`` list, or its distinct skill ids."""


class _Entry(NamedTuple):
    size: int
    mode: int
    skill_ids: tuple[str, ...]
    surface: str
    cased: str


ALWAYS, CONTEXT, ACRONYM, CUE, HASHTAG, BLOCK = (int(mode) for mode in Mode)


def surface_patterns(surface: str) -> Iterator[tuple[str, str]]:
    """The normalised patterns of one surface form, each with its case-kept spelling.

    The form itself, its CamelCase split when every resulting word has two letters or more
    (``PowerBI`` → ``power bi``, but not ``EnR`` → ``en r``), and the joined spelling of a form of
    two to four words (``marchespublics``).
    """
    plain = normalise(surface).strip()
    if len(plain) < 2:
        return
    yield plain, normalise(surface, keep_case=True).strip()
    split = normalise(surface, split_all=True).strip()
    if split != plain and all(len(word) >= 2 for word in split.split()):
        yield split, normalise(surface, keep_case=True, split_all=True).strip()
    word_count = plain.count(" ") + 1
    joined = plain.replace(" ", "")
    if 2 <= word_count <= 4 and len(joined) >= MIN_JOINED_LENGTH and "," not in joined:
        yield joined, joined


class SkillMatcher:
    """A compiled framework: ``find`` returns the skills a text names, longest match first."""

    def __init__(self, automaton: ahocorasick.Automaton, pattern_count: int, skill_count: int) -> None:
        self._automaton = automaton
        self.pattern_count = pattern_count
        self.skill_count = skill_count

    @classmethod
    def build(cls, skills: Iterable[Skill], blockers: Iterable[str] = BLOCKERS) -> SkillMatcher:
        """Compile every surface form of every skill, and the blocking phrases, into one automaton.

        The variants of one form (``Service public``, ``servicepublic``) share the strictest mode
        among them. A pattern reached from several skills keeps them all; from forms of different
        modes, it takes the strictest one.
        """
        table: dict[str, tuple[Mode, list[str], str]] = {}
        skill_count = 0
        for skill in skills:
            skill_count += 1
            for surface in skill.labels:
                variants = list(surface_patterns(surface))
                mode = max((mode_of(surface, pattern) for pattern, _ in variants), default=Mode.ALWAYS)
                for pattern, cased in variants:
                    _add(table, pattern, mode, skill.skill_id, cased)
        for phrase in blockers:
            pattern = normalise(phrase).strip()
            table[pattern] = (Mode.BLOCK, [], pattern)
        automaton = ahocorasick.Automaton()
        for pattern, (mode, skill_ids, cased) in sorted(table.items(), key=_in_child_order):
            pattern_words = pattern.split()
            entry = _Entry(len(pattern_words), int(mode), tuple(skill_ids), pattern, cased)
            automaton.add_word(spaced(pattern_words), entry)
        automaton.make_automaton()
        return cls(automaton, len(table), skill_count)

    def find(self, text: str, declared: bool = False) -> list[Match]:
        """The skills named in a text, in reading order, one ``Match`` per skill and occurrence.

        With ``declared`` the text is a skill the person declared (a line of LinkedIn's
        ``Skills.csv``): generic, sector and hashtag-only forms count without any cue.
        """
        if not text:
            return []
        return self._find_words(text, normal_words(text), declared)

    def _find_words(self, text: str, words: list[str], declared: bool) -> list[Match]:
        """``find`` on a text already reduced to its normal words."""
        text_spaced = spaced(words)
        hits = _in_words(text_spaced, list(self._automaton.iter_long(text_spaced)), 0)
        return _matches(text, words, hits, declared) if hits else []

    def find_many(self, texts: Iterable[str], declared: bool = False, batch: int = 2000) -> list[list[Match]]:
        """``find`` over many texts, ``batch`` at a time (``_find_batch``)."""
        return self._many(texts, declared, batch, _matches)

    def skill_ids_many(
        self, texts: Iterable[str], declared: bool = False, batch: int = 2000
    ) -> list[list[str]]:
        """Each text's distinct skill ids, in order of first appearance: the ids of ``find_many``
        (what the pipeline keeps), without building a ``Match`` and its offsets for each."""
        return self._many(texts, declared, batch, _skill_ids)

    def _many(
        self, texts: Iterable[str], declared: bool, batch: int, outcome: _Outcome[_T]
    ) -> list[list[_T]]:
        """``outcome`` of every text, ``batch`` texts at a time, the garbage collector paused."""
        texts = list(texts)
        found: list[list[_T]] = []
        with collector_paused():
            for start in range(0, len(texts), batch):
                found.extend(self._find_batch(texts[start : start + batch], declared, outcome))
        return found

    def _find_batch(self, texts: list[str], declared: bool, outcome: _Outcome[_T]) -> list[list[_T]]:
        """``outcome`` of each text of a batch, the batch normalised and scanned as one string.

        The texts' spaced forms are written in one string with the ``TEXT_BREAK`` word between two
        texts; no form contains that word, so no match spans two texts and the leftmost-longest
        scan of the whole batch finds, text by text, what scanning each text alone finds. Only the
        texts with a hit are cut out of the batch to run the context rules.
        """
        present = [text for text in texts if text]
        flat = spaced_flat(present)
        parts = flat.split(BREAK)
        starts = list(accumulate((len(part) + len(BREAK) for part in parts), initial=0))
        hits: defaultdict[int, list[tuple[int, _Entry]]] = defaultdict(list)
        for hit in self._automaton.iter_long(flat):
            hits[bisect_right(starts, hit[0]) - 1].append(hit)
        found: list[list[_T]] = [[] for _ in present]
        for index, found_in_text in hits.items():
            hits_in_words = _in_words(flat, found_in_text, starts[index])
            found[index] = outcome(present[index], parts[index].split(), hits_in_words, declared)
        if len(present) == len(texts):
            return found
        each = iter(found)
        return [next(each) if text else [] for text in texts]

    def candidates(self, text: str) -> list[Match]:
        """Every surface form present in a text as whole words, nested and overlapping ones included,
        whatever its context (what ``find`` starts from; for inspecting and evaluating)."""
        words = normal_words(text)
        offsets = list(accumulate(map(len, words), initial=1))
        text_spaced = spaced(words)
        found = []
        for first, end, entry in _in_words(text_spaced, list(self._automaton.iter(text_spaced)), 0):
            for skill_id in entry.skill_ids:
                found.append(Match(skill_id, entry.surface, offsets[first] + first, offsets[end] + end - 1))
        return sorted(found, key=lambda match: (match.start, -match.end))

    def skill_ids(self, text: str, declared: bool = False) -> list[str]:
        """The distinct skills named in a text, in order of first appearance."""
        return list(dict.fromkeys(match.skill_id for match in self.find(text, declared)))


CHILD_ORDER = " esaitnrulodcpmvqfbghjxyzwk0123456789,.:#"
"""The order keys are added in, character by character. pyahocorasick looks a node's children up
one by one, in the order they were added: space first (it follows every word), then the letters by
their frequency in French, puts the child a text most likely goes on to first. Measured on the
benchmark posts: the automaton's pass 8 % faster than with the keys in framework order."""
_CHILD_RANK = {char: rank for rank, char in enumerate(CHILD_ORDER)}


def _in_child_order(item: tuple[str, object]) -> list[int]:
    """Sort key of a pattern: its characters ranked by ``CHILD_ORDER`` (any other one after them)."""
    return [_CHILD_RANK.get(char, len(CHILD_ORDER)) for char in item[0]]


BREAK = spaced([TEXT_BREAK])
"""The ``TEXT_BREAK`` word in the spaced form, ``" | "``: between two texts of a batch (in no form)."""


def _add(
    table: dict[str, tuple[Mode, list[str], str]], pattern: str, mode: Mode, skill_id: str, cased: str
) -> None:
    known = table.get(pattern)
    if known is None:
        table[pattern] = (mode, [skill_id], cased)
        return
    known_mode, skill_ids, _ = known
    if skill_id not in skill_ids:
        skill_ids.append(skill_id)
    if mode > known_mode:
        table[pattern] = (mode, skill_ids, cased)


def _in_words(
    text_spaced: str, found: list[tuple[int, _Entry]], start: int
) -> list[tuple[int, int, _Entry]]:
    """The automaton's hits (index of the key's last space, entry) in the spaced text of one text,
    which starts at ``start``, as (first word, word after the last, entry).

    A hit ends on the space after a word; each word before that one is followed by exactly one
    double space, so their number is the double spaces between the text's start and that space.
    """
    spans = []
    for last, entry in found:
        end = text_spaced.count("  ", start, last) + 1
        spans.append((end - entry.size, end, entry))
    return spans


def _skill_ids(text: str, words: list[str], hits: list[tuple[int, int, _Entry]], declared: bool) -> list[str]:
    """The distinct skill ids of the accepted hits, in order of first appearance."""
    accepted = _accepted(text, words, hits, declared)
    if not accepted:
        return []
    return list(dict.fromkeys(skill_id for _, _, entry in accepted for skill_id in entry.skill_ids))


def _matches(text: str, words: list[str], hits: list[tuple[int, int, _Entry]], declared: bool) -> list[Match]:
    """The ``Match`` of each accepted hit (first word, word after the last, entry) and of each of
    its skills, with offsets in the normal form of ``text`` (whose words are ``words``)."""
    accepted = _accepted(text, words, hits, declared)
    if not accepted:
        return []
    offsets = list(accumulate(map(len, words), initial=1))
    return [
        _new_match(Match, (skill_id, entry.surface, offsets[first] + first, offsets[end] + end - 1))
        for first, end, entry in accepted
        for skill_id in entry.skill_ids
    ]


def _accepted(
    text: str, words: list[str], hits: list[tuple[int, int, _Entry]], declared: bool
) -> list[tuple[int, int, _Entry]]:
    """The hits (first word, word after the last, entry) whose context supports them, in reading order.

    Blockers and affiliations vanish; generic words without a cue wait for a neighbouring skill.
    """
    accepted: list[tuple[int, int, _Entry]] = []
    pending: list[tuple[int, int, _Entry]] = []
    for hit in hits:
        first, end, entry = hit
        mode = entry.mode
        if mode == BLOCK:
            continue
        if declared:
            accepted.append(hit)
            continue
        hashtag = first > 0 and words[first - 1] == "#"
        if not hashtag and after_org_unit(words, first):
            continue
        if mode == ALWAYS:
            accepted.append(hit)
        elif mode == ACRONYM:
            if hashtag or written_in_capitals(text, entry.cased):
                accepted.append(hit)
        elif mode == HASHTAG:
            if hashtag:
                accepted.append(hit)
        elif (hashtag and mode == CONTEXT) or has_cue(words, first, end - 1):
            accepted.append(hit)
        else:
            pending.append(hit)
    if pending and accepted:
        _accept_neighbours(words, accepted, pending)
        accepted.sort(key=lambda item: item[0])
    return accepted


def _accept_neighbours(
    words: list[str], accepted: list[tuple[int, int, _Entry]], pending: list[tuple[int, int, _Entry]]
) -> None:
    """Accept generic hits that stand in a list next to an accepted skill, until nothing changes."""
    changed = True
    while changed and pending:
        changed = False
        for hit in list(pending):
            for other in accepted:
                if other[1] <= hit[0]:
                    gap = words[other[1] : hit[0]]
                elif hit[1] <= other[0]:
                    gap = words[hit[1] : other[0]]
                else:
                    continue
                if tuple(gap) in NEIGHBOUR_GAPS:
                    accepted.append(hit)
                    pending.remove(hit)
                    changed = True
                    break
