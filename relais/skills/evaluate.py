"""Precision and recall of the skill matcher on a labelled set of posts, and the command that prints them.

A fixture holds one post a line: ``{"id", "lang", "text", "skills"}``, ``skills`` being the
framework's skills a careful reader tags. The labelling rule: a skill is tagged when the post names
it as a professional activity, competence, profession or field of work (a training taken, a job, a
project's domain, a job advert, a hashtag naming the skill), whoever practises it; the most specific
skill named is tagged (``sensibilisation à la cybersécurité`` rather than ``cybersécurité``, unless
both are named). A skill word used in another sense is not tagged (``un excellent accueil``, ``la
communication du rapport``, ``projet de loi``, ``marché de Noël``), nor the name of an
administrative unit (``la direction de la communication``), nor an event that merely contains the
word (``Semaine du développement durable``), nor a sector label (``#ServicePublic``).

Scores are micro-averaged over (post, skill) pairs: a skill found several times in a post counts
once. ``python -m relais.skills.evaluate --fixture PATH [--framework relais] [--framework-path PATH]``
prints precision, recall, F1 and the first false positives and negatives, and exits 0;
``--framework-path`` may be repeated (ESCO in several languages, merged by concept). The fixture is
named explicitly because it is test data, not shipped with the package: the checkout's
``tests/fixtures/skill_posts.jsonl`` is the hand-labelled set the tests hold the matcher to.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from relais.ledger import FileRejected
from relais.skills.framework import load_framework
from relais.skills.matcher import SkillMatcher


@dataclass(frozen=True)
class LabelledPost:
    """One post of the fixture and the skills a careful reader tags in it."""

    post_id: str
    lang: str
    text: str
    skills: frozenset[str]


@dataclass(frozen=True)
class Miss:
    """A false positive (found, not labelled) or a false negative (labelled, not found)."""

    post_id: str
    skill_id: str
    surface: str
    text: str


@dataclass
class Evaluation:
    """Counts over (post, skill) pairs and the pairs that went wrong."""

    posts: int = 0
    true_positives: int = 0
    false_positives: list[Miss] = field(default_factory=list)
    false_negatives: list[Miss] = field(default_factory=list)

    @property
    def precision(self) -> float:
        """Share of the skills found that are labelled (1.0 when nothing is found)."""
        found = self.true_positives + len(self.false_positives)
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        """Share of the labelled skills that are found (1.0 when nothing is labelled)."""
        labelled = self.true_positives + len(self.false_negatives)
        return self.true_positives / labelled if labelled else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def load_fixture(path: str | Path) -> list[LabelledPost]:
    """Read a JSON-lines fixture; raises ``ValueError`` naming the line of a malformed record."""
    posts: list[LabelledPost] = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            posts.append(
                LabelledPost(str(record["id"]), record["lang"], record["text"], frozenset(record["skills"]))
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}, line {number}: not a labelled post ({exc})") from exc
    return posts


def evaluate(matcher: SkillMatcher, posts: Sequence[LabelledPost]) -> Evaluation:
    """Match every post and compare the skills found with the labels."""
    result = Evaluation(posts=len(posts))
    for post, matches in zip(posts, matcher.find_many(post.text for post in posts), strict=True):
        found: dict[str, str] = {}
        for match in matches:
            found.setdefault(match.skill_id, match.surface)
        for skill_id, surface in found.items():
            if skill_id in post.skills:
                result.true_positives += 1
            else:
                result.false_positives.append(Miss(post.post_id, skill_id, surface, post.text))
        for skill_id in sorted(post.skills - found.keys()):
            result.false_negatives.append(Miss(post.post_id, skill_id, "", post.text))
    return result


def unknown_labels(posts: Iterable[LabelledPost], skill_ids: Iterable[str]) -> list[str]:
    """Labels of the fixture that are not skills of the framework (a typo, or another framework)."""
    known = set(skill_ids)
    return sorted({skill for post in posts for skill in post.skills} - known)


def report(result: Evaluation, show: int = 20) -> str:
    """The scores and the first ``show`` false positives and negatives, as printed by the command."""
    lines = [
        f"posts: {result.posts}",
        f"true positives: {result.true_positives}, false positives: {len(result.false_positives)}, "
        f"false negatives: {len(result.false_negatives)}",
        f"precision: {result.precision:.3f}",
        f"recall:    {result.recall:.3f}",
        f"F1:        {result.f1:.3f}",
        "",
        f"false positives (first {show}):",
    ]
    lines += [
        f"  {m.post_id}  {m.skill_id}  via {m.surface!r}  | {_excerpt(m.text)}"
        for m in result.false_positives[:show]
    ]
    lines += ["", f"false negatives (first {show}):"]
    lines += [f"  {m.post_id}  {m.skill_id}  | {_excerpt(m.text)}" for m in result.false_negatives[:show]]
    return "\n".join(lines)


def _excerpt(text: str, width: int = 90) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def main(argv: Sequence[str] | None = None) -> int:
    """Evaluate the chosen framework on the fixture and print the report."""
    parser = argparse.ArgumentParser(
        prog="python -m relais.skills.evaluate", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--framework", default="relais", help="relais (default), esco or rome")
    parser.add_argument(
        "--framework-path",
        action="append",
        default=None,
        help="the framework file (needed for esco and rome); repeat it for ESCO in several languages",
    )
    parser.add_argument(
        "--fixture",
        required=True,
        help="labelled posts, JSON lines (the checkout's tests/fixtures/skill_posts.jsonl)",
    )
    parser.add_argument("--show", type=int, default=20, help="how many false positives and negatives to list")
    args = parser.parse_args(argv)
    try:
        framework = load_framework(args.framework, args.framework_path)
        posts = load_fixture(args.fixture)
    except (ValueError, OSError, FileRejected) as exc:
        parser.error(str(exc))
    matcher = SkillMatcher.build(framework.skills)
    print(f"framework: {framework.kind} ({len(framework.skills)} skills, {matcher.pattern_count} patterns)")
    for problem in framework.problems:
        print(f"framework row skipped: {problem.message()}")
    unknown = unknown_labels(posts, (skill.skill_id for skill in framework.skills))
    if unknown:
        print(f"labels that are not skills of this framework: {', '.join(unknown)}")
    print(report(evaluate(matcher, posts), args.show))
    return 0


if __name__ == "__main__":
    sys.exit(main())
