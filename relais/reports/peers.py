"""The report's section "Comparaison avec des organisations similaires": the organisation and its band.

``peer_section`` reads the network database (``relais.network.peers``) for the organisation named in
the ``NetworkSource`` and the report's month and returns what the template prints: one sentence per
figure (own value, where it stands, the band's median and quartiles) and a small SVG bar drawn by
``band_svg`` (the quartile range, the median, the organisation's dot), then a table of skill families
(``family_table``: mentions per ambassador beside the band's, the largest first, at most
``FAMILY_ROWS``). It returns ``None``, and the report has no such section, when there is no network
or the organisation did not contribute that month; while its band holds fewer than five
organisations, the section only says so and how many there are (a comparison would make the others
recognisable).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from relais.network.build import MIN_BAND_ORGANISATIONS
from relais.network.figures import SKILL_FIGURE, Figure
from relais.network.peers import (
    BandStatistics,
    OrganisationPeers,
    PeerFigure,
    PeerSkillFamily,
    band_count,
    organisation_peers,
)
from relais.reports.labels import Labels

SVG_PREFIX = "data:image/svg+xml;base64,"
WIDTH, HEIGHT, MARGIN = 240, 28, 8
GRID, RANGE, MEDIAN, OWN = "#c9d1db", "#9fc5e8", "#1f3a5f", "#e76f51"
FAMILY_ROWS = 8
"""The most skill families the report's table shows; a note says how many more are comparable."""


@dataclass(frozen=True)
class NetworkSource:
    """Where a report finds its peers: the network database and the organisation's slug in it."""

    database: Path
    slug: str


def band_svg(own: float, q1: float, median: float, q3: float, top: float | None = None) -> str:
    """A small bar from 0: the band's quartile range, its median as a line, the organisation as a dot.

    The bar runs from 0 to ``top``; by default a tenth beyond the largest of its own values. Rows
    of one unit drawn with a shared ``top`` (``bar_top``) can be compared with one another.
    """
    top = top or bar_top([(own, median, q3)])
    span = WIDTH - 2 * MARGIN

    def x(value: float) -> float:
        return round(MARGIN + span * max(value, 0.0) / top, 1)

    middle = HEIGHT / 2
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}">'
        f'<line x1="{MARGIN}" y1="{middle}" x2="{WIDTH - MARGIN}" y2="{middle}" stroke="{GRID}" '
        'stroke-width="2"/>'
        f'<rect x="{x(q1)}" y="{middle - 7}" width="{max(x(q3) - x(q1), 1.0):.1f}" height="14" '
        f'fill="{RANGE}"/>'
        f'<line x1="{x(median)}" y1="{middle - 9}" x2="{x(median)}" y2="{middle + 9}" stroke="{MEDIAN}" '
        'stroke-width="2"/>'
        f'<circle cx="{x(own)}" cy="{middle}" r="5" fill="{OWN}" stroke="white" stroke-width="1"/>'
        "</svg>"
    )


def bar_top(values: list[tuple[float, ...]]) -> float:
    """The end of a bar holding every value of ``values`` with a tenth to spare (1 when all are 0)."""
    return max((value for row in values for value in row), default=0.0) * 1.1 or 1.0


def _format(figure: Figure, own: float, band: BandStatistics, value: float, labels: Labels) -> str:
    """A share in percent; a count per ambassador to the unit from 100, else with two decimals."""
    if figure.is_share:
        return labels.percent(value)
    large = max(own, band.q3) >= 100
    return labels.number(value, 0 if large else 2)


