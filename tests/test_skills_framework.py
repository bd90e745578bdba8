"""Skills frameworks: the shipped Relais framework, and ESCO and ROME files read from their real headers."""

import csv
import io
import shutil
from collections import defaultdict

import pytest

from relais.ledger import FileRejected
from relais.skills.framework import (
    FRAMEWORK_KINDS,
    RELAIS_FRAMEWORK_PATH,
    load_esco,
    load_framework,
    load_relais_framework,
    load_rome,
)
from relais.skills.matcher import SkillMatcher, surface_patterns

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


# ---------------------------------------------------------------- ESCO in several languages

BUDGET, SPEAKING, PLANNING, DESIGN = (
    f"http://data.europa.eu/esco/skill/{n}" for n in ("b1", "s2", "p3", "d4")
)
ESCO_FR = [
    (BUDGET, "skill/competence", "gérer un budget", "gestion budgétaire\nsuivre un budget"),
    (SPEAKING, "skill/competence", "prise de parole en public", "parler en public"),
    (PLANNING, "knowledge", "droit de l'urbanisme", "législation de l'urbanisme"),
]
ESCO_EN = [
    (BUDGET, "skill/competence", "manage budgets", "budget management\nbudgeting"),
    (SPEAKING, "skill/competence", "public speaking", "speaking in public"),
    (PLANNING, "knowledge", "urban planning law", "planning legislation"),
    (DESIGN, "skill/competence", "apply design thinking", "use design thinking"),
]


def _esco_file(path, concepts, description=""):
    rows = [_esco_row(uri, kind, preferred, alt) for uri, kind, preferred, alt in concepts]
    if description:
        rows.append(_esco_row("http://data.europa.eu/esco/skill/x", "knowledge", description, "", "obsolete"))
    path.write_text(ESCO_HEADER + "\n" + "".join(rows), encoding="utf-8")
    return path


@pytest.fixture
def esco_pair(tmp_path):
    return _esco_file(tmp_path / "skills_fr.csv", ESCO_FR), _esco_file(tmp_path / "skills_en.csv", ESCO_EN)


def test_esco_files_of_two_languages_merge_by_concept_uri(esco_pair):
    framework = load_framework("esco", [str(path) for path in esco_pair], "fr")
    assert [skill.skill_id for skill in framework.skills] == [BUDGET, SPEAKING, PLANNING, DESIGN]
    assert framework.languages == ["fr", "en"] and len(framework.digests) == 2
    assert framework.problems == []
    budget = framework.skills[0]
    assert budget.family == "skill/competence"
    assert budget.labels == (
        "gérer un budget",
        "gestion budgétaire",
        "suivre un budget",
        "manage budgets",
        "budget management",
        "budgeting",
    )
    assert any("4 concepts merged by conceptUri from 2 files" in note for note in framework.notes)


def test_a_french_post_and_an_english_post_name_the_same_merged_concept(esco_pair):
    matcher = SkillMatcher.build(load_framework("esco", list(esco_pair)).skills)
    assert matcher.skill_ids("Ravie d'avoir suivi la formation prise de parole en public !") == [SPEAKING]
    assert matcher.skill_ids("Great workshop on public speaking this morning.") == [SPEAKING]
    assert matcher.skill_ids("Cette année j'ai dû suivre un budget de 2 M€.") == [BUDGET]
    assert matcher.skill_ids("Proud of our team: budget management done right.") == [BUDGET]


def test_display_label_follows_report_language_with_a_noted_fallback(esco_pair):
    french = load_framework("esco", list(esco_pair), "fr")
    assert [skill.label for skill in french.skills] == [
        "gérer un budget",
        "prise de parole en public",
        "droit de l'urbanisme",
        "apply design thinking",
    ]
    fallback = [note for note in french.notes if "preferredLabel" in note]
    assert fallback and "1 of 4 concepts have no French preferredLabel" in fallback[0]
    english = load_framework("esco", list(reversed(esco_pair)), "en")
    assert [skill.label for skill in english.skills][:3] == [
        "manage budgets",
        "public speaking",
        "urban planning law",
    ]
    assert not any("preferredLabel" in note for note in english.notes)
    assert load_framework("esco", list(reversed(esco_pair)), "fr").skills[0].label == "gérer un budget"


def test_the_fingerprint_changes_when_any_esco_file_changes(esco_pair):
    from assets.skills import framework_fingerprint

    def fingerprint():
        framework = load_framework("esco", list(esco_pair))
        return framework_fingerprint(framework.skills, framework.digests)

    first = fingerprint()
    assert fingerprint() == first
    french, english = esco_pair
    _esco_file(english, ESCO_EN, description="a retired concept")  # no surface form changes
    second = fingerprint()
    assert second != first
    _esco_file(french, [*ESCO_FR[:2], (PLANNING, "knowledge", "droit de l'urbanisme", "")])
    assert fingerprint() not in (first, second)


