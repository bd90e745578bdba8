"""Dagster asset of the skills showcase: which framework skills ambassadors name, declare and get endorsed.

The framework (``skills_framework`` in relais.toml: ``relais``, ``esco`` or ``rome``) is compiled
into one Aho-Corasick automaton (``assets.skills.matcher``) and run over the commentary of every
post and reshare with comment, and over the skill names of profiles and endorsements. The SQL
marts (``agent_skill``, ``skill_month``, ``department_skill``) build on these tables.
"""

import hashlib
from collections.abc import Iterable
from typing import Any

import duckdb
import polars as pl
from dagster import AssetExecutionContext, AssetKey, AssetSpec, MaterializeResult, ResourceParam, multi_asset
from dagster_duckdb import DuckDBResource

from assets.home import RelaisHome
from assets.ingest_assets import POOL
from assets.reuse import reader_fingerprint, reuse_enabled
from assets.skills.framework import Skill, load_framework
from assets.skills.matcher import SkillMatcher
from assets.warehouse import replace_table, table_exists

STR, DATE, TS, INT = pl.String(), pl.Date(), pl.Datetime("us"), pl.Int64()
FRAMEWORK_SCHEMA = {"skill_id": STR, "skill_label": STR, "family": STR, "framework": STR}
MENTIONS_SCHEMA = {
    "agent_key": STR,
    "item_key": STR,
    "kind": STR,
    "skill_id": STR,
    "occurred_at": TS,
    "local_day": DATE,
    "month": DATE,
}
NAMED_SCHEMA = {"agent_key": STR, "skill_name": STR, "skill_id": STR, "endorsements": INT}
TEXTS_SQL = """
SELECT a.agent_key, coalesce(a.item_key, a.source_file || ':' || a.source_row) AS item_key, a.kind,
       a.occurred_at, a.local_day, a.month, s.commentary, md5(s.commentary) AS text_md5
FROM staging.activities AS a
JOIN raw.li_shares AS s ON s._source_file = a.source_file AND s._source_row = a.source_row
WHERE s.commentary IS NOT NULL
"""


def _spec(name: str, description: str, deps: list[str]) -> AssetSpec:
    return AssetSpec(
        ["staging", name],
        deps=[AssetKey(d.split(".")) for d in deps],
        kinds={"duckdb", "python"},
        group_name="staging",
        description=description,
    )


MATCHES_TABLE = "staging.skill_match_cache"
"""The skills found in each distinct commentary at the last run, by the text's MD5 and the framework's
fingerprint: a commentary already matched against the same framework and code is not matched again."""


def framework_fingerprint(skills: Iterable[Skill]) -> str:
    """A digest of the framework's skills and forms and of the matching code."""
    digest = hashlib.sha256(reader_fingerprint().encode())
    for skill in skills:
        digest.update(repr((skill.skill_id, skill.labels)).encode())
    return digest.hexdigest()


def load_matches(con: duckdb.DuckDBPyConnection, fingerprint: str) -> dict[str, list[str]]:
    """``text MD5 -> skill ids`` matched at the last run with the same framework fingerprint."""
    if not table_exists(con, MATCHES_TABLE):
        return {}
    query = f"SELECT text_md5, skill_ids FROM {MATCHES_TABLE} WHERE fingerprint = ?"
    return dict(con.execute(query, [fingerprint]).fetchall())


def save_matches(con: duckdb.DuckDBPyConnection, fingerprint: str, matches: dict[str, list[str]]) -> None:
    """Keep this run's matches (only texts present now) for the next run."""
    data = pl.DataFrame(  # noqa: F841 - read by DuckDB's replacement scan
        {"text_md5": list(matches), "skill_ids": list(matches.values())},
        schema={"text_md5": pl.String(), "skill_ids": pl.List(pl.String())},
    )
    query = f"CREATE OR REPLACE TABLE {MATCHES_TABLE} AS SELECT ? AS fingerprint, * FROM data"
    con.execute(query, [fingerprint])


