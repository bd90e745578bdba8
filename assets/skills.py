"""Dagster asset of the skills showcase: which framework skills ambassadors name, declare and get endorsed.

The framework (``skills_framework`` in relais.toml: ``relais``, ``esco`` or ``rome``; ESCO may be
several files, one per language, merged by concept) is compiled into one Aho-Corasick automaton
(``relais.skills.matcher``) and run over the commentary of every post and reshare with comment,
and over the skill names of profiles and endorsements. The SQL marts (``agent_skill``,
``skill_month``, ``department_skill``) build on these tables.
"""

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import duckdb
import polars as pl
from dagster import AssetExecutionContext, AssetKey, AssetSpec, MaterializeResult, ResourceParam, multi_asset
from dagster_duckdb import DuckDBResource

from relais.home import RelaisHome
from relais.inbox.reuse import code_fingerprint, reader_fingerprint, reuse_enabled
from relais.skills.framework import Skill, load_framework
from relais.skills.matcher import SkillMatcher
from relais.skills.parallel import skill_ids_many
from relais.warehouse.lineage import table_references
from relais.warehouse.tables import replace_table, table_exists

STR, DATE, TS, INT = pl.String(), pl.Date(), pl.Datetime("us"), pl.Int64()
FRAMEWORK_SCHEMA = {"skill_id": STR, "skill_label": STR, "family": STR, "framework": STR}
NAMED_SCHEMA = {"agent_key": STR, "skill_name": STR, "skill_id": STR, "endorsements": INT}
TEXTS_SQL = """
SELECT a.agent_key, coalesce(a.item_key, a.source_file || ':' || a.source_row) AS item_key, a.kind,
       a.occurred_at, a.local_day, a.month, md5(t.commentary) AS text_md5, t.commentary
FROM staging.activities AS a
JOIN (
    SELECT _source_file, _source_row, commentary FROM raw.li_shares
    UNION ALL
    SELECT _source_file, _source_row, commentary FROM raw.api_posts
    UNION ALL
    SELECT _source_file, _source_row, commentary FROM raw.api_changelog
) AS t ON t._source_file = a.source_file AND t._source_row = a.source_row
WHERE t.commentary IS NOT NULL
"""
"""The commentary of every activity: the archive's Shares.csv (or a member snapshot), the LinkedIn API's
posts, or the member changelog's last event about the post."""
DECLARED_SQL = "SELECT agent_key, skill_name, 0 FROM staging.skills_declared"
ENDORSED_SQL = (
    "SELECT agent_key, skill_name, CAST(sum(endorsements) AS BIGINT) FROM staging.endorsements "
    "WHERE skill_name IS NOT NULL GROUP BY ALL"
)
MATCHES_TABLE = "staging.skill_match_cache"
"""The skills found in each distinct commentary, by the text's MD5 and the framework's fingerprint:
a commentary already matched against the same framework and code is not matched again."""


MATCHING_CODE = ("skills",)
"""The library's code that finds skills in a text (``relais/skills``): part of the fingerprint, so
that a change to the matcher, its normal form or its context rules matches every text again."""


def framework_fingerprint(skills: Iterable[Skill], file_digests: Iterable[str] = ()) -> str:
    """A digest of the framework's skills and forms, of its files and of the matching code.

    ``file_digests`` (``Framework.digests``: the SHA-256 of each file read, in order) makes the
    fingerprint change whenever any framework file changes, even where no form changes.
    """
    digest = hashlib.sha256((reader_fingerprint() + code_fingerprint(MATCHING_CODE)).encode())
    for skill in skills:
        digest.update(repr((skill.skill_id, skill.labels)).encode())
    for file_digest in file_digests:
        digest.update(f"file:{file_digest}".encode())
    return digest.hexdigest()


def skills_of_texts(matcher: SkillMatcher, texts: Mapping[str, str]) -> dict[str, list[str]]:
    """``key -> distinct skill ids`` of each text, in order of first appearance (a large batch is
    matched on every core: ``relais.skills.parallel``)."""
    found = skill_ids_many(matcher, list(texts.values()))
    return dict(zip(texts, found, strict=True))


@dataclass(frozen=True)
class MentionCounts:
    """What ``write_skill_mentions`` did: commentaries read, distinct ones, those matched before."""

    commentaries: int
    distinct: int
    reused: int
    mentions: int


