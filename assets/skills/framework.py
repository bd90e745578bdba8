"""Skills frameworks: Relais's own French public-service framework, ESCO and ROME, as ``Skill`` records.

A ``Skill`` carries every surface form the matcher looks for: labels, aliases and hashtags. The
framework a home uses is chosen by the ``skills_framework`` setting of ``relais.toml`` (``relais``,
the default, ``esco`` or ``rome``) and, for ESCO and ROME, ``skills_framework_path``: the
caller passes both to ``load_framework``. Columns are matched by name (``assets.tables``), and
a row that cannot be read (a missing id or label, a duplicated id) becomes a ``RowProblem`` in
the result instead of stopping the load; a file without the expected header raises
``FileRejected``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assets.ledger import RowProblem
from assets.tables import Column, TableSpec, read_table
from assets.textio import decode_text

RELAIS_FRAMEWORK_PATH = (
    Path(__file__).resolve().parents[2] / "seeds" / "skills" / "relais_fonction_publique.csv"
)
"""The framework shipped with Relais (``seeds/skills``)."""

FRAMEWORK_KINDS = ("relais", "esco", "rome")
"""The values of the ``skills_framework`` setting."""

SKILL_ID = re.compile(r"^[A-Za-z0-9_.:/#-]+$")


@dataclass(frozen=True)
class Skill:
    """One skill: its id, its family, the label to display, and every surface form to look for."""

    skill_id: str
    family: str
    label: str
    labels: tuple[str, ...]


@dataclass
class Framework:
    """A loaded framework: which kind, from which file, its skills, and the rows that could not be read."""

    kind: str
    source_file: str
    skills: list[Skill] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)

    def families(self) -> list[str]:
        """The distinct families, in order of first appearance."""
        return list(dict.fromkeys(skill.family for skill in self.skills))


RELAIS_SPEC = TableSpec(
    "relais skills framework",
    (
        Column("skill_id", ("skill_id",), required=True),
        Column("family", ("family", "famille"), required=True),
        Column("label_fr", ("label_fr", "libelle_fr"), required=True),
        Column("label_en", ("label_en", "libelle_en")),
        Column("aliases_fr", ("aliases_fr", "alias_fr")),
        Column("aliases_en", ("aliases_en", "alias_en")),
        Column("hashtags", ("hashtags",)),
    ),
)

ESCO_SPEC = TableSpec(
    "ESCO skills",
    (
        Column("concept_uri", ("concepturi",), required=True),
        Column("skill_type", ("skilltype",)),
        Column("preferred_label", ("preferredlabel",), required=True),
        Column("alt_labels", ("altlabels",)),
        Column("hidden_labels", ("hiddenlabels",), optional_header=True),
        Column("status", ("status",), optional_header=True),
    ),
)

ROME_SPEC = TableSpec(
    "ROME competences",
    (
        Column("code_ogr", ("code_ogr",), required=True),
        Column("nature", ("nature",), optional_header=True),
        Column("libelle_competence", ("libelle_competence",), required=True),
        Column("code_macro_comp", ("code_macro_comp",), optional_header=True),
        Column("cat_comp", ("cat_comp",), optional_header=True),
        Column("sous_cat_comp", ("sous_cat_comp",), optional_header=True),
    ),
)


def load_framework(
    kind: str | None = "relais", path: str | Path | None = None, language: str = "fr"
) -> Framework:
    """Load the framework a home's settings name (``skills_framework``, ``skills_framework_path``).

    ``relais`` (also when the setting is empty) reads the shipped framework unless a path is
    given; ``esco`` and ``rome`` need the path of the downloaded file.
    """
    chosen = (kind or "relais").strip().lower()
    if chosen == "relais":
        return load_relais_framework(path or RELAIS_FRAMEWORK_PATH, language)
    if chosen not in FRAMEWORK_KINDS:
        raise ValueError(f"skills_framework must be one of {', '.join(FRAMEWORK_KINDS)}, not {kind!r}")
    if not path:
        raise ValueError(
            f"skills_framework = {chosen!r} needs skills_framework_path (the {chosen.upper()} CSV file)"
        )
    return load_esco(path) if chosen == "esco" else load_rome(path)


def load_relais_framework(path: str | Path = RELAIS_FRAMEWORK_PATH, language: str = "fr") -> Framework:
    """Read a framework in Relais's format; the display label is French unless ``language`` is ``en``."""
    framework, rows = _read(path, "relais", RELAIS_SPEC)
    seen: set[str] = set()
    for row in rows:
        skill_id = row["skill_id"].strip()
        if not _accept_id(framework, seen, skill_id, row["_source_row"], RELAIS_SPEC.kind):
            continue
        label = (row["label_en"] if language == "en" and row["label_en"] else row["label_fr"]).strip()
        forms = [
            row["label_fr"],
            row["label_en"],
            *_split(row["aliases_fr"], "|"),
            *_split(row["aliases_en"], "|"),
        ]
        forms += [tag.lstrip("#") for tag in _split(row["hashtags"], "|")]
        framework.skills.append(Skill(skill_id, row["family"].strip(), label, _distinct(forms)))
    return _in_row_order(framework)


