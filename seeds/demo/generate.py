"""Generate the Relais demo inbox: exports of the fictional "Ville de Val-d'Aurore".

The script is deterministic (``random.Random(20261122)``, fixed zip and workbook timestamps, no clock
reads): running it twice gives byte-identical files. It deletes and recreates ``seeds/demo/inbox/`` and
writes:

* ``rh/export_agents_2026-11.csv`` - the HR roster (~300 staff, 9 directions) with French headers,
  ``;`` delimiter, Windows-1252, CRLF, dates DD/MM/YYYY; ambassadors carry ``date_adhesion``,
  ``consentement`` (``oui``/``Oui``/``non``) and, for those who withdrew, ``date_retrait``.
* ``archives/...`` - LinkedIn "Complete" member data archives (zip files in several naming schemes
  and a few unpacked folders) for most consenting ambassadors, one for a person who withdrew consent,
  one for a person absent from the roster, and two owners with two overlapping archives. The files
  carry the quirks listed in ``/work/shared/formats.md`` (Connections preamble, quoted multi-line post
  text, backslash-escaped quotes in comments, member-id suffixes, mixed line endings, header casing
  variants, header-only files, blank comment dates, older ``SharedURL``/``MediaURL`` headers).
* ``page/val-daurore_content_1722470400000.xlsx`` - the Page content export (``Metrics`` and
  ``All posts``) whose post ids are the ones ambassadors reshare.
* ``page/val-daurore_updates_2025.xlsx`` - the same Page in the older ``Update ...`` layout,
  partly overlapping the newer export.
* ``divers/notes_reunion.txt`` and ``divers/budget.csv`` - files no importer recognises.
* ``analytique/...`` - creator analytics exports of 12 ambassadors (``AggregateAnalytics_`` 2026 layout
  and two older ``Content_`` files, three from a French interface with day-first dates), two of them
  with two overlapping exports (identical overlap for one, revised upwards in the later file for the
  other), two single-post ``PostAnalytics_`` exports, a byte-for-byte re-drop under ``analytique/copie/``
  and a truncated (unreadable) export.
* ``page/val-daurore_followers_<ms>.xlsx`` and ``page/val-daurore_visitors_<ms>.xlsx`` - the Page's
  ``New followers`` and ``Visitor metrics`` exports, 2025-08-01..2026-10-31.
* ``advocacy/everyonesocial_users_2026-10.csv`` - an EveryoneSocial users report: 20 ambassadors (names
  as the vendor spells them), 4 staff who are not consenting ambassadors and 1 outsider.

Analytics files draw from ``random.Random(20261123)`` after everything else is written, so the files
above them do not change. Every file's modification time is set (``os.utime``) to noon UTC of the day
it was exported, so "the most recently obtained file wins" is reproducible.

It also writes ``seeds/demo/expected_profile.json`` with the counts the generator knows, so tests can
sanity-check what the pipeline ingests.

Run: ``python seeds/demo/generate.py`` from the project's virtualenv: the files are written by the shared
writers of ``relais.synthetic``.
"""

from __future__ import annotations

import argparse
import calendar
import json
import os
import random
import re
import shutil
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from relais.reports.labels import MONTHS as MONTHS_BY_LANGUAGE
from relais.synthetic.archives import (
    ARCHIVE_FILES,
    archive_path,
    comments_row,
    connections_row,
    header_line,
    instant_reposts_row,
    member_name,
    member_text,
    reactions_row,
    shares_row,
    write_folder,
    write_zip,
)
from relais.synthetic.creator import (
    CREATOR_LABELS,
    POST_LABELS,
    creator_export_sheets,
    creator_file_name,
    demographic_percent,
    post_date_cells,
    post_file_name,
    post_performance_rows,
    write_post_analytics,
)
from relais.synthetic.page import (
    OLDER_PAGE_CONTENT,
    PAGE_CONTENT,
    page_content_sheets,
    page_demographic_sheets,
    page_file_name,
    page_followers_row,
    page_followers_sheets,
    page_metrics_row,
    page_post_values,
    page_visitors_row,
    page_visitors_sheets,
)
from relais.synthetic.reports import write_everyonesocial, write_roster
from relais.synthetic.text import (
    MONTH_ABBR,
    csv_line,
    email_part,
    fmt_connected,
    fmt_day,
    fmt_dmy,
    fmt_endorsed,
    fmt_mdy,
    fmt_month_day_year,
    fmt_month_year,
    fmt_timestamp,
    fmt_updated_on,
    slugify,
    write_text,
)
from relais.synthetic.workbooks import Rows, write_workbook

SEED = 20261122
HERE = Path(__file__).resolve().parent
INBOX = HERE / "inbox"
PROFILE_PATH = HERE / "expected_profile.json"
WINDOW_START = datetime(2025, 8, 1)
WINDOW_END = datetime(2026, 11, 1)  # exclusive, UTC
EARLY_CUTOFF = datetime(2026, 6, 1)  # first archive of the two-archive owners covers up to 2026-05-31
OLD_EXPORT_CUTOFF = datetime(2025, 11, 4)  # when the older Page export was taken
MONTHS: list[tuple[int, int]] = [(2025, m) for m in range(8, 13)] + [(2026, m) for m in range(1, 11)]
DOMAIN = "val-daurore.fr"
ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
ORG = "Ville de Val-d'Aurore"
PAGE_SLUG = "ville-de-val-daurore"
PAGE_FILES = "val-daurore"  # how the Page's export files are named
MONTHS_FR = MONTHS_BY_LANGUAGE["fr"]
HOUR_WEIGHTS = [1, 1, 1, 1, 1, 3, 8, 10, 9, 7, 8, 10, 9, 7, 7, 8, 9, 8, 6, 5, 4, 3, 2, 1]

# --------------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------------

FEMALE_FIRST = [
    "Hélène",
    "Éloïse",
    "Camille",
    "Sophie",
    "Nathalie",
    "Isabelle",
    "Céline",
    "Amélie",
    "Léa",
    "Chloé",
    "Manon",
    "Inès",
    "Élodie",
    "Aurélie",
    "Valérie",
    "Sandrine",
    "Stéphanie",
    "Julie",
    "Marion",
    "Laure",
    "Mélanie",
    "Noémie",
    "Clémence",
    "Agnès",
    "Bérénice",
    "Françoise",
    "Geneviève",
    "Martine",
    "Sylvie",
    "Christelle",
    "Anaïs",
    "Maëlle",
    "Zoé",
    "Juliette",
    "Pauline",
    "Émilie",
    "Gaëlle",
    "Margaux",
    "Coralie",
    "Danièle",
    "Marie-Hélène",
    "Anne-Sophie",
    "Fatima",
    "Nadia",
    "Yasmina",
    "Aïcha",
    "Océane",
    "Solène",
    "Capucine",
    "Josiane",
    "Mireille",
    "Raphaëlle",
    "Ophélie",
    "Lætitia",
    "Brigitte",
    "Corinne",
]
MALE_FIRST = [
    "Jérôme",
    "Thomas",
    "Nicolas",
    "Julien",
    "Sébastien",
    "Frédéric",
    "Stéphane",
    "Laurent",
    "Olivier",
    "Christophe",
    "Hervé",
    "Benoît",
    "Grégoire",
    "Mathieu",
    "Antoine",
    "Hugo",
    "Lucas",
    "Théo",
    "Rémi",
    "Loïc",
    "Gaël",
    "Cédric",
    "Jean-Marc",
    "Jean-Luc",
    "Pierre-Yves",
    "François",
    "Raphaël",
    "Noël",
    "Joël",
    "Maxime",
    "Romain",
    "Yannick",
    "Denis",
    "Patrice",
    "Didier",
    "Karim",
    "Mehdi",
    "Samir",
    "Bruno",
    "Éric",
    "Gérard",
    "Damien",
    "Aurélien",
    "Clément",
    "Baptiste",
    "Victor",
    "Adrien",
    "Florian",
    "Guillaume",
    "Xavier",
    "Thierry",
    "Anthony",
    "Jordan",
    "Mickaël",
    "Sylvain",
    "Hélio",
]
LAST_NAMES = [
    "Lefèvre",
    "Bénard",
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Legrand",
    "Garnier",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guérin",
    "Muller",
    "Henry",
    "Roussel",
    "Perrin",
    "Morin",
    "Mathieu",
    "Clément",
    "Gauthier",
    "Dumont",
    "Lopez",
    "Fontaine",
    "Chevalier",
    "Robin",
    "Masson",
    "Sanchez",
    "Gérard",
    "Nguyen",
    "Boyer",
    "Denis",
    "Lemaire",
    "Duval",
    "Joly",
    "Gautier",
    "Roger",
    "Roche",
    "Noël",
    "Meyer",
    "Meunier",
    "Pérez",
    "Marchand",
    "Dufour",
    "Blanchard",
    "Barbier",
    "Brun",
    "Dumas",
    "Brunet",
    "Schmitt",
    "Leroux",
    "Colin",
    "Fernandez",
    "Renard",
    "Arnaud",
    "Rolland",
    "Caron",
    "Aubert",
    "Giraud",
    "Leclerc",
    "Vidal",
    "Bourgeois",
    "Renaud",
    "Lemoine",
    "Picard",
    "Gaillard",
    "Lacroix",
    "Fabre",
    "Dupuis",
    "Rodriguez",
    "Da Silva",
    "Hubert",
    "Guillot",
    "Rivière",
    "Le Gall",
    "Moulin",
    "Berger",
    "Lecomte",
    "Ménard",
    "Fleury",
    "Deschamps",
    "Carpentier",
    "Maillard",
    "Aubry",
    "Vasseur",
    "Le Roux",
    "Jacquet",
    "Prévost",
    "Poirier",
    "Charpentier",
    "Royer",
    "Huet",
    "Carré",
    "Hébert",
    "Besnard",
    "Thébault",
    "Crépin",
    "Bégué",
    "N'Diaye",
    "Benali",
    "Haddad",
    "Traoré",
    "Lagarde",
    "Bouvier",
    "Després",
    "Châtelain",
    "Delaunay",
    "Pécresse",
    "Lévêque",
    "Bénichou",
]

