"""The skill matcher: normalisation, whole words, longest match, hashtags, and the ambiguity rules."""

import random
import unicodedata

import pytest

from relais.skills.framework import Skill, load_relais_framework
from relais.skills.matcher import SkillMatcher
from relais.skills.normalise import (
    _SPACED,
    TEXT_BREAK,
    _ascii,
    normal_words,
    normalise,
    spaced,
    spaced_flat,
)

SKILLS = [
    Skill(
        "projet",
        "Projets",
        "Gestion de projet",
        (
            "Gestion de projet",
            "gestion de projets",
            "Project management",
            "GestionDeProjet",
            "chef(fe) de projet",
        ),
    ),
    Skill("agile", "Projets", "Gestion de projet agile", ("Gestion de projet agile", "Scrum")),
    Skill(
        "com",
        "Communication",
        "Communication",
        ("Communication", "chargé(e) de communication", "Communication skills"),
    ),
    Skill("compub", "Communication", "Communication publique", ("Communication publique",)),
    Skill("rs", "Communication", "Réseaux sociaux", ("Réseaux sociaux", "social media")),
    Skill(
        "accueil", "Accueil", "Accueil du public", ("Accueil du public", "accueil", "Accueillir le public")
    ),
    Skill("enfance", "Social", "Protection de l'enfance", ("Protection de l'enfance", "famille d'accueil")),
    Skill("excel", "Outils", "Microsoft Excel", ("Excel", "Microsoft Excel")),
    Skill("ux", "Numérique", "Expérience utilisateur", ("UX", "UX design")),
    Skill("rgpd", "Données", "Protection des données", ("RGPD", "GDPR", "protection des données")),
    Skill("urba", "Urbanisme", "Urbanisme", ("Urbanisme", "PLU", "PLUi")),
    Skill(
        "eval",
        "Pilotage",
        "Évaluation des politiques publiques",
        ("Évaluation des politiques publiques", "évaluation d'impact"),
    ),
    Skill("marches", "Achats", "Marchés publics", ("Marchés publics", "commande publique", "MarchésPublics")),
    Skill("sp", "Valeurs", "Service public", ("Service public", "ServicePublic")),
    Skill("qualite", "Qualité", "Démarche qualité", ("Démarche qualité", "Qualité")),
    Skill("anglais", "Langues", "Anglais", ("Anglais", "English")),
    Skill("espagnol", "Langues", "Espagnol", ("Espagnol", "Spanish")),
    Skill("autocad", "Outils", "AutoCAD", ("AutoCAD",)),
]


@pytest.fixture(scope="module")
def matcher():
    return SkillMatcher.build(SKILLS)


@pytest.fixture(scope="module")
def relais():
    return SkillMatcher.build(load_relais_framework().skills)


def ids(matcher, text, declared=False):
    return matcher.skill_ids(text, declared=declared)


def test_normal_form_lowers_strips_accents_and_separates_elisions():
    assert (
        normalise("L’Évaluation d'accueil qu'il ÉTÉ cœur Œuvre")
        == " l evaluation d accueil qu il ete coeur oeuvre "
    )
    assert normalise("") == " "
    assert normal_words("Déjà  vu…\tici 🎉👏 ok") == ["deja", "vu", ".", "ici", "ok"]


def test_normal_form_keeps_list_separators_sentence_ends_and_colons_as_words():
    assert normalise("Compétences : communication, management; budget.\nMerci !") == (
        " competences : communication , management , budget . , merci . "
    )


def test_hashtags_are_split_in_both_forms():
    assert normalise("#GestionDeProjet") == " # gestion de projet "
    assert normalise("#gestion_de_projet") == " # gestion de projet "
    assert normalise("#RGPD #RGPDCompliance #TransitionÉcologique") == (
        " # rgpd # rgpd compliance # transition ecologique "
    )
    assert normalise("Bravo à l'équipe AutoCAD") == " bravo a l equipe autocad ", (
        "outside hashtags, words stay whole"
    )
    assert normalise("#PLUi", keep_case=True) == " # PL Ui "


def test_hashtags_of_every_spelling_find_the_skill(matcher):
    for text in (
        "#GestionDeProjet",
        "#gestion_de_projet",
        "#gestiondeprojet",
        "#Gestion_De_Projet",
        "#GESTIONDEPROJET",
    ):
        assert ids(matcher, text) == ["projet"], text
    assert ids(matcher, "#MarchésPublics #marchespublics") == ["marches"]
    assert ids(matcher, "Formation #AutoCAD") == ["autocad"]


def test_elisions_do_not_hide_words(matcher):
    assert ids(matcher, "Devenez famille d’accueil !") == ["enfance"]
    assert ids(matcher, "Un outil pour l'évaluation d'impact des politiques") == ["eval"]


def test_only_whole_words_match(matcher):
    assert ids(matcher, "Excellente nouvelle, excel-lent travail, on excelle !") == []
    assert ids(matcher, "Formation Excel avancé") == ["excel"]
    assert ids(matcher, "Les deux équipes, ceux qui UXent") == []
    assert ids(matcher, "Un atelier UX pour tous") == ["ux"]
    assert ids(matcher, "gestion de projets") == ["projet"]