def write_skill_mentions(
    con: duckdb.DuckDBPyConnection, matcher: SkillMatcher, fingerprint: str, reuse: bool = True
) -> MentionCounts:
    """Rebuild ``staging.skill_mentions``: one row per (item, skill) a commentary names.

    Only distinct commentaries not matched at the last run with the same ``fingerprint`` go
    through the matcher; the others take their skills from ``staging.skill_match_cache``, which is
    then rewritten with the commentaries present now (none of an erased person's stays).
    """
    con.execute(f"CREATE OR REPLACE TEMP TABLE skill_texts AS {TEXTS_SQL}")
    cached = reuse and table_exists(con, MATCHES_TABLE)
    known = (
        f"SELECT text_md5, skill_ids FROM {MATCHES_TABLE} WHERE fingerprint = $fingerprint "
        "AND text_md5 IN (SELECT text_md5 FROM skill_texts)"
        if cached
        else "SELECT NULL::VARCHAR AS text_md5, NULL::VARCHAR[] AS skill_ids WHERE false"
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE known_matches AS {known}",
        {"fingerprint": fingerprint} if cached else {},
    )
    new = dict(
        con.execute(
            "SELECT text_md5, any_value(commentary) FROM skill_texts "
            "WHERE text_md5 NOT IN (SELECT text_md5 FROM known_matches) GROUP BY text_md5"
        ).fetchall()
    )
    matched = skills_of_texts(matcher, new)
    data = pl.DataFrame(  # noqa: F841 - read by DuckDB's replacement scan
        {"text_md5": list(matched), "skill_ids": list(matched.values())},
        schema={"text_md5": pl.String(), "skill_ids": pl.List(pl.String())},
    )
    con.execute(
        f"CREATE OR REPLACE TABLE {MATCHES_TABLE} AS SELECT $fingerprint AS fingerprint, * FROM "
        "(SELECT * FROM known_matches UNION ALL SELECT * FROM data)",
        {"fingerprint": fingerprint},
    )
    con.execute(
        "CREATE OR REPLACE TABLE staging.skill_mentions AS "
        "SELECT agent_key, item_key, kind, skill_id, occurred_at, local_day, month FROM ("
        "  SELECT t.agent_key, t.item_key, t.kind, unnest(m.skill_ids) AS skill_id,"
        "         CAST(t.occurred_at AS TIMESTAMP) AS occurred_at, CAST(t.local_day AS DATE) AS local_day,"
        "         CAST(t.month AS DATE) AS month"
        f"  FROM skill_texts AS t JOIN {MATCHES_TABLE} AS m USING (text_md5))"
    )
    commentaries, distinct = con.execute(
        "SELECT count(*), count(DISTINCT text_md5) FROM skill_texts"
    ).fetchall()[0]
    mentions = con.execute("SELECT count(*) FROM staging.skill_mentions").fetchall()[0][0]
    con.execute("DROP TABLE skill_texts")
    con.execute("DROP TABLE known_matches")
    return MentionCounts(commentaries, distinct, distinct - len(new), mentions)


def _spec(name: str, description: str, reads: str = "") -> AssetSpec:
    """The spec of a skills table, its dependencies the tables its SQL ``reads`` (DuckDB's parser)."""
    return AssetSpec(
        ["staging", name],
        deps=sorted(AssetKey([schema, table]) for schema, table in table_references(reads)) if reads else [],
        kinds={"duckdb", "python"},
        group_name="staging",
        description=description,
    )


def named_rows(matcher: SkillMatcher, names: list[tuple[str, str, int]]) -> list[dict[str, Any]]:
    """Framework skills of declared or endorsed skill names (a name may map to none or several); each
    distinct name is matched once (ambassadors declare the same few thousand names)."""
    rows = []
    found: dict[str, list[str]] = {}
    for agent_key, name, count in names:
        if name not in found:
            found[name] = matcher.skill_ids(name, declared=True)
        for skill_id in found[name]:
            rows.append(
                {"agent_key": agent_key, "skill_name": name, "skill_id": skill_id, "endorsements": count}
            )
    return rows


@multi_asset(
    specs=[
        _spec("skills_framework", "The skills framework in use: id, label, family."),
        _spec(
            "skill_mentions",
            "One row per post or reshare and framework skill its commentary names "
            "(labels, aliases, hashtags; French and English).",
            TEXTS_SQL,
        ),
        _spec(
            "skills_declared_mapped",
            "Declared profile skills mapped to framework skills.",
            DECLARED_SQL,
        ),
        _spec(
            "endorsements_mapped",
            "Endorsed skills mapped to framework skills, with their counts.",
            ENDORSED_SQL,
        ),
    ],
)
def skill_matching(
    context: AssetExecutionContext, home: ResourceParam[RelaisHome], warehouse: DuckDBResource
):
    """Recognise framework skills in commentary, declared skills and endorsements with one automaton."""
    framework = load_framework(
        home.settings.skills_framework, home.settings.skills_framework_path, home.settings.report_language
    )
    for problem in framework.problems[:20]:
        context.log.warning(f"Skills framework: {problem.message()}")
    for note in framework.notes:
        context.log.info(f"Skills framework: {note}")
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
        fingerprint = framework_fingerprint(framework.skills, framework.digests)
        texts = write_skill_mentions(con, matcher, fingerprint, reuse_enabled(home.settings))
        counts["skill_mentions"] = texts.mentions
        declared = con.execute(DECLARED_SQL).fetchall()
        counts["skills_declared_mapped"] = replace_table(
            con, "staging.skills_declared_mapped", named_rows(matcher, declared), NAMED_SCHEMA
        )
        endorsed = con.execute(ENDORSED_SQL).fetchall()
        counts["endorsements_mapped"] = replace_table(
            con, "staging.endorsements_mapped", named_rows(matcher, endorsed), NAMED_SCHEMA
        )
    context.log.info(
        f"Skills: {texts.commentaries} commentaries read ({texts.distinct} distinct, {texts.reused} matched "
        f"at the last run), rows {counts}"
    )
    for name, count in counts.items():
        yield MaterializeResult(asset_key=["staging", name], metadata={"dagster/row_count": count})