DIRECTIONS: list[tuple[str, int, int]] = [
    # (name, staff, ambassadors)
    ("Direction de la communication", 14, 10),
    ("Direction des ressources humaines", 22, 8),
    ("Direction de l'éducation", 70, 8),
    ("Direction des finances", 18, 4),
    ("Direction des services techniques", 75, 8),
    ("Direction de la culture", 38, 9),
    ("Direction des solidarités", 35, 7),
    ("Direction du numérique", 12, 6),
    ("Direction de l'urbanisme", 16, 5),
]
COMM = "Direction de la communication"
SITES: dict[str, list[str]] = {
    COMM: ["Hôtel de ville"],
    "Direction des ressources humaines": ["Hôtel de ville"],
    "Direction de l'éducation": [
        "Groupe scolaire Jean-Jaurès",
        "Groupe scolaire Louise-Michel",
        "Cuisine centrale",
        "Hôtel de ville",
    ],
    "Direction des finances": ["Hôtel de ville"],
    "Direction des services techniques": ["Centre technique municipal", "Serres municipales"],
    "Direction de la culture": ["Médiathèque Simone-Veil", "Conservatoire", "Espace culturel Les Tilleuls"],
    "Direction des solidarités": ["Maison des solidarités (CCAS)", "Résidence autonomie Les Glycines"],
    "Direction du numérique": ["Hôtel de ville", "Centre technique municipal"],
    "Direction de l'urbanisme": ["Maison des services publics", "Hôtel de ville"],
}
TITLES: dict[str, list[tuple[str, str]]] = {
    COMM: [
        ("Chargée de communication", "Chargé de communication"),
        ("Community manager", "Community manager"),
        ("Graphiste", "Graphiste"),
        ("Chargée de communication numérique", "Chargé de communication numérique"),
        ("Photographe-vidéaste", "Photographe-vidéaste"),
        ("Rédactrice du magazine municipal", "Rédacteur du magazine municipal"),
        ("Chargée des relations presse", "Chargé des relations presse"),
    ],
    "Direction des ressources humaines": [
        ("Gestionnaire carrière et paie", "Gestionnaire carrière et paie"),
        ("Chargée de recrutement", "Chargé de recrutement"),
        ("Conseillère formation", "Conseiller formation"),
        ("Responsable du développement des compétences", "Responsable du développement des compétences"),
        ("Assistante ressources humaines", "Assistant ressources humaines"),
        ("Conseillère en prévention", "Conseiller en prévention"),
    ],
    "Direction de l'éducation": [
        ("Atsem", "Atsem"),
        ("Animatrice périscolaire", "Animateur périscolaire"),
        ("Responsable de restauration scolaire", "Responsable de restauration scolaire"),
        ("Agente d'entretien", "Agent d'entretien"),
        ("Coordinatrice périscolaire", "Coordinateur périscolaire"),
        ("Cuisinière", "Cuisinier"),
    ],
    "Direction des finances": [
        ("Gestionnaire comptable", "Gestionnaire comptable"),
        ("Chargée de la commande publique", "Chargé de la commande publique"),
        ("Contrôleuse de gestion", "Contrôleur de gestion"),
        ("Acheteuse publique", "Acheteur public"),
        ("Responsable du budget", "Responsable du budget"),
    ],
    "Direction des services techniques": [
        ("Agente des espaces verts", "Agent des espaces verts"),
        ("Technicienne voirie", "Technicien voirie"),
        ("Électricienne", "Électricien"),
        ("Plombière", "Plombier"),
        ("Cheffe d'équipe propreté", "Chef d'équipe propreté"),
        ("Ingénieure travaux", "Ingénieur travaux"),
        ("Mécanicienne", "Mécanicien"),
        ("Menuisière", "Menuisier"),
    ],
    "Direction de la culture": [
        ("Bibliothécaire", "Bibliothécaire"),
        ("Médiatrice culturelle", "Médiateur culturel"),
        ("Professeure de musique", "Professeur de musique"),
        ("Chargée de programmation", "Chargé de programmation"),
        ("Assistante de conservation", "Assistant de conservation"),
        ("Régisseuse son et lumière", "Régisseur son et lumière"),
    ],
    "Direction des solidarités": [
        ("Travailleuse sociale", "Travailleur social"),
        ("Conseillère en économie sociale et familiale", "Conseiller en économie sociale et familiale"),
        ("Chargée d'accueil", "Chargé d'accueil"),
        ("Coordinatrice seniors", "Coordinateur seniors"),
        ("Aide à domicile", "Aide à domicile"),
    ],
    "Direction du numérique": [
        ("Administratrice systèmes et réseaux", "Administrateur systèmes et réseaux"),
        ("Développeuse", "Développeur"),
        ("Cheffe de projet numérique", "Chef de projet numérique"),
        ("Technicienne support", "Technicien support"),
        (
            "Responsable de la sécurité des systèmes d'information",
            "Responsable de la sécurité des systèmes d'information",
        ),
    ],
    "Direction de l'urbanisme": [
        ("Instructrice des autorisations d'urbanisme", "Instructeur des autorisations d'urbanisme"),
        ("Chargée d'opérations", "Chargé d'opérations"),
        ("Urbaniste", "Urbaniste"),
        ("Géomaticienne", "Géomaticien"),
        ("Juriste urbanisme", "Juriste urbanisme"),
    ],
}
SKILLS_BY_DIRECTION: dict[str, list[str]] = {
    COMM: [
        "Communication",
        "Relations presse",
        "Réseaux sociaux",
        "Adobe InDesign",
        "Rédaction web",
        "Communication publique",
        "Photographie",
        "Storytelling",
        "Social Media Marketing",
    ],
    "Direction des ressources humaines": [
        "Recrutement",
        "Gestion des carrières",
        "Paie",
        "Formation",
        "Droit de la fonction publique",
        "GPEC",
        "Human Resources",
    ],
    "Direction de l'éducation": [
        "Animation",
        "Petite enfance",
        "Restauration collective",
        "Pédagogie",
        "Hygiène et sécurité alimentaire",
    ],
    "Direction des finances": [
        "Marchés publics",
        "Finances publiques",
        "Comptabilité publique",
        "Contrôle de gestion",
        "Microsoft Excel",
        "Budget",
    ],
    "Direction des services techniques": [
        "Voirie",
        "Espaces verts",
        "Maintenance des bâtiments",
        "Conduite de travaux",
        "AutoCAD",
        "Gestion d'équipe",
    ],
    "Direction de la culture": [
        "Médiation culturelle",
        "Programmation culturelle",
        "Bibliothéconomie",
        "Action culturelle",
        "Événementiel",
        "Éducation artistique",
    ],
    "Direction des solidarités": [
        "Accompagnement social",
        "Accueil du public",
        "Action sociale",
        "Écoute active",
        "Politique de la ville",
    ],
    "Direction du numérique": [
        "Cybersécurité",
        "Administration réseau",
        "Linux",
        "Python",
        "Gestion de projet agile",
        "ITIL",
        "Cloud Computing",
        "Data Analysis",
    ],
    "Direction de l'urbanisme": [
        "Urbanisme",
        "Droit de l'urbanisme",
        "SIG",
        "QGIS",
        "Aménagement du territoire",
        "Concertation",
    ],
}
GENERIC_SKILLS = [
    "Gestion de projet",
    "Management",
    "Microsoft Excel",
    "Microsoft Office",
    "Travail en équipe",
    "Service public",
    "Accueil du public",
    "Conduite du changement",
    "Leadership",
    "Project Management",
    "Communication",
    "Organisation",
    "Marchés publics",
    "Collectivités territoriales",
]
HASHTAGS = [
    "#ServicePublic",
    "#GestionDeProjet",
    "#FonctionPubliqueTerritoriale",
    "#ValDAurore",
    "#Recrutement",
    "#MarchésPublics",
    "#AccueilDuPublic",
    "#MédiationCulturelle",
    "#Cybersécurité",
    "#TransitionÉcologique",
    "#Numérique",
    "#MarqueEmployeur",
    "#Collectivités",
    "#Territoires",
    "#Apprentissage",
]
EVENTS = [
    "la Fête de la musique",
    "le Forum de l'emploi public",
    "la Nuit de la lecture",
    "la rentrée scolaire",
    "les Journées européennes du patrimoine",
    "le Marché de Noël",
    "la Semaine du développement durable",
    "le Salon des associations",
    "la réunion publique sur le PLU",
    "la Journée citoyenne",
    "le Festival des Aubépines",
    "le Mois sans tabac",
    "la Semaine bleue",
    "la cérémonie des vœux au personnel",
    "le Hackathon des services publics",
    "la Fête de la science",
]
PROJECTS = [
    "Plan vélo 2030",
    "Rénovation de l'école Louise-Michel",
    "Guichet numérique",
    "Végétalisation des cours",
    "Nouvelle médiathèque",
    "Budget participatif",
    "Schéma directeur immobilier",
    "Portail famille",
    "Plan de sobriété énergétique",
    "Maison des services publics",
    "Cœur de ville",
    "Parcours d'accueil des nouveaux agents",
]
PLACES = [
    "la médiathèque Simone-Veil",
    "l'Hôtel de ville",
    "l'Espace culturel Les Tilleuls",
    "la Maison des solidarités",
    "la halle des Aubépines",
    "la Maison de quartier des Tilleuls",
    "la Maison des services publics",
    "la salle Jean-Moulin",
]
STREETS = [
    "avenue de la République",
    "rue Victor-Hugo",
    "boulevard des Tilleuls",
    "place du Marché",
    "rue de l'Église",
    "chemin des Vignes",
]
JOBS_ADVERTISED = [
    "chargé(e) de communication",
    "technicien(ne) voirie",
    "bibliothécaire",
    "gestionnaire paie",
    "acheteur(se) public(que)",
    "animateur(rice) périscolaire",
    "chef(fe) de projet numérique",
    "travailleur(se) social(e)",
    "agent(e) des espaces verts",
    "instructeur(rice) urbanisme",
    "apprenti(e) RH",
]
EXTERNAL_SITES = [
    "https://www.val-daurore.fr/actualites/",
    "https://www.val-daurore.fr/agenda/",
    "https://www.lagazettedescommunes.com/",
    "https://www.cnfpt.fr/actualites/",
    "https://www.service-public.fr/particuliers/actualites/",
    "https://www.emploi-territorial.fr/offre/",
]
OTHER_AUTHORS = [
    "cnfpt",
    "agglo-du-val-daurore",
    "departement-des-coteaux",
    "france-travail",
    "la-gazette-des-communes",
    "association-des-maires-de-france",
    "cdg-des-coteaux",
    "prefecture-des-coteaux",
    "marie-castel-4b21a9",
    "julien-perrot-88c1f0",
    "nadia-belkacem-2a7e31",
    "thomas-lemaitre-9f0b12",
    "sophie-arnoux-70d5e2",
    "pierre-antoine-vial-1c3d4e",
]
COMPANIES = [
    ORG,
    ORG,
    ORG,
    ORG,
    "Agglomération du Val-d'Aurore",
    "Département des Coteaux",
    "CNFPT",
    "Centre de gestion des Coteaux",
    "France Travail",
    "Région Auvergne-Rhône-Alpes",
    "Ville de Lyon",
    "Orange",
    "Capgemini",
    "Crédit Agricole",
    "La Poste",
    "SNCF",
    "Université Lyon 2",
    "Sopra Steria",
    "EDF",
    "Bouygues Construction",
    "Freelance",
    "Sciences Po Lyon",
    "CCAS de Villeurbanne",
]
OTHER_POSITIONS = [
    "Chargé de mission",
    "Directrice générale des services",
    "Consultant",
    "Cheffe de projet",
    "Ingénieur",
    "Responsable communication",
    "Responsable RH",
    "Chargée de développement",
    "Directeur de projet",
    "Étudiante",
    "Assistante de direction",
    "Conseiller numérique",
    "Juriste",
    "Technicien",
    "Élu municipal",
]
REACTION_TYPES = ["LIKE", "PRAISE", "EMPATHY", "INTEREST", "APPRECIATION", "ENTERTAINMENT"]
REACTION_WEIGHTS = [55, 18, 10, 8, 6, 3]
PERSONAL_DOMAINS = [
    "gmail.com",
    "gmail.com",
    "gmail.com",
    "orange.fr",
    "free.fr",
    "laposte.net",
    "hotmail.fr",
]

INST_TEMPLATES = [
    "📢 La Ville de Val-d'Aurore recrute un(e) {job} ! Candidatures ouvertes jusqu'au {day}.",
    "Retour en images sur {event} : merci aux {n} participants !",
    "Réouverture de {place} après travaux, ce samedi en présence de Madame la Maire.",
    "Conseil municipal du {day} : les principales délibérations à retenir.",
    "Travaux {street} : ce qui change pour la circulation à partir du {day}.",
    "Nos agents à l'honneur : découvrez le métier de {job}.",
    "{Event} : le programme complet est en ligne.",
    "Budget participatif : {n} projets retenus par les habitants.",
    "Cybersécurité : nos équipes du numérique sensibilisent {n} agents aux bons réflexes.",
    "Plan climat : {n} arbres plantés dans nos quartiers cette saison.",
    "Forum de l'emploi public le {day} à {place} : venez rencontrer nos équipes.",
    "Rentrée : {n} enfants accueillis dans nos écoles et accueils périscolaires.",
    "Nouveau : vos démarches d'état civil en ligne, 24h/24.",
    "Accueil du public : horaires élargis à {place} dès le {day}.",
    "Apprentissage : la Ville accueille {n} apprentis cette année.",
    "Projet « {project} » : point d'étape et prochaines échéances.",
    "Marchés publics : la Ville facilite l'accès des TPE et PME à la commande publique.",
    "Solidarité : la collecte de la banque alimentaire a réuni {n} bénévoles.",
    "Médiation culturelle : {n} classes accueillies à la médiathèque ce trimestre.",
    "Qualité de vie au travail : {n} agents formés aux premiers secours.",
]
OWN_POSTS_FR = [
    "Très fier{e} d'avoir participé à {event} avec l'équipe de la {dir}.",
    "Belle journée à {place} pour {event} : merci à toutes et à tous pour votre mobilisation !",
    (
        "Nouvelle étape franchie sur le projet « {project} » : {n} mois de travail collectif "
        "au service des habitants."
    ),
    "Formation terminée : {skill} 🎓 Merci au CNFPT pour la qualité des intervenants.",
    "Nous recrutons à la Ville de Val-d'Aurore : poste de {job} à pourvoir. Partagez autour de vous !",
    "Le service public local, c'est aussi « {skill} » au quotidien. Retour sur une semaine bien remplie.",
    "Merci aux habitants venus nombreux à {event}. Le dialogue avec le public reste au cœur de notre métier.",
    "Quelques mots sur mon métier de {title_low} : polyvalence, écoute et sens du collectif.",
    "Premier bilan du projet « {project} » : des délais tenus grâce à une gestion de projet rigoureuse.",
    "Retour d'expérience sur les marchés publics : anticiper le sourcing, c'est déjà gagner du temps.",
    "Accueillir le public, c'est d'abord écouter. Merci à mes collègues de l'accueil pour leur énergie.",
    (
        "Médiation culturelle : {n} classes accueillies cette saison. "
        "Quel plaisir de voir les enfants repartir avec un livre !"
    ),
    (
        "Cybersécurité : rappel des bons réflexes avant les congés "
        "(mots de passe, pièces jointes, mises à jour)."
    ),
    "Heureux{se} de rejoindre le réseau des ambassadeurs de la Ville pour faire connaître nos métiers.",
    "Le « {project} » avance : merci aux équipes des services techniques pour leur réactivité.",
]
OWN_POSTS_EN = [
    "Great day at {event} with the team from the City of Val-d'Aurore!",
    "Happy to share that I completed a training on project management.",
    "We're hiring at the City of Val-d'Aurore! Join a team that makes public service work.",
]
SECOND_LINES = [
    "Merci à {colleague} pour son aide précieuse.",
    "Plus d'infos sur le site de la Ville.",
    "Prochaine étape : {event}.",
    "Un travail d'équipe entre la {dir} et nos partenaires.",
    "Les candidatures sont ouvertes jusqu'à la fin du mois.",
    "Et vous, qu'en pensez-vous ?",
    "Bravo à toutes les équipes mobilisées 👏",
]
RESHARE_COMMENTS = [
    "Fier{e} de contribuer à ce projet avec mes collègues !",
    "À lire 👇",
    "Bravo aux équipes pour ce beau travail.",
    "Une belle initiative pour nos habitants.",
    "Venez nombreux !",
    "Je relaie avec plaisir.",
    "N'hésitez pas à postuler et à partager 🙏",
    "Content{e} de voir ce projet aboutir.",
    "Proud of our team!",
    "Un grand merci à tous les agents mobilisés.",
    "Rendez-vous le {day} !",
    "Le service public en action 💪",
    "Belle mise en lumière de nos métiers.",
    "Great work by our colleagues!",
]
COMMENT_MESSAGES = [
    "Bravo à toute l'équipe !",
    'Bravo pour ce "beau" projet',
    "Merci pour le partage !",
    "Super initiative 👏",
    'Le "Plan vélo" avance bien, bravo aux services techniques.',
    "Très belle réussite collective.",
    "Hâte de voir le résultat !",
    "Félicitations {first} !",
    'Une journée "riche" en échanges, merci.',
    "Merci pour ce retour d'expérience, très utile pour les collègues.",
    "Congrats to the whole team!",
    "Bravo !\nJ'y serai avec toute l'équipe.",
    'Merci pour ce partage.\nLe "Forum de l\'emploi" était une réussite.',
    "Quel beau projet, bravo {first} !",
    'On parle de "sobriété" : les chiffres sont parlants !',
]