def test_longest_match_wins(matcher):
    assert ids(matcher, "Formation en gestion de projet agile") == ["agile"]
    assert ids(matcher, "Devenez famille d'accueil") == ["enfance"]
    assert ids(matcher, "Plan de communication publique 2026") == ["compub"]
    matches = matcher.find("Gestion de projet et gestion de projet agile")
    assert [(m.skill_id, m.surface) for m in matches] == [
        ("projet", "gestion de projet"),
        ("agile", "gestion de projet agile"),
    ]


def test_french_and_english_forms_together(matcher):
    assert ids(
        matcher, "Happy to share my project management certificate, et ma formation en gestion de projet !"
    ) == ["projet"]
    assert ids(matcher, "GDPR training for all staff / formation RGPD") == ["rgpd"]


def test_match_offsets_point_into_the_normal_form(matcher):
    text = "Fière de relayer : chargé(e) de communication, RGPD et #GestionDeProjet 🎉"
    normal = normalise(text)
    assert [(m.skill_id, normal[m.start : m.end]) for m in matcher.find(text)] == [
        ("com", "charge e de communication"),
        ("rgpd", "rgpd"),
        ("projet", "gestion de projet"),
    ]
    assert all(m.surface == normal[m.start : m.end] for m in matcher.find(text))


def test_generic_words_need_a_cue_a_hashtag_or_a_neighbour(matcher):
    assert ids(matcher, "Merci pour cette communication très claire !") == []
    assert ids(matcher, "La communication des résultats est prévue en juin.") == []
    assert ids(matcher, "Formation terminée : Communication 🎓") == ["com"]
    assert ids(matcher, "Bravo à toute l'équipe #Communication") == ["com"]
    assert ids(matcher, "Strong communication skills required") == ["com"]
    assert ids(matcher, "Mes compétences : gestion de projet, communication et accueil") == [
        "projet",
        "com",
        "accueil",
    ]
    assert ids(matcher, "Un excellent accueil ce matin, merci !") == []
    assert ids(matcher, "Cours d'anglais, espagnol et italien pour les agents") == ["anglais", "espagnol"]


def test_vague_words_count_only_as_hashtags(matcher):
    assert ids(matcher, "Une réunion de qualité, merci.") == []
    assert ids(matcher, "Nouvelle certification ISO #Qualité") == ["qualite"]


def test_sector_names_need_a_cue_and_a_hashtag_is_not_enough(matcher):
    assert ids(matcher, "Le service public en action 💪 #ServicePublic") == []
    assert ids(matcher, "Formation terminée : Service public") == ["sp"]


def test_capitalised_short_forms_must_be_written_in_capitals(matcher):
    assert ids(matcher, "Il a plu toute la nuit, mais quelle fête !") == []
    assert ids(matcher, "Réunion publique sur le PLU jeudi") == ["urba"]
    assert ids(matcher, "Révision du PLUi et du plui de l'agglo") == ["urba"]
    assert ids(matcher, "Bientôt la révision #plu") == ["urba"]
    assert ids(matcher, "conformité rgpd") == [], "a lower-case acronym inside a sentence is not trusted"


def test_blocking_phrases_and_administrative_units_yield_nothing(matcher):
    assert ids(matcher, "Suivez-nous sur les réseaux sociaux !") == []
    assert ids(matcher, "Je gère nos réseaux sociaux depuis 3 ans") == ["rs"]
    assert ids(matcher, "Follow us on social media for updates") == []
    assert ids(matcher, "L'équipe de la direction de la communication publique déménage") == []
    assert ids(matcher, "Le service des marchés publics est fermé lundi") == []
    assert ids(matcher, "Karim devient responsable du service des marchés publics") == ["marches"]
    assert ids(matcher, "Mettre l'urbanisme au service de la transition") == ["urba"]


def test_declared_skills_count_without_cue(matcher):
    assert ids(matcher, "Communication", declared=True) == ["com"]
    assert ids(matcher, "Service public", declared=True) == ["sp"]
    assert ids(matcher, "Qualité", declared=True) == ["qualite"]
    assert ids(matcher, "Communication") == []


BATCH_TEXTS = [
    "#GestionDeProjet",
    "",
    "rien à signaler",
    "Formation Excel",
    "Œuvre d’art… #ServicePublic, #RGPDCompliance",
    "un\x1fséparateur #Caché\x1fIci",  # the batch separator inside a text
    "e\u0301te\u0301 : fin..., ,,suite",  # combining accents, doubled marks
    "𝐁ravo l'équipe — #gestion_de_projet 🎉",
    "#",
    "fin.",
    "Excel | Scrum | #UX",  # a list separator that is not the batch's break between texts
    "🎉🎉",  # nothing left after normalising
    "½ journée œuvre æ ² ﬁn",  # characters spelt out in ASCII
    "Formation en gestion de",  # a form cut between two texts must not match across them
    "projet, puis le PLU.",
]


