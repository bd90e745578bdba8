"""Skill matching on every core finds exactly what one core finds (relais.skills.parallel)."""

from __future__ import annotations

import random

import pytest

from bench.skills_matching import SEED, synthetic_framework, synthetic_posts
from relais.skills.matcher import Match, SkillMatcher
from relais.skills.parallel import shares, skill_ids_many


def distinct_ids(matches: list[Match]) -> list[str]:
    return list(dict.fromkeys(match.skill_id for match in matches))


@pytest.fixture(scope="module")
def matcher_and_posts() -> tuple[SkillMatcher, list[str]]:
    rng = random.Random(SEED)
    skills = synthetic_framework(600, 3000, rng)
    return SkillMatcher.build(skills), synthetic_posts(3000, skills, rng)


def test_two_workers_find_what_one_process_finds(matcher_and_posts):
    matcher, posts = matcher_and_posts
    texts = [*posts, "", "no skill at all here"]
    alone = [distinct_ids(found) for found in matcher.find_many(texts)]
    assert sum(1 for ids in alone if ids) > 500, "the posts name skills: the comparison means something"
    assert skill_ids_many(matcher, texts, workers=2, minimum=0) == alone


def test_a_small_batch_is_matched_here_without_workers(matcher_and_posts, monkeypatch):
    import relais.skills.parallel as parallel

    matcher, posts = matcher_and_posts
    monkeypatch.setattr(parallel, "ProcessPoolExecutor", None)  # any attempt to start a pool fails
    assert skill_ids_many(matcher, posts[:100], workers=2) == [
        distinct_ids(found) for found in matcher.find_many(posts[:100])
    ]


@pytest.mark.parametrize("count, workers", [(0, 2), (1, 2), (5, 2), (7, 3), (2, 5)])
def test_shares_are_contiguous_and_cover_every_text(count, workers):
    texts = [str(i) for i in range(count)]
    cut = shares(texts, workers)
    assert [t for share in cut for t in share] == texts and all(cut)
    assert not cut or max(map(len, cut)) - min(map(len, cut)) <= 1


@pytest.mark.parametrize(
    "count, workers, lead, lengths",
    [(10, 2, 4, [7, 3]), (9, 3, 3, [5, 2, 2]), (11, 2, 2, [7, 4]), (3, 2, 10, [3]), (0, 2, 5, [])],
)
def test_the_first_share_leads_by_what_it_matches_during_the_handoff(count, workers, lead, lengths):
    texts = [str(i) for i in range(count)]
    cut = shares(texts, workers, lead=lead)
    assert [t for share in cut for t in share] == texts
    assert [len(share) for share in cut] == lengths