# --------------------------------------------------------------------------------------------------
# Data model
# --------------------------------------------------------------------------------------------------


@dataclass
class Agent:
    agent_id: str
    first: str
    last: str
    female: bool
    email: str
    direction: str
    site: str
    title: str
    enrolled: date | None = None
    consent: str = ""
    withdrawn: date | None = None
    status: str = "staff"  # staff | ambassador | refused | withdrawn | outsider


@dataclass
class Post:
    activity_id: int
    created: datetime
    title: str
    slug: str
    author: str
    suffix: str
    content_type: str = "Text"
    posted_by: str = ""
    in_new: bool = False
    in_old: bool = False
    actions: dict[str, list[datetime]] = field(default_factory=dict)


@dataclass
class Share:
    when: datetime
    link: str
    lines: list[str]
    shared_url: str
    media_url: str
    visibility: str
    inst_id: int | None
    reshare: bool = False


@dataclass
class Event:
    when: datetime
    link: str
    inst_id: int | None
    extra: str = ""
    blank_date: bool = False


@dataclass
class Member:
    agent: Agent
    level: float
    shares: list[Share] = field(default_factory=list)
    reposts: list[Event] = field(default_factory=list)
    comments: list[Event] = field(default_factory=list)
    reactions: list[Event] = field(default_factory=list)
    emails: list[list[str]] = field(default_factory=list)
    skills: list[str] = field(default_factory=list)
    endorsements: list[tuple[datetime, list[str]]] = field(default_factory=list)
    connections: list[tuple[date, list[str]]] = field(default_factory=list)
    profile: list[str] = field(default_factory=list)
    positions: list[list[str]] = field(default_factory=list)


@dataclass
class ArchiveSpec:
    member: Member
    relpath: str
    unpacked: bool
    exported: date
    cutoff: datetime
    suffix_id: str = ""
    old_shares_header: bool = False
    header_case: dict[str, str] = field(default_factory=dict)
    preamble: bool = True
    rows: dict[str, int] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------------