def mention_rows(
    matcher: SkillMatcher, texts: list[dict[str, Any]], known: dict[str, list[str]] | None = None
) -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
    """One row per (item, skill) a post or reshare commentary names, and the skills of each text.

    A text whose ``text_md5`` is in ``known`` takes its skills from there instead of the matcher.
    """
    known = known if known is not None else {}
    digests = [row.get("text_md5") or hashlib.md5(row["commentary"].encode()).hexdigest() for row in texts]
    matches = {digest: known[digest] for digest in digests if digest in known}
    new = {d: row["commentary"] for d, row in zip(digests, texts, strict=True) if d not in matches}
    for digest, found in zip(new, matcher.find_many(new.values()), strict=True):
        matches[digest] = list(dict.fromkeys(m.skill_id for m in found))
    rows = []
    for digest, row in zip(digests, texts, strict=True):
        base = {k: v for k, v in row.items() if k not in {"commentary", "text_md5"}}
        rows.extend({**base, "skill_id": skill_id} for skill_id in matches[digest])
    return rows, matches


def named_rows(matcher: SkillMatcher, names: list[tuple[str, str, int]]) -> list[dict[str, Any]]:
    """Framework skills of declared or endorsed skill names (a name may map to none or several)."""
    rows = []
    for agent_key, name, count in names:
        for skill_id in matcher.skill_ids(name, declared=True):
            rows.append(
                {"agent_key": agent_key, "skill_name": name, "skill_id": skill_id, "endorsements": count}
            )
    return rows


@multi_asset(
    specs=[
        _spec("skills_framework", "The skills framework in use: id, label, family.", []),
        _spec(
            "skill_mentions",
            "One row per post or reshare and framework skill its commentary names "
            "(labels, aliases, hashtags; French and English).",
            ["staging.activities", "raw.li_shares"],
        ),
        _spec(
            "skills_declared_mapped",
            "Declared profile skills mapped to framework skills.",
            ["staging.skills_declared"],
        ),
        _spec(
            "endorsements_mapped",
            "Endorsed skills mapped to framework skills, with their counts.",
            ["staging.endorsements"],
        ),
    ],
    pool=POOL,
)
def skill_matching(
    context: AssetExecutionContext, home: ResourceParam[RelaisHome], warehouse: DuckDBResource
):
    """Recognise framework skills in commentary, declared skills and endorsements with one automaton."""
    framework = load_framework(
        home.settings.get("skills_framework"),
        home.settings.get("skills_framework_path"),
        str(home.settings.get("report_language", "fr")),
    )
    for problem in framework.problems[:20]:
        context.log.warning(f"Skills framework: {problem.message()}")
    matcher = SkillMatcher.build(framework.skills)
    context.log.info(
        f"Skills framework '{framework.kind}': {matcher.skill_count} skills, {matcher.pattern_count} patterns"
    )
    with warehouse.get_connection() as con:
        skills = [
            {"skill_id": s.skill_id, "skill_label": s.label, "family": s.family, "framework": framework.kind}
            for s in framework.skills
        ]
        counts = {
            "skills_framework": replace_table(con, "staging.skills_framework", skills, FRAMEWORK_SCHEMA)
        }
        texts = con.sql(TEXTS_SQL).pl().to_dicts()
        fingerprint = framework_fingerprint(framework.skills)
        known = load_matches(con, fingerprint) if reuse_enabled(home.settings) else {}
        mentions, matches = mention_rows(matcher, texts, known)
        counts["skill_mentions"] = replace_table(con, "staging.skill_mentions", mentions, MENTIONS_SCHEMA)
        save_matches(con, fingerprint, matches)
        reused = sum(1 for digest in matches if digest in known)
        declared = con.execute("SELECT agent_key, skill_name, 0 FROM staging.skills_declared").fetchall()
        counts["skills_declared_mapped"] = replace_table(
            con, "staging.skills_declared_mapped", named_rows(matcher, declared), NAMED_SCHEMA
        )
        endorsed = con.execute(
            "SELECT agent_key, skill_name, CAST(sum(endorsements) AS BIGINT) FROM staging.endorsements "
            "WHERE skill_name IS NOT NULL GROUP BY ALL"
        ).fetchall()
        counts["endorsements_mapped"] = replace_table(
            con, "staging.endorsements_mapped", named_rows(matcher, endorsed), NAMED_SCHEMA
        )
    context.log.info(
        f"Skills: {len(texts)} commentaries read ({len(matches)} distinct, {reused} matched at the "
        f"last run), rows {counts}"
    )
    for name, count in counts.items():
        yield MaterializeResult(asset_key=["staging", name], metadata={"dagster/row_count": count})
