"""Skill matching on every core finds exactly what one core finds (relais.skills.parallel)."""

from __future__ import annotations

import os
import random
import time

import pytest

from bench.skills_matching import SEED, synthetic_framework, synthetic_posts
from relais.skills.matcher import Match, SkillMatcher
from relais.skills.parallel import skill_ids_many


def distinct_ids(matches: list[Match]) -> list[str]:
    return list(dict.fromkeys(match.skill_id for match in matches))


@pytest.fixture(scope="module")
def matcher_and_posts() -> tuple[SkillMatcher, list[str]]:
    rng = random.Random(SEED)
    skills = synthetic_framework(600, 3000, rng)
    return SkillMatcher.build(skills), synthetic_posts(3000, skills, rng)


class SlowHere(SkillMatcher):
    """A matcher that sleeps before each chunk in this process only (the worker's copy is unpickled
    without its delay), so that the worker surely matches chunks before this process is done."""

    delay = 0.0

    def skill_ids_many(self, texts, declared=False, batch=2000):
        self.calls = getattr(self, "calls", 0) + 1
        time.sleep(self.delay)
        return super().skill_ids_many(texts, declared, batch)

    def __getstate__(self):
        return {k: v for k, v in self.__dict__.items() if k not in {"delay", "calls"}}


class FailsInWorker(SkillMatcher):
    """A matcher whose copy in a worker raises on its second chunk, or leaves the process at once."""

    def skill_ids_many(self, texts, declared=False, batch=2000):
        if getattr(self, "in_worker", False):
            self.chunks = getattr(self, "chunks", 0) + 1
            if self.how == "exit":
                os._exit(3)
            if self.chunks == 2:
                raise ValueError("a broken framework entry")
        return super().skill_ids_many(texts, declared, batch)

    def __getstate__(self):
        return {**self.__dict__, "in_worker": True}


def copy_as(cls, matcher, **attributes):
    copy = cls.__new__(cls)
    copy.__dict__.update(matcher.__dict__, **attributes)
    return copy


@pytest.mark.parametrize("workers", [2, 3])
def test_workers_fed_chunk_by_chunk_find_what_one_process_finds(matcher_and_posts, workers):
    matcher, posts = matcher_and_posts
    texts = [*posts, "", "no skill at all here"]
    alone = [distinct_ids(found) for found in matcher.find_many(texts)]
    assert sum(1 for ids in alone if ids) > 500, "the posts name skills: the comparison means something"
    slow = copy_as(SlowHere, matcher, delay=0.1)
    assert skill_ids_many(slow, texts, workers=workers, minimum=0, chunk=97) == alone
    assert 0 < slow.calls < -(-len(texts) // 97), "this process and the workers matched chunks"


def test_a_small_batch_is_matched_here_without_workers(matcher_and_posts, monkeypatch):
    import relais.skills.parallel as parallel

    matcher, posts = matcher_and_posts
    monkeypatch.setattr(parallel, "get_context", None)  # any attempt to start a worker fails
    assert skill_ids_many(matcher, posts[:100], workers=2) == [
        distinct_ids(found) for found in matcher.find_many(posts[:100])
    ]


@pytest.mark.parametrize("how", ["raise", "exit"])
def test_a_worker_that_fails_stops_the_batch_with_its_reason(matcher_and_posts, how):
    matcher, posts = matcher_and_posts
    failing = copy_as(FailsInWorker, matcher, how=how)
    reason = "ValueError: a broken framework entry" if how == "raise" else r"stopped \(exit code 3\)"
    with pytest.raises(RuntimeError, match=reason):
        skill_ids_many(failing, posts, workers=2, minimum=0, chunk=50)


class ListQueue(list):
    """A worker's queue as a list: what ``_Batch.feed`` put on it."""

    def put(self, item):
        self.append(item)


@pytest.mark.parametrize(("texts", "chunk", "workers"), [(0, 5, 1), (1, 5, 1), (23, 5, 1), (23, 5, 2), (40, 3, 3)])
def test_each_chunk_goes_once_to_a_worker_or_to_this_process(texts, chunk, workers):
    from relais.skills.parallel import AHEAD, _Batch

    batch = _Batch([f"t{n}" for n in range(texts)], chunk, workers)
    inboxes = [ListQueue() for _ in range(workers)]
    here, reported = [], 0
    batch.feed(inboxes)
    assert all(len(inbox) <= AHEAD for inbox in inboxes)
    while (index := batch.take_back()) is not None:
        here.append(index)
        if reported < len(inboxes[0]):  # the first worker sends back its oldest chunk
            done = inboxes[0][reported][0]
            batch.keep((0, done, [[] for _ in batch.piece(done)]))
            reported += 1
        batch.feed(inboxes)
        assert all(0 <= held <= AHEAD for held in batch.held)
    sent = [index for inbox in inboxes for index, _ in inbox]
    assert sorted(sent + here) == list(range(-(-texts // chunk)))
    assert [text for index, piece in sorted(item for inbox in inboxes for item in inbox) for text in piece] == [
        f"t{n}" for n in range(len(sent) * chunk) if n < texts
    ], "the workers get the chunks from the front, in order"