def g(template: str, female: bool) -> str:
    """Gender the {e}/{se} markers of a template ('fier{e}' -> 'fière')."""
    text = template.replace("ier{e}", "ière" if female else "ier")
    return text.replace("{e}", "e" if female else "").replace("{se}", "se" if female else "x")


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    start = datetime(year, month, 1)
    end = datetime(year + month // 12, month % 12 + 1, 1)
    return start, end


def rand_dt(rng: random.Random, start: datetime, end: datetime) -> datetime:
    seconds = int((end - start).total_seconds())
    return start + timedelta(seconds=rng.randrange(max(seconds, 1)))


def rand_daytime(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A random moment in [start, end) on a day-shaped UTC hour profile (people post by day, Paris time)."""
    day = start + timedelta(days=rng.randrange(max((end - start).days, 1)))
    hour = rng.choices(range(24), weights=HOUR_WEIGHTS)[0]
    when = day.replace(hour=hour, minute=rng.randrange(60), second=rng.randrange(60))
    return min(max(when, start), end - timedelta(seconds=1))


def rand_weekday(rng: random.Random, start: date, end: date) -> date:
    """A random working day in [start, end)."""
    while True:
        day = start + timedelta(days=rng.randrange((end - start).days))
        if day.weekday() < 5:
            return day


def epoch_ms(when: datetime) -> int:
    return calendar.timegm(when.timetuple()) * 1000


def urn_id(rng: random.Random, when: datetime) -> int:
    """A 19-digit LinkedIn-like id: creation time in ms shifted left by 22 bits plus random bits."""
    return ((epoch_ms(when) + rng.randrange(1000)) << 22) | rng.getrandbits(22)


def paris_month(when: datetime) -> str:
    """Calendar month in Europe/Paris of a naive UTC datetime (EU daylight-saving rule)."""

    def last_sunday(year: int, month: int) -> datetime:
        day = datetime(year, month, calendar.monthrange(year, month)[1], 1)
        return day - timedelta(days=(day.weekday() + 1) % 7)

    summer = last_sunday(when.year, 3) <= when < last_sunday(when.year, 10)
    local = when + timedelta(hours=2 if summer else 1)
    return local.strftime("%Y-%m")


def utc_month(when: datetime) -> str:
    return when.strftime("%Y-%m")


# --------------------------------------------------------------------------------------------------
# Staff and ambassadors
# --------------------------------------------------------------------------------------------------


def make_staff(rng: random.Random) -> list[Agent]:
    numbers = sorted(rng.sample(range(100, 2400), 300))
    rng.shuffle(numbers)
    used_names: set[tuple[str, str]] = set()
    used_emails: set[str] = set()
    staff: list[Agent] = []
    for direction, size, _ in DIRECTIONS:
        for index in range(size):
            agent = make_agent(rng, direction, index == 0, numbers.pop(), used_names, used_emails)
            staff.append(agent)
    return staff


def make_agent(
    rng: random.Random,
    direction: str,
    head: bool,
    number: int,
    used_names: set[tuple[str, str]],
    used_emails: set[str],
) -> Agent:
    female = rng.random() < 0.62
    while True:
        first = rng.choice(FEMALE_FIRST if female else MALE_FIRST)
        last = rng.choice(LAST_NAMES)
        if (first, last) not in used_names:
            break
    used_names.add((first, last))
    email = f"{email_part(first)}.{email_part(last)}@{DOMAIN}"
    suffix = 2
    while email in used_emails:
        email = f"{email_part(first)}.{email_part(last)}{suffix}@{DOMAIN}"
        suffix += 1
    used_emails.add(email)
    if head:
        word = "Directrice" if female else "Directeur"
        title = direction.replace("Direction", word, 1)
    else:
        title = rng.choice(TITLES[direction])[0 if female else 1]
    site = SITES[direction][0] if head else rng.choice(SITES[direction])
    return Agent(f"VDA{number:05d}", first, last, female, email, direction, site, title)


def pick_ambassadors(rng: random.Random, staff: list[Agent]) -> list[Agent]:
    chosen: list[Agent] = []
    for direction, _, count in DIRECTIONS:
        pool = [a for a in staff if a.direction == direction]
        chosen.extend(rng.sample(pool, count))
    return chosen


def enrol(rng: random.Random, ambassadors: list[Agent]) -> None:
    """Give enrolment dates (more early, communication first), consent and withdrawals."""
    weights = [14, 12, 8, 6, 5, 4, 3, 3, 3, 2, 2, 1, 1, 1]
    keyed = sorted(ambassadors, key=lambda a: rng.random() - (0.45 if a.direction == COMM else 0.0))
    slots = [MONTHS[i] for i, n in enumerate(weights) for _ in range(n)]
    for agent, (year, month) in zip(keyed, slots, strict=True):
        start, end = month_bounds(year, month)
        agent.enrolled = rand_weekday(rng, start.date(), end.date())
        agent.consent = "oui" if rng.random() < 0.7 else "Oui"
        agent.status = "ambassador"
    non_comm = [a for a in ambassadors if a.direction != COMM]
    for index, agent in enumerate(rng.sample(non_comm, 8)):
        if index < 4:
            agent.status, agent.consent = "refused", "non"
            if index >= 2:
                agent.enrolled = None
        else:
            agent.status = "withdrawn"
            assert agent.enrolled is not None
            earliest = min(agent.enrolled + timedelta(days=60), date(2026, 10, 1))
            agent.withdrawn = rand_weekday(rng, earliest, date(2026, 10, 20))


# --------------------------------------------------------------------------------------------------
# Posts (institution and others)
# --------------------------------------------------------------------------------------------------


def fill(rng: random.Random, template: str, **extra: str) -> str:
    event = rng.choice(EVENTS)
    values = {
        "job": rng.choice(JOBS_ADVERTISED),
        "event": event,
        "Event": event[0].upper() + event[1:],
        "place": rng.choice(PLACES),
        "street": rng.choice(STREETS),
        "project": rng.choice(PROJECTS),
        "n": str(rng.choice([8, 12, 15, 18, 20, 24, 30, 35, 42, 50, 60, 80])),
        "day": f"{rng.randint(1, 28)} {rng.choice(MONTHS_FR)}",
    }
    values.update(extra)
    return french_elisions(template.format(**values))


def french_elisions(text: str) -> str:
    """'à le' -> 'au', 'de le' -> 'du', 'de agent' -> "d'agent" after filling templates."""
    pairs = ((" à le ", " au "), (" à les ", " aux "), (" de le ", " du "), (" de les ", " des "))
    for wrong, right in pairs:
        text = text.replace(wrong, right)
    return re.sub(r"\b([Dd])e (?=[aeiouéèêAEIOUÉ])", r"\1'", text)


def make_institution_posts(rng: random.Random, admins: list[Agent]) -> list[Post]:
    """160 posts in the new export plus 8 older ones (Aug-Oct 2025) only in the older export."""
    titles: set[str] = set()
    posts = [institution_post(rng, month_of(rng, i), admins, titles) for i in range(160)]
    for post in posts:
        post.in_new = True
    for _ in range(8):
        post = institution_post(rng, rng.choice(MONTHS[:3]), admins, titles)
        post.in_old = True
        posts.append(post)
    posts.sort(key=lambda p: p.created)
    early_new = [p for p in posts if p.in_new and p.created < datetime(2025, 11, 1)]
    for post in rng.sample(early_new, 12):
        post.in_old = True
    return posts


def month_of(rng: random.Random, index: int) -> tuple[int, int]:
    weights = [8 + i // 2 for i in range(len(MONTHS))]
    return rng.choices(MONTHS, weights=weights)[0] if index >= 30 else MONTHS[index % 3]


def institution_post(
    rng: random.Random,
    month: tuple[int, int],
    admins: list[Agent],
    titles: set[str],
) -> Post:
    start, end = month_bounds(*month)
    day = rand_weekday(rng, start.date(), end.date())
    created = datetime(day.year, day.month, day.day, rng.randint(6, 15), rng.randrange(60), rng.randrange(60))
    title = ""
    while not title or title in titles:
        announced = french_day(created + timedelta(days=rng.randint(3, 25)))
        title = fill(rng, rng.choice(INST_TEMPLATES), day=announced)
    titles.add(title)
    post = Post(urn_id(rng, created), created, title, slugify(title), PAGE_SLUG, random_suffix(rng))
    post.content_type = rng.choices(["Text", "Image", "Video", "Article"], weights=[20, 50, 15, 15])[0]
    admin = rng.choice(admins)
    post.posted_by = f"{admin.first} {admin.last}"
    return post


def french_day(when: datetime) -> str:
    return f"{when.day} {MONTHS_FR[when.month - 1]}"


def random_suffix(rng: random.Random) -> str:
    return "".join(rng.choice(ALNUM + "-_") for _ in range(4))


def make_other_posts(rng: random.Random) -> list[Post]:
    posts = []
    for _ in range(150):
        created = rand_dt(rng, WINDOW_START - timedelta(days=5), WINDOW_END - timedelta(hours=2))
        title = fill(rng, rng.choice(INST_TEMPLATES)).replace("Val-d'Aurore", "notre territoire")
        posts.append(
            Post(
                urn_id(rng, created),
                created,
                title,
                slugify(title),
                rng.choice(OTHER_AUTHORS),
                random_suffix(rng),
            )
        )
    posts.sort(key=lambda p: p.created)
    return posts


def post_link(rng: random.Random, post: Post) -> str:
    """One of the link forms LinkedIn uses for the same activity."""
    aid = post.activity_id
    form = rng.choices(range(4), weights=[35, 20, 30, 15])[0]
    if form == 0:
        return f"https://www.linkedin.com/feed/update/urn:li:activity:{aid}/"
    if form == 1:
        return f"https://www.linkedin.com/feed/update/urn:li:activity:{aid}"
    if form == 2:
        return (
            f"https://www.linkedin.com/posts/{post.author}_{post.slug}-activity-{aid}-{post.suffix}"
            "?utm_source=share&utm_medium=member_desktop"
        )
    return f"https://www.linkedin.com/feed/update/urn%3Ali%3Aactivity%3A{aid}?trk=public_post"


def pick_post(rng: random.Random, pool: list[Post], start: datetime, end: datetime) -> Post | None:
    candidates = [p for p in pool if start - timedelta(days=4) <= p.created < end - timedelta(minutes=10)]
    return rng.choice(candidates) if candidates else None


def react_time(rng: random.Random, post: Post, start: datetime, end: datetime) -> datetime:
    """When a member acts on a post: usually within hours, inside the month and the window."""
    delay = timedelta(minutes=3 + int(rng.expovariate(1 / 540)))
    when = max(post.created + delay, rand_daytime(rng, start, start + timedelta(days=2)))
    latest = min(end, WINDOW_END) - timedelta(minutes=1)
    if when > latest:  # posted late in the month: a quick reaction instead
        when = post.created + timedelta(minutes=rng.randint(3, 45))
    return min(when, latest)


# --------------------------------------------------------------------------------------------------
# Member activity
# --------------------------------------------------------------------------------------------------


def activity_factor(agent: Agent, index: int, start: datetime, dormant_from: int) -> float:
    growth = 0.45 + 0.55 * index / (len(MONTHS) - 1)
    if agent.enrolled is None:
        return 0.6
    if start.date() < agent.enrolled.replace(day=1):
        return 0.07
    if index >= dormant_from:
        return 0.04
    return growth


def trials(rng: random.Random, n: int, p: float) -> int:
    return sum(rng.random() < min(p, 0.95) for _ in range(n))


@dataclass
class Pools:
    inst: list[Post]
    other: list[Post]
    first_names: list[str]


def generate_activity(rng: random.Random, member: Member, pools: Pools, night_owl: bool) -> None:
    agent = member.agent
    dormant_from = rng.randint(6, 13) if rng.random() < 0.2 else 99
    seen: set[int] = set()
    for index, (year, month) in enumerate(MONTHS):
        start, end = month_bounds(year, month)
        factor = activity_factor(agent, index, start, dormant_from) * rng.uniform(0.6, 1.3)
        rate = member.level * factor
        month_shares = [make_share(rng, member, pools, start, end) for _ in range(trials(rng, 6, rate / 6))]
        if night_owl and rng.random() < 0.35:
            set_month_end_night(rng, month_shares, end)
        member.shares.extend(month_shares)
        for _ in range(trials(rng, 3, rate / 5)):
            add_event(rng, member.reposts, pools, start, end, 0.85, "")
        for _ in range(trials(rng, 4, rate / 8)):
            add_event(rng, member.comments, pools, start, end, 0.6, comment_text(rng, pools))
        for _ in range(trials(rng, 10, rate / 4)):
            kind = rng.choices(REACTION_TYPES, weights=REACTION_WEIGHTS)[0]
            add_event(rng, member.reactions, pools, start, end, 0.6, kind, seen)


def set_month_end_night(rng: random.Random, shares: list[Share], end: datetime) -> None:
    """Move one own post to 23:xx UTC on the month's last day: next month in Paris time."""
    own = [s for s in shares if s.inst_id is None]
    if own and end <= WINDOW_END:
        own[0].when = end - timedelta(minutes=rng.randint(1, 59), seconds=rng.randrange(60))


def add_event(
    rng: random.Random,
    target: list[Event],
    pools: Pools,
    start: datetime,
    end: datetime,
    inst_share: float,
    extra: str,
    seen: set[int] | None = None,
) -> None:
    institutional = rng.random() < inst_share
    post = pick_post(rng, pools.inst if institutional else pools.other, start, end)
    if post is None or (seen is not None and post.activity_id in seen):
        return
    if seen is not None:
        seen.add(post.activity_id)
    when = react_time(rng, post, start, end)
    target.append(Event(when, post_link(rng, post), post.activity_id if institutional else None, extra))


def comment_text(rng: random.Random, pools: Pools) -> str:
    return rng.choice(COMMENT_MESSAGES).replace("{first}", rng.choice(pools.first_names))


def make_share(rng: random.Random, member: Member, pools: Pools, start: datetime, end: datetime) -> Share:
    agent = member.agent
    visibility = "PUBLIC" if rng.random() < 0.6 else "MEMBER_NETWORK"
    if rng.random() < 0.4:
        institutional = rng.random() < 0.7
        post = pick_post(rng, pools.inst if institutional else pools.other, start, end)
        if post is not None:
            when = react_time(rng, post, start, end)
            lines = [fill(rng, g(rng.choice(RESHARE_COMMENTS), agent.female))]
            inst_id = post.activity_id if institutional else None
            link = post_link(rng, post)
            return Share(when, share_link(rng, when), lines, link, "", visibility, inst_id, reshare=True)
    when = rand_daytime(rng, start, min(end, WINDOW_END))
    lines = own_post_lines(rng, member, pools)
    return Share(when, share_link(rng, when), lines, external_url(rng), media_url(rng), visibility, None)


def share_link(rng: random.Random, when: datetime) -> str:
    kind = "share" if rng.random() < 0.7 else "ugcPost"
    return f"https://www.linkedin.com/feed/update/urn%3Ali%3A{kind}%3A{urn_id(rng, when)}"


def external_url(rng: random.Random) -> str:
    if rng.random() < 0.55:
        return ""
    return rng.choice(EXTERNAL_SITES) + slugify(fill(rng, rng.choice(INST_TEMPLATES)), 7)


def media_url(rng: random.Random) -> str:
    if rng.random() < 0.7:
        return ""
    token = "".join(rng.choice(ALNUM) for _ in range(12))
    return (
        f"https://media.licdn.com/dms/image/v2/D4E22AQ{token}/feedshare-shrink_800/0/{rng.randrange(10**12)}"
    )


def own_post_lines(rng: random.Random, member: Member, pools: Pools) -> list[str]:
    agent = member.agent
    english = rng.random() < 0.08
    skill = rng.choice(member.skills or GENERIC_SKILLS)
    extra = {
        "dir": agent.direction.replace("Direction", "direction", 1),
        "skill": skill,
        "skill_low": skill.lower(),
        "title_low": agent.title.lower(),
        "colleague": rng.choice(pools.first_names),
    }
    first = fill(rng, g(rng.choice(OWN_POSTS_EN if english else OWN_POSTS_FR), agent.female), **extra)
    tags = " ".join(rng.sample(HASHTAGS, rng.randint(1, 3)))
    if rng.random() < 0.33:
        second = fill(rng, rng.choice(SECOND_LINES), **extra)
        return [first, second, tags] if rng.random() < 0.7 else [first, "", second]
    return [f"{first} {tags}" if rng.random() < 0.5 else first]


# --------------------------------------------------------------------------------------------------
# Member static files (e-mails, skills, endorsements, connections, profile, positions)
# --------------------------------------------------------------------------------------------------


def roster_case(rng: random.Random, email: str) -> str:
    local, domain = email.split("@")
    style = rng.randrange(4)
    if style == 1:
        return ".".join(p.capitalize() for p in local.split(".")) + "@Val-Daurore.fr"
    if style == 2:
        return ".".join(p.capitalize() for p in local.split(".")) + "@" + domain
    if style == 3:
        return local + "@" + domain.upper()
    return email


def personal_email(rng: random.Random, agent: Agent) -> str:
    first, last = email_part(agent.first), email_part(agent.last)
    local = rng.choice(
        [f"{first}.{last}", f"{first}{last}{rng.randint(1, 99)}", f"{first[0]}.{last}", f"{last}.{first}"]
    )
    return f"{local}@{rng.choice(PERSONAL_DOMAINS)}"


def updated_on(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.15:
        return "Not Available"
    if roll < 0.25:
        return ""
    return fmt_updated_on(rand_dt(rng, datetime(2012, 1, 1), datetime(2026, 10, 1)))


def make_emails(rng: random.Random, agent: Agent, with_roster: bool) -> list[list[str]]:
    rows: list[list[str]] = []
    if with_roster:
        rows.append([roster_case(rng, agent.email), "Yes", "Yes", updated_on(rng)])
        if rng.random() < 0.4:
            rows.append([personal_email(rng, agent), "Yes", "No", updated_on(rng)])
        if len(rows) == 2 and rng.random() < 0.25:
            rows[0][2], rows[1][2] = "No", "Yes"  # the personal address is primary
    else:
        rows.append([personal_email(rng, agent), "Yes", "Yes", updated_on(rng)])
        if rng.random() < 0.4:
            other = rows[0][0]
            while other == rows[0][0]:
                other = personal_email(rng, agent)
            rows.append([other, rng.choice(["Yes", "No"]), "No", updated_on(rng)])
    rng.shuffle(rows)
    return rows


def make_skills(rng: random.Random, agent: Agent) -> list[str]:
    own = SKILLS_BY_DIRECTION.get(agent.direction, [])
    pool = list(dict.fromkeys(own + GENERIC_SKILLS))
    count = min(len(pool), rng.randint(3, 15))
    skills = rng.sample(own, min(len(own), max(2, count // 2))) if own else []
    for skill in rng.sample(pool, len(pool)):
        if len(skills) >= count:
            break
        if skill not in skills:
            skills.append(skill)
    return skills


def person_slug(rng: random.Random, first: str, last: str) -> str:
    return f"{email_part(first)}-{email_part(last)}-{rng.getrandbits(28):07x}"


def random_person(rng: random.Random) -> tuple[str, str]:
    first = rng.choice(FEMALE_FIRST + MALE_FIRST)
    return first, rng.choice(LAST_NAMES)


def make_endorsements(
    rng: random.Random,
    skills: list[str],
    level: float,
) -> list[tuple[datetime, list[str]]]:
    rows = []
    for _ in range(rng.randint(0, int(len(skills) * (0.5 + level)))):
        when = rand_dt(rng, datetime(2023, 1, 1), WINDOW_END)
        first, last = random_person(rng)
        url = f"www.linkedin.com/in/{person_slug(rng, first, last)}"
        rows.append((when, [fmt_endorsed(when), rng.choice(skills), first, last, url, "ACCEPTED"]))
    rows.sort(key=lambda r: r[0], reverse=True)
    return rows


def make_connections(rng: random.Random, agent: Agent, level: float) -> list[tuple[date, list[str]]]:
    total = rng.randint(30, 400) if level > 1.5 else rng.randint(30, 260)
    pivot = agent.enrolled or date(2025, 6, 1)
    after = int(total * rng.uniform(0.25, 0.5))
    rows = []
    for index in range(total):
        if index < after:
            day = pivot + timedelta(days=rng.randrange(max((date(2026, 10, 31) - pivot).days, 1)))
        else:
            day = date(2015, 1, 1) + timedelta(days=rng.randrange((pivot - date(2015, 1, 1)).days))
        rows.append((day, connection_row(rng, day)))
    rows.sort(key=lambda r: r[0], reverse=True)
    return rows


def connection_row(rng: random.Random, day: date) -> list[str]:
    first, last = random_person(rng)
    company = rng.choice(COMPANIES)
    if company == ORG:
        direction = rng.choice(list(TITLES))
        position = rng.choice(TITLES[direction])[0 if first in FEMALE_FIRST else 1]
    else:
        position = rng.choice(OTHER_POSITIONS)
    mail = ""
    if rng.random() < 0.08:
        mail = f"{email_part(first)}.{email_part(last)}@{rng.choice(PERSONAL_DOMAINS)}"
    url = f"https://www.linkedin.com/in/{person_slug(rng, first, last)}"
    return [first, last, url, mail, company, position, fmt_connected(day)]


def make_profile(rng: random.Random, agent: Agent) -> list[str]:
    headline = f"{agent.title} à la {ORG}" if agent.status != "outsider" else agent.title
    summary = rng.choice(
        [
            "",
            "Engagée pour un service public de qualité, au plus près des habitants.",
            (
                f"{agent.title} depuis plusieurs années, passionné(e) par les projets collectifs.\n"
                "Ambassadeur(rice) de ma collectivité."
            ),
            (
                "Curieuse, rigoureuse et attachée au travail en équipe, "
                "je mets mes compétences au service du territoire."
            ),
        ]
    )
    birth = f"{MONTH_ABBR[rng.randrange(12)]} {rng.randint(1, 28)}" if rng.random() < 0.3 else ""
    maiden = rng.choice(LAST_NAMES) if agent.female and rng.random() < 0.1 else ""
    return [
        agent.first,
        agent.last,
        maiden,
        "",
        birth,
        headline,
        summary,
        "Government Administration",
        "",
        "Val-d'Aurore, Auvergne-Rhône-Alpes, France",
        "",
        "",
        "",
    ]


def make_positions(rng: random.Random, agent: Agent) -> list[list[str]]:
    start = date(rng.randint(2008, 2024), rng.randint(1, 12), 1)
    company = ORG if agent.status != "outsider" else "Indépendante"
    team = "Au sein de la " + agent.direction.lower() if agent.direction else "Missions de conseil"
    rows = [
        [
            company,
            agent.title,
            rng.choice(["", team]),
            "Val-d'Aurore, Auvergne-Rhône-Alpes, France",
            fmt_month_year(start),
            "",
        ]
    ]
    end = start
    for _ in range(rng.randint(0, 2)):
        begin = date(end.year - rng.randint(1, 6), rng.randint(1, 12), 1)
        finish = fmt_month_year(end) if rng.random() < 0.7 else str(end.year)
        rows.append(
            [
                rng.choice(COMPANIES[4:]),
                rng.choice(OTHER_POSITIONS),
                "",
                "France",
                fmt_month_year(begin) if rng.random() < 0.7 else str(begin.year),
                finish,
            ]
        )
        end = begin
    return rows


def build_member(rng: random.Random, agent: Agent, pools: Pools, silent: bool, roster_email: bool) -> Member:
    if agent.direction == COMM:
        level = rng.uniform(2.0, 4.0)
    elif agent.direction == "Direction du numérique":
        level = rng.uniform(1.0, 2.5)
    else:
        level = rng.uniform(0.4, 2.2)
    member = Member(agent, level)
    member.emails = make_emails(rng, agent, roster_email)
    member.skills = make_skills(rng, agent)
    member.endorsements = make_endorsements(rng, member.skills, level)
    member.connections = make_connections(rng, agent, level)
    member.profile = make_profile(rng, agent)
    member.positions = make_positions(rng, agent)
    if not silent:
        generate_activity(rng, member, pools, night_owl=rng.random() < 0.2)
    return member


def pin_example_night_share(members: list[Member]) -> None:
    """Make sure the canonical edge case exists: an own post at 2026-03-31 23:30:00 UTC (April in Paris)."""
    for member in members:
        march = [s for s in member.shares if not s.reshare and s.when.strftime("%Y-%m") == "2026-03"]
        if member.agent.direction == COMM and march:
            march[0].when = datetime(2026, 3, 31, 23, 30, 0)
            return


def blank_some_comment_dates(rng: random.Random, members: list[Member]) -> list[str]:
    candidates = [m for m in members if len(m.comments) >= 3]
    chosen = rng.sample(candidates, min(8, len(candidates)))
    for member in chosen:
        for event in rng.sample(member.comments, rng.randint(1, 3)):
            event.blank_date = True
    return [m.agent.agent_id or "not_in_roster" for m in chosen]


# --------------------------------------------------------------------------------------------------
# Archive writing
# --------------------------------------------------------------------------------------------------


def older_header(spec: ArchiveSpec, kind: str) -> bool:
    """Whether the archive writes ``kind`` with its older header (``SharedURL``, Connections without URL)."""
    return (kind == "shares" and spec.old_shares_header) or (kind == "connections" and not spec.preamble)


def body_lines(spec: ArchiveSpec, kind: str, eol: str) -> list[str]:
    member, cutoff = spec.member, spec.cutoff
    if kind == "shares":
        return [
            shares_row(fmt_timestamp(s.when), s.link, s.lines, s.shared_url, s.media_url, s.visibility, eol)
            for s in newest_first(member.shares)
            if s.when < cutoff
        ]
    if kind == "instant_reposts":
        return [
            instant_reposts_row(fmt_timestamp(e.when), e.link)
            for e in newest_first(member.reposts)
            if e.when < cutoff
        ]
    if kind == "comments":
        return [
            comments_row("" if e.blank_date else fmt_timestamp(e.when), e.link, e.extra, eol)
            for e in newest_first(member.comments)
            if e.when < cutoff
        ]
    if kind == "reactions":
        return [
            reactions_row(fmt_timestamp(e.when), e.extra, e.link)
            for e in newest_first(member.reactions)
            if e.when < cutoff
        ]
    if kind == "connections":
        keep = [row for day, row in member.connections if day < cutoff.date()]
        return [connections_row(row, older=not spec.preamble) for row in keep]
    if kind == "endorsements":
        return [csv_line(row) for when, row in member.endorsements if when < cutoff]
    static = {
        "emails": member.emails,
        "skills": [[s] for s in member.skills],
        "profile": [member.profile],
        "positions": member.positions,
    }
    return [csv_line(row) for row in static[kind]]


def newest_first(items: list) -> list:
    return sorted(items, key=lambda item: item.when, reverse=True)


def render_file(spec: ArchiveSpec, kind: str, eol: str) -> bytes:
    rows = body_lines(spec, kind, eol)
    spec.rows[kind] = len(rows)
    header = header_line(kind, older_header(spec, kind), spec.header_case.get(kind, ""))
    return member_text(header, rows, eol, preamble=kind == "connections" and spec.preamble)


def archive_files(rng: random.Random, spec: ArchiveSpec) -> list[tuple[str, bytes]]:
    files = []
    for kind in ARCHIVE_FILES:
        eol = "\r\n" if rng.random() < 0.5 else "\n"
        name = member_name(kind, spec.suffix_id)
        spec.files[kind] = name
        files.append((name, render_file(spec, kind, eol)))
    rng.shuffle(files)
    return files


def write_archive(rng: random.Random, spec: ArchiveSpec) -> None:
    files = archive_files(rng, spec)
    if spec.unpacked:
        write_folder(INBOX / spec.relpath, files)
    else:
        write_zip(INBOX / spec.relpath, files)


def export_date(rng: random.Random, early: bool = False) -> date:
    return date(2026, 6, rng.randint(1, 10)) if early else date(2026, 11, rng.randint(2, 20))


def plan_archives(
    rng: random.Random,
    members: list[Member],
    roles: dict[str, list[str]],
) -> list[ArchiveSpec]:
    specs: list[ArchiveSpec] = []
    special = set(roles["email_missing"]) | set(roles["two_archives"])
    plain = sum(1 for m in members if m.agent.status != "outsider" and m.agent.agent_id not in special)
    schemes = ["unpacked"] * 3 + rng.choices(["folder", "id_linkedin", "ldexport"], [45, 30, 25], k=plain - 3)
    rng.shuffle(schemes)
    missing_schemes = ["id_linkedin", "ldexport", "id_linkedin", "ldexport", "unpacked"]
    for member in members:
        aid = member.agent.agent_id
        if member.agent.status == "outsider":
            scheme = "anonymous"
        elif aid in roles["email_missing"]:
            scheme = missing_schemes.pop()
        elif aid in roles["two_archives"]:
            scheme = "folder"
            early = export_date(rng, early=True)
            specs.append(ArchiveSpec(member, archive_path(scheme, aid, early), False, early, EARLY_CUTOFF))
        else:
            scheme = schemes.pop()
        exported = export_date(rng)
        path = archive_path(scheme, aid, exported)
        specs.append(ArchiveSpec(member, path, scheme == "unpacked", exported, WINDOW_END))
    assign_quirks(rng, specs)
    return specs


def assign_quirks(rng: random.Random, specs: list[ArchiveSpec]) -> None:
    order = rng.sample(range(len(specs)), len(specs))
    for index in order[:6]:
        specs[index].suffix_id = str(rng.randrange(100_000_000, 999_999_999))
    for index in order[6:16]:
        specs[index].old_shares_header = True
    variants = [
        {"shares": "lower"},
        {"instant_reposts": "upper"},
        {"reactions": "lower", "comments": "upper"},
        {"shares": "upper", "instant_reposts": "lower"},
    ]
    for index, variant in zip(order[16:20], variants, strict=True):
        specs[index].header_case = variant
    for index in rng.sample(range(len(specs)), round(len(specs) * 0.3)):
        specs[index].preamble = False


# --------------------------------------------------------------------------------------------------
# Roster and miscellaneous files
# --------------------------------------------------------------------------------------------------


def write_staff_roster(staff: list[Agent]) -> None:
    rows = [
        [
            agent.agent_id,
            agent.first,
            agent.last,
            agent.email,
            agent.direction,
            agent.site,
            agent.title,
            fmt_dmy(agent.enrolled) if agent.enrolled else "",
            agent.consent,
            fmt_dmy(agent.withdrawn) if agent.withdrawn else "",
        ]
        for agent in sorted(staff, key=lambda a: a.agent_id)
    ]
    write_roster(INBOX / "rh" / "export_agents_2026-11.csv", rows)


def write_misc() -> None:
    folder = INBOX / "divers"
    folder.mkdir(parents=True, exist_ok=True)
    note = (
        "Réunion du comité de pilotage « Ambassadeurs » - 14 octobre 2026\n"
        "Présents : direction de la communication, DRH, direction du numérique.\n\n"
        "1. Bilan : la participation progresse depuis la rentrée ; la direction de la communication\n"
        "   reste la plus active.\n"
        "2. Relancer les ambassadeurs silencieux avant la fin de l'année (courriel + café d'échange).\n"
        "3. Rappeler la procédure d'export des données LinkedIn (archive « complète »,\n"
        "   pas l'archive de base).\n"
        "4. Prochaine réunion : 9 décembre 2026, salle du conseil.\n"
    )
    (folder / "notes_reunion.txt").write_bytes(note.encode("utf-8"))
    budget = [
        "poste;montant",
        "Goodies ambassadeurs;1250,00",
        "Formation LinkedIn (CNFPT);0,00",
        "Petit-déjeuner de lancement;480,50",
        "Impression kakémonos;312,00",
        "Abonnement outil de veille;900,00",
    ]
    write_text(folder / "budget.csv", budget, "\r\n")


# --------------------------------------------------------------------------------------------------
# Page exports (XLSX)
# --------------------------------------------------------------------------------------------------

DECAY = [0.45, 0.25, 0.12, 0.08, 0.05, 0.03, 0.02]


def record_actions(members: list[Member], posts: list[Post]) -> None:
    """Remember, per institution post, when consenting-or-not members reposted, reacted and commented."""
    by_id = {p.activity_id: p for p in posts}
    for member in members:
        pairs = [("reposts", s.inst_id, s.when) for s in member.shares]
        pairs += [("reposts", e.inst_id, e.when) for e in member.reposts]
        pairs += [("comments", e.inst_id, e.when) for e in member.comments]
        pairs += [("likes", e.inst_id, e.when) for e in member.reactions]
        for kind, inst_id, when in pairs:
            if inst_id is not None:
                by_id[inst_id].actions.setdefault(kind, []).append(when)


def post_metrics(rng: random.Random, post: Post, cutoff: datetime) -> dict[str, int]:
    def known(kind: str) -> int:
        return sum(1 for when in post.actions.get(kind, []) if when < cutoff)

    impressions = min(int(rng.triangular(300, 7000, 1100)) + 90 * known("reposts"), 8000)
    metrics = {
        "impressions": impressions,
        "clicks": int(impressions * rng.uniform(0.005, 0.04)),
        "likes": max(int(impressions * rng.uniform(0.01, 0.035)), known("likes") + rng.randint(0, 6)),
        "comments": max(int(impressions * rng.uniform(0.0, 0.004)), known("comments") + rng.randint(0, 2)),
        "reposts": max(int(impressions * rng.uniform(0.0, 0.004)), known("reposts") + rng.randint(0, 3)),
        "follows": rng.choice([0, 0, 0, 1, 1, 2, 3]),
    }
    metrics["views"] = int(impressions * rng.uniform(0.3, 0.6)) if post.content_type == "Video" else 0
    return metrics


Measured = list[tuple[Post, dict[str, int]]]


def daily_metrics(rng: random.Random, posts: Measured, days: list[date]) -> Rows:
    index = {day: i for i, day in enumerate(days)}
    totals = {k: [0] * len(days) for k in ("impressions", "clicks", "likes", "comments", "reposts")}
    for post, metrics in posts:
        for offset, share in enumerate(DECAY):
            i = index.get(post.created.date() + timedelta(days=offset))
            if i is not None:
                for kind, values in totals.items():
                    values[i] += round(metrics[kind] * share)
    rows = []
    for i, day in enumerate(days):
        imp = totals["impressions"][i] + rng.randint(15, 90)
        clicks, likes = totals["clicks"][i] + rng.randint(0, 3), totals["likes"][i] + rng.randint(0, 2)
        comments, reposts = totals["comments"][i], totals["reposts"][i]
        unique = int(imp * rng.uniform(0.6, 0.75))
        rows.append(page_metrics_row(fmt_mdy(day), imp, unique, clicks, likes, comments, reposts))
    return rows


def post_values(post: Post, m: dict[str, int]) -> dict:
    """The post's row of a Page content export."""
    created = fmt_mdy(post.created.date())
    return page_post_values(
        post.title, page_link(post), created, m, post.posted_by, post.content_type, m["views"]
    )


def page_link(post: Post) -> str:
    return f"https://www.linkedin.com/feed/update/urn:li:activity:{post.activity_id}"


def day_range(start: datetime, end: datetime) -> list[date]:
    return [start.date() + timedelta(days=i) for i in range((end - start).days)]


def write_content_export(rng: random.Random, posts: list[Post]) -> dict[int, dict[str, int]]:
    measured = [(p, post_metrics(rng, p, WINDOW_END)) for p in posts if p.in_new]
    daily = daily_metrics(rng, measured, day_range(WINDOW_START, WINDOW_END))
    rows = [post_values(p, m) for p, m in sorted(measured, key=lambda pm: pm[0].created, reverse=True)]
    path = INBOX / "page" / "val-daurore_content_1722470400000.xlsx"
    write_workbook(path, page_content_sheets(PAGE_CONTENT, daily, rows))
    return {p.activity_id: m for p, m in measured}


def write_updates_export(rng: random.Random, posts: list[Post], newer: dict[int, dict[str, int]]) -> None:
    """Older layout, taken early November 2025: daily metrics for all posts, ~20 posts listed."""
    measured: Measured = []
    for post in (p for p in posts if p.created < datetime(2025, 11, 1)):
        metrics = post_metrics(rng, post, OLD_EXPORT_CUTOFF)
        if post.activity_id in newer:  # taken earlier: a little below the newer figures
            ratio = rng.uniform(0.85, 1.0)
            metrics = {k: int(v * ratio) for k, v in newer[post.activity_id].items()}
            metrics["impressions"] = max(metrics["impressions"], 1)
        measured.append((post, metrics))
    daily = daily_metrics(rng, measured, day_range(WINDOW_START, datetime(2025, 11, 1)))
    listed = sorted((pm for pm in measured if pm[0].in_old), key=lambda pm: pm[0].created, reverse=True)
    rows = [{**post_values(p, m), "views": m["views"]} for p, m in listed]  # video views of every post
    path = INBOX / "page" / "val-daurore_updates_2025.xlsx"
    write_workbook(path, page_content_sheets(OLDER_PAGE_CONTENT, daily, rows))


# --------------------------------------------------------------------------------------------------
# Analytics exports (creator analytics, single posts, Page audience, advocacy report)
# --------------------------------------------------------------------------------------------------
# Everything below draws from its own ``random.Random(SEED + 1)`` after every file above is written,
# so adding or changing analytics never changes the roster, the archives or the Page exports.

ANALYTICS_SEED = SEED + 1
FULL_START = date(2025, 8, 1)
YEAR_START = date(2025, 11, 1)  # trailing 365 days ending 2026-10-31
QUARTER_START = date(2026, 8, 3)  # trailing 90 days ending 2026-10-31
EARLY_END = date(2026, 4, 30)  # end of the first of two overlapping exports
LAST_DAY = date(2026, 10, 31)
ANALYTICS_DIR = "analytique"
COPY_DIR = f"{ANALYTICS_DIR}/copie"
REDROP_DAY = date(2026, 11, 21)
BASE_EXPORT_DATES = {
    "rh/export_agents_2026-11.csv": date(2026, 11, 2),
    "page/val-daurore_content_1722470400000.xlsx": date(2026, 11, 2),
    "page/val-daurore_updates_2025.xlsx": OLD_EXPORT_CUTOFF.date(),
    "divers/notes_reunion.txt": date(2026, 10, 14),
    "divers/budget.csv": date(2026, 9, 15),
}
"""When the roster, the Page content exports and the stray files were exported (their mtimes)."""

DEMOGRAPHIC_VALUES = {
    "en": (
        "Chargé de communication",
        "Lyon, Auvergne-Rhône-Alpes, France",
        "Government Administration",
        "Senior",
        "1001-5000 employees",
        ORG,
    ),
    "fr": (
        "Chargé de communication",
        "Lyon, Auvergne-Rhône-Alpes, France",
        "Administration publique",
        "Confirmé",
        "1 001-5 000 employés",
        ORG,
    ),
}
"""The top value of each DEMOGRAPHICS category of a creator export (``CreatorLabels.categories``)."""


@dataclass
class CreatorSeries:
    """One ambassador's daily creator figures over the whole window, and each post's share of them."""

    member: Member
    impressions: dict[date, int]
    engagements: dict[date, int]
    followers: dict[date, int]
    followers_before: int
    posts: list[tuple[Share, dict[date, tuple[int, int]]]]


@dataclass
class CreatorExport:
    """One aggregate creator analytics file to write, and what it holds."""

    series: CreatorSeries
    relpath: str
    layout: str  # "aggregate" (AggregateAnalytics_, 2026) or "content" (Content_, older)
    language: str
    start: date
    end: date
    exported: date
    owner_found_by: str  # "folder" (agent id in a folder name) or "file_name"
    revised: bool = False  # later export whose overlap with an earlier one was revised upwards
    broken: bool = False
    daily: dict[date, tuple[int, int, int]] = field(default_factory=dict)

    @property
    def agent_id(self) -> str:
        return self.series.member.agent.agent_id


def days_between(start: date, end: date) -> list[date]:
    """Every day from ``start`` to ``end`` inclusive."""
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def noon_utc(day: date) -> float:
    """The POSIX time of noon UTC on ``day`` (every generated file's modification time)."""
    return float(calendar.timegm((day.year, day.month, day.day, 12, 0, 0)))


def compact_name(text: str) -> str:
    """A name as ``relais/sources/io/export_owner.py`` compares it: accents, case and separators dropped."""
    marks = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"[^0-9a-z]+", "", marks.lower())


def name_owners(written: str, people: list[Agent]) -> list[str]:
    """The consenting ambassadors a written name designates (first-last or last-first)."""
    key = compact_name(written)
    return [
        a.agent_id
        for a in people
        if key in {compact_name(a.first) + compact_name(a.last), compact_name(a.last) + compact_name(a.first)}
    ]


def strip_marks(text: str) -> str:
    """Accents removed the way a vendor export would ('Hélène' -> 'Helene')."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def first_month(member: Member) -> str:
    """The first Paris month with the member's enrolment or activity: where marts.agent_month starts."""
    months = [paris_month(s.when) for s in member.shares] + [paris_month(e.when) for e in member.reposts]
    months += [paris_month(e.when) for e in member.comments if not e.blank_date]
    months += [paris_month(e.when) for e in member.reactions]
    if member.agent.enrolled:
        months.append(member.agent.enrolled.strftime("%Y-%m"))
    return min(months)


def stochastic_round(rng: random.Random, value: float) -> int:
    return int(value + rng.random())


def creator_series(rng: random.Random, member: Member) -> CreatorSeries:
    """Daily impressions, engagements and new followers of one ambassador from 2025-08-01 to 2026-10-31.

    Each Shares row (own post or reshare with comment) earns impressions over a week (``DECAY``);
    every day also has a small baseline (older posts, reposts of their posts). Communication staff
    reach thousands of impressions a month, the others hundreds.
    """
    comm = member.agent.direction == COMM
    days = days_between(FULL_START, LAST_DAY)
    imp = dict.fromkeys(days, 0)
    eng = dict.fromkeys(days, 0)
    posts: list[tuple[Share, dict[date, tuple[int, int]]]] = []
    for share in sorted(member.shares, key=lambda s: s.when):
        published = share.when.date()
        if not FULL_START <= published <= LAST_DAY:
            continue
        if comm:
            reach = rng.uniform(500, 2600) if not share.reshare else rng.uniform(150, 800)
        else:
            reach = rng.uniform(60, 420) if not share.reshare else rng.uniform(25, 160)
        rate = rng.uniform(0.02, 0.065)
        per_day: dict[date, tuple[int, int]] = {}
        for offset, part in enumerate(DECAY):
            day = published + timedelta(days=offset)
            if day > LAST_DAY:
                break
            per_day[day] = (round(reach * part), stochastic_round(rng, reach * rate * part))
            imp[day] += per_day[day][0]
            eng[day] += per_day[day][1]
        posts.append((share, per_day))
    followers = {}
    for day in days:
        imp[day] += rng.randint(15, 70) if comm else rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 8])
        eng[day] += rng.randint(0, 2) if comm else int(rng.random() < 0.08)
        expected = (0.8 if comm else 0.08) + imp[day] * (0.003 if comm else 0.004)
        followers[day] = trials(rng, 10, expected / 10)
    before = len(member.connections) + rng.randint(20, 300)
    return CreatorSeries(member, imp, eng, followers, before, posts)


def fill_export_days(rng: random.Random, export: CreatorExport, revise_from: date, revise_to: date) -> None:
    """The export's daily (impressions, engagements, new followers); revised exports read higher on
    the days ``revise_from``..``revise_to`` (LinkedIn recounts figures after the fact)."""
    series = export.series
    for day in days_between(export.start, export.end):
        values = (series.impressions[day], series.engagements[day], series.followers[day])
        if export.revised and revise_from <= day <= revise_to:
            imp, eng, fol = values
            imp += max(1, round(imp * rng.uniform(0.01, 0.05)))
            eng += int(rng.random() < 0.3)
            fol += int(rng.random() < 0.05)
            values = (imp, eng, fol)
        export.daily[day] = values


def top_posts(export: CreatorExport) -> list[tuple[Share, int, int]]:
    """Posts published in the export's period with their (impressions, engagements) inside it."""
    scale = 1.03 if export.revised else 1.0
    found = []
    for share, per_day in export.series.posts:
        if not export.start <= share.when.date() <= export.end:
            continue
        inside = [v for day, v in per_day.items() if export.start <= day <= export.end]
        found.append((share, round(sum(v[0] for v in inside) * scale), sum(v[1] for v in inside)))
    return found


def share_url(rng: random.Random, share: Share) -> str:
    """The post's ShareLink as the archive writes it, or its decoded form with a trailing slash."""
    if rng.random() < 0.6:
        return share.link
    return share.link.replace("%3A", ":") + "/"


def creator_sheets(rng: random.Random, export: CreatorExport) -> dict[str, Rows]:
    """The five sheets of an aggregate creator export, as rows of cells."""
    lang, new_layout = export.language, export.layout == "aggregate"
    total_imp = sum(v[0] for v in export.daily.values())
    reached = round(total_imp * rng.uniform(0.35, 0.55))
    as_text = new_layout and lang == "en"  # 2026 English files write these totals as text
    found = top_posts(export)
    by_eng = sorted(found, key=lambda p: (-p[2], p[0].when))[:50]
    by_imp = sorted(found, key=lambda p: (-p[1], p[0].when))[:50]
    urls = {id(share): share_url(rng, share) for share, _, _ in found}
    gained = sum(v[2] for day, v in export.daily.items())
    earlier = sum(v for day, v in export.series.followers.items() if day < export.start)
    values = DEMOGRAPHIC_VALUES[lang]
    parts = sorted((rng.uniform(0.005, 0.4) for _ in values), reverse=True)
    labels = CREATOR_LABELS[lang]
    daily = sorted(export.daily.items())
    return creator_export_sheets(
        labels,
        period=f"{fmt_day(export.start, lang)} - {fmt_day(export.end, lang)}",
        discovery=(f"{total_imp:,}", f"{reached:,}") if as_text else (total_imp, reached),
        days=[[fmt_day(day, lang), imp, eng] for day, (imp, eng, _) in daily],
        top_by_engagements=[[urls[id(s)], fmt_day(s.when.date(), lang), eng] for s, _, eng in by_eng],
        top_by_impressions=[[urls[id(s)], fmt_day(s.when.date(), lang), imp] for s, imp, _ in by_imp],
        followers_on=fmt_day(export.end, lang),
        followers_total=export.series.followers_before + earlier + gained,
        follower_days=[[fmt_day(day, lang), fol] for day, (_, _, fol) in daily],
        demographics=[
            [category, value, demographic_percent(part, new_layout)]
            for category, value, part in zip(labels.categories, values, parts, strict=True)
        ],
    )


def pick_analytics_people(
    rng: random.Random, members: list[Member], roles: dict[str, list[str]], people: list[Agent]
) -> tuple[list[Member], Member]:
    """About 12 consenting ambassadors with an archive and some activity (4 from communication),
    plus one more whose only export arrives broken."""
    silent = set(roles["silent"])
    candidates = [
        m
        for m in members
        if m.agent.status == "ambassador"
        and m.agent.agent_id not in silent
        and m.shares
        and first_month(m) <= "2026-08"
        and len(name_owners(f"{m.agent.first} {m.agent.last}", people)) == 1
    ]
    comm = [m for m in candidates if m.agent.direction == COMM]
    others = [m for m in candidates if m.agent.direction != COMM]
    chosen = rng.sample(comm, 4) + rng.sample(others, 8)
    broken = rng.choice([m for m in others if m not in chosen])
    return chosen, broken


def plan_creator_exports(
    rng: random.Random, chosen: list[Member], broken_owner: Member, people: list[Agent]
) -> tuple[list[CreatorExport], dict[str, str]]:
    """Decide each creator export's period, layout, language, place and export date.

    Periods never start before the ambassador's first month in marts.agent_month, so every day
    of every export is published. Returns the exports and the agent ids of the special cases.
    """
    early = [m for m in chosen if first_month(m) <= "2025-08"]
    comm_early = [m for m in early if m.agent.direction == COMM]
    other_early = [m for m in early if m.agent.direction != COMM]
    revised = rng.choice(comm_early or early)
    same = rng.choice([m for m in (other_early or early) if m is not revised])
    rest = [m for m in chosen if m not in (revised, same)]
    french = [same, *rng.sample(rest, 2)]
    content = [*rng.sample([m for m in rest if m not in french], 1), french[1]]
    exports: list[CreatorExport] = []
    for member in chosen:
        series = creator_series(rng, member)
        language = "fr" if member in french else "en"
        layout = "content" if member in content else "aggregate"
        where = "folder" if rng.random() < 0.45 else "file_name"
        if member in (revised, french[2]):  # both placements for English, French and overlapping files
            where = "file_name"
        elif member is same:
            where = "folder"
        if member in (revised, same):
            first = CreatorExport(
                series, "", layout, language, FULL_START, EARLY_END, date(2026, 5, rng.randint(2, 12)), where
            )
            second = CreatorExport(
                series, "", layout, language, YEAR_START, LAST_DAY, date(2026, 11, rng.randint(2, 12)), where
            )
            second.revised = member is revised
            exports += [first, second]
            continue
        month = first_month(member)
        roll = rng.random()
        if month <= "2025-08" and roll < 0.7:
            start = FULL_START
        elif month <= "2025-11" and roll < 0.9:
            start = YEAR_START
        else:
            start = QUARTER_START
        exports.append(
            CreatorExport(
                series, "", layout, language, start, LAST_DAY, date(2026, 11, rng.randint(2, 20)), where
            )
        )
    series = creator_series(rng, broken_owner)
    exports.append(
        CreatorExport(
            series, "", "aggregate", "en", YEAR_START, LAST_DAY, date(2026, 11, 9), "file_name", broken=True
        )
    )
    for export in exports:
        agent = export.series.member.agent
        if export.layout == "content":
            written = re.sub(r"[\s'-]+", "", strip_marks(agent.first + agent.last))
        elif rng.random() < 0.2:
            written = strip_marks(f"{agent.first} {agent.last}")
        else:
            written = f"{agent.first} {agent.last}"
        name = creator_file_name(export.layout, written, export.start, export.end)
        folder = f"{ANALYTICS_DIR}/{agent.agent_id}" if export.owner_found_by == "folder" else ANALYTICS_DIR
        export.relpath = f"{folder}/{name}"
        if export.owner_found_by == "file_name":
            assert name_owners(written, people) == [agent.agent_id], written
    roles = {"revised_overlap": revised.agent.agent_id, "identical_overlap": same.agent.agent_id}
    return exports, roles


def write_creator_exports(rng: random.Random, exports: list[CreatorExport]) -> None:
    for export in exports:
        fill_export_days(rng, export, YEAR_START, EARLY_END)
        path = INBOX / export.relpath
        write_workbook(path, creator_sheets(rng, export))
        if export.broken:  # a download cut short: the zip's central directory is missing
            data = path.read_bytes()
            path.write_bytes(data[: len(data) * 2 // 5])


def write_redrop(exports: list[CreatorExport], rng: random.Random) -> tuple[str, str]:
    """Copy one creator export, byte for byte, under another name (the same file dropped twice)."""
    candidates = [
        e for e in exports if not e.broken and e.owner_found_by == "file_name" and e.end == LAST_DAY
    ]
    original = rng.choice(candidates)
    stem = Path(original.relpath).stem
    copy = f"{COPY_DIR}/{stem} (1).xlsx"
    (INBOX / copy).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(INBOX / original.relpath, INBOX / copy)
    return original.relpath, copy


def write_post_exports(rng: random.Random, exports: list[CreatorExport]) -> list[dict]:
    """Two single-post exports: an English one in its owner's folder, a French one named after its owner."""
    loaded = [e for e in exports if not e.broken and e.end == LAST_DAY and own_posts(e)]
    english = [e for e in loaded if e.language == "en" and e.owner_found_by == "folder"]
    french = [e for e in loaded if e.language == "fr" and e.owner_found_by == "file_name"]
    english = english or [e for e in loaded if e.language == "en"]
    french = french or [e for e in loaded if e.language == "fr"]
    written = []
    for export in [rng.choice(english), rng.choice(french)]:
        share, per_day = max(
            own_posts(export), key=lambda sd: (sum(v[0] for v in sd[1].values()), sd[0].when)
        )
        impressions = round(sum(v[0] for v in per_day.values()) * rng.uniform(1.0, 1.04))
        engagements = sum(v[1] for v in per_day.values())
        reposts = round(engagements * rng.uniform(0.05, 0.12))
        comments = round(engagements * rng.uniform(0.08, 0.2))
        figures = {
            "impressions": impressions,
            "members_reached": round(impressions * rng.uniform(0.6, 0.8)),
            "reactions": max(engagements - comments - reposts, 0),
            "comments": comments,
            "reposts": reposts,
            "saves": rng.randint(0, 4),
            "sends": rng.randint(0, 3),
        }
        labels = POST_LABELS[export.language]
        agent = export.series.member.agent
        post_id = share.link.rsplit("%3A", 1)[1]
        folder = Path(export.relpath).parent.as_posix()
        relpath = f"{folder}/{post_file_name(f'{agent.first} {agent.last}', post_id)}"
        day_text, time_text = post_date_cells(share.when, export.language)
        shown = {**figures, "profile_viewers": rng.randint(0, 12), "followers": rng.randint(0, 5)}
        rows = post_performance_rows(labels, share.link, day_text, time_text, shown)
        demographics: Rows = [[labels.location, "Lyon", 0.12], [labels.company, ORG, 0.21]]
        write_post_analytics(INBOX / relpath, rows, labels, demographics)
        exported = export.exported + timedelta(days=rng.randint(1, 6))
        written.append(
            {
                "path": relpath,
                "owner_agent_id": agent.agent_id,
                "owner_found_by": export.owner_found_by,
                "language": export.language,
                "exported_on": exported.isoformat(),
                "post_key": post_identity_key(share.link),
                "post_date": share.when.date().isoformat(),
                **figures,
                "top_posts_engagements": engagements_in_top(export, share),
            }
        )
    return written


def own_posts(export: CreatorExport) -> list[tuple[Share, dict[date, tuple[int, int]]]]:
    """The export owner's own posts (not reshares) published in its period."""
    return [(s, d) for s, d in export.series.posts if not s.reshare and export.start <= s.when.date()]


def post_identity_key(link: str) -> str:
    """``share:<id>`` or ``ugcPost:<id>`` of a ShareLink (the key Relais gives the post)."""
    kind, number = link.split("%3Ali%3A", 1)[1].split("%3A")
    return f"{kind}:{number}"


def engagements_in_top(export: CreatorExport, share: Share) -> int | None:
    found = top_posts(export)
    ranked = sorted(found, key=lambda p: (-p[2], p[0].when))[:50]
    return next((eng for s, _, eng in ranked if s is share), None)


def resolve_daily(exports: list[CreatorExport], mtimes: dict[str, float]) -> dict[str, dict[date, dict]]:
    """Per ambassador and day, the figures of the most recently obtained export (ties: the greater path)."""
    best: dict[str, dict[date, tuple[tuple[float, str], tuple[int, int, int]]]] = {}
    for export in exports:
        if export.broken:
            continue
        stamp = (mtimes[export.relpath], export.relpath)
        days = best.setdefault(export.agent_id, {})
        for day, values in export.daily.items():
            if day not in days or stamp > days[day][0]:
                days[day] = (stamp, values)
    return {
        agent: {day: {"values": v, "file": stamp[1]} for day, (stamp, v) in sorted(days.items())}
        for agent, days in best.items()
    }


def monthly(resolved: dict[date, dict]) -> dict[str, dict[str, int]]:
    months: dict[str, dict[str, int]] = {}
    for day, entry in resolved.items():
        month = months.setdefault(
            day.strftime("%Y-%m"), {"impressions": 0, "engagements": 0, "followers_gained": 0}
        )
        imp, eng, fol = entry["values"]
        month["impressions"] += imp
        month["engagements"] += eng
        month["followers_gained"] += fol
    return months


# Page audience exports -----------------------------------------------------------------------------

FOLLOWER_DEMOGRAPHICS = {
    "Location": [("Lyon, Auvergne-Rhône-Alpes", 0.41), ("Val-d'Aurore, Auvergne-Rhône-Alpes", 0.27)],
    "Job function": [("Administrative", 0.18), ("Community and Social Services", 0.12)],
    "Seniority": [("Entry", 0.31), ("Senior", 0.27)],
    "Industry": [("Government Administration", 0.34), ("Education", 0.09)],
    "Company size": [("1001-5000 employees", 0.22), ("11-50 employees", 0.11)],
}


def audience_demographics(total: int, measure: str) -> dict[str, Rows]:
    """The demographic sheets of a Page audience export: each value's share of ``total``."""
    counts = {
        sheet: [(name, round(part * total)) for name, part in values]
        for sheet, values in FOLLOWER_DEMOGRAPHICS.items()
    }
    return page_demographic_sheets(counts, measure)


def write_page_audience(rng: random.Random, posts: list[Post]) -> dict:
    """The Page's followers export (``New followers``) and visitors export (``Visitor metrics``)."""
    days = days_between(FULL_START, LAST_DAY)
    post_days = Counter(p.created.date() for p in posts if p.in_new)
    followers_rows, visitor_rows = [], []
    by_month: dict[str, Counter] = {}
    for index, day in enumerate(days):
        growth = 1 + 2.0 * index / len(days)
        weekend = day.weekday() >= 5
        organic = (
            trials(rng, 12, (0.25 if weekend else 0.4) * growth / 2) + rng.randint(2, 6) * post_days[day]
        )
        campaign = date(2025, 9, 8) <= day <= date(2025, 9, 21)  # sponsored Forum de l'emploi campaign
        sponsored = rng.randint(4, 18) if campaign else 0
        invited = rng.randint(1, 3) if rng.random() < 0.1 else 0
        total = organic + sponsored + invited
        followers_rows.append(page_followers_row(fmt_mdy(day), sponsored, organic, invited))
        scale = (0.4 if weekend else 1.0) * growth
        overview = [round(rng.randint(12, 40) * scale), round(rng.randint(18, 55) * scale)]
        overview[1] += 15 * post_days[day]
        jobs = [round(rng.randint(3, 15) * scale), round(rng.randint(2, 12) * scale)]
        life = [rng.randint(0, 4), rng.randint(0, 3)]
        views = [overview[i] + jobs[i] + life[i] for i in range(2)]
        unique = [max(1, round(v * rng.uniform(0.5, 0.7))) for v in views]
        pairs = [overview, [round(v * 0.6) for v in overview], life, [round(v * 0.6) for v in life]]
        pairs += [jobs, [round(v * 0.6) for v in jobs], views, unique]
        visitor_rows.append(page_visitors_row(fmt_mdy(day), pairs))
        month = by_month.setdefault(day.strftime("%Y-%m"), Counter())
        month.update(
            {
                "new_followers_total": total,
                "sponsored_followers": sponsored,
                "page_views_total": views[0] + views[1],
                "unique_visitors_total": unique[0] + unique[1],
            }
        )
    followers_path = f"page/{page_file_name(PAGE_FILES, 'followers', epoch_ms(datetime(2026, 11, 3, 9, 12)))}"
    demographics = audience_demographics(2400, "Total followers")
    write_workbook(INBOX / followers_path, page_followers_sheets(followers_rows, demographics))
    visitors_path = f"page/{page_file_name(PAGE_FILES, 'visitors', epoch_ms(datetime(2026, 11, 3, 9, 14)))}"
    demographics = audience_demographics(9000, "Total views")
    write_workbook(INBOX / visitors_path, page_visitors_sheets(visitor_rows, demographics))
    return {
        "followers_file": followers_path,
        "visitors_file": visitors_path,
        "exported_on": "2026-11-03",
        "days": len(days),
        "by_month": {m: dict(c) for m, c in sorted(by_month.items())},
    }


# EveryoneSocial users report -------------------------------------------------------------------------


def es_row(
    rng: random.Random, name: str, kind: str, created: date, reach: int, posts: int, shares: int, clicks: int
) -> list[str]:
    onboarded = created + timedelta(days=rng.randint(0, 12))
    onboarded_text = "" if rng.random() < 0.15 else fmt_mdy(onboarded)
    last = datetime(2026, 10, rng.randint(20, 31), rng.randint(7, 18), rng.randrange(60))
    last_text = fmt_month_day_year(last) if rng.random() < 0.5 else fmt_timestamp(last)
    return [
        name,
        kind,
        created.isoformat(),
        onboarded_text,
        last_text,
        f"{reach:,}",
        str(posts),
        str(shares),
        str(clicks),
    ]


def write_advocacy_report(
    rng: random.Random, staff: list[Agent], members: list[Member], people: list[Agent]
) -> dict:
    """October 2026 users report: ~20 ambassadors (names as the vendor spells them), 4 staff who are
    not consenting ambassadors and one outsider (withheld by the pipeline)."""
    by_id = {m.agent.agent_id: m for m in members}
    october = ("2026-10-01 00:00:00", "2026-11-01 00:00:00")
    pool = [a for a in people if len(name_owners(f"{a.first} {a.last}", people)) == 1]
    chosen = rng.sample(pool, 20)
    styles = ["exact"] * 11 + ["stripped"] * 4 + ["upper"] * 2 + ["lower"] * 2 + ["reversed"]
    rng.shuffle(styles)
    kept: dict[str, dict] = {}
    rows: list[tuple[str, list[str]]] = []
    for agent, style in zip(chosen, styles, strict=True):
        full = f"{agent.first} {agent.last}"
        if style == "stripped" and strip_marks(full) != full and "æ" not in full.lower():
            written = strip_marks(full)
        elif style == "upper":
            written = full.upper()
        elif style == "lower":
            written = full.lower()
        elif style == "reversed":
            written = f"{agent.last} {agent.first}"
        else:
            written = full
        assert name_owners(written, people) == [agent.agent_id], written
        member = by_id.get(agent.agent_id)
        if member is not None:
            in_oct = [s for s in member.shares if october[0] <= fmt_timestamp(s.when) < october[1]]
            posts_n = sum(1 for s in in_oct if not s.reshare)
            shares_n = sum(1 for s in in_oct if s.inst_id is not None) + rng.randint(0, 3)
            connections = len(member.connections)
        else:
            posts_n, shares_n, connections = rng.randint(0, 2), rng.randint(0, 4), rng.randint(60, 300)
        clicks = shares_n * rng.randint(2, 14) + rng.randint(0, 9)
        kind = "Admin" if agent.direction == COMM and rng.random() < 0.3 else "User"
        created = max(agent.enrolled or date(2025, 9, 1), date(2025, 9, 1)) + timedelta(
            days=rng.randint(0, 20)
        )
        rows.append(
            (written, es_row(rng, written, kind, created, connections * shares_n, posts_n, shares_n, clicks))
        )
        kept[agent.agent_id] = {
            "name_as_written": written,
            "posts": posts_n,
            "shares": shares_n,
            "clicks": clicks,
        }
    withheld = []
    others = [
        ("refused", rng.choice([a for a in staff if a.status == "refused"])),
        ("withdrawn", rng.choice([a for a in staff if a.status == "withdrawn"])),
        *(
            ("staff", a)
            for a in rng.sample([a for a in staff if a.direction == COMM and a.status == "staff"], 2)
        ),
        ("outsider", outsider()),
    ]
    for why, agent in others:
        written = f"{agent.first} {agent.last}"
        assert not name_owners(written, people), written
        shares_n = rng.randint(0, 6)
        clicks = shares_n * rng.randint(2, 10)
        line = es_row(
            rng,
            written,
            "Admin" if why in ("staff", "outsider") else "User",
            date(2025, 9, 1),
            rng.randint(100, 900) * shares_n,
            0,
            shares_n,
            clicks,
        )
        rows.append((written, line))
        withheld.append({"name_as_written": written, "why": why, "clicks": clicks})
    rows.sort(key=lambda r: compact_name(r[0]))
    relpath = "advocacy/everyonesocial_users_2026-10.csv"
    write_everyonesocial(INBOX / relpath, [row for _, row in rows])
    return {
        "path": relpath,
        "report_month": "2026-10",
        "exported_on": "2026-11-03",
        "rows": len(rows),
        "rows_kept": len(kept),
        "rows_withheld": len(withheld),
        "withheld": withheld,
        "by_agent": dict(sorted(kept.items())),
    }


# Modification times --------------------------------------------------------------------------------


def set_mtimes(specs: list[ArchiveSpec], dated: dict[str, date]) -> dict[str, float]:
    """Give every file under the inbox the noon (UTC) of the day it was exported, and every folder
    the latest of them: "most recently obtained" is then reproducible. Returns path -> mtime."""
    days = dict(dated)
    for spec in specs:
        if spec.unpacked:
            for name in spec.files.values():
                days[f"{spec.relpath}/{name}"] = spec.exported
        else:
            days[spec.relpath] = spec.exported
    mtimes = {}
    for path in sorted(p for p in INBOX.rglob("*") if p.is_file()):
        relative = path.relative_to(INBOX).as_posix()
        if relative not in days:
            raise ValueError(f"no export date for {relative}")
        mtimes[relative] = noon_utc(days[relative])
        os.utime(path, (mtimes[relative], mtimes[relative]))
    latest = max(mtimes.values())
    for folder in sorted((p for p in INBOX.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)):
        os.utime(folder, (latest, latest))
    os.utime(INBOX, (latest, latest))
    return mtimes


def write_analytics(
    staff: list[Agent], members: list[Member], roles: dict[str, list[str]], posts: list[Post]
) -> tuple[dict, dict[str, date]]:
    """Write every analytics file; return their profile section and each file's export date."""
    rng = random.Random(ANALYTICS_SEED)
    people = [a for a in staff if a.status == "ambassador"]
    chosen, broken_owner = pick_analytics_people(rng, members, roles, people)
    exports, special = plan_creator_exports(rng, chosen, broken_owner, people)
    write_creator_exports(rng, exports)
    original, copy = write_redrop(exports, rng)
    singles = write_post_exports(rng, exports)
    page = write_page_audience(rng, posts)
    advocacy = write_advocacy_report(rng, staff, members, people)
    dated = {e.relpath: e.exported for e in exports}
    dated[copy] = REDROP_DAY
    dated.update({s["path"]: date.fromisoformat(s["exported_on"]) for s in singles})
    dated[page["followers_file"]] = dated[page["visitors_file"]] = date(2026, 11, 3)
    dated[advocacy["path"]] = date(2026, 11, 3)
    section = {
        "exports": exports,
        "special": special,
        "redrop": {"path": copy, "same_content_as": original},
        "single_posts": singles,
        "page_audience": page,
        "everyonesocial": advocacy,
    }
    return section, dated


def analytics_profile(section: dict, mtimes: dict[str, float]) -> dict:
    """The analytics part of expected_profile.json: files, overlaps and what the marts must show."""
    exports: list[CreatorExport] = section["exports"]
    resolved = resolve_daily(exports, mtimes)
    files = []
    for e in exports:
        files.append(
            {
                "path": e.relpath,
                "owner_agent_id": e.agent_id,
                "owner_found_by": e.owner_found_by,
                "layout": "AggregateAnalytics (2026)" if e.layout == "aggregate" else "Content (older)",
                "language": e.language,
                "date_order": "DMY" if e.language == "fr" else "MDY",
                "period_start": e.start.isoformat(),
                "period_end": e.end.isoformat(),
                "exported_on": e.exported.isoformat(),
                "modified_at_utc": utc_text(mtimes[e.relpath]),
                "expected_status": "quarantined" if e.broken else "loaded",
                "daily_rows": 0 if e.broken else len(e.daily),
                "top_posts_listed": 0 if e.broken else len(top_posts(e)),
            }
        )
    overlaps = []
    for key, figures in (("revised_overlap", "later export higher"), ("identical_overlap", "identical")):
        agent_id = section["special"][key]
        pair = sorted((e for e in exports if e.agent_id == agent_id), key=lambda e: e.exported)
        overlap = [d for d in pair[0].daily if d in pair[1].daily]
        differing = sum(1 for d in overlap if pair[0].daily[d] != pair[1].daily[d])
        overlaps.append(
            {
                "agent_id": agent_id,
                "earlier": pair[0].relpath,
                "later": pair[1].relpath,
                "overlap": [min(overlap).isoformat(), max(overlap).isoformat()],
                "overlap_figures": figures,
                "overlap_days_differing": differing,
                "winner_on_overlap": pair[1].relpath,
                "earlier_sum_on_overlap": sums_over(pair[0], overlap),
                "later_sum_on_overlap": sums_over(pair[1], overlap),
            }
        )
    broken = next(e for e in exports if e.broken)
    ambassadors = {}
    for agent_id in sorted(resolved):
        member = next(e.series.member for e in exports if e.agent_id == agent_id)
        months = monthly(resolved[agent_id])
        ambassadors[agent_id] = {
            "direction": member.agent.direction,
            "first_month_in_marts": first_month(member),
            "files": sorted(e.relpath for e in exports if e.agent_id == agent_id),
            "days": len(resolved[agent_id]),
            "by_month": months,
            "totals": {
                k: sum(m[k] for m in months.values())
                for k in ("impressions", "engagements", "followers_gained")
            },
        }
    es = section["everyonesocial"]
    return {
        "mtime_rule": "every file's modification time is noon UTC of the day it was exported",
        "creator_files": files,
        "creator_ambassadors": len(ambassadors),
        "overlapping_exports": overlaps,
        "redrop": {**section["redrop"], "expected_status": "ignored", "expected_kind": "duplicate"},
        "broken_file": {
            "path": broken.relpath,
            "owner_agent_id": broken.agent_id,
            "expected_status": "quarantined",
            "why": "truncated download: not a readable xlsx (zip central directory missing)",
        },
        "expected_quarantined_files": sorted(
            [broken.relpath, "divers/budget.csv", "divers/notes_reunion.txt"]
        ),
        "single_posts": section["single_posts"],
        "agent_month": {
            "rule": (
                "per ambassador and day the most recently obtained export wins; impressions, "
                "engagements_received and followers_gained of marts.agent_month are the sums below "
                "(months not listed: 0); clicks come from the EveryoneSocial report, month 2026-10"
            ),
            "by_agent": ambassadors,
            "clicks_2026_10": {k: v["clicks"] for k, v in es["by_agent"].items()},
        },
        "page_audience": section["page_audience"],
        "everyonesocial": es,
    }


def utc_text(timestamp: float) -> str:
    return (datetime(1970, 1, 1) + timedelta(seconds=timestamp)).isoformat() + "Z"


def sums_over(export: CreatorExport, days: list[date]) -> dict[str, int]:
    return {
        "impressions": sum(export.daily[d][0] for d in days),
        "engagements": sum(export.daily[d][1] for d in days),
        "followers_gained": sum(export.daily[d][2] for d in days),
    }


# --------------------------------------------------------------------------------------------------
# Expected profile
# --------------------------------------------------------------------------------------------------


def owner_summary(member: Member) -> dict:
    shares = member.shares
    months: Counter[str] = Counter(utc_month(s.when) for s in shares)
    paris: Counter[str] = Counter(paris_month(s.when) for s in shares)
    events = [*member.reposts, *member.comments, *member.reactions]
    all_dates = [s.when for s in shares] + [e.when for e in events]
    return {
        "shares": len(shares),
        "reshares_with_comment": sum(1 for s in shares if s.reshare),
        "reshares_of_institution_posts": sum(1 for s in shares if s.inst_id is not None),
        "instant_reposts": len(member.reposts),
        "instant_reposts_of_institution_posts": sum(1 for e in member.reposts if e.inst_id is not None),
        "comments": len(member.comments),
        "comments_blank_date": sum(1 for e in member.comments if e.blank_date),
        "reactions": len(member.reactions),
        "skills": len(member.skills),
        "endorsements": len(member.endorsements),
        "connections": len(member.connections),
        "shares_in_next_month_in_paris": sum(1 for s in shares if paris_month(s.when) != utc_month(s.when)),
        "first_activity": fmt_timestamp(min(all_dates)) if all_dates else None,
        "last_activity": fmt_timestamp(max(all_dates)) if all_dates else None,
        "shares_by_month_utc": dict(sorted(months.items())),
        "shares_by_month_paris": dict(sorted(paris.items())),
    }


def archive_summary(spec: ArchiveSpec) -> dict:
    agent = spec.member.agent
    return {
        "path": spec.relpath + ("/" if spec.unpacked else ""),
        "owner_agent_id": agent.agent_id or None,
        "owner_status": agent.status,
        "unpacked": spec.unpacked,
        "exported_on": spec.exported.isoformat(),
        "covers_until": (spec.cutoff - timedelta(days=1)).date().isoformat(),
        "member_id_suffix": spec.suffix_id or None,
        "old_shares_header": spec.old_shares_header,
        "header_case_variants": spec.header_case,
        "connections_preamble": spec.preamble,
        "files": spec.files,
        "rows": spec.rows,
    }


def build_profile(
    staff: list[Agent],
    members: list[Member],
    specs: list[ArchiveSpec],
    posts: list[Post],
    roles: dict[str, list[str]],
) -> dict:
    statuses = Counter(a.status for a in staff)
    included = [m for m in members if m.agent.status == "ambassador"]
    totals: Counter[str] = Counter()
    for member in included:
        summary = owner_summary(member)
        totals.update({k: v for k, v in summary.items() if isinstance(v, int)})
    return {
        "organisation": ORG,
        "seed": SEED,
        "staff": len(staff),
        "directions": len(DIRECTIONS),
        "sites": len({s for sites in SITES.values() for s in sites}),
        "ambassadors": {
            "enrolled_or_asked": sum(statuses[k] for k in ("ambassador", "refused", "withdrawn")),
            "with_consent": statuses["ambassador"],
            "refused": statuses["refused"],
            "withdrawn": statuses["withdrawn"],
            "by_direction": dict(Counter(a.direction for a in staff if a.status == "ambassador")),
            "consent_values": dict(sorted(Counter(a.consent for a in staff if a.consent).items())),
        },
        "archives": {
            "written": len(specs),
            "zip_files": sum(1 for s in specs if not s.unpacked),
            "unpacked_folders": sum(1 for s in specs if s.unpacked),
            "distinct_owners": len(members),
            "consenting_owners": len(included),
            "consenting_ambassadors_without_archive": statuses["ambassador"] - len(included),
            "withdrawn_owner": roles["withdrawn_owner"],
            "owner_not_in_roster_archive": [s.relpath for s in specs if s.member.agent.status == "outsider"],
            "owners_with_two_archives": roles["two_archives"],
            "owners_without_roster_email": roles["email_missing"],
            "silent_owners": roles["silent"],
            "owners_with_blank_comment_dates": roles["blank_dates"],
        },
        "institution_posts": {
            "content_export": sum(1 for p in posts if p.in_new),
            "updates_export": sum(1 for p in posts if p.in_old),
            "in_both_exports": sum(1 for p in posts if p.in_new and p.in_old),
            "distinct": len(posts),
            "metrics_days": len(day_range(WINDOW_START, WINDOW_END)),
        },
        "consenting_totals_deduplicated": dict(totals),
        "owners": {
            m.agent.agent_id or "not_in_roster": {"status": m.agent.status, **owner_summary(m)}
            for m in members
        },
        "archive_files": [archive_summary(s) for s in specs],
    }


# --------------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------------


def outsider() -> Agent:
    return Agent(
        "",
        "Mathilde",
        "Castagné",
        True,
        "",
        "",
        "",
        "Consultante en communication publique",
        status="outsider",
    )


def choose_roles(rng: random.Random, real: list[Agent]) -> tuple[list[Agent], dict[str, list[str]]]:
    """Pick archive owners among consenting ambassadors and the special cases."""
    latest = sorted((a for a in real if a.direction != COMM), key=lambda a: a.enrolled or date.min)[-5:]
    owners = [a for a in real if a not in latest]
    non_comm = [a for a in owners if a.direction != COMM]
    silent = rng.sample(non_comm, 6)
    rest = [a for a in owners if a not in silent]
    missing = rng.sample([a for a in rest if a.direction != COMM], 5)
    early = [a for a in rest if a not in missing and a.enrolled and a.enrolled < date(2026, 3, 1)]
    double = rng.sample(early, 2)
    roles = {
        "silent": [a.agent_id for a in silent],
        "email_missing": [a.agent_id for a in missing],
        "two_archives": [a.agent_id for a in double],
        "without_archive": [a.agent_id for a in latest],
    }
    return owners, roles


def main(argv: list[str] | None = None) -> None:
    """Write the demo inbox and its profile (into ``--out DIR`` instead of ``seeds/demo/`` if given)."""
    global INBOX, PROFILE_PATH
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write inbox/ and expected_profile.json under this folder")
    args = parser.parse_args(argv)
    if args.out:
        INBOX, PROFILE_PATH = args.out / "inbox", args.out / "expected_profile.json"
    rng = random.Random(SEED)
    if INBOX.exists():
        shutil.rmtree(INBOX)
    INBOX.mkdir(parents=True)
    staff = make_staff(rng)
    ambassadors = pick_ambassadors(rng, staff)
    enrol(rng, ambassadors)
    admins = rng.sample([a for a in staff if a.direction == COMM], 3)
    posts = make_institution_posts(rng, admins)
    pools = Pools(posts, make_other_posts(rng), sorted({a.first for a in staff}))
    real = [a for a in ambassadors if a.status == "ambassador"]
    owners, roles = choose_roles(rng, real)
    withdrawn = rng.choice([a for a in ambassadors if a.status == "withdrawn"])
    roles["withdrawn_owner"] = [withdrawn.agent_id]
    members = [
        build_member(rng, a, pools, a.agent_id in roles["silent"], a.agent_id not in roles["email_missing"])
        for a in [*owners, withdrawn]
    ]
    members.append(build_member(rng, outsider(), pools, False, False))
    pin_example_night_share(members)
    roles["blank_dates"] = blank_some_comment_dates(rng, members)
    specs = plan_archives(rng, members, roles)
    for spec in specs:
        write_archive(rng, spec)
    record_actions(members, posts)
    newer = write_content_export(rng, posts)
    write_updates_export(rng, posts, newer)
    write_staff_roster(staff)
    write_misc()
    section, dated = write_analytics(staff, members, roles, posts)
    mtimes = set_mtimes(specs, {**BASE_EXPORT_DATES, **dated})
    profile = build_profile(staff, members, specs, posts, roles)
    profile["analytics"] = analytics_profile(section, mtimes)
    PROFILE_PATH.write_text(json.dumps(profile, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
