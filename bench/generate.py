"""Generate synthetic organisations at benchmark scales, in the real export formats Relais reads.

``python bench/generate.py --scale {S,M,L} --out DIR [--workers N] [--seed N] [--increment]`` writes a
Relais home's inputs under ``DIR``: ``inbox/`` (HR roster under ``rh/``, LinkedIn member archives under
``archives/``, creator analytics exports under ``analytique/``, Page exports under ``page/``), an
ESCO-sized skills framework ``skills_esco.csv`` (ESCO v1.2 ``skills_fr.csv`` layout, generated French
labels), ``relais.toml`` pointing at it, and ``profile.json`` with the counts written. S copies the
demo organisation (``seeds/demo/inbox``); M is 5,000 ambassadors among 25,000 staff and L 50,000 among
250,000, over the 24 months ending 2026-10-31. With ``--increment`` the month after (2026-11, up to
``--increment-until``) is written into ``DIR/increment/inbox/`` with the inbox's layout: newer archives
of some ambassadors, analytics exports of the month and a Page export, for a monthly incremental refresh.
Output is byte-for-byte deterministic for a seed and a scale, whatever the number of workers: every
chunk of ``CHUNK_AGENTS`` ambassadors draws from its own ``random.Random`` seeded by the seed and the
chunk's number, zip and workbook timestamps are fixed and no content reads the clock. The files are written
by the shared writers of ``relais.synthetic`` (run the script from the project's virtualenv).
"""

from __future__ import annotations

