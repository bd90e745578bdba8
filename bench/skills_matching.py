"""Benchmark of the skill matcher at ESCO size: build time and posts matched per second on one core.

Builds a synthetic framework shaped like ESCO v1.2 (14,000 skills, about 100,000 surface forms),
then matches N synthetic posts of about 300 characters. Both are made of real French and English
words so that the automaton walks the text as it would walk real posts: the forms are variations
of the phrases of Relais's own framework (``seeds/skills``: words replaced, added or dropped, a few
acronyms and single words), the posts mix everyday words, domain words, one or two skill phrases,
accents, elisions, emojis, line breaks and CamelCase hashtags. Everything comes from a fixed seed,
so two runs measure the same work. Usage::

    .venv/bin/python bench/skills_matching.py [--posts 100000] [--skills 14000] [--forms 100000]
"""

from __future__ import annotations

import argparse
import random
import resource
import time
from pathlib import Path

from relais.skills.framework import Skill, load_relais_framework
from relais.skills.matcher import SkillMatcher

SEED = 20261116
RELAIS_FRAMEWORK = Path(__file__).resolve().parents[1] / "seeds" / "skills" / "relais_fonction_publique.csv"


def _word_list(text: str) -> tuple[str, ...]:
    return tuple(text.split())


EVERYDAY = _word_list(
    "le la les des du de un une et à au aux pour avec sur dans par notre nos votre vos ce cette ces "
    "très plus bien belle beau journée merci équipe équipes agents collègues habitants ville commune "
    "projet service public bravo fière fier heureux heureuse relayer partager découvrir rendez-vous "
    "nouveau nouvelle année mois semaine travail après avant depuis grâce encore toujours aujourd'hui "
    "demain hier ensemble chaque tous toutes premier première grand grande petit petite retour bilan "
    "the and of to in for our with this that great team proud share day new public service council "
    "residents thanks week year work people city local community support launch first"
)
EMOJIS = ("🎉", "👏", "💪", "🌱", "📣", "🙏", "👇", "✨")
ELISIONS = ("l'évaluation", "d'accueil", "qu'il", "aujourd’hui", "l'équipe", "d'une", "c'est", "n'hésitez")


def synthetic_framework(skills: int, forms: int, rng: random.Random) -> list[Skill]:
    """ESCO-shaped skills whose forms are variations of real French and English skill phrases."""
    labels = [label for skill in load_relais_framework(RELAIS_FRAMEWORK).skills for label in skill.labels]
    phrases = [label for label in labels if " " in label]
    words = sorted({word for phrase in phrases for word in phrase.split()})
    content_words = [word for word in words if len(word) >= 6 and word.lower() not in EVERYDAY]
    per_skill = max(1, forms // skills)
    result = []
    for index in range(skills):
        labels = []
        for _ in range(per_skill):
            roll = rng.random()
            if roll < 0.03:
                labels.append("".join(rng.choice("ABCDEFGHIJKLMNOPRSTUVX") for _ in range(rng.randint(3, 5))))
            elif roll < 0.05:
                labels.append(rng.choice(content_words))
            else:
                labels.append(_variation(rng.choice(phrases).split(), content_words, rng))
        result.append(
            Skill(
                f"skill-{index:05d}", rng.choice(("skill/competence", "knowledge")), labels[0], tuple(labels)
            )
        )
    return result


def _variation(phrase: list[str], words: list[str], rng: random.Random) -> str:
    phrase = list(phrase)
    for _ in range(rng.randint(1, 2)):
        action = rng.random()
        position = rng.randrange(len(phrase) + 1)
        if action < 0.5 and phrase:
            phrase[min(position, len(phrase) - 1)] = rng.choice(words)
        elif action < 0.85:
            phrase.insert(position, rng.choice(words))
        elif len(phrase) > 2:
            del phrase[min(position, len(phrase) - 1)]
    return " ".join(phrase[:6])


def synthetic_posts(count: int, skills: list[Skill], rng: random.Random) -> list[str]:
    """Posts of about 300 characters: everyday words, domain words, one or two skill phrases, hashtags."""
    domain = sorted({word for skill in skills[:3000] for label in skill.labels for word in label.split()})
    posts = []
    for _ in range(count):
        parts: list[str] = []
        while sum(len(part) + 1 for part in parts) < 250:
            roll = rng.random()
            if roll < 0.035:
                parts.append(rng.choice(rng.choice(skills).labels))
            elif roll < 0.15:
                parts.append(rng.choice(domain))
            elif roll < 0.18:
                parts.append(rng.choice(ELISIONS))
            elif roll < 0.20:
                parts.append(rng.choice(EMOJIS) + ("\n" if rng.random() < 0.5 else ""))
            else:
                parts.append(rng.choice(EVERYDAY) + ("," if rng.random() < 0.05 else ""))
        tags = [
            "#" + "".join(word.capitalize() for word in rng.choice(rng.choice(skills).labels).split())
            for _ in range(rng.randint(0, 3))
        ]
        posts.append(" ".join(parts) + ". " + " ".join(tags))
    return posts


def _resident_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    """Build, match, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--skills", type=int, default=14_000)
    parser.add_argument("--forms", type=int, default=100_000)
    args = parser.parse_args()
    rng = random.Random(SEED)
    skills = synthetic_framework(args.skills, args.forms, rng)
    posts = synthetic_posts(args.posts, skills, rng)
    forms = sum(len(skill.labels) for skill in skills)
    characters = sum(len(post) for post in posts)

    started = time.perf_counter()
    matcher = SkillMatcher.build(skills)
    built = time.perf_counter() - started

    matcher.find_many(posts[:1000])
    started = time.perf_counter()
    results = matcher.find_many(posts)
    elapsed = time.perf_counter() - started
    found = sum(len(matches) for matches in results)
    print(f"framework: {len(skills)} skills, {forms} surface forms, {matcher.pattern_count} patterns")
    print(f"build: {built:.2f} s, peak resident memory {_resident_mb():.0f} MB")
    print(f"posts: {len(posts)}, {characters / len(posts):.0f} characters on average, {found} matches")
    rate = len(posts) / elapsed
    print(f"matching: {elapsed:.2f} s, {rate:,.0f} posts/s, {characters / elapsed / 1e6:.1f} MB/s")


if __name__ == "__main__":
    main()
