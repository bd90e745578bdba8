"""Precision and recall of the matcher with the Relais framework on the hand-labelled fixture posts.

A real threshold test: the fixture (``tests/fixtures/skill_posts.jsonl``) was labelled by hand
following the rule in ``relais.skills.evaluate``; the matcher must reach precision 0.90 and
recall 0.80 on it.
"""

from collections import Counter
from pathlib import Path

import pytest

from relais.skills.evaluate import evaluate, load_fixture, main, unknown_labels
from relais.skills.framework import load_relais_framework
from relais.skills.matcher import SkillMatcher

MIN_PRECISION = 0.90
MIN_RECALL = 0.80
FIXTURE = Path(__file__).parent / "fixtures" / "skill_posts.jsonl"


@pytest.fixture(scope="module")
def framework():
    return load_relais_framework()


@pytest.fixture(scope="module")
def matcher(framework):
    return SkillMatcher.build(framework.skills)


@pytest.fixture(scope="module")
def posts():
    return load_fixture(FIXTURE)


def test_fixture_is_large_varied_and_uses_framework_skills(posts, framework):
    assert len(posts) >= 300
    assert len({post.post_id for post in posts}) == len(posts)
    languages = Counter(post.lang for post in posts)
    assert set(languages) == {"fr", "en"} and languages["en"] >= 40
    assert unknown_labels(posts, (skill.skill_id for skill in framework.skills)) == []
    labelled_families = {
        skill.family for skill in framework.skills if any(skill.skill_id in p.skills for p in posts)
    }
    assert len(labelled_families) >= 20
    assert sum(1 for post in posts if not post.skills) >= 40
    assert sum(1 for post in posts if "#" in post.text) >= 80
    assert sum(1 for post in posts if "\n" in post.text) >= 30


def test_fixture_has_forty_posts_using_a_skill_word_in_another_sense(posts, matcher):
    decoys = [
        post
        for post in posts
        if any(candidate.skill_id not in post.skills for candidate in matcher.candidates(post.text))
    ]
    assert len(decoys) >= 40


def test_precision_and_recall_reach_the_thresholds(posts, matcher):
    result = evaluate(matcher, posts)
    assert result.precision >= MIN_PRECISION, [(m.post_id, m.skill_id) for m in result.false_positives]
    assert result.recall >= MIN_RECALL, [(m.post_id, m.skill_id) for m in result.false_negatives]


def test_the_command_prints_the_scores_and_exits_zero(capsys):
    assert main(["--fixture", str(FIXTURE), "--show", "3"]) == 0
    printed = capsys.readouterr().out
    assert "precision:" in printed and "recall:" in printed and "F1:" in printed
    assert "false positives (first 3):" in printed


def test_a_malformed_fixture_line_is_named(tmp_path):
    path = tmp_path / "posts.jsonl"
    path.write_text('{"id": "a", "lang": "fr", "text": "ok", "skills": []}\n{"id": "b"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="line 2"):
        load_fixture(path)