import argparse
import calendar
import csv
import io
import json
import math
import multiprocessing
import os
import random
import shutil
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

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
    write_zip,
)
from relais.synthetic.creator import (
    CREATOR_LABELS,
    creator_export_sheets,
    creator_file_name,
    demographic_percent,
)
from relais.synthetic.page import (
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
from relais.synthetic.reports import write_roster
from relais.synthetic.text import (
    ascii_fold,
    csv_field,
    csv_line,
    email_part,
    fmt_connected,
    fmt_day,
    fmt_dmy,
    fmt_endorsed,
    fmt_mdy,
    fmt_month_year,
    fmt_updated_on,
    slugify,
)
from relais.synthetic.workbooks import Cell, Rows, write_workbook

REPO = Path(__file__).resolve().parents[1]
DEMO_INBOX = REPO / "seeds" / "demo" / "inbox"
DEMO_PROFILE = REPO / "seeds" / "demo" / "expected_profile.json"
LAST_DAY = date(2026, 10, 31)
INCREMENT_UNTIL = date(2026, 11, 20)
"""Default last day of the increment month: exports must hold past events, and this machine's clock
reads 2026-11-22; pass ``--increment-until 2026-11-30`` once the month is over."""
CHUNK_AGENTS = 100
ESCO_SKILLS = 13_939
DAY_SECONDS = 86_400
DOMAIN = "bench-territoire.fr"
PAGE_SLUG = "bench-territoire"
PROGRESS_SECONDS = 3.0

# Activity: expected events a month for an enrolled ambassador of level 1 (calibrated so that L has
# about 40 posts and reshares and 120 reactions and comments per ambassador over 24 months).
SHARES_PER_MONTH = 2.0
REPOSTS_PER_MONTH = 1.35
COMMENTS_PER_MONTH = 2.6
REACTIONS_PER_MONTH = 8.0
ARCHIVE_SHARE = 0.92
SILENT_SHARE = 0.08
ANALYTICS_SHARE = 0.85
TWO_EXPORTS_SHARE = 0.58
INCREMENT_ARCHIVE_SHARE = 0.25
INCREMENT_ANALYTICS_SHARE = 0.5
SKILL_POST_SHARE = 0.3

# --------------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------------


def words(text: str, separator: str | None = None) -> list[str]:
    """The distinct words of a text, in order (split on ``separator``, whitespace by default)."""
    return list(dict.fromkeys(text.split(separator)))


FEMALE_FIRST = words(
    "Hélène Éloïse Camille Sophie Nathalie Isabelle Céline Amélie Léa Chloé Manon Inès Élodie Aurélie "
    "Valérie Sandrine Stéphanie Julie Marion Laure Mélanie Noémie Clémence Agnès Bérénice Françoise "
    "Geneviève Martine Sylvie Christelle Anaïs Maëlle Zoé Juliette Pauline Émilie Gaëlle Margaux Coralie "
    "Danièle Fatima Nadia Yasmina Aïcha Océane Solène Capucine Josiane Mireille Raphaëlle Ophélie "
    "Lætitia Brigitte Corinne Alice Louise Emma Jade Lina Rose Anna Mila Ambre Lucie Sarah Léna Eva Nina "
    "Romane Lola Alix Victoire Charlotte Clara Adèle Margot Agathe Mathilde Élise Jeanne Lou Salomé "
    "Justine Marine Laura Audrey Caroline Virginie Karine Véronique Florence Catherine Christine "
    "Dominique Patricia Annie Monique Chantal Nicole Jacqueline Odile Bernadette Ghislaine Maryse "
    "Élisabeth Estelle Gwenaëlle Morgane Soizic Armelle Myriam Samia Leïla Khadija Amina Mariam"
)
MALE_FIRST = words(
    "Jérôme Thomas Nicolas Julien Sébastien Frédéric Stéphane Laurent Olivier Christophe Hervé Benoît "
    "Grégoire Mathieu Antoine Hugo Lucas Théo Rémi Loïc Gaël Cédric François Raphaël Noël Joël Maxime "
    "Romain Yannick Denis Patrice Didier Karim Mehdi Samir Bruno Éric Gérard Damien Aurélien Clément "
    "Baptiste Victor Adrien Florian Guillaume Xavier Thierry Anthony Jordan Mickaël Sylvain Gabriel "
    "Léo Louis Arthur Jules Adam Nathan Paul Ethan Tom Noah Sacha Axel Enzo Mathis Timéo Martin Gaspard "
    "Bastien Quentin Vincent Alexandre Pierre David Philippe Alain Michel Daniel Bernard Jacques Marc "
    "Serge Pascal Gilles Yves Alain Régis Fabrice Franck Ludovic Arnaud Cyril Erwan Tanguy Yann Ronan "
    "Killian Malo Youssef Rachid Nordine Moussa Ibrahim Amadou Bilal Hamza Idriss Kévin Dylan Valentin "
    "Corentin Matthieu Emmanuel Jean Luc Marcel René Roger"
)
COMPOUND_FIRST = ("Marie", "Anne", "Jean", "Pierre")
LAST_NAMES = words(
    "Lefèvre,Bénard,Martin,Bernard,Dubois,Thomas,Robert,Richard,Petit,Durand,Leroy,Moreau,Simon,Laurent,"
    "Lefebvre,Michel,Garcia,David,Bertrand,Roux,Vincent,Fournier,Morel,Girard,André,Mercier,Dupont,"
    "Lambert,Bonnet,François,Martinez,Legrand,Garnier,Faure,Rousseau,Blanc,Guérin,Muller,Henry,Roussel,"
    "Perrin,Morin,Mathieu,Clément,Gauthier,Dumont,Lopez,Fontaine,Chevalier,Robin,Masson,Sanchez,Gérard,"
    "Nguyen,Boyer,Denis,Lemaire,Duval,Joly,Gautier,Roger,Roche,Noël,Meyer,Meunier,Pérez,Marchand,Dufour,"
    "Blanchard,Barbier,Brun,Dumas,Brunet,Schmitt,Leroux,Colin,Fernandez,Renard,Arnaud,Rolland,Caron,"
    "Aubert,Giraud,Leclerc,Vidal,Bourgeois,Renaud,Lemoine,Picard,Gaillard,Lacroix,Fabre,Dupuis,Rodriguez,"
    "Da Silva,Hubert,Guillot,Rivière,Le Gall,Moulin,Berger,Lecomte,Ménard,Fleury,Deschamps,Carpentier,"
    "Maillard,Aubry,Vasseur,Le Roux,Jacquet,Prévost,Poirier,Charpentier,Royer,Huet,Carré,Hébert,Besnard,"
    "Thébault,Crépin,Bégué,N'Diaye,Benali,Haddad,Traoré,Lagarde,Bouvier,Després,Châtelain,Delaunay,"
    "Lévêque,Bénichou,Collet,Langlois,Marty,Leblanc,Guillaume,Barre,Bailly,Hamon,Millet,Perrot,Bouchet,"
    "Tessier,Paris,Leconte,Chauvin,Germain,Rey,Boucher,Mallet,Cordier,Gilbert,Lebrun,Marechal,Pelletier,"
    "Baron,Lemercier,Bertin,Cousin,Guillon,Barthélemy,Etienne,Riviere,Leclercq,Benoit,Bouvet,Humbert,"
    "Chevallier,Pasquier,Texier,Marie,Lebon,Tanguy,Le Goff,Perret,Weber,Klein,Dubreuil,Vallée,Ferrand,"
    "Delmas,Laine,Olivier,Maury,Descamps,Gomez,Collin,Lemaître,Besson,Jourdan,Camus,Hoarau,Payet,"
    "Grondin,Fontaine,Leduc,Morvan,Le Bihan,Kerbrat,Quéré,Guéguen,Le Floch,Cariou,Salaün,Tournier,"
    "Pons,Bonnin,Granger,Ollivier,Guyot,Devaux,Charrier,Michaud,Pichon,Martel,Rossi,Bianchi,Ferreira,"
    "Pereira,Santos,Oliveira,Costa,Mendes,Benhamou,Bensaïd,Cherif,Mansouri,Belkacem,Diallo,Camara,Sow,"
    "Touré,Cissé,Keita,Koné,Tran,Pham,Le,Vu,Dang,Wagner,Schneider,Fischer,Hoffmann,Zimmermann",
    ",",
)
MONTHS_FR = MONTHS_BY_LANGUAGE["fr"]
DIRECTIONS: dict[str, tuple[int, tuple[str, ...]]] = {
    "Direction de la communication": (2, ("Chargé(e) de communication", "Community manager", "Graphiste")),
    "Direction des ressources humaines": (5, ("Gestionnaire carrière et paie", "Chargé(e) de recrutement")),
    "Direction des finances": (3, ("Gestionnaire comptable", "Contrôleur(se) de gestion")),
    "Direction de la commande publique": (2, ("Acheteur(se) public(que)", "Juriste marchés publics")),
    "Direction du numérique": (3, ("Développeur(se)", "Technicien(ne) support", "Chef(fe) de projet SI")),
    "Direction de l'éducation et des lycées": (16, ("Agent(e) des lycées", "Cuisinier(e)", "Gestionnaire")),
    "Direction des solidarités": (10, ("Travailleur(se) social(e)", "Conseiller(e) ESF")),
    "Direction de l'enfance et de la famille": (7, ("Éducateur(rice) spécialisé(e)", "Puériculteur(rice)")),
    "Direction de l'autonomie": (6, ("Évaluateur(rice) APA", "Coordinateur(rice) seniors")),
    "Direction des routes et des mobilités": (9, ("Agent(e) d'exploitation des routes", "Technicien(ne)")),
    "Direction du patrimoine bâti": (5, ("Technicien(ne) bâtiment", "Électricien(ne)", "Plombier(e)")),
    "Direction de la culture et du patrimoine": (4, ("Médiateur(rice) culturel(le)", "Archiviste")),
    "Direction de l'environnement": (4, ("Chargé(e) de mission biodiversité", "Garde du littoral")),
    "Direction de l'aménagement du territoire": (3, ("Urbaniste", "Géomaticien(ne)", "Chargé(e) d'études")),
    "Direction des affaires juridiques": (1, ("Juriste", "Assistant(e) juridique")),
    "Direction du développement économique": (2, ("Chargé(e) de développement", "Chargé(e) d'affaires")),
    "Direction de l'insertion et de l'emploi": (4, ("Conseiller(e) en insertion", "Référent(e) RSA")),
    "Direction des sports et de la jeunesse": (3, ("Éducateur(rice) sportif(ve)", "Animateur(rice)")),
    "Direction de la santé publique": (3, ("Infirmier(e)", "Médecin de PMI", "Sage-femme")),
    "Direction des moyens généraux": (6, ("Agent(e) logistique", "Chauffeur(se)", "Agent(e) d'accueil")),
}
COMM = "Direction de la communication"
GENERIC_TITLES = (
    "Chargé(e) de mission",
    "Assistant(e) de direction",
    "Gestionnaire administratif(ve)",
    "Chef(fe) de service",
    "Responsable d'unité",
    "Agent(e) d'accueil",
    "Secrétaire",
)
TOWNS = words(
    "Aurignac Belcastel Castelnau Saint-Aubin Villefranche Montbrun Lagrange Roquefort Beaumont "
    "Fontenay Clairvaux Valmont Mirande Lectoure Figeac Marciac Samatan Revel Cazères Muret Lavaur "
    "Graulhet Gaillac Rabastens Carmaux Millau Espalion Decazeville Saint-Affrique Rodez"
)
HOUR_WEIGHTS = (3, 8, 10, 9, 7, 8, 10, 9, 7, 7, 8, 9, 8, 6, 5, 4)
HOUR_POOL = [hour for hour, weight in zip(range(5, 21), HOUR_WEIGHTS, strict=True) for _ in range(weight)]
"""UTC hours people post at (05:00 to 20:59), weighted: no event ever falls in the next Paris month."""
REACTION_TYPES = ["LIKE"] * 55 + ["PRAISE"] * 18 + ["EMPATHY"] * 10 + ["INTEREST"] * 8
REACTION_TYPES += ["APPRECIATION"] * 6 + ["ENTERTAINMENT"] * 3
HASHTAGS = words(
    "#ServicePublic #FonctionPubliqueTerritoriale #Territoires #Recrutement #MarqueEmployeur "
    "#TransitionÉcologique #Numérique #Solidarité #Collectivités #Innovation #Jeunesse #Culture "
    "#Mobilités #Emploi #Apprentissage #QualitéDeVieAuTravail #Environnement #Inclusion"
)
EVENTS = (
    "le Forum de l'emploi public",
    "la Journée portes ouvertes",
    "la Semaine du développement durable",
    "les Journées européennes du patrimoine",
    "le Salon des métiers",
    "la Fête de la science",
    "la rentrée des lycées",
    "le séminaire des encadrants",
    "la Nuit de la lecture",
    "la réunion publique du schéma des mobilités",
    "le Hackathon des services publics",
    "la Semaine bleue",
)
PROJECTS = (
    "Plan vélo 2030",
    "Lycées zéro carbone",
    "Guichet numérique",
    "Schéma des solidarités",
    "Routes sûres",
    "Territoire d'industrie",
    "Budget participatif",
    "Plan de sobriété énergétique",
    "Maison de l'autonomie",
    "Parcours d'accueil des nouveaux agents",
)
INST_TEMPLATES = (
    "📢 Nous recrutons : {n} postes ouverts à la {dir}. Candidatures jusqu'au {day}.",
    "Retour en images sur {event} : merci aux {n} participants !",
    "Projet « {project} » : point d'étape et prochaines échéances.",
    "Nos agents à l'honneur : découvrez le métier de {title}.",
    "{Event} : le programme complet est en ligne.",
    "Séance plénière du {day} : les principales délibérations à retenir.",
    "Travaux : ce qui change pour la circulation à {town} à partir du {day}.",
    "Apprentissage : {n} apprentis accueillis cette année dans nos services.",
    "Qualité de vie au travail : {n} agents formés aux premiers secours.",
    "Solidarité : {n} familles accompagnées ce trimestre par nos équipes.",
    "Transition écologique : {n} bâtiments rénovés depuis le début du mandat.",
    "{Event} à {town} le {day} : venez rencontrer nos équipes.",
)
OWN_POSTS = (
    "Très fier(e) d'avoir participé à {event} avec l'équipe de la {dir}.",
    "Belle journée à {town} pour {event} : merci à toutes et à tous pour votre mobilisation !",
    "Nouvelle étape franchie sur le projet « {project} » : {n} semaines de travail collectif.",
    "Nous recrutons à la {dir} : poste de {title} à pourvoir. Partagez autour de vous !",
    "Quelques mots sur mon métier de {title} : polyvalence, écoute et sens du collectif.",
    "Premier bilan du projet « {project} » : des délais tenus grâce à une équipe engagée.",
    "Merci aux habitants venus nombreux à {event}. Le dialogue reste au cœur de notre métier.",
    "Heureux(se) de rejoindre le réseau des ambassadeurs pour faire connaître nos métiers.",
    "Le « {project} » avance : merci aux équipes pour leur réactivité.",
    "Retour sur une semaine bien remplie au service des usagers de {town}.",
)
EN_POSTS = (
    "Great day at {event} with my colleagues from the {dir}!",
    "Proud to work on the {project} project with such a committed team.",
    "We're hiring! Join a team that makes public service work.",
)
SKILL_LINES = (
    "Au programme : {skills}.",
    "Formation terminée : {skills} 🎓",
    "Ce que ce projet m'a appris : {skills}.",
    "Compétences mobilisées : {skills}.",
    "Merci à mes collègues pour leur expertise en {skills}.",
)
SECOND_LINES = (
    "Merci à {colleague} pour son aide précieuse.",
    "Plus d'infos sur notre site.",
    "Prochaine étape : {event}.",
    "Et vous, qu'en pensez-vous ?",
    "Bravo à toutes les équipes mobilisées 👏",
)
RESHARE_COMMENTS = (
    "Fier(e) de contribuer à ce projet avec mes collègues !",
    "À lire 👇",
    "Bravo aux équipes pour ce beau travail.",
    "Une belle initiative pour nos habitants.",
    "Venez nombreux !",
    "Je relaie avec plaisir.",
    "N'hésitez pas à postuler et à partager 🙏",
    "Le service public en action 💪",
    "Great work by our colleagues!",
)
COMMENT_MESSAGES = (
    "Bravo à toute l'équipe !",
    'Bravo pour ce "beau" projet',
    "Merci pour le partage !",
    "Super initiative 👏",
    "Très belle réussite collective.",
    "Hâte de voir le résultat !",
    "Félicitations {first} !",
    'Une journée "riche" en échanges, merci.',
    "Congrats to the whole team!",
    "Bravo !\nJ'y serai avec toute l'équipe.",
    'Merci pour ce partage.\nLe "Forum de l\'emploi" était une réussite.',
)
OTHER_AUTHORS = (
    "cnfpt",
    "france-travail",
    "la-gazette-des-communes",
    "departement-voisin",
    "region-voisine",
    "cdg-territorial",
    "marie-castel-4b21a9",
    "julien-perrot-88c1f0",
    "nadia-belkacem-2a7e31",
)
EXTERNAL_SITES = (
    "https://www.bench-territoire.fr/actualites/",
    "https://www.lagazettedescommunes.com/",
    "https://www.cnfpt.fr/actualites/",
    "https://www.emploi-territorial.fr/offre/",
)
PERSONAL_DOMAINS = ("gmail.com", "gmail.com", "orange.fr", "free.fr", "laposte.net", "hotmail.fr")
COMPANIES = ("Bench Territoire", "CNFPT", "France Travail", "Orange", "La Poste", "SNCF", "Capgemini", "EDF")
POSITIONS = ("Chargé de mission", "Consultant", "Cheffe de projet", "Ingénieur", "Juriste", "Technicien")
ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
# ESCO-like framework vocabulary: (verb, noun) pairs and objects, by family of activity.
ESCO_FAMILIES: dict[str, tuple[tuple[tuple[str, str], ...], tuple[str, ...]]] = {
    "administration": (
        (
            ("gérer", "gestion"),
            ("rédiger", "rédaction"),
            ("vérifier", "vérification"),
            ("archiver", "archivage"),
            ("contrôler", "contrôle"),
            ("préparer", "préparation"),
            ("instruire", "instruction"),
            ("suivre", "suivi"),
            ("analyser", "analyse"),
            ("sécuriser", "sécurisation"),
        ),
        (
            "des dossiers administratifs",
            "des marchés publics",
            "des contrats",
            "la correspondance officielle",
            "des actes administratifs",
            "les délibérations",
            "des registres d'état civil",
            "la paie",
            "le budget",
            "des subventions",
            "des factures",
            "des procédures de recrutement",
            "des archives",
            "des conventions de partenariat",
            "des appels d'offres",
            "la commande publique",
            "des états financiers",
            "des indicateurs de performance",
            "des tableaux de bord",
            "des demandes d'autorisation",
        ),
    ),
    "accompagnement": (
        (
            ("accompagner", "accompagnement"),
            ("informer", "information"),
            ("encadrer", "encadrement"),
            ("orienter", "orientation"),
            ("conseiller", "conseil"),
            ("recruter", "recrutement"),
            ("accueillir", "accueil"),
            ("mobiliser", "mobilisation"),
        ),
        (
            "des usagers",
            "des bénévoles",
            "des équipes pluridisciplinaires",
            "des apprentis",
            "des personnes âgées",
            "des familles",
            "des publics vulnérables",
            "des jeunes",
            "des demandeurs d'emploi",
            "des élus",
            "des partenaires institutionnels",
            "des agents",
            "des stagiaires",
            "des patients",
            "des élèves",
            "des aidants",
        ),
    ),
    "technique": (
        (
            ("entretenir", "entretien"),
            ("installer", "installation"),
            ("diagnostiquer", "diagnostic"),
            ("exploiter", "exploitation"),
            ("maintenir", "maintenance"),
            ("inspecter", "inspection"),
            ("moderniser", "modernisation"),
            ("configurer", "configuration"),
            ("réparer", "réparation"),
            ("superviser", "supervision"),
        ),
        (
            "des réseaux informatiques",
            "des bases de données",
            "des systèmes d'information",
            "des équipements électriques",
            "des installations de chauffage",
            "des bâtiments publics",
            "des espaces verts",
            "la voirie",
            "des véhicules de service",
            "des réseaux d'eau potable",
            "des logiciels métiers",
            "des serveurs",
            "des outils numériques",
            "des données géographiques",
            "des ouvrages d'art",
            "des équipements sportifs",
            "des systèmes de vidéoprotection",
            "des installations photovoltaïques",
            "des dispositifs de sécurité incendie",
            "des ascenseurs",
        ),
    ),
    "communication": (
        (
            ("concevoir", "conception"),
            ("organiser", "organisation"),
            ("animer", "animation"),
            ("promouvoir", "promotion"),
            ("évaluer", "évaluation"),
            ("coordonner", "coordination"),
            ("produire", "production"),
            ("diffuser", "diffusion"),
            ("planifier", "planification"),
            ("valoriser", "valorisation"),
        ),
        (
            "des campagnes de communication",
            "des contenus numériques",
            "des communiqués de presse",
            "des événements publics",
            "des réunions publiques",
            "des supports pédagogiques",
            "des publications sur les réseaux sociaux",
            "des lettres d'information",
            "des expositions",
            "des conférences",
            "des ateliers participatifs",
            "des enquêtes de satisfaction",
            "des visites guidées",
            "des concertations citoyennes",
            "des vidéos institutionnelles",
        ),
    ),
    "pilotage": (
        (
            ("piloter", "pilotage"),
            ("élaborer", "élaboration"),
            ("mettre en œuvre", "mise en œuvre"),
            ("réaliser", "réalisation"),
            ("développer", "développement"),
            ("optimiser", "optimisation"),
            ("formaliser", "formalisation"),
            ("cadrer", "cadrage"),
            ("financer", "financement"),
            ("sécuriser juridiquement", "sécurisation juridique"),
        ),
        (
            "des projets d'aménagement",
            "des projets culturels",
            "des projets de rénovation énergétique",
            "des projets européens",
            "des projets numériques",
            "des programmes de formation",
            "des politiques publiques",
            "des plans d'action",
            "des démarches qualité",
            "des schémas directeurs",
            "des études de faisabilité",
            "des diagnostics territoriaux",
            "des opérations de travaux",
            "des dispositifs d'insertion",
            "des contrats de territoire",
        ),
    ),
}
ESCO_CONTEXTS = (
    "",
    "en milieu hospitalier",
    "dans une collectivité territoriale",
    "en milieu scolaire",
    "dans le secteur culturel",
    "en situation d'urgence",
    "dans un contexte international",
    "en milieu rural",
    "dans le respect de la réglementation",
    "à l'aide d'outils numériques",
    "en équipe pluridisciplinaire",
    "dans le secteur médico-social",
    "en mode projet",
    "dans le secteur portuaire",
    "en zone de montagne",
)
KNOWLEDGE_FIELDS = (
    "droit",
    "réglementation",
    "principes",
    "techniques",
    "méthodes",
    "normes",
    "économie",
    "sociologie",
    "histoire",
    "ingénierie",
    "sécurité",
    "outils",
    "fondamentaux",
    "enjeux",
    "cadre juridique",
    "éthique",
    "statistiques",
    "géographie",
    "financement",
    "gouvernance",
    "évaluation",
    "prospective",
    "pédagogie",
    "management",
)
KNOWLEDGE_DOMAINS = (
    "de l'urbanisme",
    "de la santé publique",
    "des collectivités territoriales",
    "de la fonction publique",
    "de l'environnement",
    "des marchés publics",
    "du travail",
    "de l'éducation",
    "de l'action sociale",
    "de la protection de l'enfance",
    "des mobilités",
    "de l'énergie",
    "du logement",
    "de la culture",
    "du patrimoine",
    "du sport",
    "de la jeunesse",
    "de l'agriculture",
    "de la forêt",
    "de l'eau",
    "des déchets",
    "du numérique",
    "de la cybersécurité",
    "des données personnelles",
    "de l'intelligence artificielle",
    "de la communication publique",
    "des relations presse",
    "de la comptabilité publique",
    "de la fiscalité locale",
    "des finances publiques",
    "de la commande publique",
    "de l'achat responsable",
    "de la gestion des risques",
    "de la prévention des risques professionnels",
    "de la qualité de vie au travail",
    "de l'égalité professionnelle",
    "du handicap",
    "de la dépendance",
    "de l'insertion professionnelle",
    "de la formation professionnelle",
    "de l'apprentissage",
    "du développement économique",
    "du tourisme",
    "de l'aménagement du territoire",
    "des transports scolaires",
    "de la voirie",
    "des ouvrages d'art",
    "de la biodiversité",
    "du littoral",
    "de la montagne",
    "des espaces naturels sensibles",
    "de l'archivistique",
    "de la documentation",
    "de la lecture publique",
    "de la médiation culturelle",
    "de l'action internationale",
    "des fonds européens",
    "de la démocratie participative",
    "de la laïcité",
    "de la restauration collective",
    "de l'hygiène alimentaire",
    "de la petite enfance",
    "de la gérontologie",
    "de la santé mentale",
    "de la prévention spécialisée",
    "de la politique de la ville",
    "de la sécurité routière",
    "de la transition écologique",
    "de l'économie sociale et solidaire",
    "de la statistique publique",
)


# --------------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------------


def compact(text: str) -> str:
    """A name as the pipeline compares names: accents, case and every separator dropped."""
    return "".join(c for c in ascii_fold(text).lower() if c.isalnum())


def epoch_seconds(day: date) -> int:
    return calendar.timegm((day.year, day.month, day.day, 0, 0, 0))


def noon_utc(day: date) -> float:
    """The POSIX time of noon UTC on ``day``: every generated file's modification time."""
    return float(epoch_seconds(day) + 12 * 3600)


def poisson(rng: random.Random, lam: float) -> int:
    """A Poisson draw (Knuth's method below 30, a rounded normal above)."""
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, int(rng.gauss(lam, math.sqrt(lam)) + 0.5))
    limit, count, product = math.exp(-lam), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def month_start(year: int, month: int, offset: int) -> date:
    """The first day of the month ``offset`` months after (year, month)."""
    index = year * 12 + month - 1 + offset
    return date(index // 12, index % 12 + 1, 1)


def paris_offset_hours(moment: datetime) -> int:
    """Europe/Paris UTC offset of a naive UTC moment (EU rule: last Sundays of March and October, 01:00)."""

    def last_sunday(month: int) -> datetime:
        day = datetime(moment.year, month, calendar.monthrange(moment.year, month)[1], 1)
        return day - timedelta(days=(day.weekday() + 1) % 7)

    return 2 if last_sunday(3) <= moment < last_sunday(10) else 1


# --------------------------------------------------------------------------------------------------
# Scales and window
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scale:
    """How big an organisation is: staff, consenting ambassadors, months of history."""

    name: str
    staff: int
    ambassadors: int
    months: int = 24


SCALES = {"M": Scale("M", 25_000, 5_000), "L": Scale("L", 250_000, 50_000)}


@dataclass(frozen=True)
class Window:
    """The days generated: ``months`` full months ending ``LAST_DAY``, plus the increment month.

    Moments are whole seconds since the window's first day at 00:00 UTC; day ``i`` is
    ``first_day + i``. ``base_end`` and ``increment_end`` are the (exclusive) second bounds.
    """

    first_day: date
    months: int
    increment_last: date

    @property
    def days(self) -> int:
        """Days of the base window."""
        return (LAST_DAY - self.first_day).days + 1

    @property
    def all_days(self) -> int:
        """Days of the base window and of the increment."""
        return (self.increment_last - self.first_day).days + 1

    @property
    def base_end(self) -> int:
        return self.days * DAY_SECONDS

    @property
    def increment_end(self) -> int:
        return self.all_days * DAY_SECONDS

    def day(self, index: int) -> date:
        return self.first_day + timedelta(days=index)

    def month_bounds(self, index: int) -> tuple[int, int]:
        """First day index and (exclusive) last day index of month ``index`` (the increment is ``months``)."""
        start = month_start(self.first_day.year, self.first_day.month, index)
        end = month_start(self.first_day.year, self.first_day.month, index + 1)
        first = (start - self.first_day).days
        return first, min((end - self.first_day).days, self.all_days)

    def month_of_day(self, index: int) -> int:
        day = self.day(index)
        return (day.year - self.first_day.year) * 12 + day.month - self.first_day.month

    def paris_month(self, moment: int) -> int:
        """The month index, in Paris time, of a moment."""
        when = datetime.combine(self.first_day, datetime.min.time()) + timedelta(seconds=moment)
        local = when + timedelta(hours=paris_offset_hours(when))
        return (local.year - self.first_day.year) * 12 + local.month - self.first_day.month


def make_window(months: int, increment_last: date) -> Window:
    """The window of ``months`` months ending ``LAST_DAY``."""
    first = month_start(LAST_DAY.year, LAST_DAY.month, 1 - months)
    if not LAST_DAY < increment_last <= date(2026, 11, 30):
        raise SystemExit("--increment-until must fall in November 2026")
    return Window(first, months, increment_last)


# --------------------------------------------------------------------------------------------------
# Progress
# --------------------------------------------------------------------------------------------------


class Progress:
    """Progress lines on stderr: phase, items done / total, rate and ETA, every few seconds."""

    def __init__(self, label: str, stream: Any = None) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.phase, self.total, self.unit = "", 0, ""
        self.started = self.last = time.monotonic()

    def start(self, phase: str, total: int, unit: str) -> None:
        """Begin a phase of ``total`` items."""
        self.phase, self.total, self.unit = phase, total, unit
        self.started = self.last = time.monotonic()
        self._say(f"{phase}: 0/{total:,} {unit}")

    def update(self, done: int, force: bool = False) -> None:
        """Report ``done`` items when the last line is a few seconds old (or when ``force``)."""
        now = time.monotonic()
        if not force and now - self.last < PROGRESS_SECONDS:
            return
        self.last = now
        elapsed = max(now - self.started, 1e-6)
        rate = done / elapsed
        left = (self.total - done) / rate if rate > 0 else 0.0
        share = 100.0 * done / self.total if self.total else 100.0
        self._say(
            f"{self.phase}: {done:,}/{self.total:,} {self.unit} ({share:.0f} %), "
            f"{rate:,.1f} {self.unit}/s, elapsed {elapsed:,.0f} s, ETA {left:,.0f} s"
        )

    def done(self, done: int) -> None:
        """Close the phase."""
        self.update(done, force=True)

    def _say(self, text: str) -> None:
        print(f"[bench {self.label}] {text}", file=self.stream, flush=True)


# --------------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------------


def set_mtime(path: Path, mtime: float) -> int:
    """Date a written file (its export day) and return its size."""
    os.utime(path, (mtime, mtime))
    return path.stat().st_size


# --------------------------------------------------------------------------------------------------
# ESCO-sized skills framework
# --------------------------------------------------------------------------------------------------

ESCO_HEADER = [
    "conceptType",
    "conceptUri",
    "skillType",
    "reuseLevel",
    "preferredLabel",
    "altLabels",
    "hiddenLabels",
    "status",
    "modifiedDate",
    "scopeNote",
    "definition",
    "inScheme",
    "description",
]
REUSE_LEVELS = ("sector-specific", "cross-sector", "occupation-specific", "transversal")


def of_object(obj: str) -> str:
    """The complement of a noun: 'la paie' -> 'de la paie', 'le budget' -> 'du budget', 'des x' stays."""
    if obj.startswith("des "):
        return obj
    if obj.startswith("les "):
        return "des " + obj[4:]
    if obj.startswith("le "):
        return "du " + obj[3:]
    return "de " + obj


def framework_concepts() -> list[tuple[str, str, list[str]]]:
    """(skill type, preferred label, alt labels) of every generated concept, in a fixed order."""
    concepts: list[tuple[str, str, list[str]]] = []
    for context in ESCO_CONTEXTS:
        tail = f" {context}" if context else ""
        for verbs, objects in ESCO_FAMILIES.values():
            for obj in objects:
                for verb, noun in verbs:
                    alts = [f"{noun} {of_object(obj)}{tail}"]
                    if obj.startswith("des "):
                        alts.append(f"{verb} les {obj[4:]}{tail}")
                    concepts.append(("skill/competence", f"{verb} {obj}{tail}", alts))
    for field in KNOWLEDGE_FIELDS:
        for domain in KNOWLEDGE_DOMAINS:
            label = f"{field} {domain}"
            concepts.append(("knowledge", label, [f"connaissances en {label}"]))
    return concepts


def build_framework(count: int = ESCO_SKILLS) -> list[list[str]]:
    """``count`` ESCO rows (v1.2 ``skills_fr.csv`` columns), deterministic whatever the seed."""
    rng = random.Random(20241101)
    concepts = framework_concepts()
    rng.shuffle(concepts)
    if len(concepts) < count:
        raise RuntimeError(f"the vocabulary yields {len(concepts)} concepts, fewer than {count}")
    rows = []
    for skill_type, label, alts in concepts[:count]:
        uuid = f"{rng.getrandbits(128):032x}"
        uri = f"http://data.europa.eu/esco/skill/{uuid[:8]}-{uuid[8:12]}-{uuid[12:16]}-{uuid[16:20]}-{uuid[20:]}"
        modified = f"20{rng.randint(16, 23)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T10:00:00Z"
        rows.append(
            [
                "KnowledgeSkillCompetence",
                uri,
                skill_type,
                rng.choice(REUSE_LEVELS),
                label,
                "\n".join(alts),
                "",
                "released",
                modified,
                "",
                f"Capacité à {label}." if skill_type != "knowledge" else f"Connaissance : {label}.",
                "http://data.europa.eu/esco/concept-scheme/member-skills, "
                "http://data.europa.eu/esco/concept-scheme/skills",
                f"{label[0].upper()}{label[1:]}.",
            ]
        )
    return rows


def write_framework(path: Path) -> list[tuple[str, ...]]:
    """Write the framework CSV; return each skill's surface forms (preferred label first)."""
    rows = build_framework()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ESCO_HEADER)
    writer.writerows(rows)
    path.write_bytes(out.getvalue().encode("utf-8"))
    return [(row[4], *row[5].split("\n")) for row in rows]


