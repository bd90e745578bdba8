"""Skills frameworks: Relais's own French public-service framework, ESCO and ROME, as ``Skill`` records.

A ``Skill`` carries every surface form the matcher looks for: labels, aliases and hashtags. The
framework a home uses is chosen by the ``skills_framework`` setting of ``relais.toml`` (``relais``,
the default, ``esco`` or ``rome``) and, for ESCO and ROME, ``skills_framework_path``: the
caller passes both to ``load_framework``. Columns are matched by name (``relais.sources.io.tables``), and
a row that cannot be read (a missing id or label, a duplicated id) becomes a ``RowProblem`` in
the result instead of stopping the load; a missing file, or a file without the expected header,
raises ``FileRejected`` naming the file.

ESCO may be given as several files, one per language (``skills_fr.csv`` and ``skills_en.csv``):
``load_esco`` merges them into one framework (see its docstring for the merge rule and how the
language of each file is found).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from relais.ledger import FileRejected, RowProblem
from relais.shipped import SEEDS
from relais.sources.io.tables import Column, TableSpec, read_table
from relais.sources.io.text import decode_text

RELAIS_FRAMEWORK_PATH = SEEDS / "skills" / "relais_fonction_publique.csv"
"""The framework shipped with Relais (``seeds/skills``)."""

FRAMEWORK_KINDS = ("relais", "esco", "rome")
"""The values of the ``skills_framework`` setting."""

SKILL_ID = re.compile(r"^[A-Za-z0-9_.:/#-]+$")

FrameworkPath = str | Path | Sequence[str | Path]
"""What ``skills_framework_path`` holds: one path, or a list of paths (several ESCO languages)."""

LANGUAGE_NAMES = {"fr": "French", "en": "English"}
UNKNOWN_LANGUAGE = "und"
"""The language of an ESCO file whose name and labels do not tell (ISO 639's ``und``)."""

ESCO_FILE_NAME = re.compile(r"(?:^|[^a-z])skills[_-]([a-z]{2})(?:[^a-z]|$)", re.IGNORECASE)
"""ESCO's download naming, ``skills_<lang>.csv`` (also ``esco_skills_fr_v1.2.csv``)."""

FRENCH_MARKERS = frozenset(
    {"de", "des", "du", "la", "le", "les", "et", "un", "une", "au", "aux", "pour", "dans", "sur", "avec"}
    | {"en", "à", "d'", "l'", "qu'", "d’", "l’", "qu’"}
)
ENGLISH_MARKERS = frozenset({"of", "the", "and", "to", "for", "with", "a", "an", "in", "on"})
FRENCH_LETTERS = frozenset("éèêàâçùûîôœëï")
LANGUAGE_SAMPLE = 3000
"""How many concepts' labels the content rule reads (the first ones of the file)."""


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
    digests: list[str] = field(default_factory=list)
    """The SHA-256 of each file read, in order: part of the fingerprint of cached matches."""
    languages: list[str] = field(default_factory=list)
    """The language of each file read, in order (ESCO; ``und`` when unknown)."""
    notes: list[str] = field(default_factory=list)
    """What the operator should know about the load (languages found, display label fallbacks)."""

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
    kind: str | None = "relais", path: FrameworkPath | None = None, language: str = "fr"
) -> Framework:
    """Load the framework a home's settings name (``skills_framework``, ``skills_framework_path``).

    ``relais`` (also when the setting is empty) reads the shipped framework unless a path is
    given; ``esco`` and ``rome`` need the path of the downloaded file. ``path`` is one path or a
    list of paths; only ESCO reads several (one per language, merged). ``language`` (the
    ``report_language``) chooses the display label.
    """
    chosen = (kind or "relais").strip().lower()
    if chosen not in FRAMEWORK_KINDS:
        raise ValueError(f"skills_framework must be one of {', '.join(FRAMEWORK_KINDS)}, not {kind!r}")
    paths = framework_paths(path)
    if chosen == "esco" and paths:
        return load_esco(paths, language)
    if len(paths) > 1:
        raise ValueError(
            f"skills_framework = {chosen!r} reads one file but skills_framework_path lists {len(paths)}: "
            "only esco merges several files"
        )
    if chosen == "relais":
        return load_relais_framework(paths[0] if paths else RELAIS_FRAMEWORK_PATH, language)
    if not paths:
        raise ValueError(
            f"skills_framework = {chosen!r} needs skills_framework_path (the {chosen.upper()} CSV file)"
        )
    return load_rome(paths[0])


