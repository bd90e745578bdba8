"""The HR roster: who works where, who joined the ambassador programme, and who consented.

Columns are accepted under English or French headers (``matricule, prénom, nom, courriel,
direction, site, fonction, date_adhesion, consentement, date_retrait``). Every row counts towards
its department's headcount; an ambassador is a row with an enrolment date, consent, and no
withdrawal. When several roster files are dropped, the row from the most recently modified file
wins for each person. Personal details of everyone who is not an ambassador are removed before
anything is stored: only a pseudonymous key and the department remain.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from relais.privacy.pseudonym import Pseudonymiser
from relais.sources.io.dates import read_day_first
from relais.sources.io.tables import Column, TableSpec
from relais.sources.io.values import parse_consent

UNKNOWN_DEPARTMENT = "Non renseignée"


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    stripped = " ".join(value.split())
    return stripped or None


def _email(value: str | None) -> str | None:
    cleaned = _clean(value)
    return cleaned.lower() if cleaned else None


ROSTER = TableSpec(
    kind="hr_roster",
    columns=(
        Column(
            "agent_id",
            ("agent_id", "matricule", "id_agent", "identifiant", "employee_id"),
            _clean,
            required=True,
        ),
        Column("first_name", ("first_name", "prenom"), _clean, optional_header=True),
        Column("last_name", ("last_name", "nom", "nom_de_famille"), _clean, optional_header=True),
        Column(
            "email", ("email", "courriel", "e_mail", "mail", "adresse_mail"), _email, optional_header=True
        ),
        Column("department", ("department", "direction", "service", "pole"), _clean, optional_header=True),
        Column("site", ("site", "lieu", "etablissement"), _clean, optional_header=True),
        Column(
            "job_title", ("job_title", "fonction", "poste", "intitule_de_poste"), _clean, optional_header=True
        ),
        Column("enrolled_on", ("enrolled_on", "date_adhesion", "date_d_adhesion"), read_day_first),
        Column("consent", ("consent", "consentement"), parse_consent),
        Column(
            "consent_withdrawn_on",
            ("consent_withdrawn_on", "date_retrait", "date_de_retrait"),
            read_day_first,
            optional_header=True,
        ),
    ),
)

PERSONAL_FIELDS = ("agent_id", "first_name", "last_name", "email", "site", "job_title")


def is_ambassador(row: dict[str, Any]) -> bool:
    """An ambassador has an enrolment date, has consented, and has not withdrawn."""
    return (
        row.get("enrolled_on") is not None
        and bool(row.get("consent"))
        and row.get("consent_withdrawn_on") is None
    )


@dataclass(frozen=True)
class RosterRow:
    """A roster row as read, with the file it came from and that file's modification time."""

    values: dict[str, Any]
    source_file: str
    source_row: int
    file_modified_at: float


def duplicate_problems(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[tuple[int, str]]]:
    """Split one file's rows into first occurrences and (row, reason) for repeated agent ids."""
    seen: dict[str, int] = {}
    kept: list[dict[str, Any]] = []
    repeated: list[tuple[int, str]] = []
    for row in rows:
        agent_id = row["agent_id"]
        if agent_id in seen:
            repeated.append((row["_source_row"], f"agent id '{agent_id}' already on row {seen[agent_id]}"))
            continue
        seen[agent_id] = row["_source_row"]
        kept.append(row)
    return kept, repeated


def resolve_roster(
    rows: list[RosterRow],
    pseudonymiser: Pseudonymiser,
    erased: frozenset[str] = frozenset(),
    withdrawn: frozenset[str] = frozenset(),
) -> list[dict[str, Any]]:
    """One output row per roster row, flagging the current one per person and stripping personal data.

    The current row of a person comes from the most recently modified file (ties: the later file
    name). Whether a person is an ambassador is decided on that current row; personal fields are
    kept only for current ambassadors, on their rows only. Everyone keeps a pseudonymous
    ``agent_key`` and an ``email_key`` (keyed hash of the lower-cased e-mail) so archives can be
    matched to people without storing who the others are. A person erased with ``relais erase``
    (their erasure token in ``erased``) is never an ambassador again: they count in headcounts only.
    A member who revoked Relais's authorisation on LinkedIn (their token in ``withdrawn``) is not an
    ambassador either, as if the roster said their consent was withdrawn, until they consent again.
    """
    latest: dict[str, RosterRow] = {}
    for row in rows:
        agent_id = row.values["agent_id"]
        current = latest.get(agent_id)
        if current is None or (row.file_modified_at, row.source_file) > (
            current.file_modified_at,
            current.source_file,
        ):
            latest[agent_id] = row
    ambassadors = {
        agent_id
        for agent_id, row in latest.items()
        if is_ambassador(row.values) and pseudonymiser.erasure_token(agent_id) not in erased | withdrawn
    }
    output = []
    for row in rows:
        values = dict(row.values)
        agent_id = values["agent_id"]
        email = values.get("email")
        keep_personal = agent_id in ambassadors
        output.append(
            {
                **{k: (values.get(k) if keep_personal else None) for k in PERSONAL_FIELDS},
                "agent_key": pseudonymiser.agent_key(agent_id),
                "email_key": pseudonymiser.email_key(email) if email else None,
                "department": values.get("department") or UNKNOWN_DEPARTMENT,
                "enrolled_on": values.get("enrolled_on") if keep_personal else None,
                "is_current": latest[agent_id] is row,
                "is_ambassador": keep_personal,
                "_source_file": row.source_file,
                "_source_row": row.source_row,
            }
        )
    return output
