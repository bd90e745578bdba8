"""Build the network database of a deployment from its organisations' published snapshots, whole each time.

``build_network`` reads every listed organisation that opts in (``network_opt_in = true``), takes
its organisation-level counts (``relais.network.contribution``), computes the figures of
``relais.network.figures`` per organisation and month, and the statistics of each size band and
month (organisations, median, quartiles) wherever a band holds at least ``MIN_BAND_ORGANISATIONS``
organisations with the figure. The database and its Parquet copies are written afresh into
temporary names and swapped in: an organisation that opts out or leaves the deployment is simply
not read, so nothing of it remains, not even in the file's free pages. One broken organisation (an
unreadable snapshot or settings file) is left out and named in the result; the others are built.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from relais.network.bands import SIZE_BANDS
from relais.network.contribution import MONTH_COLUMNS, SNAPSHOT, NotContributing, opted_in, read_snapshot
from relais.network.docs import network_docs
from relais.network.figures import FIGURES, SKILL_FIGURE
from relais.settings import SettingsError
from relais.warehouse.publish import comment_tables
from relais.warehouse.serving_meta import relais_version

NETWORK_DIR = "network"
DATABASE_NAME = "relais-network.duckdb"
PARQUET_DIR = "parquet"
SCHEMA = "network"
CATALOG = "net"
"""The name the database being built is attached under (its file name holds a dash)."""
MIN_BAND_ORGANISATIONS = 5
"""The fewest organisations a band needs, for a month and figure, before its statistics are shown."""

TABLES = (
    "organisations",
    "organisation_month",
    "organisation_skill_family_month",
    "band_month",
    "band_skill_family_month",
    "size_bands",
    "meta",
)


@dataclass(frozen=True)
class NetworkBuild:
    """What one build wrote: the database, its Parquet folder, and who is in and out, and why."""

    database: Path
    parquet_dir: Path
    contributed: tuple[str, ...]
    not_opted_in: tuple[str, ...]
    failed: dict[str, str] = field(default_factory=dict)
    band_rows: int = 0


def network_database(out_dir: Path) -> Path:
    """Where ``build_network(..., out_dir)`` writes: ``out_dir/network/relais-network.duckdb``."""
    return out_dir / NETWORK_DIR / DATABASE_NAME


def build_network(organisations: Iterable[tuple[str, Path]], out_dir: Path) -> NetworkBuild:
    """Write ``out_dir/network/relais-network.duckdb`` and ``out_dir/network/parquet/*.parquet`` afresh.

    ``organisations`` are (slug, home) pairs, the whole current list of the deployment: only those
    opting in are read, from their published snapshot only. Returns who contributed, who did not
    opt in and who failed (slug -> reason). Raises ``ValueError`` when a slug is listed twice.
    """
    listed = list(organisations)
    slugs = [slug for slug, _ in listed]
    if len(set(slugs)) != len(slugs):
        twice = sorted({slug for slug in slugs if slugs.count(slug) > 1})
        raise ValueError(f"an organisation is listed twice: {twice}")
    folder = out_dir / NETWORK_DIR
    folder.mkdir(parents=True, exist_ok=True)
    tag = f"{os.getpid()}.{uuid.uuid4().hex[:8]}"
    temporary = folder / f".{DATABASE_NAME}.{tag}.tmp"
    parquet_new = folder / f".{PARQUET_DIR}.{tag}.tmp"
    try:
        con = duckdb.connect()
        try:
            literal = str(temporary).replace("'", "''")
            con.execute(f"ATTACH '{literal}' AS {CATALOG}")
            con.execute(f"USE {CATALOG}")
            contributed, not_opted_in, failed = _gather(con, listed)
            _derive(con)
            comment_tables(con, CATALOG, network_docs())
            band_rows = con.execute(f"SELECT count(*) FROM {SCHEMA}.band_month").fetchall()[0][0]
            con.execute(f"CHECKPOINT {CATALOG}")
            _export_parquet(con, parquet_new)
        finally:
            con.close()
        with temporary.open("rb") as handle:
            os.fsync(handle.fileno())
    except BaseException:
        _remove(temporary, parquet_new)
        raise
    database = network_database(out_dir)
    os.replace(temporary, database)
    _swap_folder(parquet_new, folder / PARQUET_DIR)
    return NetworkBuild(
        database, folder / PARQUET_DIR, tuple(contributed), tuple(not_opted_in), failed, band_rows
    )


def _remove(temporary: Path, parquet_new: Path) -> None:
    for leftover in (temporary, temporary.with_name(temporary.name + ".wal")):
        leftover.unlink(missing_ok=True)
    shutil.rmtree(parquet_new, ignore_errors=True)


def _swap_folder(new: Path, target: Path) -> None:
    """Put ``new`` in place of ``target``: the old folder is renamed away first, then removed."""
    old = target.with_name(f".{target.name}.old.{uuid.uuid4().hex[:8]}")
    if target.exists():
        os.replace(target, old)
    os.replace(new, target)
    shutil.rmtree(old, ignore_errors=True)


def _gather(
    con: duckdb.DuckDBPyConnection, listed: list[tuple[str, Path]]
) -> tuple[list[str], list[str], dict[str, str]]:
    """Read each opted-in organisation into the staging tables; return contributed, not opted in, failed."""
    month_types = (
        "month DATE, headcount BIGINT, enrolled BIGINT, active BIGINT, posts BIGINT, reshares BIGINT, "
        "institution_reshares BIGINT, impressions BIGINT, reshare_attribution_coverage DOUBLE"
    )
    con.execute(f"CREATE SCHEMA {SCHEMA}")
    con.execute(
        f"CREATE TABLE {SCHEMA}.organisations (slug VARCHAR PRIMARY KEY, organisation VARCHAR, "
        "headcount BIGINT, size_band VARCHAR, min_ambassadors INTEGER)"
    )
    con.execute(f"CREATE TEMP TABLE contributed_months (slug VARCHAR, {month_types})")
    con.execute(
        "CREATE TEMP TABLE contributed_families (slug VARCHAR, month DATE, family VARCHAR, "
        "skills_showcased BIGINT, skill_mentions BIGINT)"
    )
    contributed: list[str] = []
    not_opted_in: list[str] = []
    failed: dict[str, str] = {}
    for slug, home in listed:
        try:
            if not opted_in(Path(home)):
                not_opted_in.append(slug)
                continue
            snapshot = read_snapshot(Path(home) / SNAPSHOT)
        except SettingsError as error:
            failed[slug] = f"its settings cannot be used: {error.lines[0]}"
            continue
        except NotContributing as error:
            failed[slug] = str(error)
            continue
        band = snapshot.band.key if snapshot.band else None
        con.execute(
            f"INSERT INTO {SCHEMA}.organisations VALUES (?, ?, ?, ?, ?)",
            [slug, snapshot.organisation, snapshot.headcount, band, snapshot.min_ambassadors],
        )
        con.register("snapshot_months", snapshot.months)
        con.register("snapshot_families", snapshot.families)
        try:
            columns = ", ".join(MONTH_COLUMNS)
            con.execute(f"INSERT INTO contributed_months SELECT ?, {columns} FROM snapshot_months", [slug])
            con.execute(
                "INSERT INTO contributed_families SELECT ?, month, family, skills_showcased, "
                "skill_mentions FROM snapshot_families",
                [slug],
            )
        finally:
            con.unregister("snapshot_months")
            con.unregister("snapshot_families")
        contributed.append(slug)
    return contributed, not_opted_in, failed


def _statistics(values: str, group: str, digits: int) -> str:
    """SELECT list of a band's statistics of ``values`` grouped by ``group``, kept from five organisations."""
    return (
        f"SELECT {group}, count(*) AS organisations, "
        f"round(quantile_cont(value, 0.5), {digits}) AS median, "
        f"round(quantile_cont(value, 0.25), {digits}) AS q1, "
        f"round(quantile_cont(value, 0.75), {digits}) AS q3 "
        f"FROM {values} WHERE size_band IS NOT NULL AND value IS NOT NULL "
        f"GROUP BY {group} HAVING count(*) >= {MIN_BAND_ORGANISATIONS}"
    )


def _derive(con: duckdb.DuckDBPyConnection) -> None:
    """The published tables, from the staging tables filled by ``_gather``."""
    figures = ", ".join(f"{f.sql} AS {f.key}" for f in FIGURES)
    con.execute(
        "CREATE TEMP TABLE figure_values AS "
        f"SELECT m.*, o.organisation, o.size_band, {figures} "
        f"FROM contributed_months m JOIN {SCHEMA}.organisations o USING (slug)"
    )
    rounded = ", ".join(f"round({f.key}, {f.digits}) AS {f.key}" for f in FIGURES)
    con.execute(
        f"CREATE TABLE {SCHEMA}.organisation_month AS SELECT slug, organisation, month, size_band, "
        "headcount, enrolled, active, posts, reshares, institution_reshares, impressions, "
        f"{rounded} FROM figure_values ORDER BY slug, month"
    )
    con.execute(
        "CREATE TEMP TABLE family_values AS "
        "WITH families AS (SELECT DISTINCT month, family FROM contributed_families), "
        "totals AS (SELECT slug, month, sum(skill_mentions) AS total FROM contributed_families GROUP BY ALL) "
        "SELECT m.slug, m.month, m.enrolled, o.size_band, f.family, "
        "coalesce(c.skills_showcased, 0) AS skills_showcased, "
        "coalesce(c.skill_mentions, 0) AS skill_mentions, "
        "coalesce(c.skill_mentions, 0) / nullif(t.total, 0) AS mention_share "
        "FROM contributed_months m JOIN families f USING (month) "
        f"JOIN {SCHEMA}.organisations o USING (slug) "
        "LEFT JOIN contributed_families c USING (slug, month, family) "
        "LEFT JOIN totals t USING (slug, month)"
    )
    skill = SKILL_FIGURE
    con.execute(
        f"CREATE TABLE {SCHEMA}.organisation_skill_family_month AS SELECT slug, month, size_band, family, "
        f"skills_showcased, skill_mentions, round({skill.sql}, {skill.digits}) AS {skill.key}, "
        "round(mention_share, 4) AS mention_share FROM family_values ORDER BY slug, month, family"
    )
    per_figure = " UNION ALL ".join(
        _statistics(
            f"(SELECT size_band, month, '{f.key}' AS figure, {f.key} AS value FROM figure_values)",
            "size_band, month, figure",
            f.digits,
        )
        for f in FIGURES
    )
    con.execute(f"CREATE TABLE {SCHEMA}.band_month AS {per_figure} ORDER BY size_band, month, figure")
    families = f"(SELECT size_band, month, family, {skill.sql} AS value FROM family_values)"
    con.execute(
        f"CREATE TABLE {SCHEMA}.band_skill_family_month AS "
        f"{_statistics(families, 'size_band, month, family', skill.digits)} ORDER BY size_band, month, family"
    )
    con.execute(
        f"CREATE TABLE {SCHEMA}.size_bands (size_band VARCHAR, min_headcount BIGINT, max_headcount BIGINT, "
        "organisations BIGINT)"
    )
    for band in SIZE_BANDS:
        con.execute(
            f"INSERT INTO {SCHEMA}.size_bands SELECT ?, ?, ?, count(*) FROM {SCHEMA}.organisations "
            "WHERE size_band = ?",
            [band.key, band.min_headcount, band.max_headcount, band.key],
        )
    con.execute(
        f"CREATE TABLE {SCHEMA}.meta AS SELECT ?::TIMESTAMP AS built_at, ? AS relais_version, "
        f"(SELECT count(*) FROM {SCHEMA}.organisations) AS organisations, "
        "?::INTEGER AS min_band_organisations",
        [datetime.now(UTC).replace(tzinfo=None), relais_version(), MIN_BAND_ORGANISATIONS],
    )


def _export_parquet(con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    folder.mkdir(parents=True)
    for table in TABLES:
        literal = str(folder / f"{table}.parquet").replace("'", "''")
        con.execute(f"COPY {SCHEMA}.{table} TO '{literal}' (FORMAT parquet, COMPRESSION zstd)")