def framework_paths(path: FrameworkPath | None) -> list[Path]:
    """The files a ``skills_framework_path`` value names: one path, or each path of a list.

    Empty values (``""``, ``[]``, blank items) name no file. A single string is one path, even
    with commas in it (a path may hold commas): several files are written as a TOML list.
    """
    if path is None:
        return []
    items = [path] if isinstance(path, str | Path) else list(path)
    return [Path(str(item).strip()) for item in items if str(item).strip()]


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


def load_esco(path: FrameworkPath, language: str = "fr") -> Framework:
    """Read ESCO's ``skills_<lang>.csv`` (v1.2), one file or several: released concepts, family
    from ``skillType``.

    ``altLabels`` and ``hiddenLabels`` hold several labels separated by newlines inside one cell.

    Several files (one per language, or several of one language) are merged by concept URI
    (``conceptUri``), in the order given: a concept's surface forms are every ``preferredLabel``,
    ``altLabels`` and ``hiddenLabels`` of every file (so a French post and an English post name
    the same skill); its family is the first non-empty ``skillType``; its display label is the
    ``preferredLabel`` of the first file in ``language``, or else, when no file of that language
    has the concept, the ``preferredLabel`` of the first file that has it (counted in ``notes``).
    A concept is kept when it is released in at least one file; a URI twice in one file is a row
    problem (the first row is kept), the same URI in two files is the merge.

    Each file's language (``languages``) comes from ``file_language``.
    """
    paths = framework_paths(path)
    if not paths:
        raise ValueError("skills_framework = 'esco' needs skills_framework_path (the ESCO CSV file)")
    framework = Framework("esco", ", ".join(str(p) for p in paths))
    concepts: dict[str, _Concept] = {}
    for source in paths:
        read, rows = _read(source, "esco", ESCO_SPEC)
        framework.digests.extend(read.digests)
        file_lang, note = file_language(source, rows)
        framework.languages.append(file_lang)
        if note and (len(paths) > 1 or file_lang != UNKNOWN_LANGUAGE):
            framework.notes.append(note)
        seen: set[str] = set()
        for row in rows:
            status = (row.get("status") or "released").strip().lower()
            if status != "released":
                continue
            skill_id = row["concept_uri"].strip()
            problem = _id_problem(skill_id, seen)
            if problem:
                read.problems.append(RowProblem(str(source), row["_source_row"], ESCO_SPEC.kind, problem))
                continue
            seen.add(skill_id)
            label = row["preferred_label"].strip()
            forms = [label, *_split(row["alt_labels"], "\n"), *_split(row.get("hidden_labels"), "\n")]
            concept = concepts.get(skill_id)
            if concept is None:
                concept = concepts[skill_id] = _Concept(label)
            concept.preferred.setdefault(file_lang, label)
            concept.forms.extend(forms)
            concept.family = concept.family or (row["skill_type"] or "").strip()
        framework.problems.extend(_in_row_order(read).problems)
    fallbacks = 0
    for skill_id, concept in concepts.items():
        label = concept.preferred.get(language)
        if label is None:
            fallbacks += 1
            label = concept.first_label
        framework.skills.append(
            Skill(skill_id, concept.family or "unclassified", label, _distinct(concept.forms))
        )
    if len(paths) > 1:
        framework.notes.append(f"ESCO: {len(concepts)} concepts merged by conceptUri from {len(paths)} files")
    if fallbacks and framework.languages != [UNKNOWN_LANGUAGE]:
        framework.notes.append(
            f"ESCO: {fallbacks} of {len(concepts)} concepts have no {_language_name(language)} "
            f"preferredLabel (report_language = {language!r}): shown with the label of another language"
        )
    return framework


