"""The dashboard's own wording in French and English; metric names come from the report's labels.

Each key maps to its (French, English) text. ``dashboard_text`` gives one language's table, which
the page embeds so that its script only places text and never builds a sentence itself.
"""

from __future__ import annotations

from relais.reports.labels import LANGUAGES, Labels

DASHBOARD_WORDING: dict[str, tuple[str, str]] = {
    "title": ("Tableau de bord du programme ambassadeurs", "Ambassador programme dashboard"),
    "published": ("Données publiées le {moment}", "Data published on {moment}"),
    "filters": ("Filtres", "Filters"),
    "filter_month": ("Mois", "Month"),
    "filter_department": ("Direction", "Department"),
    "whole_organisation": ("Toute l'organisation", "Whole organisation"),
    "merged_departments": ("Autres directions (petites directions regroupées)", "Other departments (merged)"),
    "views": ("Vues", "Views"),
    "view_participation": ("Participation", "Participation"),
    "view_activity": ("Activité", "Activity"),
    "view_reach": ("Audience", "Reach"),
    "view_amplification": ("Amplification", "Amplification"),
    "view_skills": ("Compétences", "Skills"),
    "showing": ("Affichage : {month} — {scope}", "Showing: {month} — {scope}"),
    "month_option_partial": ("{month} (incomplet)", "{month} (incomplete)"),
    "not_shown_alone": (
        "En {month}, cette direction compte moins de {k} ambassadeurs inscrits : ses chiffres sont "
        "comptés dans « Autres directions » pour préserver l'anonymat.",
        "In {month}, this department has fewer than {k} enrolled ambassadors: its figures are counted "
        "in “Other departments” to preserve anonymity.",
    ),
    "no_merged_group": (
        "En {month}, aucune petite direction n'est regroupée.",
        "In {month}, no small department is merged.",
    ),
    "merged_count": (
        "En {month}, ce groupe réunit {count} petite(s) direction(s) ; sa composition peut changer d'un "
        "mois à l'autre.",
        "In {month}, this group merges {count} small department(s); which ones may change from month "
        "to month.",
    ),
    "trend_title": ("{metric} — 12 derniers mois", "{metric} — last 12 months"),
    "chart_summary": (
        "Diagramme en barres. {points}. Les mois incomplets sont hachurés.",
        "Bar chart. {points}. Incomplete months are hatched.",
    ),
    "chart_point": ("{month} : {value}", "{month}: {value}"),
    "chart_data": ("Voir les données du graphique", "Show the chart's data"),
    "legend_partial": ("mois incomplet", "incomplete month"),
    "no_figures": ("Aucun chiffre pour ce choix.", "No figures for this choice."),
    "departments_title": ("Directions en {month}", "Departments in {month}"),
    "institution_share": ("Part de relais de l'institution", "Share relaying the institution"),
    "hint_institution_share": (
        "partages de l'institution / (publications + partages)",
        "institution reshares / (posts + reshares)",
    ),
    "hint_reshare_attribution_coverage": (
        "part de l'activité dont on sait si elle relaie l'institution",
        "share of activity whose relay status is known",
    ),
    "posts_title": (
        "Publications de l'institution créées en {month}",
        "Institution posts created in {month}",
    ),
    "posts_whole_note": (
        "Ces publications concernent toute l'institution : le filtre direction ne s'y applique pas.",
        "These posts concern the whole institution: the department filter does not apply to them.",
    ),
    "amplification_definition": (
        "Amplification = impressions des partages des ambassadeurs / impressions de la publication "
        "(« — » quand l'une des deux est inconnue : les republications directes n'ont pas d'impressions "
        "propres). Part des republications = republications faites par des ambassadeurs / toutes les "
        "republications de la publication.",
        "Amplification = impressions of the ambassadors' reshares / impressions of the post "
        "(“—” when either is unknown: direct reposts have no impressions of their own). Share of reposts = "
        "reposts made by ambassadors / all reposts of the post.",
    ),
    "skills_month_title": ("Compétences mises en avant en {month}", "Skills showcased in {month}"),
    "skills_month_note": (
        "Toute l'organisation : publications et partages du mois qui citent la compétence.",
        "Whole organisation: posts and reshares of the month naming the skill.",
    ),
    "skills_department_title": (
        "Compétences mises en avant par {scope} (depuis le début du programme)",
        "Skills showcased by {scope} (since the programme began)",
    ),
    "skills_families_title": (
        "Familles de compétences mises en avant (depuis le début du programme)",
        "Skill families showcased (since the programme began)",
    ),
    "skills_department_note": (
        "Regroupement des directions du dernier mois publié.",
        "Departments grouped as in the latest published month.",
    ),
    "bar_header": ("Barre proportionnelle aux publications", "Bar in proportion to posts"),
    "anonymity": (
        "Seuls des chiffres agrégés sont montrés, aucun nom. Les directions comptant moins de {k} "
        "ambassadeurs inscrits sont regroupées dans « Autres directions ».",
        "Only aggregate figures are shown, no name. Departments with fewer than {k} enrolled "
        "ambassadors are merged into “Other departments”.",
    ),
    "definitions": (
        "Participation = ambassadeurs actifs / inscrits ; adoption = inscrits / effectif. Un ambassadeur "
        "est actif s'il a publié ou partagé au moins une fois dans le mois. Mêmes définitions que le "
        "rapport mensuel.",
        "Participation = active / enrolled ambassadors; adoption = enrolled / headcount. An ambassador "
        "is active when they posted or reshared at least once in the month. Same definitions as the "
        "monthly report.",
    ),
    "no_script": (
        "Ce tableau de bord a besoin de JavaScript, activé dans tout navigateur récent.",
        "This dashboard needs JavaScript, on in every recent browser.",
    ),
    "footer": (
        "Produit par Relais à partir des tables publiées (serving/relais.duckdb). Fichier autonome : "
        "aucune connexion n'est nécessaire.",
        "Produced by Relais from the published tables (serving/relais.duckdb). Self-contained file: "
        "no connection is needed.",
    ),
}


# column names the dashboard shares with the report, taken from its wording
REPORT_KEYS = (
    "department",
    "skill",
    "family",
    "ambassadors_showcasing",
    "showcased_posts",
    "post_title",
    "post_date",
    "relaying_ambassadors",
    "reshares",
    "impressions",
    "amplification_ratio",
    "ambassador_repost_share",
    "partial_mark",
)


def dashboard_text(labels: Labels) -> dict[str, str]:
    """The dashboard's wording in the language of ``labels``, with the column names shared with the report."""
    index = LANGUAGES.index(labels.language)
    own = {key: texts[index] for key, texts in DASHBOARD_WORDING.items()}
    return {**{key: labels(key) for key in REPORT_KEYS}, **own}
