"""The network's figures: one definition each, shared by the builder (SQL) and the readers (formats).

Every figure is computed per organisation and month from organisation-wide counts of the published
``marts.programme_month``; per-ambassador figures divide by the ambassadors enrolled at the month's
end. ``sql`` is the DuckDB expression over those counts (unrounded, so band statistics are computed
before any rounding), ``digits`` the decimals it is published with and ``is_share`` whether it is a
share (printed as a percentage) rather than a count per ambassador. docs/metrics.md ("The network
of peers") defines each one with its caveats.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    """One figure of the network: its column name, SQL expression, published decimals, kind."""

    key: str
    sql: str
    digits: int
    is_share: bool


FIGURES = (
    Figure("participation_rate", "active / enrolled", 4, True),
    Figure("activity_per_ambassador", "(posts + reshares) / enrolled", 2, False),
    Figure("reach_per_ambassador", "CASE WHEN impressions > 0 THEN impressions / enrolled END", 2, False),
    Figure("institution_share", "institution_reshares / nullif(posts + reshares, 0)", 4, True),
    Figure("institution_reshares_per_ambassador", "institution_reshares / enrolled", 2, False),
    Figure("reshare_attribution_coverage", "reshare_attribution_coverage", 4, True),
)
"""The organisation figures compared across a band, in the order reports show them."""

SKILL_FIGURE = Figure("mentions_per_ambassador", "skill_mentions / enrolled", 2, False)
"""The skill-family figure compared across a band."""


def figure(key: str) -> Figure:
    """The figure named ``key`` (``KeyError`` for an unknown one)."""
    for candidate in (*FIGURES, SKILL_FIGURE):
        if candidate.key == key:
            return candidate
    raise KeyError(key)
