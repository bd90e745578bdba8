"""Matching many texts on every core: workers fed chunk by chunk from the front, this process from the back.

Matching is pure Python (normalisation, one pass of the automaton per batch of texts), so one
process uses one core. ``skill_ids_many`` matches a large batch on every core:

1. one worker per other core is spawned, each with a queue of its own; while they start, this
   process pickles the matcher (36 MB at ESCO's size, about 0.25 s) and puts it first on each queue;
2. this process matches chunks of ``CHUNK`` texts from the back of the batch. Between two of its
   chunks it collects what the workers sent back and keeps each worker ``AHEAD`` chunks in hand,
   taken from the front and sent through its queue;
3. once the front meets the back, each worker is told to stop, and the last chunks are collected.

A worker starts matching as soon as it has the matcher and its first chunk, and only the chunks a
worker matches are pickled. The version before sent every worker the whole batch in one message:
at L (572k texts) the worker began matching 1.2 s into a 4.5 s batch, after this process had
pickled 112 MB of texts (in a thread of its own, beside its matching). Taking chunks as
they go also makes both ends finish together whatever their speeds (a worker starts late, and the
two processes slow each other down by different amounts). Below ``PARALLEL_MIN`` texts the
start-up would cost more than it saves, and the batch is matched here. Workers are spawned, never
forked: a fork of a process whose DuckDB or Polars threads hold a lock can deadlock.
"""

from __future__ import annotations

import os
import pickle
import traceback
from multiprocessing import get_context
from multiprocessing.queues import Queue
from queue import Empty

from relais.skills.matcher import SkillMatcher, collector_paused

PARALLEL_MIN = 100_000
"""Texts below which one process matches the whole batch. Measured on the L commentaries against
the ESCO-sized framework, three runs each: 60,000 texts took 0.71-0.91 s on one core and 0.85-0.98 s
on two; 120,000 took 1.49-1.93 s and 1.22-1.53 s; 200,000 took 2.55-2.84 s and 2.10-2.16 s. A
worker sends its first chunk back about 0.6 s after it is spawned."""

CHUNK = 5_000
"""Texts per chunk (about 0.05 s of matching): small enough for both ends to finish close together."""

AHEAD = 2
"""Chunks a worker holds at once: the one it matches and the next, so it never waits for this
process, which hands out chunks only between two of its own."""

WAIT = 1.0
"""Seconds between two checks that the workers still run, while this process waits for their results."""

_Result = tuple[int, int | None, "list[list[str]] | str"]
"""What a worker sends back: its number, and a chunk's index and skill ids, or None and an error."""


def _serve(inbox: Queue, outbox: Queue, number: int) -> None:
    """A worker: the pickled matcher, then chunks ``(index, texts)`` until ``None``; each chunk's
    skill ids are sent back, or the error that stopped the worker."""
    try:
        matcher: SkillMatcher = pickle.loads(inbox.get())
        while (task := inbox.get()) is not None:
            index, texts = task
            outbox.put((number, index, matcher.skill_ids_many(texts)))
    except BaseException:
        outbox.put((number, None, traceback.format_exc()))


class _Batch:
    """The chunks of one batch: the next one from the front, the one before the back, what each
    worker holds, and the skill ids found so far by chunk."""

    def __init__(self, texts: list[str], chunk: int, workers: int) -> None:
        self.texts = texts
        self.chunk = chunk
        self.front = 0
        self.back = -(-len(texts) // chunk)
        self.held = [0] * workers
        self.found: dict[int, list[list[str]]] = {}

    def piece(self, index: int) -> list[str]:
        """The texts of chunk ``index``."""
        return self.texts[index * self.chunk : (index + 1) * self.chunk]

    def feed(self, inboxes: list[Queue]) -> None:
        """Top every worker up to ``AHEAD`` chunks, taken from the front while any is left."""
        for number, inbox in enumerate(inboxes):
            while self.held[number] < AHEAD and self.front < self.back:
                inbox.put((self.front, self.piece(self.front)))
                self.held[number] += 1
                self.front += 1

    def take_back(self) -> int | None:
        """The chunk before the back, for this process, or None once the two ends have met."""
        if self.front >= self.back:
            return None
        self.back -= 1
        return self.back

    def keep(self, result: _Result) -> None:
        """Record a worker's result; a worker's error stops the batch."""
        number, index, found = result
        if index is None:
            raise RuntimeError(f"a skill-matching worker failed:\n{found}")
        self.found[index] = found  # type: ignore[assignment]
        self.held[number] -= 1

    def collect(self, outbox: Queue) -> None:
        """Record every result the workers have already sent, without waiting."""
        while True:
            try:
                self.keep(outbox.get_nowait())
            except Empty:
                return

    def wait_for_workers(self, outbox: Queue, processes: list) -> None:
        """Record results until no worker holds a chunk; a worker that died meanwhile stops the batch."""
        while any(self.held):
            try:
                self.keep(outbox.get(timeout=WAIT))
            except Empty:
                for number, process in enumerate(processes):
                    if self.held[number] and not process.is_alive():
                        raise RuntimeError(
                            f"a skill-matching worker stopped (exit code {process.exitcode}) "
                            f"holding {self.held[number]} chunk(s)"
                        ) from None

    def in_order(self) -> list[list[str]]:
        """Each text's skill ids, in the order of the texts."""
        return [ids for index in sorted(self.found) for ids in self.found[index]]


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
    outbox = context.Queue()
    inboxes = [context.Queue() for _ in range(workers - 1)]
    processes = [
        context.Process(target=_serve, args=(inbox, outbox, number), daemon=True)
        for number, inbox in enumerate(inboxes)
    ]
    batch = _Batch(texts, chunk, len(inboxes))
    finished = False
    with collector_paused():
        try:
            for process in processes:
                process.start()
            payload = pickle.dumps(matcher)
            for inbox in inboxes:
                inbox.put(payload)
            batch.feed(inboxes)
            while (index := batch.take_back()) is not None:
                batch.found[index] = matcher.skill_ids_many(batch.piece(index))
                batch.collect(outbox)
                batch.feed(inboxes)
            for inbox in inboxes:
                inbox.put(None)
            batch.wait_for_workers(outbox, processes)
            finished = True
        finally:
            _stop(processes, inboxes, outbox, finished)
    return batch.in_order()


def _stop(processes: list, inboxes: list[Queue], outbox: Queue, finished: bool) -> None:
    """Let the workers end (after a finished batch) or end them (after an error), and close the queues."""
    for queue in [*inboxes, outbox]:
        if not finished:
            queue.cancel_join_thread()  # what a stopped worker never read must not block this process
        queue.close()
    for process in processes:
        if not finished and process.is_alive():
            process.terminate()
        if process.pid is not None:
            process.join()