# --------------------------------------------------------------------------------------------------
# Staff, ambassadors and the roster
# --------------------------------------------------------------------------------------------------


class AgentSpec(NamedTuple):
    """What a worker needs to know of one consenting ambassador."""

    agent_id: str
    first: str
    last: str
    email: str
    direction: str
    title: str
    enrol_day: int


class NameMaker:
    """Unique (first, last) names: no two people share a name, in either order, accents ignored.

    Creator analytics exports are matched to ambassadors by the name in their file name, so names
    must be unique; past the simple combinations, compound first or last names are used.
    """

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def make(self) -> tuple[str, str, bool]:
        """A new (first, last, female) name."""
        rng = self.rng
        for attempt in range(60):
            female = rng.random() < 0.58
            first = rng.choice(FEMALE_FIRST if female else MALE_FIRST)
            last = rng.choice(LAST_NAMES)
            if attempt >= 4:
                if rng.random() < 0.5:
                    first = f"{rng.choice(COMPOUND_FIRST[:2] if female else COMPOUND_FIRST[2:])}-{first}"
                else:
                    last = f"{last}-{rng.choice(LAST_NAMES)}"
            keys = (compact(first) + compact(last), compact(last) + compact(first))
            if not any(len(set(part.split("-"))) < part.count("-") + 1 for part in (first, last)) and not any(
                k in self.used for k in keys
            ):
                self.used.update(keys)
                return first, last, female
        raise RuntimeError("could not find a unique name")


