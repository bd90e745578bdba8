"""The one translation table of the report: each key maps to its (French, English) wording."""

WORDING: dict[str, tuple[str, str]] = {
    # Header and reading guide
    "report_title": ("Rapport mensuel du programme ambassadeurs", "Monthly ambassador programme report"),
    "department_title": ("Fiche direction", "Department sheet"),
    "generated": ("Généré le {moment}", "Generated on {moment}"),
    "at_time": ("{day} à {time}", "{day}, {time}"),
    "how_to_read": (
        "Chiffres du mois de {month}, comparés au mois précédent ({previous}) : ▲ hausse, ▼ baisse. "
        "Participation = ambassadeurs actifs / inscrits ; adoption = inscrits / effectif de la direction "
        "ou de l'institution. Un ambassadeur est actif s'il a publié ou partagé au moins une fois "
        "dans le mois.",
        "Figures for {month}, compared with the month before ({previous}): ▲ up, ▼ down. "
        "Participation = active / enrolled ambassadors; adoption = enrolled / headcount. An ambassador "
        "is active when they posted or reshared at least once in the month.",
    ),
    "partial_month": (
        "Mois en cours : les chiffres sont provisoires et seront complétés.",
        "Month in progress: figures are provisional and will be completed.",
    ),
    "points": ("pts", "pts"),
    "versus": ("vs {month}", "vs {month}"),
    "no_previous": ("pas de mois précédent", "no previous month"),
    "no_data": ("Aucune donnée pour ce mois.", "No data for this month."),
    # Sections
    "section_headlines": ("Chiffres clés", "Headline figures"),
    "section_trends": ("Évolution sur 12 mois", "12-month trends"),
    "section_departments": ("Directions", "Departments"),
    "section_posts": ("Publications de l'institution les plus relayées", "Most relayed institution posts"),
    "section_skills": ("Compétences mises en avant", "Skills showcased"),
    "section_leaderboard": ("Classement des ambassadeurs", "Ambassador leaderboard"),
    "section_quality": ("Qualité des données", "Data quality"),
    "section_files": ("Fichiers de ce rapport", "Files of this report"),
    "section_trend_department": ("Évolution sur 12 mois", "12-month trend"),
    "section_department_skills": ("Compétences les plus mises en avant", "Top skills showcased"),
    # Metrics
    "group_participation": ("Participation", "Participation"),
    "group_activity": ("Activité", "Activity"),
    "group_reach": ("Audience", "Reach"),
    "unchanged": ("inchangé", "unchanged"),
    "col_enrolled": ("Inscrits", "Enrolled"),
    "col_active": ("Actifs", "Active"),
    "col_participation": ("Participation", "Participation"),
    "col_posts_reshares": ("Publications + partages", "Posts + reshares"),
    "enrolled": ("Ambassadeurs inscrits", "Enrolled ambassadors"),
    "active": ("Ambassadeurs actifs", "Active ambassadors"),
    "enrolled_inactive": ("Inscrits sans activité", "Enrolled, not active"),
    "participation_rate": ("Taux de participation", "Participation rate"),
    "adoption_rate": ("Taux d'adoption", "Adoption rate"),
    "posts": ("Publications", "Posts"),
    "reshares": ("Partages", "Reshares"),
    "institution_reshares": ("Partages de l'institution", "Institution reshares"),
    "impressions": ("Impressions", "Impressions"),
    "engagements_received": ("Engagements reçus", "Engagements received"),
    "engagement_rate": ("Taux d'engagement", "Engagement rate"),
    "emv": ("Valeur média estimée", "Earned media value"),
    "new_enrolments": ("Nouvelles inscriptions", "New enrolments"),
    "lapsed": ("Ambassadeurs décrochés", "Lapsed ambassadors"),
    "median_score": ("Score médian", "Median score"),
    "headcount": ("Effectif", "Headcount"),
    "posts_and_reshares": ("Publications + partages", "Posts + reshares"),
    # Hints under headline figures
    "hint_participation_rate": ("actifs / inscrits", "active / enrolled"),
    "hint_adoption_rate": ("inscrits / effectif", "enrolled / headcount"),
    "hint_engagement_rate": ("engagements / impressions", "engagements / impressions"),
    "hint_emv": ("estimation en {currency}", "estimate in {currency}"),
    "hint_lapsed": ("sans activité depuis {months} mois ou plus", "inactive for {months} months or more"),
    "hint_institution_reshares": ("publications de l'institution relayées", "institution posts relayed"),
    "reshare_attribution_coverage": ("Relais mesurables", "Measurable relays"),
    "coverage_note": ("mesurable pour {share} de l'activité", "measurable for {share} of activity"),
    "hint_median_score": ("score de 0 à 100", "score from 0 to 100"),
    # Charts
    "chart_participation": ("Inscrits et actifs", "Enrolled and active"),
    "chart_rate": ("Taux de participation", "Participation rate"),
    "chart_departments": ("Inscrits par direction, dont actifs", "Enrolled per department, of whom active"),
    "chart_heatmap": (
        "Publications mettant en avant une compétence, par direction et famille "
        "(depuis le début du programme)",
        "Posts showcasing a skill, by department and skill family (since the programme began)",
    ),
    # Departments
    "department": ("Direction", "Department"),
    "other_departments": ("Autres directions (regroupées : {count})", "Other departments ({count} merged)"),
    "anonymity_note": (
        "Pour préserver l'anonymat, les directions comptant moins de {k} ambassadeurs inscrits sont "
        "regroupées dans « Autres directions » (seuil k = {k}).",
        "To preserve anonymity, departments with fewer than {k} enrolled ambassadors are merged into "
        "“Other departments” (threshold k = {k}).",
    ),
    "merged_sheet_note": (
        "Cette fiche regroupe les directions trop petites pour être montrées seules ; leur composition "
        "peut changer d'un mois à l'autre.",
        "This sheet merges the departments too small to be shown alone; which ones may change from "
        "month to month.",
    ),
    "merged_group": ("Regroupement de petites directions", "Merged small departments"),
    "department_sheet_link": ("fiche", "sheet"),
    "back_to_report": ("← Rapport du mois", "← Monthly report"),
    "skills_whole_programme": (
        "Depuis le début du programme, publications des ambassadeurs de la direction.",
        "Since the programme began, posts by the department's ambassadors.",
    ),
    "no_department_skills": (
        "Aucune compétence mise en avant connue pour cette direction.",
        "No showcased skill known for this department.",
    ),
    # Institution posts
    "post_title": ("Publication", "Post"),
    "post_date": ("Date", "Date"),
    "relaying_ambassadors": ("Ambassadeurs relais", "Relaying ambassadors"),
    "amplification_ratio": ("Amplification", "Amplification"),
    "post_link": ("Lien", "Link"),
    "open_post": ("voir", "open"),
    "untitled": ("(sans titre)", "(untitled)"),
    "posts_note": (
        "Publications de l'institution créées en {month}, classées par nombre d'ambassadeurs qui les ont "
        "relayées. Amplification = impressions des partages / impressions de la publication.",
        "Institution posts created in {month}, ranked by the number of ambassadors who relayed them. "
        "Amplification = impressions of reshares / impressions of the post.",
    ),
    "no_posts": ("Aucune publication de l'institution ce mois-ci.", "No institution post this month."),
    # Skills
    "skill": ("Compétence", "Skill"),
    "family": ("Famille", "Family"),
    "ambassadors_showcasing": ("Ambassadeurs", "Ambassadors"),
    "showcased_posts": ("Publications", "Posts"),
    "top_skills_month": ("Top 10 des compétences de {month}", "Top 10 skills of {month}"),
    "no_skills": ("Aucune compétence mise en avant ce mois-ci.", "No skill showcased this month."),
    # Leaderboard
    "rank": ("Rang", "Rank"),
    "ambassador": ("Ambassadeur", "Ambassador"),
    "anonymous": ("Ambassadeur·rice anonyme", "Anonymous ambassador"),
    "score": ("Score", "Score"),
    "tier": ("Niveau", "Tier"),
    "tier_champion": ("Champion", "Champion"),
    "tier_active": ("Actif", "Active"),
    "tier_occasional": ("Occasionnel", "Occasional"),
    "tier_dormant": ("En sommeil", "Dormant"),
    "leaderboard_note": (
        "Les 10 meilleurs scores du mois parmi les ambassadeurs inscrits. Seuls les ambassadeurs en poste "
        "et volontaires sont nommés ; les autres apparaissent anonymement.",
        "The 10 best scores of the month among enrolled ambassadors. Only current, consenting "
        "ambassadors are named; the others appear anonymously.",
    ),
    "no_leaders": ("Aucun score pour ce mois.", "No score for this month."),
    # Quality
    "checks_total": ("Contrôles", "Checks"),
    "checks_passed": ("Réussis", "Passed"),
    "checks_failed": ("Échecs", "Failed"),
    "severity": ("Gravité", "Severity"),
    "severity_ERROR": ("bloquant", "blocking"),
    "severity_WARN": ("avertissement", "warning"),
    "check_table": ("Table", "Table"),
    "check_name": ("Contrôle", "Check"),
    "unexpected_count": ("Lignes en écart", "Unexpected rows"),
    "details": ("Détails", "Details"),
    "quality_run": ("Dernière vérification : {moment}", "Latest check: {moment}"),
    "quality_all_passed": ("Tous les contrôles sont réussis.", "Every check passed."),
    "quality_none": ("Aucune vérification de la qualité enregistrée.", "No data-quality run recorded."),
    "data_docs": ("Rapport détaillé de qualité (Data Docs)", "Detailed quality report (Data Docs)"),
    # Files
    "csv_departments": ("directions", "departments"),
    "csv_posts": ("publications_institution", "institution_posts"),
    "csv_leaderboard": ("classement", "leaderboard"),
    "departments_folder": ("departements", "departments"),
    "report_file": ("rapport", "report"),
    "file_departments": ("Tableau des directions (CSV)", "Department table (CSV)"),
    "file_posts": ("Publications de l'institution (CSV)", "Institution posts (CSV)"),
    "file_leaderboard": ("Classement (CSV)", "Leaderboard (CSV)"),
    "file_pdf": ("Ce rapport en PDF", "This report as PDF"),
    "yes": ("oui", "yes"),
    "no": ("non", "no"),
    "month": ("Mois", "Month"),
    "page": ("Page", "Page"),
    "footer": (
        "Produit par Relais à partir des exports LinkedIn",
        "Produced by Relais from LinkedIn exports",
    ),
}
