"""Skill matching on every core finds exactly what one core finds (relais.skills.parallel)."""

from __future__ import annotations

import random
import time

import pytest

from bench.skills_matching import SEED, synthetic_framework, synthetic_posts
from relais.skills.matcher import Match, SkillMatcher
from relais.skills.parallel import claim, skill_ids_many


def distinct_ids(matches: list[Match]) -> list[str]:
    return list(dict.fromkeys(match.skill_id for match in matches))


@pytest.fixture(scope="module")
def matcher_and_posts() -> tuple[SkillMatcher, list[str]]:
    rng = random.Random(SEED)
    skills = synthetic_framework(600, 3000, rng)
    return SkillMatcher.build(skills), synthetic_posts(3000, skills, rng)


class SlowHere(SkillMatcher):
    """A matcher that sleeps before each chunk in this process only (the worker's copy is unpickled
    without its delay), so that the worker surely claims chunks before this process is done."""

    delay = 0.0

    def skill_ids_many(self, texts, declared=False, batch=2000):
        self.calls = getattr(self, "calls", 0) + 1
        time.sleep(self.delay)
        return super().skill_ids_many(texts, declared, batch)

    def __getstate__(self):
        return {k: v for k, v in self.__dict__.items() if k not in {"delay", "calls"}}


def test_two_processes_claiming_chunks_find_what_one_process_finds(matcher_and_posts):
    matcher, posts = matcher_and_posts
    texts = [*posts, "", "no skill at all here"]
    alone = [distinct_ids(found) for found in matcher.find_many(texts)]
    assert sum(1 for ids in alone if ids) > 500, "the posts name skills: the comparison means something"
    slow = SlowHere.__new__(SlowHere)
    slow.__dict__.update(matcher.__dict__, delay=0.1)
    assert skill_ids_many(slow, texts, workers=2, minimum=0, chunk=97) == alone
    assert 0 < slow.calls < -(-len(texts) // 97), "both processes matched chunks"


def test_a_small_batch_is_matched_here_without_workers(matcher_and_posts, monkeypatch):
    import relais.skills.parallel as parallel

    matcher, posts = matcher_and_posts
    monkeypatch.setattr(parallel, "ProcessPoolExecutor", None)  # any attempt to start a pool fails
    assert skill_ids_many(matcher, posts[:100], workers=2) == [
        distinct_ids(found) for found in matcher.find_many(posts[:100])
    ]


@pytest.mark.parametrize("chunks", [0, 1, 2, 7])
def test_chunks_claimed_from_both_ends_are_each_claimed_once(chunks):
    from multiprocessing import get_context

    ends = get_context("spawn").Array("q", [0, chunks])
    claimed = []
    for turn in range(chunks + 2):
        index = claim(ends, from_front=turn % 3 != 0)
        if index is not None:
            claimed.append(index)
    assert sorted(claimed) == list(range(chunks))
    assert claim(ends, from_front=True) is None and claim(ends, from_front=False) is None
