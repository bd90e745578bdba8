"""Figures turned into what the templates print: headline tiles and department names.

Formatting happens here and in ``labels``; the templates only place the text (Jinja escapes it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from relais.reports.figures import Headline, ReportSettings
from relais.reports.labels import Labels

PROGRAMME_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "group_participation",
        ("enrolled", "active", "participation_rate", "adoption_rate", "new_enrolments", "lapsed"),
    ),
    ("group_activity", ("posts", "reshares", "institution_reshares", "reshare_attribution_coverage")),
    ("group_reach", ("impressions", "engagements_received", "engagement_rate", "emv")),
)


@dataclass(frozen=True)
class Tile:
    """One headline figure as printed: label, value, change and a hint; ``raw`` goes to ``data-value``."""

    key: str
    label: str
    value: str
    change: str
    tone: str
    hint: str
    raw: str
    raw_previous: str


def raw_value(value: float | None) -> str:
    """The exact value for a ``data-value`` attribute (``repr`` of the number, empty when missing)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    return str(value) if isinstance(value, int) else repr(float(value))


def format_value(headline: Headline, labels: Labels, currency: str) -> str:
    """The value of a headline figure in the report's language."""
    if headline.kind == "rate":
        return labels.percent(headline.value)
    if headline.kind == "money":
        return labels.money(headline.value, currency)
    if headline.kind == "score":
        return labels.score(headline.value)
    return labels.number(headline.value)


def format_change(headline: Headline, labels: Labels) -> str:
    """The change since the month before: ``▲ +3 (+5,6 %)``, ``▼ −2,1 pts``, or a dash."""
    delta = headline.delta
    if delta is None:
        return "—"
    if delta == 0:
        return f"{labels.arrow(delta)} {labels('unchanged')}"
    arrow = labels.arrow(delta)
    if headline.kind == "rate":
        return f"{arrow} {labels.points(delta)}"
    digits = 1 if headline.kind == "score" else 0
    text = f"{arrow} {labels.signed(delta, digits)}"
    if headline.relative is not None:
        text += f" ({labels.signed_percent(headline.relative)})"
    return text


def tone(headline: Headline) -> str:
    """``good``, ``bad`` or ``flat``: whether the change is good news (fewer lapsed ambassadors is)."""
    if not headline.delta:
        return "flat"
    return "good" if (headline.delta > 0) == headline.rising_is_good else "bad"


def hint(key: str, labels: Labels, settings: ReportSettings) -> str:
    """The small explanation printed under a headline figure, if it has one."""
    name = f"hint_{key}"
    if name not in labels.text:
        return ""
    return labels(name, currency=settings.currency, months=settings.lapsed_after_months)


def tiles(headlines: list[Headline], labels: Labels, settings: ReportSettings) -> list[Tile]:
    """The headline figures as printed tiles."""
    return [
        Tile(
            key=h.key,
            label=labels(h.key),
            value=format_value(h, labels, settings.currency),
            change=format_change(h, labels),
            tone=tone(h),
            hint=hint(h.key, labels, settings),
            raw=raw_value(h.value),
            raw_previous=raw_value(h.previous),
        )
        for h in headlines
    ]


def grouped(
    items: Sequence[Tile], labels: Labels, groups: Sequence[tuple[str, Sequence[str]]] = PROGRAMME_GROUPS
) -> list[tuple[str, list[Tile]]]:
    """Tiles gathered under their group's title (participation, activity, reach), in the groups' order."""
    by_key = {item.key: item for item in items}
    return [(labels(title), [by_key[k] for k in keys if k in by_key]) for title, keys in groups]


def department_label(name: str, is_other: bool, merged: int, labels: Labels) -> str:
    """A department's name, or "Autres directions (regroupées : N)" for the merged small departments."""
    return labels("other_departments", count=merged) if is_other else name


def tier_label(tier: str | None, labels: Labels) -> str:
    """The tier of an ambassador in the report's language."""
    key = f"tier_{tier}"
    return labels(key) if key in labels.text else (tier or "—")