def enrolment_weights(months: int) -> list[float]:
    """Share of enrolments by month: a launch wave, then a slowly decreasing flow."""
    return [5.0 if i == 0 else 1.6 / (1 + 0.06 * i) for i in range(months)]


def weekday_in(rng: random.Random, window: Window, month: int) -> int:
    """A random working day (index) of a base month."""
    first, end = window.month_bounds(month)
    end = min(end, window.days)
    while True:
        index = first + rng.randrange(end - first)
        if window.day(index).weekday() < 5:
            return index


def write_staff_roster(
    rng: random.Random, path: Path, scale: Scale, window: Window, mtime: float
) -> tuple[list[AgentSpec], dict[str, int]]:
    """Write the HR roster (French headers, ``;``, Windows-1252, CRLF); return the consenting ambassadors.

    Besides ``scale.ambassadors`` consenting ambassadors, 2 % more were asked and refused and 2 %
    withdrew their consent: they carry enrolment data but are not ambassadors.
    """
    refused = max(1, scale.ambassadors // 50)
    withdrawn = max(1, scale.ambassadors // 50)
    asked = rng.sample(range(scale.staff), scale.ambassadors + refused + withdrawn)
    status = dict.fromkeys(asked[: scale.ambassadors], "ambassador")
    status.update(dict.fromkeys(asked[scale.ambassadors : scale.ambassadors + refused], "refused"))
    status.update(dict.fromkeys(asked[scale.ambassadors + refused :], "withdrawn"))
    directions = list(DIRECTIONS)
    weights = [DIRECTIONS[d][0] for d in directions]
    sites = {d: rng.sample(TOWNS, 3) for d in directions}
    month_weights = enrolment_weights(window.months)
    names = NameMaker(rng)
    ambassadors: list[AgentSpec] = []

    def rows() -> Iterator[list[str]]:
        for number in range(scale.staff):
            first, last, _ = names.make()
            agent_id = f"AG{number + 1:06d}"
            email = f"{email_part(first)}.{email_part(last)}@{DOMAIN}"
            direction = rng.choices(directions, weights)[0]
            site = f"Site de {rng.choice(sites[direction])}"
            title = rng.choice(DIRECTIONS[direction][1] + GENERIC_TITLES)
            kind = status.get(number, "staff")
            enrolled, consent, left = "", "", ""
            if kind != "staff":
                day = weekday_in(rng, window, rng.choices(range(window.months), month_weights)[0])
                enrolled = fmt_dmy(window.day(day))
                consent = {"ambassador": "oui" if rng.random() < 0.7 else "Oui", "refused": "non"}.get(
                    kind, "oui"
                )
                if kind == "withdrawn":
                    left = fmt_dmy(window.day(min(day + rng.randint(30, 300), window.days - 1)))
                if kind == "ambassador":
                    ambassadors.append(AgentSpec(agent_id, first, last, email, direction, title, day))
            yield [agent_id, first, last, email, direction, site, title, enrolled, consent, left]

    set_mtime(write_roster(path, rows()), mtime)
    return ambassadors, {"staff": scale.staff, "refused": refused, "withdrawn": withdrawn}


# --------------------------------------------------------------------------------------------------
# The institution's Page: posts and exports
# --------------------------------------------------------------------------------------------------


class PagePost(NamedTuple):
    """One post of the institution's Page."""

    activity_id: int
    created: int
    slug: str
    suffix: str
    title: str
    content_type: str
    posted_by: str


def urn_id(rng: random.Random, window: Window, moment: int) -> int:
    """A 19-digit LinkedIn-like id: creation time in ms shifted left by 22 bits, plus random bits."""
    epoch_ms = (epoch_seconds(window.first_day) + moment) * 1000 + rng.randrange(1000)
    return (epoch_ms << 22) | rng.getrandbits(22)


def fill(rng: random.Random, template: str, **extra: str) -> str:
    """Fill a post template with random events, projects, towns and numbers."""
    event = rng.choice(EVENTS)
    values = {
        "event": event,
        "Event": event[0].upper() + event[1:],
        "project": rng.choice(PROJECTS),
        "town": rng.choice(TOWNS),
        "n": str(rng.choice((8, 12, 15, 20, 24, 30, 42, 50, 60, 80, 120))),
        "day": f"{rng.randint(1, 28)} {rng.choice(MONTHS_FR)}",
        "dir": rng.choice(list(DIRECTIONS)).replace("Direction", "direction", 1),
        "title": rng.choice(GENERIC_TITLES).lower(),
    }
    values.update(extra)
    return template.format(**values)


def make_page_posts(rng: random.Random, window: Window, per_month: int) -> list[PagePost]:
    """The Page's posts, ``per_month`` a month on working days, over the window and the increment."""
    posts = []
    admins = [f"{rng.choice(FEMALE_FIRST)} {rng.choice(LAST_NAMES)}" for _ in range(3)]
    for month in range(window.months + 1):
        first, end = window.month_bounds(month)
        for _ in range(per_month):
            day = first + rng.randrange(end - first)
            if window.day(day).weekday() >= 5:
                day = max(first, day - 2)
            moment = day * DAY_SECONDS + rng.randint(6, 15) * 3600 + rng.randrange(3600)
            title = fill(rng, rng.choice(INST_TEMPLATES))
            kind = rng.choices(("Text", "Image", "Video", "Article"), (20, 50, 15, 15))[0]
            suffix = "".join(rng.choice(ALNUM) for _ in range(4))
            activity = urn_id(rng, window, moment)
            posts.append(PagePost(activity, moment, slugify(title), suffix, title, kind, rng.choice(admins)))
    posts.sort(key=lambda p: p.created)
    return posts


DECAY = (0.45, 0.25, 0.12, 0.08, 0.05, 0.03, 0.02)
DEMOGRAPHIC_SHEETS = {
    "Location": (("Toulouse, Occitanie", 0.41), ("Rodez, Occitanie", 0.17)),
    "Job function": (("Administrative", 0.18), ("Community and Social Services", 0.12)),
    "Seniority": (("Entry", 0.31), ("Senior", 0.27)),
    "Industry": (("Government Administration", 0.34), ("Education", 0.09)),
    "Company size": (("10,001+ employees", 0.22), ("11-50 employees", 0.11)),
}


def post_figures(rng: random.Random, scale_factor: float) -> dict[str, int]:
    """Lifetime figures of one Page post."""
    impressions = int(rng.triangular(800, 30000, 3000) * scale_factor)
    return {
        "impressions": impressions,
        "clicks": int(impressions * rng.uniform(0.005, 0.04)),
        "likes": int(impressions * rng.uniform(0.01, 0.035)),
        "comments": int(impressions * rng.uniform(0.0, 0.004)),
        "reposts": int(impressions * rng.uniform(0.001, 0.006)),
        "follows": rng.choice((0, 0, 1, 2, 3, 5)),
    }


def content_sheets(
    rng: random.Random, window: Window, posts: list[PagePost], first: int, last: int, scale_factor: float
) -> dict[str, Rows]:
    """The ``Metrics`` and ``All posts`` sheets of a Page content export covering days first..last."""
    chosen = [p for p in posts if first <= p.created // DAY_SECONDS <= last]
    figures = [post_figures(rng, scale_factor) for _ in chosen]
    metrics = metrics_rows(rng, window, chosen, figures, first, last)
    listed = sorted(zip(chosen, figures, strict=True), key=lambda pm: -pm[0].created)
    return page_content_sheets(PAGE_CONTENT, metrics, [page_post(window, p, m) for p, m in listed])


def metrics_rows(
    rng: random.Random,
    window: Window,
    posts: list[PagePost],
    figures: list[dict[str, int]],
    first: int,
    last: int,
) -> Rows:
    """The ``Metrics`` sheet's rows, one a day: the posts' figures spread over a week, and a baseline."""
    days = last - first + 1
    kinds = ("impressions", "clicks", "likes", "comments", "reposts")
    totals = {kind: [0] * days for kind in kinds}
    for post, values in zip(posts, figures, strict=True):
        for offset, part in enumerate(DECAY):
            index = post.created // DAY_SECONDS - first + offset
            if index < days:
                for kind in kinds:
                    totals[kind][index] += round(values[kind] * part)
    metrics: Rows = []
    for i in range(days):
        imp = totals["impressions"][i] + rng.randint(50, 400)
        clicks, likes = totals["clicks"][i] + rng.randint(0, 9), totals["likes"][i] + rng.randint(0, 6)
        comments, reposts = totals["comments"][i], totals["reposts"][i]
        unique = int(imp * rng.uniform(0.6, 0.75))
        metrics.append(
            page_metrics_row(fmt_mdy(window.day(first + i)), imp, unique, clicks, likes, comments, reposts)
        )
    return metrics


def page_post(window: Window, post: PagePost, m: dict[str, int]) -> dict[str, Cell]:
    """The ``All posts`` row of a post and its lifetime figures."""
    link = f"https://www.linkedin.com/feed/update/urn:li:activity:{post.activity_id}"
    created = fmt_mdy(window.day(post.created // DAY_SECONDS))
    views = int(max(m["impressions"], 1) * 0.4)
    return page_post_values(post.title, link, created, m, post.posted_by, post.content_type, views)


def audience_sheets(
    rng: random.Random, window: Window, first: int, last: int, scale_factor: float
) -> tuple[dict[str, Rows], dict[str, Rows]]:
    """The followers export (``New followers`` and demographics) and the visitors export, days first..last."""
    followers: Rows = []
    visitors: Rows = []
    for index in range(first, last + 1):
        day = window.day(index)
        weekend = day.weekday() >= 5
        organic = int(rng.randint(5, 40) * scale_factor * (0.5 if weekend else 1.0))
        invited = rng.randint(1, 3) if rng.random() < 0.1 else 0
        followers.append(page_followers_row(fmt_mdy(day), 0, organic, invited))
        base = scale_factor * (0.4 if weekend else 1.0)
        pairs = [
            [int(rng.randint(lo, hi) * base), int(rng.randint(lo, hi) * base)]
            for lo, hi in ((40, 160), (20, 90), (2, 12), (1, 8), (10, 60), (5, 40))
        ]
        views = [pairs[0][i] + pairs[2][i] + pairs[4][i] for i in range(2)]
        unique = [max(1, int(v * 0.6)) for v in views]
        visitors.append(page_visitors_row(fmt_mdy(day), [*pairs, views, unique]))
    counts = {
        sheet: [(name, int(part * 24000 * scale_factor)) for name, part in values]
        for sheet, values in DEMOGRAPHIC_SHEETS.items()
    }
    demographics = page_demographic_sheets(counts, "Total followers")
    return page_followers_sheets(followers, demographics), page_visitors_sheets(visitors, demographics)


def page_export_ms(day: date, minute: int) -> int:
    """The millisecond timestamp LinkedIn puts in Page export file names (export at 09:xx UTC)."""
    return (epoch_seconds(day) + 9 * 3600 + minute * 60) * 1000


def write_page_exports(
    rng: random.Random,
    inbox: Path,
    window: Window,
    posts: list[PagePost],
    segments: list[tuple[int, int]],
    scale_factor: float,
) -> dict[str, int]:
    """Write Page content exports (one per segment of days) and one followers and one visitors export."""
    sizes = Counter()
    for first, last in segments:
        exported = window.day(last) + timedelta(days=2)
        path = inbox / "page" / page_file_name(PAGE_SLUG, "content", page_export_ms(exported, 12))
        write_workbook(path, content_sheets(rng, window, posts, first, last, scale_factor))
        sizes["bytes"] += set_mtime(path, noon_utc(exported))
        sizes["files"] += 1
        sizes["posts"] += sum(1 for p in posts if first <= p.created // DAY_SECONDS <= last)
        sizes["metrics_days"] += last - first + 1
    first, last = segments[0][0], segments[-1][1]
    exported = window.day(last) + timedelta(days=2)
    followers, visitors = audience_sheets(rng, window, first, last, scale_factor)
    for kind, sheets, minute in (("followers", followers, 14), ("visitors", visitors, 16)):
        path = inbox / "page" / page_file_name(PAGE_SLUG, kind, page_export_ms(exported, minute))
        write_workbook(path, sheets)
        sizes["bytes"] += set_mtime(path, noon_utc(exported))
        sizes["files"] += 1
    return dict(sizes)


def year_segments(first: int, last: int) -> list[tuple[int, int]]:
    """Days first..last cut into segments of at most 365 days, the last one ending on ``last``."""
    segments = []
    end = last
    while end >= first:
        start = max(first, end - 364)
        segments.append((start, end))
        end = start - 1
    return segments[::-1]


# --------------------------------------------------------------------------------------------------
# Workers: one ambassador's archive and analytics exports
# --------------------------------------------------------------------------------------------------


@dataclass
class Context:
    """What every worker knows: where to write, the window, the Page's posts, the skills."""

    inbox: Path
    increment: Path | None
    window: Window
    seed: int
    page_posts: list[PagePost]
    skills: list[tuple[str, ...]]


CTX: Context | None = None
DAY_TEXT: list[str] = []
TIME_TEXT: list[str] = []
POSTS_BY_MONTH: list[list[PagePost]] = []


def init_worker(context: Context) -> None:
    """Set up a worker: the context and lookup tables for dates, times and Page posts by month."""
    global CTX, DAY_TEXT, TIME_TEXT, POSTS_BY_MONTH
    CTX = context
    window = context.window
    DAY_TEXT = [window.day(i).isoformat() for i in range(window.all_days + 1)]
    TIME_TEXT = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(DAY_SECONDS)]
    POSTS_BY_MONTH = [[] for _ in range(window.months + 1)]
    for post in context.page_posts:
        POSTS_BY_MONTH[window.month_of_day(post.created // DAY_SECONDS)].append(post)


def stamp(moment: int) -> str:
    """``2026-04-02 22:25:49``: an archive timestamp of a moment."""
    return f"{DAY_TEXT[moment // DAY_SECONDS]} {TIME_TEXT[moment % DAY_SECONDS]}"


@dataclass
class Activity:
    """One ambassador's generated LinkedIn activity: rows as (moment, line) per archive file kind."""

    shares: list[tuple[int, str]]
    reposts: list[tuple[int, str]]
    comments: list[tuple[int, str]]
    reactions: list[tuple[int, str]]
    own: list[tuple[int, str, bool]]
    institution: list[int]


def settle(moment: int, window: Window) -> int:
    """Keep a moment off the last hour before the base and increment ends (already next month in Paris)."""
    for end in (window.base_end, window.increment_end):
        if end - 3600 <= moment < end + 3600:
            return end - 3600 - (moment % 3000) - 60
    return moment


def day_moment(rng: random.Random, first: int, end: int) -> int:
    """A moment on a random day of [first, end) at a daytime hour."""
    day = first + rng.randrange(end - first)
    return day * DAY_SECONDS + rng.choice(HOUR_POOL) * 3600 + rng.randrange(3600)


def post_link(rng: random.Random, activity_id: int, author: str, slug: str, suffix: str) -> str:
    """One of the link forms LinkedIn uses for the same activity."""
    form = rng.random()
    if form < 0.35:
        return f"https://www.linkedin.com/feed/update/urn:li:activity:{activity_id}/"
    if form < 0.55:
        return f"https://www.linkedin.com/feed/update/urn:li:activity:{activity_id}"
    if form < 0.85:
        return (
            f"https://www.linkedin.com/posts/{author}_{slug}-activity-{activity_id}-{suffix}"
            "?utm_source=share&utm_medium=member_desktop"
        )
    return f"https://www.linkedin.com/feed/update/urn%3Ali%3Aactivity%3A{activity_id}?trk=public_post"


def target(
    rng: random.Random, window: Window, month: int, institution: float, limit: int
) -> tuple[str, int, bool]:
    """A post to act on this month: (link, its creation moment, whether it is the institution's)."""
    posts = POSTS_BY_MONTH[month]
    if posts and rng.random() < institution:
        post = rng.choice(posts)
        if post.created < limit - 600:
            return post_link(rng, post.activity_id, PAGE_SLUG, post.slug, post.suffix), post.created, True
    first, end = window.month_bounds(month)
    created = day_moment(rng, first, end) - rng.randrange(3 * DAY_SECONDS)
    created = max(0, min(created, limit - 4000))
    slug = "-".join(rng.sample(("retour", "sur", "forum", "emploi", "public", "territoire", "projet"), 4))
    suffix = "".join(rng.choice(ALNUM) for _ in range(4))
    link = post_link(rng, urn_id(rng, window, created), rng.choice(OTHER_AUTHORS), slug, suffix)
    return link, created, False


def act_time(rng: random.Random, window: Window, created: int, limit: int) -> int:
    """When a member acts on a post: minutes to a day or two after it, before ``limit``."""
    moment = created + 180 + int(rng.expovariate(1 / 14_400))
    if moment >= limit:
        moment = created + rng.randint(180, 2700)
    return settle(min(moment, limit - 1), window)


def skill_phrase(rng: random.Random, skills: list[tuple[str, ...]]) -> str:
    """One to three skill labels (preferred or alternative) joined as a French list."""
    forms = [rng.choice(rng.choice(skills)) for _ in range(rng.choice((1, 1, 2, 2, 3)))]
    return forms[0] if len(forms) == 1 else ", ".join(forms[:-1]) + " et " + forms[-1]


def own_post_lines(rng: random.Random, agent: AgentSpec, skills: list[tuple[str, ...]]) -> list[str]:
    """The lines of an ambassador's own post: text, maybe skills, hashtags, maybe a second line."""
    extra = {"dir": agent.direction.replace("Direction", "direction", 1), "title": agent.title.lower()}
    english = rng.random() < 0.08
    first = fill(rng, rng.choice(EN_POSTS if english else OWN_POSTS), **extra)
    lines = [first]
    if not english and rng.random() < SKILL_POST_SHARE:
        lines.append(rng.choice(SKILL_LINES).format(skills=skill_phrase(rng, skills)))
    if rng.random() < 0.25:
        lines.append(fill(rng, rng.choice(SECOND_LINES), colleague=rng.choice(FEMALE_FIRST + MALE_FIRST)))
    tags = " ".join(rng.sample(HASHTAGS, rng.randint(1, 3)))
    if rng.random() < 0.5:
        lines.append(tags)
    else:
        lines[-1] = f"{lines[-1]} {tags}"
    if len(lines) > 1 and rng.random() < 0.3:
        lines = [" ".join(lines)]
    return lines


def share_link(rng: random.Random, window: Window, moment: int) -> str:
    """The ShareLink of a member's own Shares row (share or ugcPost URN, URL-encoded)."""
    kind = "share" if rng.random() < 0.7 else "ugcPost"
    return f"https://www.linkedin.com/feed/update/urn%3Ali%3A{kind}%3A{urn_id(rng, window, moment)}"


def month_factor(month: int, enrol_month: int, dormant_from: int, months: int) -> float:
    """Activity of a month relative to an enrolled month: low before enrolment and once dormant."""
    if month < enrol_month:
        return 0.15
    if month >= dormant_from:
        return 0.05
    return 0.8 + 0.4 * (month - enrol_month) / max(months - 1, 1)


def generate_activity(rng: random.Random, agent: AgentSpec, level: float, eols: dict[str, str]) -> Activity:
    """Every Shares, InstantReposts, Comments and Reactions row of an ambassador, over all months."""
    assert CTX is not None
    window, skills = CTX.window, CTX.skills
    act = Activity([], [], [], [], [], [])
    enrol_month = window.month_of_day(agent.enrol_day)
    dormant_from = rng.randint(enrol_month + 2, window.months + 4) if rng.random() < 0.2 else 10**6
    seen: set[str] = set()
    for month in range(window.months + 1):
        first, end = window.month_bounds(month)
        limit = end * DAY_SECONDS
        rate = level * month_factor(month, enrol_month, dormant_from, window.months) * rng.uniform(0.6, 1.3)
        for _ in range(poisson(rng, SHARES_PER_MONTH * rate)):
            add_share(rng, act, agent, window, month, first, end, limit, eols["shares"], skills)
        for _ in range(poisson(rng, REPOSTS_PER_MONTH * rate)):
            link, created, inst = target(rng, window, month, 0.85, limit)
            if link not in seen:
                seen.add(link)
                moment = act_time(rng, window, created, limit)
                act.reposts.append((moment, instant_reposts_row(stamp(moment), link)))
                if inst:
                    act.institution.append(moment)
        for _ in range(poisson(rng, COMMENTS_PER_MONTH * rate)):
            link, created, _ = target(rng, window, month, 0.6, limit)
            moment = act_time(rng, window, created, limit)
            message = rng.choice(COMMENT_MESSAGES).replace("{first}", rng.choice(FEMALE_FIRST + MALE_FIRST))
            act.comments.append((moment, comments_row(stamp(moment), link, message, eols["comments"])))
        for _ in range(poisson(rng, REACTIONS_PER_MONTH * rate)):
            link, created, _ = target(rng, window, month, 0.6, limit)
            if link in seen:
                continue
            seen.add(link)
            moment = act_time(rng, window, created, limit)
            act.reactions.append((moment, reactions_row(stamp(moment), rng.choice(REACTION_TYPES), link)))
    for rows in (act.shares, act.reposts, act.comments, act.reactions):
        rows.sort(reverse=True)
    return act


def add_share(
    rng: random.Random,
    act: Activity,
    agent: AgentSpec,
    window: Window,
    month: int,
    first: int,
    end: int,
    limit: int,
    eol: str,
    skills: list[tuple[str, ...]],
) -> None:
    """Add one Shares row: an own post (55 %) or a reshare with comment of a LinkedIn post."""
    visibility = "PUBLIC" if rng.random() < 0.6 else "MEMBER_NETWORK"
    if rng.random() < 0.45:
        link, created, inst = target(rng, window, month, 0.7, limit)
        moment = act_time(rng, window, created, limit)
        lines = [rng.choice(RESHARE_COMMENTS)]
        if rng.random() < 0.1:
            lines[0] += " " + rng.choice(SKILL_LINES).format(skills=skill_phrase(rng, skills))
        own = share_link(rng, window, moment)
        act.shares.append((moment, shares_row(stamp(moment), own, lines, link, "", visibility, eol)))
        act.own.append((moment, own, True))
        if inst:
            act.institution.append(moment)
        return
    moment = settle(day_moment(rng, first, end), window)
    lines = own_post_lines(rng, agent, skills)
    shared = "" if rng.random() < 0.55 else rng.choice(EXTERNAL_SITES) + slugify(lines[0], 7)
    media = ""
    if rng.random() < 0.3:
        token = "".join(rng.choice(ALNUM) for _ in range(12))
        media = f"https://media.licdn.com/dms/image/v2/D4E22AQ{token}/feedshare-shrink_800/0/{rng.randrange(10**12)}"
    own = share_link(rng, window, moment)
    act.shares.append((moment, shares_row(stamp(moment), own, lines, shared, media, visibility, eol)))
    act.own.append((moment, own, False))


def updated_on(rng: random.Random) -> str:
    """An ``Updated On`` cell of Email Addresses.csv: ``4/9/18, 2:05 AM``, ``Not Available`` or blank."""
    roll = rng.random()
    if roll < 0.15:
        return "Not Available"
    if roll < 0.25:
        return ""
    hour = rng.randrange(24)
    month, day, year = rng.randint(1, 12), rng.randint(1, 28), 2000 + rng.randint(12, 25)
    return fmt_updated_on(datetime(year, month, day, hour, rng.randrange(60)))


def static_rows(rng: random.Random, agent: AgentSpec, window: Window) -> dict[str, list[tuple[int, str]]]:
    """E-mail addresses, skills, endorsements, connections, profile and positions, as (moment, line)."""
    assert CTX is not None
    emails = email_rows(rng, agent)
    skills = [rng.choice(CTX.skills)[0] for _ in range(rng.randint(3, 12))]
    skills = list(dict.fromkeys(skills)) + (["Project Management"] if rng.random() < 0.2 else [])
    never = -(10**9)
    return {
        "emails": [(never, csv_line(e)) for e in emails],
        "skills": [(never, csv_field(s)) for s in skills],
        "profile": [(never, csv_line(profile_row(rng, agent)))],
        "positions": [(never, csv_line(r)) for r in position_rows(rng, agent)],
        "endorsements": endorsement_rows(rng, window, skills),
        "connections": connection_rows(rng, window),
    }


def email_rows(rng: random.Random, agent: AgentSpec) -> list[list[str]]:
    """Email Addresses.csv: the roster address in some casing, sometimes a personal one (maybe primary)."""
    local, domain = agent.email.split("@")
    capitalised = ".".join(p.capitalize() for p in local.split(".")) + "@" + domain
    roster = rng.choice((agent.email, capitalised, local + "@" + domain.upper()))
    emails = [[roster, "Yes", "Yes", updated_on(rng)]]
    if rng.random() < 0.4:
        local = f"{email_part(agent.first)}.{email_part(agent.last)}{rng.randint(1, 99)}"
        personal = f"{local}@{rng.choice(PERSONAL_DOMAINS)}"
        emails.append([personal, "Yes", "No", updated_on(rng)])
        if rng.random() < 0.25:
            emails[0][2], emails[1][2] = "No", "Yes"
        rng.shuffle(emails)
    return emails


def endorsement_rows(rng: random.Random, window: Window, skills: list[str]) -> list[tuple[int, str]]:
    """Endorsement_Received_Info.csv rows (newest first), from three years before the window on."""
    rows = []
    for _ in range(rng.randint(0, 8)):
        moment = settle(rng.randrange(-3 * 365 * DAY_SECONDS, window.increment_end - DAY_SECONDS), window)
        when = datetime.combine(window.first_day, datetime.min.time()) + timedelta(seconds=moment)
        first, last = rng.choice(FEMALE_FIRST + MALE_FIRST), rng.choice(LAST_NAMES)
        url = f"www.linkedin.com/in/{email_part(first)}-{email_part(last)}-{rng.getrandbits(28):07x}"
        fields = [fmt_endorsed(when), rng.choice(skills), first, last, url, "ACCEPTED"]
        rows.append((moment, csv_line(fields)))
    return sorted(rows, reverse=True)


def connection_rows(rng: random.Random, window: Window) -> list[tuple[int, str]]:
    """A few Connections.csv rows (newest first): the pipeline reduces them to counts anyway."""
    rows = []
    for _ in range(rng.randint(3, 10)):
        day = rng.randrange(-5 * 365, window.all_days - 1)
        when = window.day(day)
        first, last = rng.choice(FEMALE_FIRST + MALE_FIRST), rng.choice(LAST_NAMES)
        url = f"https://www.linkedin.com/in/{email_part(first)}-{email_part(last)}-{rng.getrandbits(28):07x}"
        connected = fmt_connected(when)
        rows.append(
            (
                day * DAY_SECONDS,
                connections_row(
                    [first, last, url, "", rng.choice(COMPANIES), rng.choice(POSITIONS), connected]
                ),
            )
        )
    return sorted(rows, reverse=True)


def profile_row(rng: random.Random, agent: AgentSpec) -> list[str]:
    """The single row of Profile.csv."""
    summary = rng.choice(
        ("", "Engagé(e) pour un service public de qualité.\nAmbassadeur(rice) de ma collectivité.")
    )
    return [
        agent.first,
        agent.last,
        "",
        "",
        "",
        f"{agent.title} - {agent.direction}",
        summary,
        "Government Administration",
        "",
        "Occitanie, France",
        "",
        "",
        "",
    ]


def position_rows(rng: random.Random, agent: AgentSpec) -> list[list[str]]:
    """Positions.csv rows: the current job and maybe an earlier one."""
    month = rng.randrange(12) + 1
    start = fmt_month_year(date(rng.randint(2005, 2024), month, 1))
    rows = [["Bench Territoire", agent.title, "", "Occitanie, France", start, ""]]
    if rng.random() < 0.5:
        rows.append(
            [
                rng.choice(COMPANIES[1:]),
                rng.choice(POSITIONS),
                "",
                "France",
                str(rng.randint(1998, 2004)),
                start,
            ]
        )
    return rows


@dataclass
class ArchivePlan:
    """How one ambassador's archive is written: file name scheme, quirks and line endings."""

    scheme: str
    exported: date
    suffix: str
    old_header: bool
    preamble: bool
    eols: dict[str, str]
    order: list[str]


def plan_archive(rng: random.Random) -> ArchivePlan:
    """Choose an archive's naming scheme, quirks and line endings."""
    scheme = rng.choices(("folder", "id_linkedin", "ldexport"), (45, 30, 25))[0]
    exported = date(2026, 11, rng.randint(2, 12))
    suffix = str(rng.randrange(100_000_000, 999_999_999)) if rng.random() < 0.05 else ""
    eols = {kind: ("\r\n" if rng.random() < 0.5 else "\n") for kind in ARCHIVE_FILES}
    order = list(ARCHIVE_FILES)
    rng.shuffle(order)
    return ArchivePlan(scheme, exported, suffix, rng.random() < 0.1, rng.random() < 0.7, eols, order)


def archive_members(
    plan: ArchivePlan, rows: dict[str, list[tuple[int, str]]], cutoff: int, counts: Counter
) -> list[tuple[str, bytes]]:
    """The CSV members of an archive holding the rows before ``cutoff``; row counts go to ``counts``."""
    members = []
    for kind in plan.order:
        header = header_line(kind, older=kind == "shares" and plan.old_header)
        kept = [line for moment, line in rows[kind] if moment < cutoff]
        counts[kind] += len(kept)
        preamble = kind == "connections" and plan.preamble
        members.append((member_name(kind, plan.suffix), member_text(header, kept, plan.eols[kind], preamble)))
    return members


# Creator analytics ----------------------------------------------------------------------------------

DEMOGRAPHIC_VALUES = {
    "en": (
        "Chargé de mission",
        "Toulouse, Occitanie, France",
        "Government Administration",
        "Senior",
        "10,001+ employees",
        "Bench Territoire",
    ),
    "fr": (
        "Chargé de mission",
        "Toulouse, Occitanie, France",
        "Administration publique",
        "Confirmé",
        "10 001 employés et plus",
        "Bench Territoire",
    ),
}
"""The top value of each DEMOGRAPHICS category of a creator export (``CreatorLabels.categories``)."""


@dataclass
class Series:
    """One ambassador's daily creator figures over every day, and their posts' totals."""

    impressions: list[int]
    engagements: list[int]
    followers: list[int]
    followers_before: int
    posts: list[tuple[int, str, int, int]]


def creator_series(rng: random.Random, own: list[tuple[int, str, bool]], level: float, days: int) -> Series:
    """Daily impressions, engagements and new followers: a baseline plus each post's decaying reach."""
    base = 3 + 12 * level
    imp = [int(base * (0.4 + 1.2 * rng.random())) for _ in range(days)]
    eng = [0] * days
    posts = []
    for moment, link, reshare in own:
        reach = rng.uniform(30, 160) if reshare else rng.uniform(80, 600)
        reach *= 0.5 + level
        rate = rng.uniform(0.02, 0.065)
        day = moment // DAY_SECONDS
        total_imp = total_eng = 0
        for offset, part in enumerate(DECAY):
            if day + offset >= days:
                break
            value = int(reach * part)
            imp[day + offset] += value
            total_imp += value
            gained = int(value * rate + rng.random())
            eng[day + offset] += gained
            total_eng += gained
        posts.append((moment, link, total_imp, total_eng))
    for index in range(days):
        eng[index] += int(imp[index] * 0.01 + rng.random())
    followers = [int(imp[index] * 0.004 + rng.random() * 1.2) for index in range(days)]
    return Series(imp, eng, followers, rng.randint(40, 900), posts)


def creator_sheets(
    rng: random.Random, series: Series, first: int, last: int, language: str, layout: str
) -> tuple[dict[str, Rows], int]:
    """The five sheets of a creator export over days first..last, and its TOP POSTS entries."""
    assert CTX is not None
    window = CTX.window
    total_imp = sum(series.impressions[first : last + 1])
    reached = int(total_imp * rng.uniform(0.35, 0.55))
    as_text = layout == "aggregate" and language == "en"  # 2026 English files write these totals as text
    days = range(first, last + 1)
    dates = [fmt_day(window.day(i), language) for i in days]
    inside = [p for p in series.posts if first <= p[0] // DAY_SECONDS <= last]
    by_eng = sorted(inside, key=lambda p: (-p[3], p[0]))[:50]
    by_imp = sorted(inside, key=lambda p: (-p[2], p[0]))[:50]
    values = DEMOGRAPHIC_VALUES[language]
    parts = sorted((rng.uniform(0.005, 0.4) for _ in values), reverse=True)
    labels = CREATOR_LABELS[language]
    sheets = creator_export_sheets(
        labels,
        period=f"{fmt_day(window.day(first), language)} - {fmt_day(window.day(last), language)}",
        discovery=(f"{total_imp:,}", f"{reached:,}") if as_text else (total_imp, reached),
        days=[
            [text, series.impressions[i], series.engagements[i]] for text, i in zip(dates, days, strict=True)
        ],
        top_by_engagements=[top_entry(moment, link, eng, language) for moment, link, _, eng in by_eng],
        top_by_impressions=[top_entry(moment, link, imp, language) for moment, link, imp, _ in by_imp],
        followers_on=fmt_day(window.day(last), language),
        followers_total=series.followers_before + sum(series.followers[: last + 1]),
        follower_days=[[text, series.followers[i]] for text, i in zip(dates, days, strict=True)],
        demographics=[
            [category, value, demographic_percent(part, layout == "aggregate")]
            for category, value, part in zip(labels.categories, values, parts, strict=True)
        ],
    )
    return sheets, len(by_eng) + len(by_imp)


def top_entry(moment: int, link: str, value: int, language: str) -> list[Cell]:
    """A TOP POSTS entry: the post's URL, its publish date and its figure."""
    assert CTX is not None
    return [top_url(link, moment), fmt_day(CTX.window.day(moment // DAY_SECONDS), language), value]


def top_url(link: str, moment: int) -> str:
    """A TOP POSTS URL: the ShareLink as the archive writes it, or decoded with a trailing slash."""
    return link if moment % 5 < 3 else link.replace("%3A", ":") + "/"


def written_name(agent: AgentSpec, layout: str) -> str:
    """The member's name in a creator export's file name: ``First Last``, or ``FirstLast`` without accents
    in the older ``Content_`` files."""
    if layout == "content":
        return "".join(c for c in ascii_fold(agent.first + agent.last) if c not in " '-")
    return f"{agent.first} {agent.last}"


def analytics_periods(rng: random.Random, window: Window, first_day: int) -> list[tuple[int, int]]:
    """An ambassador's creator export periods (first, last day): the last 365 days, maybe the year before."""
    last = window.days - 1
    latest = (max(0, last - 364), last)
    periods = [latest]
    if latest[0] > 0 and first_day < latest[0] and rng.random() < TWO_EXPORTS_SHARE:
        periods.insert(0, (max(0, latest[0] - 365), latest[0] - 1))
    return periods


def write_analytics(
    rng: random.Random,
    agent: AgentSpec,
    act: Activity,
    level: float,
    first_day: int,
    counts: Counter,
    increment_counts: Counter,
) -> None:
    """Write an ambassador's creator analytics exports (and, with ``--increment``, the month's one)."""
    assert CTX is not None
    window = CTX.window
    series = creator_series(rng, act.own, level, window.all_days)
    roll = rng.random()
    language, layout = (
        ("fr", "aggregate") if roll < 0.15 else ("en", "content") if roll < 0.2 else ("en", "aggregate")
    )
    periods = analytics_periods(rng, window, first_day)
    wants_increment = rng.random() < INCREMENT_ANALYTICS_SHARE
    increment_rng = random.Random(rng.getrandbits(64))
    for first, last in periods:
        write_creator_export(rng, CTX.inbox, agent, series, first, last, language, layout, counts)
    counts["analytics_ambassadors"] += 1
    if CTX.increment is not None and wants_increment:
        november = (window.days, window.all_days - 1)
        write_creator_export(
            increment_rng, CTX.increment, agent, series, *november, language, "aggregate", increment_counts
        )


def write_creator_export(
    rng: random.Random,
    root: Path,
    agent: AgentSpec,
    series: Series,
    first: int,
    last: int,
    language: str,
    layout: str,
    counts: Counter,
) -> None:
    """Write one aggregate creator export covering days first..last under ``root/analytique``."""
    assert CTX is not None
    window = CTX.window
    sheets, entries = creator_sheets(rng, series, first, last, language, layout)
    name = creator_file_name(layout, written_name(agent, layout), window.day(first), window.day(last))
    exported = window.day(last) + timedelta(days=rng.randint(1, 5) if last < window.all_days - 1 else 1)
    set_mtime(write_workbook(root / "analytique" / name, sheets), noon_utc(exported))
    counts["analytics_files"] += 1
    counts["analytics_daily_rows"] += last - first + 1
    counts["analytics_follower_rows"] += last - first + 1
    counts["analytics_top_post_rows"] += entries


# One ambassador and one chunk ------------------------------------------------------------------------


def first_month(window: Window, agent: AgentSpec, act: Activity | None) -> int:
    """The ambassador's first month in marts.agent_month: enrolment or first activity (Paris time)."""
    month = window.month_of_day(agent.enrol_day)
    if act is None:
        return month
    moments = [rows[-1][0] for rows in (act.shares, act.reposts, act.comments, act.reactions) if rows]
    moments = [m for m in moments if m < window.base_end]
    return min([month, *(window.paris_month(m) for m in moments)])


def build_agent(rng: random.Random, agent: AgentSpec, counts: Counter, increment_counts: Counter) -> None:
    """Write one ambassador's archive (if they sent one) and analytics exports; count what was written."""
    assert CTX is not None
    window = CTX.window
    has_archive = rng.random() < ARCHIVE_SHARE
    silent = rng.random() < SILENT_SHARE
    level = min(rng.lognormvariate(-0.405, 0.9), 12.0)
    if not has_archive:
        counts["agent_month_rows"] += window.months - first_month(window, agent, None)
        return
    plan = plan_archive(rng)
    act = Activity([], [], [], [], [], []) if silent else generate_activity(rng, agent, level, plan.eols)
    rows = static_rows(rng, agent, window)
    rows.update(
        shares=act.shares, instant_reposts=act.reposts, comments=act.comments, reactions=act.reactions
    )
    path = archive_path(plan.scheme, agent.agent_id, plan.exported)
    members = archive_members(plan, rows, window.base_end, counts)
    set_mtime(write_zip(CTX.inbox / path, members, compresslevel=1), noon_utc(plan.exported))
    counts["archives"] += 1
    counts["silent_archives"] += silent
    base_own = [o for o in act.own if o[0] < window.base_end]
    counts["posts_in_base"] += sum(1 for o in base_own if not o[2])
    counts["reshares_with_comment_in_base"] += sum(1 for o in base_own if o[2])
    counts["institution_reshares"] += sum(1 for moment in act.institution if moment < window.base_end)
    month = first_month(window, agent, act)
    counts["agent_month_rows"] += window.months - month
    if rng.random() < INCREMENT_ARCHIVE_SHARE and CTX.increment is not None:
        write_newer_archive(agent, plan, rows, CTX.increment, increment_counts)
    if not silent and act.own and rng.random() < ANALYTICS_SHARE:
        start = min(o[0] for o in act.own) // DAY_SECONDS
        write_analytics(rng, agent, act, level, start, counts, increment_counts)


def write_newer_archive(
    agent: AgentSpec, plan: ArchivePlan, rows: dict[str, list[tuple[int, str]]], root: Path, counts: Counter
) -> None:
    """The increment's archive of an ambassador: their whole history up to the increment's last day.

    Its zip members are dated on its export day, so it differs from the first archive even when
    nothing is new (the same content would be skipped as a re-dropped file).
    """
    assert CTX is not None
    window = CTX.window
    exported = window.increment_last + timedelta(days=1)
    members = archive_members(plan, rows, window.increment_end, counts)
    dated = (exported.year, exported.month, exported.day, 0, 0, 0)
    path = write_zip(root / archive_path("folder", agent.agent_id, exported), members, dated, compresslevel=1)
    set_mtime(path, noon_utc(exported))
    counts["archives"] += 1


def run_chunk(task: tuple[int, list[AgentSpec]]) -> tuple[int, dict[str, int], dict[str, int]]:
    """Write a chunk of ambassadors with the chunk's own random generator; return its counts."""
    assert CTX is not None
    index, agents = task
    rng = random.Random(CTX.seed * 1_000_003 + index)
    counts: Counter = Counter()
    increment_counts: Counter = Counter()
    for agent in agents:
        build_agent(rng, agent, counts, increment_counts)
    return len(agents), dict(counts), dict(increment_counts)


def run_agents(
    context: Context, ambassadors: list[AgentSpec], workers: int, progress: Progress
) -> tuple[Counter, Counter]:
    """Write every ambassador's files, in chunks, over ``workers`` processes; sum the counts."""
    chunks = [
        (i, ambassadors[start : start + CHUNK_AGENTS])
        for i, start in enumerate(range(0, len(ambassadors), CHUNK_AGENTS))
    ]
    counts: Counter = Counter()
    increment_counts: Counter = Counter()
    progress.start("ambassadors (archives and analytics)", len(ambassadors), "ambassadors")
    done = 0
    results: Iterator[tuple[int, dict[str, int], dict[str, int]]]
    if workers <= 1:
        init_worker(context)
        results = map(run_chunk, chunks)
        pool = None
    else:
        pool = multiprocessing.get_context("fork").Pool(workers, initializer=init_worker, initargs=(context,))
        results = pool.imap_unordered(run_chunk, chunks)
    try:
        for agents, chunk_counts, chunk_increment in results:
            done += agents
            counts.update(chunk_counts)
            increment_counts.update(chunk_increment)
            progress.update(done)
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    progress.done(done)
    return counts, increment_counts


# --------------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options (``--agents``, ``--staff`` and ``--months`` are hidden test overrides)."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scale", choices=("S", "M", "L"), required=True)
    parser.add_argument("--out", type=Path, required=True, help="folder to write inbox/ and the rest into")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--increment", action="store_true", help="also write DIR/increment/inbox/ (month 2026-11)"
    )
    parser.add_argument(
        "--increment-until",
        type=date.fromisoformat,
        default=INCREMENT_UNTIL,
        help=f"last day the increment covers (default {INCREMENT_UNTIL}, at most 2026-11-30)",
    )
    parser.add_argument("--agents", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--staff", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--months", type=int, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def resolve_scale(args: argparse.Namespace) -> Scale:
    """The scale asked for, with the hidden overrides applied (a custom scale then)."""
    base = SCALES.get(args.scale, SCALES["M"])
    if args.agents is None and args.staff is None and args.months is None:
        return base
    ambassadors = args.agents or base.ambassadors
    staff = args.staff or max(base.staff, ambassadors * 5)
    if ambassadors * 1.05 > staff:
        raise SystemExit("--staff must exceed --agents by at least 5 %")
    return Scale("custom", staff, ambassadors, args.months or base.months)


def write_settings(out: Path, scale_name: str) -> None:
    """``relais.toml``: the ESCO framework written beside it, French reports, the organisation's name."""
    framework = (out / "skills_esco.csv").resolve()
    text = (
        f"organisation = {json.dumps(f'Bench {scale_name}')}\n"
        'skills_framework = "esco"\n'
        f"skills_framework_path = {json.dumps(str(framework))}\n"
        'report_language = "fr"\n'
    )
    (out / "relais.toml").write_text(text, encoding="utf-8")


def tree_size(root: Path) -> tuple[int, int]:
    """Number of files and bytes under a folder."""
    files = size = 0
    for folder, _, names in os.walk(root):
        for name in names:
            files += 1
            size += os.path.getsize(os.path.join(folder, name))
    return files, size


def prepare(out: Path) -> None:
    """Create ``out`` and remove the inbox and increment a previous run left."""
    out.mkdir(parents=True, exist_ok=True)
    for name in ("inbox", "increment"):
        if (out / name).exists():
            shutil.rmtree(out / name)


def generate_demo(args: argparse.Namespace, out: Path, progress: Progress) -> dict[str, Any]:
    """Scale S: copy the demo organisation's inbox; return its profile."""
    progress.start("copy the demo inbox", 1, "folders")
    shutil.copytree(DEMO_INBOX, out / "inbox")
    progress.done(1)
    demo = json.loads(DEMO_PROFILE.read_text(encoding="utf-8"))
    totals = demo["consenting_totals_deduplicated"]
    if args.increment:
        print("[bench S] no increment at scale S (the demo has none)", file=sys.stderr)
    return {
        "staff": demo["staff"],
        "ambassadors": demo["ambassadors"]["with_consent"],
        "archives": demo["archives"]["written"],
        "posts": totals["shares"] - totals["reshares_with_comment"],
        "shares_rows": totals["shares"],
        "reshares": totals["reshares_with_comment"] + totals["instant_reposts"],
        "reactions": totals["reactions"],
        "comments": totals["comments"],
        "page_posts": demo["institution_posts"]["distinct"],
        "source": "seeds/demo (see seeds/demo/expected_profile.json for the full profile)",
    }


def generate_org(
    args: argparse.Namespace, scale: Scale, out: Path, skills: list[tuple[str, ...]], progress: Progress
) -> dict[str, Any]:
    """Scales M, L and custom: roster, Page, archives and analytics; return the counts written."""
    window = make_window(scale.months, args.increment_until)
    inbox = out / "inbox"
    increment = out / "increment" / "inbox" if args.increment else None
    rng = random.Random(args.seed)
    progress.start("roster", scale.staff, "staff")
    roster_day = date(2026, 11, 2)
    ambassadors, roster = write_staff_roster(
        rng, inbox / "rh" / "export_agents_2026-11.csv", scale, window, noon_utc(roster_day)
    )
    progress.done(scale.staff)
    per_month = 8 + scale.ambassadors // 1500
    posts = make_page_posts(rng, window, per_month)
    factor = max(1.0, scale.staff / 25_000)
    progress.start("page exports", len(posts), "page posts")
    page_rng = random.Random(args.seed * 1_000_003 - 1)
    page = write_page_exports(page_rng, inbox, window, posts, year_segments(0, window.days - 1), factor)
    increment_page: dict[str, int] = {}
    if increment is not None:
        segment = [(window.days, window.all_days - 1)]
        increment_page = write_page_exports(page_rng, increment, window, posts, segment, factor)
    progress.done(len(posts))
    context = Context(inbox, increment, window, args.seed, posts, skills)
    counts, increment_counts = run_agents(context, ambassadors, max(1, args.workers), progress)
    profile: dict[str, Any] = {
        "window": {
            "first_day": window.first_day.isoformat(),
            "last_day": LAST_DAY.isoformat(),
            "months": scale.months,
        },
        **roster,
        "ambassadors": len(ambassadors),
        **agent_profile(counts, page),
        "agent_month_rows_expected": counts["agent_month_rows"],
    }
    if increment is not None:
        profile["increment"] = increment_profile(
            window, increment_counts, increment_page, counts, len(ambassadors)
        )
    return profile


def agent_profile(counts: Counter, page: dict[str, int]) -> dict[str, int]:
    """The profile's counts of archives, activity, analytics and Page posts."""
    posts, reshares = counts["posts_in_base"], counts["reshares_with_comment_in_base"]
    return {
        "ambassadors_with_archive": counts["archives"],
        "archives": counts["archives"],
        "silent_archives": counts["silent_archives"],
        "shares_rows": counts["shares"],
        "posts": posts,
        "reshares_with_comment": reshares,
        "instant_reposts": counts["instant_reposts"],
        "reshares": reshares + counts["instant_reposts"],
        "institution_reshares": counts["institution_reshares"],
        "posts_and_reshares": posts + reshares + counts["instant_reposts"],
        "reactions": counts["reactions"],
        "comments": counts["comments"],
        "skills_rows": counts["skills"],
        "endorsements": counts["endorsements"],
        "connections": counts["connections"],
        "analytics_ambassadors": counts["analytics_ambassadors"],
        "analytics_files": counts["analytics_files"],
        "analytics_daily_rows": counts["analytics_daily_rows"],
        "analytics_follower_rows": counts["analytics_follower_rows"],
        "analytics_top_post_rows": counts["analytics_top_post_rows"],
        "page_posts": page.get("posts", 0),
        "page_files": page.get("files", 0),
        "page_metrics_days": page.get("metrics_days", 0),
    }


def increment_profile(
    window: Window, counts: Counter, page: dict[str, int], base: Counter, ambassadors: int
) -> dict[str, Any]:
    """What ``increment/`` holds: newer archives (whole history), the month's analytics and Page export."""
    return {
        "first_day": (LAST_DAY + timedelta(days=1)).isoformat(),
        "last_day": window.increment_last.isoformat(),
        "archives": counts["archives"],
        "shares_rows_in_newer_archives": counts["shares"],
        "instant_reposts_in_newer_archives": counts["instant_reposts"],
        "reactions_in_newer_archives": counts["reactions"],
        "comments_in_newer_archives": counts["comments"],
        "analytics_files": counts["analytics_files"],
        "analytics_daily_rows": counts["analytics_daily_rows"],
        "page_posts": page.get("posts", 0),
        "page_files": page.get("files", 0),
        "agent_month_rows_expected_after": base["agent_month_rows"] + ambassadors,
    }


def main(argv: list[str] | None = None) -> int:
    """Generate the scale asked for into ``--out`` and write ``profile.json``."""
    args = parse_args(argv)
    started = time.monotonic()
    out = args.out.resolve()
    scale = resolve_scale(args)
    progress = Progress(scale.name if scale.name == "custom" else args.scale)
    prepare(out)
    progress.start("skills framework (ESCO layout)", ESCO_SKILLS, "skills")
    skills = write_framework(out / "skills_esco.csv")
    progress.done(len(skills))
    write_settings(out, scale.name if scale.name == "custom" else args.scale)
    if args.scale == "S" and scale.name != "custom":
        profile = generate_demo(args, out, progress)
    else:
        profile = generate_org(args, scale, out, skills, progress)
    files, size = tree_size(out / "inbox")
    profile = {
        "scale": scale.name if scale.name == "custom" else args.scale,
        "seed": args.seed,
        "workers": args.workers,
        **profile,
        "esco_skills": len(skills),
        "files": files,
        "bytes": size,
    }
    if (out / "increment").exists():
        profile.setdefault("increment", {})
        profile["increment"]["files"], profile["increment"]["bytes"] = tree_size(out / "increment" / "inbox")
    profile["seconds"] = round(time.monotonic() - started, 1)
    (out / "profile.json").write_text(json.dumps(profile, indent=2) + "\n", encoding="utf-8")
    print(
        f"[bench {profile['scale']}] wrote {files:,} files, {size / 1e6:,.1f} MB into {out / 'inbox'} "
        f"in {profile['seconds']:,.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
