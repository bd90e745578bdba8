"""Size bands: organisations are compared with peers of a similar staff, never with one another by name.

A band is a range of headcount (the staff of the HR roster, ``marts.programme_month.headcount``).
The bounds follow how French public bodies are actually sized: fewer than 250 agents (the
European small-and-medium threshold; most communes and small intercommunalités), 250 to 999 (a
town of 10,000 to 40,000 inhabitants, a mid-sized intercommunalité or hospital), 1,000 to 4,999
(a large city, a département, a metropolitan area, a regional agency) and 5,000 or more (the
largest cities, regions, ministries' networks). Each band spans about a factor of four to five in
staff, so peers in a band run programmes of comparable scale.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SizeBand:
    """One band of headcount: its key, its smallest headcount and its largest (``None``: no limit)."""

    key: str
    min_headcount: int
    max_headcount: int | None

    def holds(self, headcount: int) -> bool:
        """Whether an organisation of ``headcount`` staff belongs to this band."""
        return headcount >= self.min_headcount and (
            self.max_headcount is None or headcount <= self.max_headcount
        )


SIZE_BANDS = (
    SizeBand("under_250", 1, 249),
    SizeBand("250_999", 250, 999),
    SizeBand("1000_4999", 1000, 4999),
    SizeBand("5000_plus", 5000, None),
)
"""The bands, smallest first; together they hold every headcount of 1 or more exactly once."""


def size_band(headcount: int | None) -> SizeBand | None:
    """The band of an organisation of ``headcount`` staff; ``None`` when the headcount is unknown or 0."""
    if headcount is None:
        return None
    return next((band for band in SIZE_BANDS if band.holds(headcount)), None)


def band_by_key(key: str) -> SizeBand:
    """The band named ``key`` (``KeyError`` for an unknown one)."""
    for band in SIZE_BANDS:
        if band.key == key:
            return band
    raise KeyError(key)
