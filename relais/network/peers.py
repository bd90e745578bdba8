"""What one organisation may see of the network: its own figures, named, and its band's statistics.

``organisation_peers`` opens the network database read-only and returns, for one organisation and
month, each figure the organisation has beside the statistics of its size band (organisations,
median, quartiles), for the figures whose band is shown that month (at least five organisations),
and likewise its skill mentions per ambassador of each skill family (``skill_family_peers``). No
other organisation's row is ever read into the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from relais.network.bands import SizeBand, band_by_key
from relais.network.build import MIN_BAND_ORGANISATIONS, SCHEMA
from relais.network.figures import FIGURES, Figure


@dataclass(frozen=True)
class BandStatistics:
    """A figure's statistics over a band's organisations for one month."""

    organisations: int
    median: float
    q1: float
    q3: float


def position(own: float, band: BandStatistics) -> str:
    """``above`` the band's upper quartile, ``below`` its lower quartile, else ``within``."""
    if own > band.q3:
        return "above"
    if own < band.q1:
        return "below"
    return "within"


class _InBand:
    """What a value compared with its band has: where it stands (``position``)."""

    own: float
    band: BandStatistics

    @property
    def position(self) -> str:
        """Where the organisation stands in its band (see ``position``)."""
        return position(self.own, self.band)


@dataclass(frozen=True)
class PeerFigure(_InBand):
    """One figure of the organisation beside its band's statistics."""

    figure: Figure
    own: float
    band: BandStatistics


@dataclass(frozen=True)
class PeerSkillFamily(_InBand):
    """One skill family of the organisation: its mentions per ambassador beside its band's statistics.

    ``own`` is the organisation's ``mentions_per_ambassador`` of the family that month (0 when it
    named no skill of it), ``mention_share`` the family's share of its own skill mentions (``None``
    when it named no skill at all); ``band`` holds the statistics of ``mentions_per_ambassador``.
    """

    family: str
    own: float
    mention_share: float | None
    band: BandStatistics


@dataclass(frozen=True)
class OrganisationPeers:
    """An organisation's month compared with its band: the band, and one entry per comparable figure."""

    slug: str
    month: date
    band: SizeBand
    organisations: int
    figures: tuple[PeerFigure, ...]
    families: tuple[PeerSkillFamily, ...] = ()


def band_count(database: Path, slug: str, month: date) -> tuple[str, int] | None:
    """The size band ``slug`` contributed to in ``month`` and how many organisations contributed to it
    that month; ``None`` when there is no network or the organisation did not contribute that month."""
    rows = _query(
        database,
        f"SELECT o.size_band, count(*) FROM {SCHEMA}.organisation_month AS o "
        f"JOIN {SCHEMA}.organisation_month AS own ON own.size_band = o.size_band AND own.month = o.month "
        "WHERE own.slug = ? AND own.month = ? GROUP BY o.size_band",
        [slug, month.replace(day=1)],
    )
    return (rows[0][0], int(rows[0][1])) if rows else None


def _query(database: Path, sql: str, parameters: list) -> list[tuple]:
    """The rows of one query on the network database, read-only; none when there is no network yet."""
    if not database.is_file():
        return []
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql, parameters).fetchall()


def organisation_peers(database: Path, slug: str, month: date) -> OrganisationPeers | None:
    """The comparison of ``slug``'s ``month`` with its band, or ``None`` when there is none to show.

    Its ``families`` are those of ``skill_family_peers`` (possibly none).

    ``None`` when the network database does not exist, the organisation did not contribute that
    month (not opted in, month incomplete or too few ambassadors), has no size band, or its band
    holds fewer than five organisations for every figure.
    """
    found = _query(
        database,
        f"SELECT size_band, {', '.join(f.key for f in FIGURES)} FROM {SCHEMA}.organisation_month "
        "WHERE slug = ? AND month = ?",
        [slug, month.replace(day=1)],
    )
    if not found or found[0][0] is None:
        return None
    own = found[0]
    band_key, values = own[0], dict(zip((f.key for f in FIGURES), own[1:], strict=True))
    rows = _query(
        database,
        f"SELECT figure, organisations, median, q1, q3 FROM {SCHEMA}.band_month "
        "WHERE size_band = ? AND month = ?",
        [band_key, month.replace(day=1)],
    )
    statistics = {row[0]: BandStatistics(int(row[1]), row[2], row[3], row[4]) for row in rows}
    figures = tuple(
        PeerFigure(f, values[f.key], statistics[f.key])
        for f in FIGURES
        if f.key in statistics and values[f.key] is not None
    )
    if not figures:
        return None
    organisations = max(f.band.organisations for f in figures)
    families = skill_family_peers(database, slug, month)
    return OrganisationPeers(
        slug, month.replace(day=1), band_by_key(band_key), organisations, figures, families
    )


def skill_family_peers(database: Path, slug: str, month: date) -> tuple[PeerSkillFamily, ...]:
    """Each skill family of ``slug``'s ``month`` beside its band's statistics, by family name.

    Only the organisation's own rows of ``organisation_skill_family_month`` and its band's rows of
    ``band_skill_family_month`` are read. A family is returned when the organisation has a value and
    the band's statistics are published for it that month; the builder keeps those only from
    ``MIN_BAND_ORGANISATIONS`` organisations, and the filter is repeated here so that a network
    database built under another rule shows no smaller band. Empty when there is none.
    """
    rows = _query(
        database,
        "SELECT own.family, own.mentions_per_ambassador, own.mention_share, "
        "band.organisations, band.median, band.q1, band.q3 "
        f"FROM {SCHEMA}.organisation_skill_family_month AS own "
        f"JOIN {SCHEMA}.band_skill_family_month AS band "
        "ON band.size_band = own.size_band AND band.month = own.month AND band.family = own.family "
        "WHERE own.slug = ? AND own.month = ? AND own.mentions_per_ambassador IS NOT NULL "
        "AND band.organisations >= ? ORDER BY own.family",
        [slug, month.replace(day=1), MIN_BAND_ORGANISATIONS],
    )
    return tuple(
        PeerSkillFamily(family, own, share, BandStatistics(int(organisations), median, q1, q3))
        for family, own, share, organisations, median, q1, q3 in rows
    )