def _chart(own: float, band: BandStatistics, top: float | None = None) -> str:
    """The ``band_svg`` bar of ``own`` in ``band`` as a data URL the template's ``<img>`` shows."""
    svg = band_svg(own, band.q1, band.median, band.q3, top)
    return SVG_PREFIX + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def peer_row(figure: PeerFigure, labels: Labels) -> dict[str, Any]:
    """One figure as the template prints it: its sentence, its bar, and its raw values for checks."""
    key = figure.figure.key
    values = {
        name: _format(figure.figure, figure.own, figure.band, value, labels)
        for name, value in (
            ("own", figure.own),
            ("median", figure.band.median),
            ("q1", figure.band.q1),
            ("q3", figure.band.q3),
        )
    }
    sentence = labels(
        "peers_sentence", label=labels(f"peer_{key}"), position=labels(f"peers_{figure.position}"), **values
    )
    return {
        "key": key,
        "sentence": sentence,
        "chart": _chart(figure.own, figure.band),
        "own": figure.own,
        "median": figure.band.median,
        "organisations": figure.band.organisations,
        "position": figure.position,
    }


def family_row(family: PeerSkillFamily, labels: Labels, top: float | None = None) -> dict[str, Any]:
    """One skill family as the table prints it: its name, values written out, position, bar and raw values.

    ``top`` is the end of the bar, shared by the table's rows (``bar_top``).
    """

    def text(value: float) -> str:
        return _format(SKILL_FIGURE, family.own, family.band, value, labels)

    return {
        "family": family.family,
        "own_text": text(family.own),
        "share_text": labels.percent(family.mention_share),
        "median_text": text(family.band.median),
        "range_text": labels("peers_family_range", q1=text(family.band.q1), q3=text(family.band.q3)),
        "position_text": labels(f"peers_family_{family.position}"),
        "chart": _chart(family.own, family.band, top),
        "own": family.own,
        "median": family.band.median,
        "q1": family.band.q1,
        "q3": family.band.q3,
        "organisations": family.band.organisations,
        "position": family.position,
    }


def family_table(
    families: tuple[PeerSkillFamily, ...], labels: Labels, limit: int = FAMILY_ROWS
) -> dict[str, Any] | None:
    """The skill-family table: the ``limit`` families of largest own value first, and a note on the rest.

    Ties keep the family names' order; the rows' bars share one scale, as they share one unit.
    ``None`` when no family is comparable (no table at all).
    """
    if not families:
        return None
    ordered = sorted(families, key=lambda f: (-f.own, f.family.casefold(), f.family))
    shown, hidden = ordered[:limit], len(ordered) - min(limit, len(ordered))
    top = bar_top([(f.own, f.band.median, f.band.q3) for f in shown])
    return {
        "rows": [family_row(family, labels, top) for family in shown],
        "more": labels("peers_families_more", shown=len(shown), count=hidden) if hidden else "",
        "legend": labels("peers_families_legend"),
    }


def peer_view(peers: OrganisationPeers, labels: Labels) -> dict[str, Any]:
    """The section's content: its introduction, one row per figure, the legend, the skill families."""
    return {
        "band": peers.band.key,
        "organisations": peers.organisations,
        "intro": labels(
            "peers_intro",
            of_month=labels.of_month(peers.month),
            count=peers.organisations,
            band=labels(f"band_{peers.band.key}"),
        ),
        "rows": [peer_row(figure, labels) for figure in peers.figures],
        "legend": labels("peers_legend"),
        "families": family_table(peers.families, labels),
    }


def peer_section(source: NetworkSource | None, month: date, labels: Labels) -> dict[str, Any] | None:
    """The section for ``month``, or ``None`` when the organisation has no band large enough to show."""
    if source is None:
        return None
    peers = organisation_peers(source.database, source.slug, month)
    if peers is not None:
        return peer_view(peers, labels)
    counted = band_count(source.database, source.slug, month)
    if counted is None:
        return None
    band, count = counted
    return {
        "band": band,
        "organisations": count,
        "intro": labels(
            "peers_waiting",
            month=labels.month_name(month),
            count=count,
            band=labels(f"band_{band}"),
            needed=MIN_BAND_ORGANISATIONS,
        ),
        "rows": [],
        "legend": "",
        "families": None,
    }
