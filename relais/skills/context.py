"""When a form found in a post really names a skill: modes, cues, blockers, administrative units.

Each normalised surface form gets a mode, which says what evidence a match needs:

- ``ALWAYS``: nothing more (``gestion de projet``, ``cybersecurite``, ``bibliotheconomie``).
- ``CONTEXT``: a generic word that is a skill only in some sentences (``communication``,
  ``accueil``, ``management``, ``budget``, ``numerique``, ``anglais``). It counts when written as
  a hashtag (``#Communication``), after a skill cue (``Formation terminée : Communication``,
  ``chargée de communication``, ``compétences en communication``, ``cours d'anglais``), before an
  English cue (``communication skills``), or next to another skill of the same list
  (``polyvalence, écoute et sens du collectif``: a comma, ``et`` or ``and`` between them); not in
  ``merci pour l'accueil`` or ``la communication des résultats``.
- ``CUE``: a sector name that people use as a label for their world rather than as a skill
  (``service public``, ``collectivités territoriales``): as ``CONTEXT`` but a hashtag is not
  enough (``#ServicePublic`` ends half the posts of a public body).
- ``HASHTAG``: too vague to mean a skill inside a sentence (``formation``, ``qualite``,
  ``culture``, ``insertion``): counts only as a hashtag.
- ``ACRONYM``: a short form written in capitals in the framework (``RGPD``, ``PLU``, ``SIG``,
  ``IA``, ``RH``): must be written in capitals in the post too (``il a plu`` is not the PLU,
  ``si`` is not a ``SI``), or as a hashtag in any case.
- ``BLOCK``: a phrase that contains a skill word but is not a skill (``sur nos réseaux sociaux``,
  ``crèche de Noël``, ``en concertation avec``, ``Semaine du développement durable``). Blockers
  are matched like skills and win as the longest match, then produce nothing.

Whatever its mode, a match right after the name of an administrative unit (``direction de la``,
``service des``, ``pôle``, ``DGA``, ``office de``, ``centre communal d'``) names an affiliation,
not a skill (``l'équipe de la direction des ressources humaines``), and is dropped; ``au service
de`` (serving) is not such a name. Profile skills (LinkedIn ``Skills.csv``) are declared as skills
by definition: every mode but ``BLOCK`` counts there.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum


def word_set(words: str) -> frozenset[str]:
    """The set of the words of a whitespace-separated list (keeps long word lists readable)."""
    return frozenset(words.split())


class Mode(IntEnum):
    """What a match of a surface form needs to count; a higher value is stricter."""

    ALWAYS = 0
    CONTEXT = 1
    ACRONYM = 2
    CUE = 3
    HASHTAG = 4
    BLOCK = 5


GENERIC_WORDS = word_set(
    """
    communication communications accueil management organisation organization animation budget budgets
    coordination planification planning evaluation pilotage strategie strategy mediation accompagnement
    securite security safety prevention entretien maintenance paie remuneration compensation redaction
    writing numerique digital agile agilite lean apprentissage learning collaboration cooperation ecoute
    listening anglais english espagnol spanish allemand german italien italian portugais portuguese arabe
    arabic chinois chinese breton occitan traduction translation interprete interpreter enseignement
    education teaching recherche research programmation programming statistiques statistics design
    chantier sport sports data accessibilite accessibility analyse analysis support administration
    audit controle innovation coaching logistique logistics facilitation
    creativity creativite mentor networking mobilite mobility transition jeunesse youth
    finances finance rigueur interprete
    """
)
"""Single words that name a skill only in some sentences: ``CONTEXT`` mode in every framework."""

HASHTAG_WORDS = word_set(
    """
    formation formations training gestion projet projets project projects qualite quality culture
    insertion competences skills service services conseil social emploi sante health environnement
    environment climat climate inclusion diversite diversity europe energie energy eau water
    logement housing habitat solidarite solidarity patrimoine heritage performance hiring travail work
    """
)
"""Words too vague to be a skill inside a sentence: they count only as hashtags."""

CUE_PHRASES = frozenset(
    {
        "service public",
        "services publics",
        "fonction publique",
        "fonction publique territoriale",
        "fonction publique hospitaliere",
        "fonction publique d etat",
        "collectivites territoriales",
        "collectivites locales",
        "collectivite territoriale",
        "public service",
        "public sector",
        "secteur public",
        "local government",
    }
)
"""Sector names: a skill after a cue or in a list, never from a hashtag alone."""

BLOCKERS = (
    "sur les reseaux sociaux",
    "sur nos reseaux sociaux",
    "sur vos reseaux sociaux",
    "sur ses reseaux sociaux",
    "sur leurs reseaux sociaux",
    "sur mes reseaux sociaux",
    "via les reseaux sociaux",
    "via nos reseaux sociaux",
    "on social media",
    "on our social media",
    "on your social media",
    "creche de noel",
    "creches de noel",
    "en concertation avec",
    "en etroite concertation",
    "en collaboration avec",
    "en cooperation avec",
    "semaine du developpement durable",
    "semaine europeenne du developpement durable",
    "semaine de la mobilite",
    "semaine europeenne de la mobilite",
    "journee de la sante mentale",
    "journee mondiale de la sante mentale",
    "ceremonie de citoyennete",
    "ceremonies de citoyennete",
    "excel lent",
    "excel lente",
    "excel lents",
    "excel lentes",
    "excel lence",
    "excel lemment",
)
"""Phrases that contain a skill word but are not a skill; they win as longest match, then vanish."""

CUE_WORDS = word_set(
    """
    formation formations forme formee formes formees certification certifications certifie certifiee
    diplome diplomee diplomes competence competences expertise expert experte experts expertes
    specialiste specialistes specialisation specialise specialisee charge chargee charges chargees
    responsable responsables chef cheffe chefs directeur directrice directeurs adjoint adjointe metier
    metiers master licence bts dut but cap module modules atelier ateliers cours stage maitrise maitriser
    poste postes referent referente conseiller conseillere conseillers gestionnaire gestionnaires agent
    agente agents technicien technicienne techniciens assistant assistante coordinateur coordinatrice
    animateur animatrice mooc webinaire initiation perfectionnement experience experiences notions
    connaissances connaissance missions domaine domaines filiere cursus niveau parle parlant pratique
    apprendre apprends apprentissage enseigne professeur professeure
    training trained course courses certified certificate skills skill specialist degree diploma
    background experienced masters bachelor fluent proficient speak speaks speaking learning studying
    studied workshop bootcamp webinar knowledge officer head lead manager
    """
)
"""Words after which a generic skill word is a skill (``formation``, ``chargée de``, ``skills``)."""

CUE_WORDS_AFTER = word_set(
    """
    skills skill training course courses certification certificate officer officers manager managers
    specialist specialists expert lead degree niveau courant competences programme program programmes
    """
)
"""Words before which a generic skill word is a skill (``communication skills``, ``anglais courant``)."""

FILLERS = word_set(
    """
    e es s de des du d la le l les en a au aux et sur pour dans of in on the and for an to with :
    terminee termine terminees suivie suivi suivis validee valide obtenue obtenu reussie completed
    finished ma mon mes nos notre votre son sa ses leur leurs my our your his her their un une
    """
)
"""Words that may stand between a cue and the skill: articles, prepositions, ``terminée``."""

ORG_UNITS = word_set(
    """
    direction directions service services pole poles departement departements dga dgs dgas dgst
    bureau office agence agences caserne division department directorate
    """
)
"""Names of administrative units: a domain named after one of them is an affiliation."""

ORG_TWO_WORDS = frozenset({("centre", "communal"), ("centre", "intercommunal")})
"""Two-word administrative units (``centre communal d'action sociale``)."""

JOB_HEADS = word_set(
    """
    responsable responsables chef cheffe chefs directeur directrice directeurs directrices adjoint
    adjointe head
    """
)
"""Words that make ``responsable du service des marchés publics`` a job title, not an affiliation."""

ORG_FILLERS = word_set("de des du d la l le les")

SERVING = frozenset({"au", "aux", "a"})
"""``au service de``: a service being rendered, not a unit."""

ORG_FIRST_LOOK = ORG_UNITS | ORG_FILLERS | {"communal", "intercommunal"}
"""The words that can stand right before a match that follows an administrative unit."""

NEIGHBOUR_GAPS = frozenset(
    {
        (",",),
        (",", ","),
        ("et",),
        ("and",),
        ("ou",),
        ("or",),
        (",", "et"),
        (",", "and"),
        ("et", "de"),
        ("et", "d"),
    }
)
"""The words that may separate two skills of one list: a comma (or semicolon, bullet, line break),
``et``, ``and``."""


def mode_of(surface: str, normalised: str) -> Mode:
    """The mode of one surface form, from how it is written and what it means once normalised."""
    tokens = normalised.split()
    if normalised in CUE_PHRASES:
        return Mode.CUE
    if len(tokens) != 1:
        return Mode.ALWAYS
    if _is_acronym(surface.strip(), normalised):
        return Mode.ACRONYM
    if normalised in HASHTAG_WORDS:
        return Mode.HASHTAG
    if normalised in GENERIC_WORDS or len(normalised) <= 3:
        return Mode.CONTEXT
    return Mode.ALWAYS


def _is_acronym(surface: str, normalised: str) -> bool:
    letters = [ch for ch in surface if ch.isalpha()]
    return (
        2 <= len(normalised) <= 6
        and len(letters) >= 2
        and all(ch.isupper() for ch in letters)
        and surface.replace("+", "").replace("-", "").isalnum()
    )


def written_in_capitals(text: str, cased: str) -> bool:
    """True when ``cased`` (``RGPD``) appears in the original text as a whole word, in capitals."""
    at = text.find(cased)
    while at >= 0:
        after = at + len(cased)
        if (at == 0 or not text[at - 1].isalnum()) and (after >= len(text) or not text[after].isalnum()):
            return True
        at = text.find(cased, at + 1)
    return False


def has_cue(words: Sequence[str], first: int, last: int) -> bool:
    """True when a cue word stands before the match (fillers allowed) or an English cue right after it.

    ``first`` and ``last`` are the indexes of the match's first and last words.
    """
    for index in range(first - 1, max(first - 6, -1), -1):
        word = words[index]
        if word in CUE_WORDS:
            return True
        if word not in FILLERS:
            break
    return last + 1 < len(words) and words[last + 1] in CUE_WORDS_AFTER


def after_org_unit(words: Sequence[str], first: int) -> bool:
    """True when the match starting at word ``first`` follows the name of an administrative unit."""
    if first == 0 or words[first - 1] not in ORG_FIRST_LOOK:
        return False
    for index in range(first - 1, max(first - 5, -1), -1):
        word = words[index]
        if word in ORG_UNITS:
            before = words[index - 1] if index > 0 else ""
            if word in ("service", "services") and before in SERVING:
                return False
            return not _job_title_before(words, index)
        if word in ("communal", "intercommunal") and index > 0 and (words[index - 1], word) in ORG_TWO_WORDS:
            return True
        if word not in ORG_FILLERS:
            return False
    return False


def _job_title_before(words: Sequence[str], end: int) -> bool:
    """True when a job head (``responsable``, ``cheffe``) stands before word ``end``, fillers allowed."""
    for index in range(end - 1, max(end - 4, -1), -1):
        word = words[index]
        if word in JOB_HEADS:
            return True
        if word not in ORG_FILLERS:
            return False
    return False
