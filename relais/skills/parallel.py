"""Matching many texts on every core: spawned workers started first, the texts in calibrated shares.

Matching is pure Python (normalisation, one pass of the automaton per batch of texts), so one
process uses one core. ``skill_ids_many`` matches a large batch on every core:

1. the workers are spawned at once (a first, empty task makes the pool start them), so their
   interpreter start and imports run while this process pickles the matcher (17 MB, about 0.3 s
   at ESCO's size) and matches a first slice of texts;
2. that slice measures this process's speed; the rest is then cut in contiguous shares, this
   process's own the larger by what it matches while a worker unpickles the matcher and receives
   its share (``HANDOFF_S``);
3. each worker gets the pickled matcher with its one share and sends back only each text's ids.

Below ``PARALLEL_MIN`` texts the start-up would cost more than it saves, and the batch is matched
here. Workers are spawned, never forked: a fork of a process whose DuckDB or Polars threads hold a
lock can deadlock.
"""

from __future__ import annotations

import os
import pickle
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

from relais.skills.matcher import SkillMatcher

PARALLEL_MIN = 300_000
"""Texts below which one process matches the whole batch. Measured at M (ESCO-sized framework,
121,816 posts): one core 0.84 s (144,625 posts/s), two processes 0.95 s, as a spawned worker takes
about 1 s to start and unpickle the matcher; a second core pays from about 2 x 145,000 x 1 s texts."""

CALIBRATION = 20_000
"""Texts this process matches before cutting the shares, to measure its speed (about 0.2 s; a tenth
of the batch when that is fewer)."""

HANDOFF_S = 0.4
"""Seconds from submitting a share to the worker matching it: receiving the matcher and the texts
and unpickling them (measured at L: 0.3 to 0.5 s on this 2-core machine)."""


def _ready() -> None:
    """The first task of a worker: nothing, the worker's start-up is the point."""


def _match_share(payload: bytes, texts: list[str]) -> list[list[str]]:
    """A worker's share: the matcher unpickled, each text's distinct skill ids."""
    matcher: SkillMatcher = pickle.loads(payload)
    return matcher.skill_ids_many(texts)


def shares(texts: list[str], count: int, lead: int = 0) -> list[list[str]]:
    """``texts`` in ``count`` contiguous shares of nearly equal length, the first ``lead`` texts
    longer than the others (empty shares dropped)."""
    lead = max(0, min(lead, len(texts)))
    size, extra = divmod(len(texts) - lead, count)
    cut, start = [], 0
    for index in range(count):
        end = start + size + (1 if index < extra else 0) + (lead if index == 0 else 0)
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
        return matcher.skill_ids_many(texts)
    with ProcessPoolExecutor(max_workers=workers - 1, mp_context=get_context("spawn")) as pool:
        for _ in range(workers - 1):
            pool.submit(_ready)
        payload = pickle.dumps(matcher)
        head = texts[: min(CALIBRATION, len(texts) // 10)]
        started = time.perf_counter()
        found = matcher.skill_ids_many(head)
        per_second = len(head) / max(time.perf_counter() - started, 1e-6)
        own, *others = shares(texts[len(head) :], workers, lead=round(per_second * HANDOFF_S)) or [[]]
        pending = [pool.submit(_match_share, payload, share) for share in others]
        found.extend(matcher.skill_ids_many(own))
        for future in pending:
            found.extend(future.result())
    return found