@dataclass
class _Concept:
    """An ESCO concept while files are merged: first label, preferred label per language, forms."""

    first_label: str
    preferred: dict[str, str] = field(default_factory=dict)
    forms: list[str] = field(default_factory=list)
    family: str = ""


def file_language(path: str | Path, rows: Sequence[dict[str, Any]]) -> tuple[str, str]:
    """The language of an ESCO file, and a note for the log when the rule had to choose.

    ESCO's CSV has no language column, so the rule reads the file name and the labels:

    1. The name: ESCO's downloads are named ``skills_<lang>.csv`` (``skills_fr.csv``,
       ``esco_skills_en_v1.2.csv``). A language other than French or English is taken from the
       name alone (the labels only tell French from English).
    2. The labels (``preferredLabel`` and ``altLabels`` of the first concepts): French marker
       words (``de``, ``des``, ``la``, ``les``, ``et``, ``pour``…) and words with French
       accents against English marker words (``of``, ``the``, ``and``, ``to``, ``for``…) and
       words in ``-ing``. They decide when one side has at least 3 markers and 3 times the
       other's; then they win over a name that says the other of French and English (noted).
    3. Neither: the language is unknown (``und``, noted); the file's labels are matched and
       shown only as the fallback display label.
    """
    named = ESCO_FILE_NAME.search(Path(path).name)
    by_name = named[1].lower() if named else ""
    if by_name and by_name not in LANGUAGE_NAMES:
        return by_name, ""
    by_labels = labels_language(rows)
    if by_labels and by_name and by_labels != by_name:
        return by_labels, (
            f"ESCO: {path} is named as {_language_name(by_name)} but its labels are "
            f"{_language_name(by_labels)}: read as {_language_name(by_labels)}"
        )
    if by_name or by_labels:
        return by_name or by_labels, ""
    return UNKNOWN_LANGUAGE, (
        f"ESCO: the language of {path} is unknown (name it skills_<lang>.csv, such as skills_fr.csv)"
    )


def labels_language(rows: Sequence[dict[str, Any]]) -> str:
    """``fr`` or ``en`` when the labels of the first concepts clearly are French or English, else ""."""
    french = english = 0
    for row in rows[:LANGUAGE_SAMPLE]:
        text = f"{row.get('preferred_label') or ''} {row.get('alt_labels') or ''}".lower()
        for word in re.split(r"[\s,;()/]+", text.replace("'", "' ").replace("’", "’ ")):
            if word in FRENCH_MARKERS or FRENCH_LETTERS.intersection(word):
                french += 1
            elif word in ENGLISH_MARKERS or (len(word) > 5 and word.endswith("ing")):
                english += 1
    if french >= 3 and french >= 3 * english:
        return "fr"
    if english >= 3 and english >= 3 * french:
        return "en"
    return ""


def _language_name(language: str) -> str:
    return LANGUAGE_NAMES.get(language, language)


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
    """Read one framework file; a missing file or a file of another layout is ``FileRejected``."""
    source = Path(path)
    try:
        data = source.read_bytes()
    except FileNotFoundError:
        raise FileRejected(f"{source}: the {spec.kind} file does not exist (skills_framework_path)") from None
    except OSError as error:
        raise FileRejected(
            f"{source}: the {spec.kind} file cannot be read ({error.strerror or error})"
        ) from None
    text, _ = decode_text(data)
    try:
        table = read_table(str(source), text, spec)
    except FileRejected as error:
        raise FileRejected(f"{source}: cannot be read as {spec.kind}: {error}") from None
    framework = Framework(kind, str(source), problems=list(table.problems))
    framework.digests.append(hashlib.sha256(data).hexdigest())
    return framework, table.rows


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
