"""Skills frameworks: the shipped Relais framework, and ESCO and ROME files read from their real headers."""

import csv
import io
from collections import defaultdict

import pytest

from assets.ledger import FileRejected
from assets.skills.framework import (
    FRAMEWORK_KINDS,
    RELAIS_FRAMEWORK_PATH,
    load_esco,
    load_framework,
    load_relais_framework,
    load_rome,
)
from assets.skills.matcher import SkillMatcher, surface_patterns

ESCO_HEADER = (
    "conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels,hiddenLabels,status,"
    "modifiedDate,scopeNote,definition,inScheme,description"
)
ROME_HEADER = (
    '"code_ogr","nature","libelle_competence","definition","code_ogr_macro_comp","code_macro_comp",'
    '"cat_comp","sous_cat_comp","transition_eco","transition_num","libelle_heterogeneite","libelle_origine"'
)
RELAIS_HEADER = "skill_id,family,label_fr,label_en,aliases_fr,aliases_en,hashtags"


def _esco_row(uri, skill_type, preferred, alt_labels, status="released", hidden=""):
    cells = ["KnowledgeSkillCompetence", uri, skill_type, "sector-specific", preferred, alt_labels, hidden]
    cells += [
        status,
        "2023-05-12T10:00:00Z",
        "",
        "une définition",
        "http://data.europa.eu/esco/concept-scheme/skills",
        "",
    ]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(cells)
    return out.getvalue()


@pytest.fixture(scope="module")
def relais():
    return load_relais_framework()


def test_the_relais_framework_is_large_enough_and_clean(relais):
    assert relais.kind == "relais"
    assert relais.problems == []
    assert len(relais.skills) >= 300
    assert 15 <= len(relais.families()) <= 25
    ids = [skill.skill_id for skill in relais.skills]
    assert len(ids) == len(set(ids))
    assert all(len(skill.labels) >= 3 for skill in relais.skills)
    assert sum(len(skill.labels) for skill in relais.skills) > 5000


def test_no_surface_form_of_the_relais_framework_belongs_to_two_skills(relais):
    owners = defaultdict(set)
    for skill in relais.skills:
        for surface in skill.labels:
            for pattern, _ in surface_patterns(surface):
                owners[pattern].add(skill.skill_id)
    shared = {pattern: ids for pattern, ids in owners.items() if len(ids) > 1}
    assert shared == {}


def test_relais_rows_have_both_labels_and_camel_case_hashtags(relais):
    text = RELAIS_FRAMEWORK_PATH.read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == RELAIS_HEADER.split(",")
    for row in rows:
        assert row["label_fr"] and row["label_en"], row["skill_id"]
        for tag in filter(None, row["hashtags"].split("|")):
            assert not tag.startswith("#") and " " not in tag, (row["skill_id"], tag)


def test_display_label_is_french_by_default_and_english_on_request(relais):
    by_id = {skill.skill_id: skill for skill in relais.skills}
    assert by_id["gestion_de_projet"].label == "Gestion de projet"
    english = {skill.skill_id: skill for skill in load_relais_framework(language="en").skills}
    assert english["gestion_de_projet"].label == "Project management"
    assert "GestionDeProjet" in by_id["gestion_de_projet"].labels
    assert "RGPD" in by_id["protection_donnees"].labels and "GDPR" in by_id["protection_donnees"].labels