def test_find_many_is_find_over_each_text(matcher):
    assert matcher.find_many(BATCH_TEXTS) == [matcher.find(text) for text in BATCH_TEXTS]
    assert matcher.find_many(BATCH_TEXTS, batch=3) == [matcher.find(text) for text in BATCH_TEXTS]
    assert matcher.find("") == []


def test_a_form_never_runs_across_two_texts_of_a_batch(matcher):
    assert matcher.find_many(["Formation en gestion de", "projet agile"]) == [[], []]
    assert matcher.skill_ids_many(["gestion de", "projet"], declared=True) == [[], []]


@pytest.mark.parametrize("declared", [False, True])
def test_skill_ids_many_are_the_distinct_ids_found_in_each_text(matcher, declared):
    expected = [
        list(dict.fromkeys(m.skill_id for m in found)) for found in matcher.find_many(BATCH_TEXTS, declared)
    ]
    assert any(expected), "some texts name skills: the comparison means something"
    assert matcher.skill_ids_many(BATCH_TEXTS, declared) == expected
    assert matcher.skill_ids_many(BATCH_TEXTS, declared, batch=4) == expected


def _nfkd_ascii(text: str) -> bytes:
    """The reference the fast ASCII folding must equal: spaced characters, then NFKD, then ASCII."""
    for char, replacement in _SPACED.items():
        text = text.replace(char, replacement)
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore")


def test_ascii_folding_equals_nfkd_for_every_character():
    every = [chr(code) for code in range(0x30000) if not 0xD800 <= code < 0xE000]
    assert [char for char in every if _ascii(char) != _nfkd_ascii(char)] == []
    rng = random.Random(7)
    for _ in range(300):
        text = "".join(rng.choice(every) if rng.random() < 0.3 else rng.choice("aé’œ½ ,") for _ in range(40))
        assert _ascii(text) == _nfkd_ascii(text), repr(text)


def test_batch_spaced_form_is_the_spaced_normal_form_of_each_text():
    texts = ["", *BATCH_TEXTS, "🎓", "", "C# et #GestionDeProjet"]
    assert spaced_flat(texts).split(f" {TEXT_BREAK} ") == [spaced(normal_words(text)) for text in texts]
    assert spaced_flat(["un\x1fdeux", "a|b"]) == " un  deux  |  a  ,  b "
    assert spaced_flat([]) == "" and spaced([]) == ""


def test_candidates_list_every_form_whatever_its_context(matcher):
    text = "Un excellent accueil et une gestion de projet agile"
    found = [(c.skill_id, c.surface) for c in matcher.candidates(text)]
    assert ("accueil", "accueil") in found
    assert ("projet", "gestion de projet") in found and ("agile", "gestion de projet agile") in found
    assert ids(matcher, text) == ["agile"]


def test_a_form_shared_by_two_skills_reports_both():
    shared = SkillMatcher.build(
        [
            Skill("a", "F", "Budget", ("gestion budgétaire",)),
            Skill("b", "F", "Finances", ("gestion budgétaire",)),
        ]
    )
    assert shared.skill_ids("Formation à la gestion budgétaire") == ["a", "b"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Formation terminée : Marchés publics 🎓 Merci au CNFPT pour la qualité des intervenants.",
            ["marches_publics"],
        ),
        ("Belle journée à la Maison de quartier des Tilleuls pour le Marché de Noël !", []),
        ("Nous recrutons à la Ville : poste d'acheteur(se) public(que) à pourvoir.", ["marches_publics"]),
        (
            "Quelques mots sur mon métier de chargée d'accueil : polyvalence, écoute et sens du collectif.",
            ["accueil_du_public", "adaptabilite", "ecoute_active", "travail_en_equipe"],
        ),
        ("Très fière d'avoir participé au Festival avec l'équipe de la direction de la communication.", []),
        ("Crèche de Noël vivante sur la place 🐑", []),
        ("Le projet de loi de finances prévoit une baisse des dotations.", []),
        ("Excel-lente nouvelle pour notre équipe de hand !", []),
        ("Nouveau poste de chef(fe) de projet numérique à pourvoir", ["transformation_numerique"]),
    ],
)
def test_the_relais_framework_on_realistic_sentences(relais, text, expected):
    assert relais.skill_ids(text) == expected


def test_profile_skills_map_to_the_relais_framework(relais):
    declared = {
        "Gestion de projet": ["gestion_de_projet"],
        "Marchés publics": ["marches_publics"],
        "Microsoft Excel": ["excel"],
        "Communication": ["communication"],
        "Organisation": ["organisation_personnelle"],
        "Service public": ["valeurs_service_public"],
        "Collectivités territoriales": ["connaissance_collectivites"],
        "Project Management": ["gestion_de_projet"],
    }
    for name, expected in declared.items():
        assert relais.skill_ids(name, declared=True) == expected, name


def test_every_spelling_of_a_sector_name_keeps_its_mode(matcher):
    assert ids(matcher, "#servicepublic #SERVICEPUBLIC #ServicePublic #service_public") == []
    assert ids(matcher, "Formation terminée : service public") == ["sp"]
