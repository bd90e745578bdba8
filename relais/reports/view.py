"""Figures turned into what the templates print: headline tiles and department names.

Formatting happens here and in ``labels``; the templates only place the text (Jinja escapes it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from relais.reports.figures import Headline, ReportSettings, TrendPoint
from relais.reports.labels import Labels
from relais.reports.months import Coverage, add_months, last_day

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


def change_text(headline: Headline, labels: Labels, comparable: bool = True) -> str:
    """What a tile prints under its figure: the change, or why there is none to print."""
    if not comparable:
        return labels("change_partial")
    if headline.basis_changed:
        return labels(f"change_basis_{headline.key}")
    return format_change(headline, labels)


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


def tiles(
    headlines: list[Headline], labels: Labels, settings: ReportSettings, comparable: bool = True
) -> list[Tile]:
    """The headline figures as printed tiles; without ``comparable``, no change is printed or kept."""
    if not comparable:
        headlines = [replace(h, previous=None) for h in headlines]
    return [
        Tile(
            key=h.key,
            label=labels(h.key),
            value=format_value(h, labels, settings.currency),
            change=change_text(h, labels, comparable),
            tone=tone(h) if comparable and not h.basis_changed else "none",
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


def month_title(month: date, coverage: Mapping[date, Coverage], labels: Labels) -> str:
    """The month as titles print it: ``octobre 2026``, or ``novembre 2026 (incomplet)`` when partial."""
    current = coverage.get(month)
    partial = current is not None and not current.is_complete
    return labels.month_name(month) + (f" ({labels('partial_mark')})" if partial else "")


def is_comparable(month: date, coverage: Mapping[date, Coverage]) -> bool:
    """Whether ``month`` may be compared with the month before: both have figures and are complete."""
    current, previous = coverage.get(month), coverage.get(add_months(month, -1))
    return bool(current and previous and current.is_complete and previous.is_complete)


def comparison_sentence(month: date, coverage: Mapping[date, Coverage], labels: Labels) -> str:
    """The reading guide's first sentence: compared with the month before, or why not."""
    previous = add_months(month, -1)
    names = {
        "month": labels.month_name(month),
        "of_month": labels.of_month(month),
        "previous": labels.month_name(previous),
    }
    if previous not in coverage:
        return labels("not_compared_missing", **names)
    if month in coverage and not coverage[month].is_complete:
        return labels("not_compared_partial", **names)
    if not coverage[previous].is_complete:
        return labels("not_compared_previous", **names)
    return labels("compared", **names)


def _partial_sentence(c: Coverage, labels: Labels) -> str:
    if c.data_until is None or c.days_covered is None:
        return labels("coverage_partial_unknown")
    if c.days_covered == 0:
        return labels("coverage_partial_empty", until=labels.long_day(c.data_until))
    return labels(
        "coverage_partial", until=labels.long_day(c.data_until), days=c.days_covered, total=c.days_in_month
    )


def _newer_sentence(c: Coverage, labels: Labels) -> str:
    name = labels.month_name(c.month)
    name = name[:1].upper() + name[1:]
    if c.data_until is None or c.days_covered is None:
        return labels("coverage_newer_unknown", month=name)
    if c.days_covered == 0:
        return labels("coverage_newer_empty", month=name)
    return labels("coverage_newer", month=name, until=labels.long_day(c.data_until))


def coverage_sentences(month: date, coverage: Mapping[date, Coverage], labels: Labels) -> list[str]:
    """What the first screen says about the month: complete (up to which day) or partial, and the
    newer partial month not shown yet, if any."""
    current = coverage.get(month)
    if current is None:
        return []
    if not current.is_complete:
        sentences = [_partial_sentence(current, labels)]
        if not any(c.is_complete for c in coverage.values()):
            sentences.append(labels("coverage_none_complete"))
        return sentences
    sentences = [
        labels("coverage_complete", month=labels.month_name(month), until=labels.long_day(last_day(month)))
    ]
    later = [c for m, c in sorted(coverage.items()) if m > month]
    if later and not any(c.is_complete for c in later):
        sentences.append(_newer_sentence(later[0], labels))
    return sentences


def partial_notes(
    points: Sequence[TrendPoint], coverage: Mapping[date, Coverage], labels: Labels
) -> list[str]:
    """One note per partial month of a trend chart, whose axis marks it with an asterisk."""
    notes = []
    for point in points:
        if point.is_complete:
            continue
        c = coverage.get(point.month)
        until = c.data_until if c else None
        name = labels.month_name(point.month)
        notes.append(
            labels("chart_partial_note", month=name, until=labels.long_day(until))
            if until
            else labels("chart_partial_note_unknown", month=name)
        )
    return notes