def test_malformed_relais_rows_are_reported_not_fatal(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text(
        "\n".join(
            [
                RELAIS_HEADER,
                "budget_vert,Finances,Budget vert,Green budgeting,budgétisation verte,,#BudgetVert",
                ",Finances,Sans identifiant,No id,,,",
                "budget_vert,Finances,Doublon,Duplicate,,,",
                "sans_libelle,Finances,,,,,",
                "id avec espaces,Finances,Libellé,Label,,,",
                "achat_vert,Achats,Achat vert,Green purchasing,achats verts|achat écologique,green procurement,AchatVert",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    framework = load_relais_framework(path)
    assert [skill.skill_id for skill in framework.skills] == ["budget_vert", "achat_vert"]
    assert [(p.source_row, p.kind) for p in framework.problems] == [
        (3, "relais skills framework"),
        (4, "relais skills framework"),
        (5, "relais skills framework"),
        (6, "relais skills framework"),
    ]
    assert "appears twice" in framework.problems[1].reason
    assert framework.skills[0].labels == (
        "Budget vert",
        "Green budgeting",
        "budgétisation verte",
        "BudgetVert",
    )


def test_esco_alt_labels_cell_holds_several_labels_on_separate_lines(tmp_path):
    path = tmp_path / "skills_fr.csv"
    path.write_text(
        ESCO_HEADER
        + "\n"
        + _esco_row(
            "http://data.europa.eu/esco/skill/0001",
            "skill/competence",
            "gérer un budget",
            "gestion budgétaire\nsuivre un budget\nadministrer un budget",
            hidden="gérer des budjets",
        )
        + _esco_row("http://data.europa.eu/esco/skill/0002", "knowledge", "droit de l'urbanisme", "")
        + _esco_row(
            "http://data.europa.eu/esco/skill/0003", "knowledge", "ancienne compétence", "", status="obsolete"
        )
        + _esco_row("http://data.europa.eu/esco/skill/0004", "knowledge", "", "libellé orphelin")
        + _esco_row(
            "http://data.europa.eu/esco/skill/0005", "", "prise de parole en public", "parler en public"
        ),
        encoding="utf-8",
    )
    framework = load_esco(path)
    assert framework.kind == "esco"
    assert [skill.skill_id[-4:] for skill in framework.skills] == ["0001", "0002", "0005"]
    budget = framework.skills[0]
    assert budget.family == "skill/competence" and budget.label == "gérer un budget"
    assert budget.labels == (
        "gérer un budget",
        "gestion budgétaire",
        "suivre un budget",
        "administrer un budget",
        "gérer des budjets",
    )
    assert framework.skills[1].family == "knowledge"
    assert framework.skills[2].family == "unclassified"
    assert len(framework.problems) == 1 and "preferredLabel" in framework.problems[0].reason
    matcher = SkillMatcher.build(framework.skills)
    assert matcher.skill_ids("Cette année j'ai dû suivre un budget de 2 M€.") == [
        "http://data.europa.eu/esco/skill/0001"
    ]


def test_rome_header_is_quoted_and_families_come_from_categories_or_macro_competences(tmp_path):
    rows = [
        ROME_HEADER,
        '"100001","Savoir","Techniques de soins infirmiers","","","","Santé","Soins","N","N","",""',
        '"100002","Savoir-faire","Animer une réunion","Conduire des réunions","200010","M0010","","","N","O","",""',
        '"100003","Savoir-être professionnel","Faire preuve de rigueur","","","","","","N","N","",""',
        '"100004","Savoir","","libellé manquant","","","Santé","","N","N","",""',
    ]
    path = tmp_path / "unix_referentiel_competence_v460_utf8.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    framework = load_rome(path)
    assert [(s.skill_id, s.family) for s in framework.skills] == [
        ("100001", "Santé / Soins"),
        ("100002", "macro-compétence M0010"),
        ("100003", "Savoir-être professionnel"),
    ]
    assert framework.skills[1].labels == ("Animer une réunion",)
    assert [p.source_row for p in framework.problems] == [5]


def test_load_framework_dispatches_on_the_setting(tmp_path):
    assert FRAMEWORK_KINDS == ("relais", "esco", "rome")
    assert load_framework().kind == "relais"
    assert load_framework(None).kind == "relais"
    assert load_framework(" Relais ").kind == "relais"
    esco = tmp_path / "skills_en.csv"
    esco.write_text(
        ESCO_HEADER + "\n" + _esco_row("u:1", "knowledge", "public speaking", "oratory"), encoding="utf-8"
    )
    assert load_framework("ESCO", esco).skills[0].labels == ("public speaking", "oratory")
    with pytest.raises(ValueError, match="skills_framework_path"):
        load_framework("rome")
    with pytest.raises(ValueError, match="relais, esco, rome"):
        load_framework("onet", esco)


def test_a_file_of_another_layout_is_rejected(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("Name\nGestion de projet\n", encoding="utf-8")
    with pytest.raises(FileRejected):
        load_esco(path)
    with pytest.raises(FileRejected):
        load_relais_framework(path)
