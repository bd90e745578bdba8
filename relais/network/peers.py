"""What one organisation may see of the network: its own figures, named, and its band's statistics.

``organisation_peers`` opens the network database read-only and returns, for one organisation and
month, each figure the organisation has beside the statistics of its size band (organisations,
median, quartiles), for the figures whose band is shown that month (at least five organisations).
No other organisation's row is ever read into the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from relais.network.bands import SizeBand, band_by_key
from relais.network.build import SCHEMA
from relais.network.figures import FIGURES, Figure


@dataclass(frozen=True)
class BandStatistics:
    """A figure's statistics over a band's organisations for one month."""

    organisations: int
    median: float
    q1: float
    q3: float


@dataclass(frozen=True)
class PeerFigure:
    """One figure of the organisation beside its band's statistics."""

    figure: Figure
    own: float
    band: BandStatistics

    @property
    def position(self) -> str:
        """``above`` the band's upper quartile, ``below`` its lower quartile, else ``within``."""
        if self.own > self.band.q3:
            return "above"
        if self.own < self.band.q1:
            return "below"
        return "within"


@dataclass(frozen=True)
class OrganisationPeers:
    """An organisation's month compared with its band: the band, and one entry per comparable figure."""

    slug: str
    month: date
    band: SizeBand
    organisations: int
    figures: tuple[PeerFigure, ...]


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
    return OrganisationPeers(slug, month.replace(day=1), band_by_key(band_key), organisations, figures)