def load_esco(path: str | Path) -> Framework:
    """Read ESCO's ``skills_<lang>.csv`` (v1.2): released concepts, family from ``skillType``.

    ``altLabels`` and ``hiddenLabels`` hold several labels separated by newlines inside one cell.
    """
    framework, rows = _read(path, "esco", ESCO_SPEC)
    seen: set[str] = set()
    for row in rows:
        status = (row.get("status") or "released").strip().lower()
        if status != "released":
            continue
        skill_id = row["concept_uri"].strip()
        if not _accept_id(framework, seen, skill_id, row["_source_row"], ESCO_SPEC.kind):
            continue
        label = row["preferred_label"].strip()
        forms = [label, *_split(row["alt_labels"], "\n"), *_split(row.get("hidden_labels"), "\n")]
        family = (row["skill_type"] or "unclassified").strip()
        framework.skills.append(Skill(skill_id, family, label, _distinct(forms)))
    return _in_row_order(framework)


def load_rome(path: str | Path) -> Framework:
    """Read ROME 4.0's ``unix_referentiel_competence_v*_utf8.csv``.

    The family is the knowledge category (``cat_comp``, with ``sous_cat_comp``) when there is
    one, else the macro-competence the know-how belongs to, else its ``nature``.
    """
    framework, rows = _read(path, "rome", ROME_SPEC)
    seen: set[str] = set()
    for row in rows:
        skill_id = row["code_ogr"].strip()
        if not _accept_id(framework, seen, skill_id, row["_source_row"], ROME_SPEC.kind):
            continue
        label = row["libelle_competence"].strip()
        framework.skills.append(Skill(skill_id, _rome_family(row), label, (label,)))
    return _in_row_order(framework)


def _rome_family(row: dict[str, Any]) -> str:
    category = (row.get("cat_comp") or "").strip()
    sub_category = (row.get("sous_cat_comp") or "").strip()
    if category:
        return f"{category} / {sub_category}" if sub_category else category
    macro = (row.get("code_macro_comp") or "").strip()
    if macro:
        return f"macro-compétence {macro}"
    return (row.get("nature") or "").strip() or "non classé"


def _read(path: str | Path, kind: str, spec: TableSpec) -> tuple[Framework, list[dict[str, Any]]]:
    source = Path(path)
    text, _ = decode_text(source.read_bytes())
    table = read_table(str(source), text, spec)
    return Framework(kind, str(source), problems=list(table.problems)), table.rows


def _in_row_order(framework: Framework) -> Framework:
    framework.problems.sort(key=lambda problem: problem.source_row)
    return framework


def _accept_id(framework: Framework, seen: set[str], skill_id: str, source_row: int, kind: str) -> bool:
    """Record a new skill id as seen; a malformed or repeated one becomes a problem of its row instead."""
    problem = _id_problem(skill_id, seen)
    if problem:
        framework.problems.append(RowProblem(framework.source_file, source_row, kind, problem))
        return False
    seen.add(skill_id)
    return True


def _id_problem(skill_id: str, seen: set[str]) -> str:
    if skill_id in seen:
        return f"skill id {skill_id!r} appears twice: the first row is kept"
    if not SKILL_ID.match(skill_id):
        return f"skill id {skill_id!r} has spaces or characters an id cannot have"
    return ""


def _split(cell: str | None, separator: str) -> list[str]:
    return [item.strip() for item in (cell or "").split(separator) if item.strip()]


def _distinct(forms: Iterable[str | None]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(form.strip() for form in forms if form and form.strip()))
