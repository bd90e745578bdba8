"""The failed data-quality checks told to HR: what is affected, what to do, whom to ask.

The checks of ``marts.quality_checks`` name tables and technical rules; the report's reader needs
neither. Each failed check is sorted into a kind (late data, an unusual drop, a missing month, the
staff list, a consistency error) and its table into the part of the report it feeds; one note per
kind and severity gathers them. The wording lives in ``wording``; the technical detail stays in the
Data Docs and the run log.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from relais.reports.figures import FailedCheck
from relais.reports.labels import Labels

BLOCKING = "ERROR"


class Kind(StrEnum):
    """What a failed check means for the reader, each with its own advice and contact."""

    LATE = "late"
    DROP = "drop"
    GAP = "gap"
    ROSTER = "roster"
    CONSISTENCY = "consistency"


# (text found in the table's name, the part of the report it feeds), first match wins
AREAS: tuple[tuple[str, str], ...] = (
    ("programme_month", "programme"),
    ("department", "departments"),
    ("roster", "roster"),
    ("staging.agents", "roster"),
    ("agent_month", "ambassadors"),
    ("agent_reach", "ambassadors"),
    ("skill", "skills"),
    ("institution_post", "institution_posts"),
    ("page", "institution_posts"),
    ("post_metrics", "post_reach"),
    ("cohort", "enrolments"),
    ("enrolment", "enrolments"),
    ("metric_settings", "settings"),
    ("file_ledger", "files"),
    ("raw.", "activity"),
    ("staging.", "activity"),
)
KIND_ORDER = tuple(Kind)


@dataclass(frozen=True)
class QualityNote:
    """One point of the quality section: a title, the parts of the report affected, advice, a contact."""

    kind: Kind
    blocking: bool
    title: str
    affected: str
    action: str
    contact: str
    count: int


def kind_of(check: FailedCheck) -> Kind:
    """The kind of a failed check, from its name and its table."""
    name = check.check_name.casefold()
    if "fresh" in name:
        return Kind.LATE
    if "anomal" in name or "volume" in name:
        return Kind.DROP
    if "contiguous" in name or "missing_month" in name:
        return Kind.GAP
    if area_of(check.table_name) == "roster":
        return Kind.ROSTER
    return Kind.CONSISTENCY


def area_of(table_name: str) -> str:
    """The part of the report a table feeds (``programme``, ``departments``...), ``data`` by default."""
    name = table_name.casefold()
    return next((area for text, area in AREAS if text in name), "data")


def _join(items: list[str], labels: Labels) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {labels('and')} {items[-1]}"


def quality_notes(failed: Iterable[FailedCheck], labels: Labels) -> list[QualityNote]:
    """One note per kind and severity of the failed checks, the blocking ones first."""
    groups: dict[tuple[bool, Kind], list[FailedCheck]] = {}
    for check in failed:
        groups.setdefault((check.severity == BLOCKING, kind_of(check)), []).append(check)
    notes = []
    for (blocking, kind), checks in sorted(
        groups.items(), key=lambda g: (not g[0][0], KIND_ORDER.index(g[0][1]))
    ):
        areas = list(dict.fromkeys(area_of(c.table_name) for c in checks))
        notes.append(
            QualityNote(
                kind=kind,
                blocking=blocking,
                title=labels(f"quality_{kind}_title"),
                affected=_join([labels(f"area_{a}") for a in areas], labels),
                action=labels(f"quality_{kind}_action"),
                contact=labels(
                    f"quality_{kind}_contact",
                    team_data=labels("team_data"),
                    team_communication=labels("team_communication"),
                ),
                count=len(checks),
            )
        )
    return notes