def test_the_fingerprint_changes_when_the_matching_code_changes(esco_pair, tmp_path, monkeypatch):
    import relais.inbox.reuse as reuse
    from assets.skills import framework_fingerprint

    framework = load_framework("esco", list(esco_pair))
    library = tmp_path / "relais"
    shutil.copytree(reuse.LIBRARY, library, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(reuse, "LIBRARY", library)
    first = framework_fingerprint(framework.skills, framework.digests)
    context = library / "skills" / "context.py"
    context.write_text(context.read_text() + "\n# a context rule changed\n")
    assert framework_fingerprint(framework.skills, framework.digests) != first, "old matches would be kept"


def test_the_single_path_form_still_reads_one_file(esco_pair):
    french, _ = esco_pair
    for path in (str(french), french, [str(french)]):
        framework = load_framework("esco", path, "en")
        assert [skill.skill_id for skill in framework.skills] == [BUDGET, SPEAKING, PLANNING]
        assert framework.skills[0].label == "gérer un budget"
        assert framework.source_file == str(french)
    with pytest.raises(ValueError, match="only esco merges several files"):
        load_framework("rome", list(esco_pair))


def test_a_missing_or_foreign_file_is_rejected_naming_it(esco_pair, tmp_path):
    with pytest.raises(FileRejected, match=r"skills_de\.csv: the ESCO skills file does not exist"):
        load_framework("esco", [*esco_pair, tmp_path / "skills_de.csv"])
    notes = tmp_path / "notes.csv"
    notes.write_text("Name\nGestion de projet\n", encoding="utf-8")
    with pytest.raises(FileRejected, match=r"notes\.csv: cannot be read as ESCO skills: no header line"):
        load_framework("esco", [esco_pair[0], notes])


def test_the_language_of_an_esco_file_comes_from_its_name_or_its_labels(tmp_path):
    unnamed_fr = _esco_file(tmp_path / "export_a.csv", ESCO_FR)
    unnamed_en = _esco_file(tmp_path / "export_b.csv", ESCO_EN)
    misnamed = _esco_file(tmp_path / "esco_skills_en_v1.2.csv", ESCO_FR)
    german = _esco_file(tmp_path / "skills_de.csv", ESCO_EN)
    framework = load_framework("esco", [unnamed_fr, unnamed_en, misnamed, german])
    assert framework.languages == ["fr", "en", "fr", "de"]
    assert any("is named as English but its labels are French" in note for note in framework.notes)
    neutral = _esco_file(tmp_path / "export_c.csv", [(DESIGN, "knowledge", "Python", "SQL")])
    assert load_framework("esco", [neutral, unnamed_en]).languages == ["und", "en"]


def test_two_files_of_one_language_are_merged_too(tmp_path):
    first = _esco_file(tmp_path / "skills_fr.csv", ESCO_FR[:2])
    extra = _esco_file(tmp_path / "skills_fr_extra.csv", [(BUDGET, "", "piloter un budget", ""), ESCO_FR[2]])
    framework = load_framework("esco", [first, extra], "fr")
    assert framework.languages == ["fr", "fr"]
    assert [skill.skill_id for skill in framework.skills] == [BUDGET, SPEAKING, PLANNING]
    assert framework.skills[0].label == "gérer un budget"
    assert "piloter un budget" in framework.skills[0].labels


def test_settings_take_one_path_or_a_list_of_esco_files(tmp_path):
    from relais.settings import SettingsError, validate_settings

    def check(text):
        import tomllib

        return validate_settings(tomllib.loads(text), tmp_path / "relais.toml", text).skills_framework_path

    both = (
        'skills_framework = "esco"\nskills_framework_path = ["/data/skills_fr.csv", "/data/skills_en.csv"]\n'
    )
    assert check(both) == ["/data/skills_fr.csv", "/data/skills_en.csv"]
    assert check('skills_framework = "esco"\nskills_framework_path = "/data/skills_fr.csv"\n') == (
        "/data/skills_fr.csv"
    )
    for text, expected in (
        ('skills_framework = "esco"\nskills_framework_path = ["/a.csv", ""]\n', "holds an empty path"),
        ('skills_framework = "esco"\nskills_framework_path = ["/a.csv", "/a.csv"]\n', "lists '/a.csv' twice"),
        (
            'skills_framework = "esco"\nskills_framework_path = []\n',
            'is empty while skills_framework = "esco"',
        ),
        ('skills_framework = "esco"\nskills_framework_path = [1]\n', "is not a path in double quotes"),
        (
            'skills_framework = "rome"\nskills_framework_path = ["/a.csv", "/b.csv"]\n',
            'line 2: skills_framework_path = ["/a.csv", "/b.csv"] lists 2 files while skills_framework = "rome"',
        ),
    ):
        with pytest.raises(SettingsError) as caught:
            check(text)
        assert "\n" not in str(caught.value) and expected in str(caught.value)
