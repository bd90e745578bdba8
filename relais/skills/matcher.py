"""Finding a framework's skills in post text: one Aho-Corasick automaton over normalised text.

``SkillMatcher.build(skills)`` normalises every surface form of every skill (labels, aliases,
hashtags; see ``normalise``) and compiles them all, French and English together, into ONE
pyahocorasick automaton. A form also gets its CamelCase split (``AutoCAD`` → ``auto cad``, as
hashtags are split) and, when it has two to four words, its joined spelling (``gestiondeprojet``,
for hashtags written in one lower-case word).

The automaton runs over the normalised text written one word per code: every word of the forms
gets a code of three characters (each position with its own range of code points), every other
word of a post the same "unknown word" code. Matching over codes is whole-word by construction
(``excellent`` never matches ``Excel``, ``deux`` never matches ``UX``), a post of 300 characters
becomes about 150 code characters, and nodes have few children (pyahocorasick looks children up
one by one); this is what keeps a framework of ESCO's size fast.

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
post is its normalisation, one dictionary lookup per word and one pass of the automaton; only the
few hits of a post run the context rules.
"""

from __future__ import annotations

import gc
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from itertools import accumulate, repeat
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
from relais.skills.normalise import TEXT_BREAK, normal_words, normal_words_flat, normalise

MIN_JOINED_LENGTH = 8
"""Joined spellings shorter than this (``eaupotable`` passes, ``enr`` would not) are not added."""


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

    def __init__(
        self, automaton: ahocorasick.Automaton, words: dict[str, str], pattern_count: int, skill_count: int
    ) -> None:
        self._automaton = automaton
        self._words = words
        self._codes = {**words, TEXT_BREAK: TEXT_BREAK_CODE}
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
        vocabulary = sorted({word for pattern in table for word in pattern.split()})
        words = dict(zip(vocabulary, _word_codes(len(vocabulary)), strict=True))
        automaton = ahocorasick.Automaton()
        for pattern, (mode, skill_ids, cased) in table.items():
            pattern_words = pattern.split()
            key = "".join(words[word] for word in pattern_words)
            automaton.add_word(key, _Entry(len(pattern_words), int(mode), tuple(skill_ids), pattern, cased))
        automaton.make_automaton()
        return cls(automaton, words, len(table), skill_count)

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
        found = self._automaton.iter_long("".join(map(self._words.get, words, repeat(OTHER_WORD))))
        hits = _in_words(list(found), 0)
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
        """``outcome`` of every text, ``batch`` texts at a time.

        The cyclic garbage collector is paused meanwhile: matching builds only strings, tuples and
        lists, which reference counting frees, and the collector's passes over a large heap (the
        rows a run holds) took a tenth of the time.
        """
        texts = list(texts)
        found: list[list[_T]] = []
        collecting = gc.isenabled()
        gc.disable()
        try:
            for start in range(0, len(texts), batch):
                found.extend(self._find_batch(texts[start : start + batch], declared, outcome))
        finally:
            if collecting:
                gc.enable()
        return found

    def _find_batch(self, texts: list[str], declared: bool, outcome: _Outcome[_T]) -> list[list[_T]]:
        """``outcome`` of each text of a batch, the batch normalised, encoded and scanned as one string.

        The texts' words are encoded in one pass with ``TEXT_BREAK_CODE`` between two texts; no
        form contains that code, so no match spans two texts and the leftmost-longest scan of the
        whole batch finds, text by text, what scanning each text alone finds. Only the texts with
        a hit are cut out of the batch to run the context rules.
        """
        present = [text for text in texts if text]
        words = normal_words_flat(present)
        encoded = "".join(map(self._codes.get, words, repeat(OTHER_WORD)))
        counts = [len(part) // WORD_CODE_LENGTH for part in encoded.split(TEXT_BREAK_CODE)]
        starts = list(accumulate((count + 1 for count in counts), initial=0))
        ends = [WORD_CODE_LENGTH * (start + count) for start, count in zip(starts, counts, strict=False)]
        hits: defaultdict[int, list[tuple[int, _Entry]]] = defaultdict(list)
        for hit in self._automaton.iter_long(encoded):
            hits[bisect_right(ends, hit[0])].append(hit)
        found: list[list[_T]] = [[] for _ in present]
        for index, found_in_text in hits.items():
            start = starts[index]
            text_words = words[start : start + counts[index]]
            found[index] = outcome(present[index], text_words, _in_words(found_in_text, start), declared)
        if len(present) == len(texts):
            return found
        each = iter(found)
        return [next(each) if text else [] for text in texts]

    def candidates(self, text: str) -> list[Match]:
        """Every surface form present in a text as whole words, nested and overlapping ones included,
        whatever its context (what ``find`` starts from; for inspecting and evaluating)."""
        words = normal_words(text)
        offsets = list(accumulate(map(len, words), initial=1))
        encoded = "".join(map(self._words.get, words, repeat(OTHER_WORD)))
        found = []
        for last, entry in self._automaton.iter(encoded):
            end = (last + 1) // WORD_CODE_LENGTH
            first = end - entry.size
            for skill_id in entry.skill_ids:
                found.append(Match(skill_id, entry.surface, offsets[first] + first, offsets[end] + end - 1))
        return sorted(found, key=lambda match: (match.start, -match.end))

    def skill_ids(self, text: str, declared: bool = False) -> list[str]:
        """The distinct skills named in a text, in order of first appearance."""
        return list(dict.fromkeys(match.skill_id for match in self.find(text, declared)))


WORD_CODE_LENGTH = 3
OTHER_WORD = "\x01" * WORD_CODE_LENGTH
"""The code of every word of a post that no surface form contains."""
TEXT_BREAK_CODE = "\x02" * WORD_CODE_LENGTH
"""The code of ``TEXT_BREAK``, the word between two texts of a batch (in no form)."""


def _word_codes(count: int) -> list[str]:
    """``count`` distinct codes of ``WORD_CODE_LENGTH`` characters, one per word of the forms.

    Each character position has its own range of code points, so a key can only match where a
    word's code starts; and the base is kept as small as the vocabulary allows, because
    pyahocorasick looks a character up among a node's children one by one.
    """
    base = 8
    while base**WORD_CODE_LENGTH < count:
        base += 1
    digits = [
        [chr(0x100 + position * base + value) for value in range(base)]
        for position in range(WORD_CODE_LENGTH)
    ]
    codes = []
    for index in range(count):
        code = []
        for position in reversed(range(WORD_CODE_LENGTH)):
            code.append(digits[position][index % base])
            index //= base
        codes.append("".join(reversed(code)))
    return codes


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


def _in_words(found: list[tuple[int, _Entry]], start: int) -> list[tuple[int, int, _Entry]]:
    """The automaton's hits (last code character, entry) as (first word, word after the last, entry),
    words counted from ``start``."""
    return [
        ((last + 1) // WORD_CODE_LENGTH - start - entry.size, (last + 1) // WORD_CODE_LENGTH - start, entry)
        for last, entry in found
    ]


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
