"""Matching many texts on every core: the matcher sent once to each worker process, the texts in shares.

Matching is pure Python (normalisation, one pass of the automaton per text), so one process uses
one core. ``skill_ids_many`` splits a large batch into one contiguous share per worker: this
process matches the first share while spawned workers, each given the pickled matcher once (about
35 MB and 1 s at ESCO's size), match the others and send back only each text's skill ids. Below
``PARALLEL_MIN`` texts the start-up would cost more than it saves, and the batch is matched here.
Workers are spawned, never forked: a fork of a process whose DuckDB or Polars threads hold a lock
can deadlock.
"""

from __future__ import annotations

import os
import pickle
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

from relais.skills.matcher import Match, SkillMatcher

PARALLEL_MIN = 300_000
"""Texts below which one process matches the whole batch. Measured at M (ESCO-sized framework,
121,816 posts): one core 0.84 s (144,625 posts/s), two processes 0.95 s, as a spawned worker takes
about 1 s to start and unpickle the matcher; a second core pays from about 2 x 145,000 x 1 s texts."""

_worker_matcher: SkillMatcher | None = None


def distinct_ids(matches: list[Match]) -> list[str]:
    """A text's distinct skill ids, in order of first appearance."""
    return list(dict.fromkeys(m.skill_id for m in matches))


def _load(payload: bytes) -> None:
    """Worker start-up: the matcher, unpickled once for every share the worker matches."""
    global _worker_matcher
    _worker_matcher = pickle.loads(payload)


def _match_share(texts: list[str]) -> list[list[str]]:
    assert _worker_matcher is not None, "the worker's matcher is loaded by its initializer"
    return [distinct_ids(found) for found in _worker_matcher.find_many(texts)]


def shares(texts: list[str], count: int) -> list[list[str]]:
    """``texts`` in ``count`` contiguous shares of nearly equal length (empty ones dropped)."""
    size, extra = divmod(len(texts), count)
    cut, start = [], 0
    for index in range(count):
        end = start + size + (1 if index < extra else 0)
        cut.append(texts[start:end])
        start = end
    return [share for share in cut if share]


def skill_ids_many(
    matcher: SkillMatcher, texts: list[str], workers: int | None = None, minimum: int = PARALLEL_MIN
) -> list[list[str]]:
    """Each text's distinct skill ids, the texts shared among ``workers`` processes (default: one per
    CPU) when there are at least ``minimum`` of them; the same result as matching them here."""
    workers = workers or os.cpu_count() or 1
    if workers <= 1 or len(texts) < minimum:
        return [distinct_ids(found) for found in matcher.find_many(texts)]
    first, *others = shares(texts, workers)
    payload = pickle.dumps(matcher)
    with ProcessPoolExecutor(
        max_workers=len(others), mp_context=get_context("spawn"), initializer=_load, initargs=(payload,)
    ) as pool:
        pending = [pool.submit(_match_share, share) for share in others]
        result = [distinct_ids(found) for found in matcher.find_many(first)]
        for future in pending:
            result.extend(future.result())
    return result
