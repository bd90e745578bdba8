"""Matching many texts on every core: spawned workers and this process claim chunks from both ends.

Matching is pure Python (normalisation, one pass of the automaton per batch of texts), so one
process uses one core. ``skill_ids_many`` matches a large batch on every core:

1. the pool's workers are spawned with a shared pair of counters (the next chunk from the front,
   the next from the back); a first, empty task makes the pool start them, so their interpreter
   start and imports run while this process pickles the matcher (17 MB, about 0.3 s at ESCO's size);
2. each worker gets the pickled matcher and all the texts, and claims chunks of ``CHUNK`` texts
   from the front while this process claims them from the back, until the two meet; each sends
   back only each text's skill ids.

No split decided in advance can be right: a worker starts about half a second late, and the two
processes slow each other down by different amounts (shared caches and memory bandwidth). Claiming
chunks makes them finish together whatever their speeds. Below ``PARALLEL_MIN`` texts the start-up
would cost more than it saves, and the batch is matched here. Workers are spawned, never forked: a
fork of a process whose DuckDB or Polars threads hold a lock can deadlock.
"""

from __future__ import annotations

import os
import pickle
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from multiprocessing.sharedctypes import SynchronizedArray

from relais.skills.matcher import SkillMatcher, collector_paused

PARALLEL_MIN = 300_000
"""Texts below which one process matches the whole batch. Measured at M (ESCO-sized framework,
121,816 posts): one core 0.84 s (144,625 posts/s), two processes 0.95 s, as a spawned worker takes
about 1 s to start and unpickle the matcher; a second core pays from about 2 x 145,000 x 1 s texts."""

CHUNK = 10_000
"""Texts per claimed chunk (about 0.1 s of matching): small enough for both ends to meet closely."""

_ends: SynchronizedArray | None = None
"""In a worker: the shared counters ``[next chunk from the front, chunk after the last from the back]``."""


def _share_ends(ends: SynchronizedArray) -> None:
    """Start-up of a worker: the counters shared with every process matching the batch."""
    global _ends
    _ends = ends


def _ready() -> None:
    """The first task of a worker: nothing, the worker's start-up is the point."""


def claim(ends: SynchronizedArray, from_front: bool) -> int | None:
    """The next chunk to match, from the front or the back, or None once the two ends have met."""
    with ends.get_lock():
        front, back = ends[0], ends[1]
        if front >= back:
            return None
        if from_front:
            ends[0] = front + 1
            return front
        ends[1] = back - 1
        return back - 1


def _match_from_front(payload: bytes, texts: list[str], chunk: int) -> dict[int, list[list[str]]]:
    """A worker's part: chunks claimed from the front, each text's distinct skill ids by chunk."""
    assert _ends is not None, "the counters are given to the worker when it starts"
    matcher: SkillMatcher = pickle.loads(payload)
    found = {}
    while (index := claim(_ends, from_front=True)) is not None:
        found[index] = matcher.skill_ids_many(texts[index * chunk : (index + 1) * chunk])
    return found


def skill_ids_many(
    matcher: SkillMatcher,
    texts: list[str],
    workers: int | None = None,
    minimum: int = PARALLEL_MIN,
    chunk: int = CHUNK,
) -> list[list[str]]:
    """Each text's distinct skill ids, the texts matched by ``workers`` processes (default: one per
    CPU) in chunks of ``chunk`` when there are at least ``minimum`` of them; the same result as
    matching them here."""
    workers = workers or os.cpu_count() or 1
    if workers <= 1 or len(texts) < minimum:
        return matcher.skill_ids_many(texts)
    context = get_context("spawn")
    ends = context.Array("q", [0, -(-len(texts) // chunk)])
    found: dict[int, list[list[str]]] = {}
    with collector_paused(), ProcessPoolExecutor(
        max_workers=workers - 1, mp_context=context, initializer=_share_ends, initargs=(ends,)
    ) as pool:
        for _ in range(workers - 1):
            pool.submit(_ready)
        payload = pickle.dumps(matcher)
        pending = [pool.submit(_match_from_front, payload, texts, chunk) for _ in range(workers - 1)]
        while (index := claim(ends, from_front=False)) is not None:
            found[index] = matcher.skill_ids_many(texts[index * chunk : (index + 1) * chunk])
        for future in pending:
            found.update(future.result())
    return [ids for index in sorted(found) for ids in found[index]]
