"""The one translation table of the report: each key maps to its (French, English) wording."""

WORDING: dict[str, tuple[str, str]] = {
    # Header and reading guide
    "report_title": ("Rapport mensuel du programme ambassadeurs", "Monthly ambassador programme report"),
    "department_title": ("Fiche direction", "Department sheet"),
    "generated": ("Généré le {moment}", "Generated on {moment}"),
    "at_time": ("{day} à {time}", "{day}, {time}"),
    "compared": (
        "Chiffres {of_month}, comparés à {previous} : ▲ hausse, ▼ baisse.",
        "Figures {of_month}, compared with {previous}: ▲ up, ▼ down.",
    ),
    "not_compared_partial": (
        "Chiffres {of_month}, non comparés à {previous} car {month} est incomplet.",
        "Figures {of_month}, not compared with {previous} because {month} is partial.",
    ),
    "not_compared_previous": (
        "Chiffres {of_month}, non comparés à {previous} car {previous} est incomplet.",
        "Figures {of_month}, not compared with {previous} because {previous} is partial.",
    ),
    "not_compared_missing": (
        "Chiffres {of_month} ; {previous} n'a pas de chiffres, donc pas de comparaison.",
        "Figures {of_month}; {previous} has no figures, so no comparison.",
    ),
    "definitions": (
        "Participation = ambassadeurs actifs / inscrits ; adoption = inscrits / effectif de la direction "
        "ou de l'institution. Un ambassadeur est actif s'il a publié ou partagé au moins une fois "
        "dans le mois.",
        "Participation = active / enrolled ambassadors; adoption = enrolled / headcount. An ambassador "
        "is active when they posted or reshared at least once in the month.",
    ),
    # How complete the month is
    "coverage_complete": (
        "Mois complet : les données couvrent {month} en entier, jusqu'au {until}.",
        "Complete month: the data covers the whole of {month}, up to {until}.",
    ),
    "coverage_partial": (
        "Mois incomplet : données jusqu'au {until} (jours couverts : {days} sur {total}). Ces chiffres sont "
        "provisoires et ne sont pas comparés au mois précédent.",
        "Partial month: data up to {until} ({days} of {total} days). These figures are provisional and "
        "are not compared with the month before.",
    ),
    "coverage_partial_empty": (
        "Mois incomplet : les données s'arrêtent au {until}, avant le début de ce mois. Ces chiffres "
        "sont provisoires et ne sont pas comparés au mois précédent.",
        "Partial month: the data stops on {until}, before this month began. These figures are "
        "provisional and are not compared with the month before.",
    ),
    "coverage_partial_unknown": (
        "Mois incomplet : les données ne couvrent pas encore tout le mois. Ces chiffres sont "
        "provisoires et ne sont pas comparés au mois précédent.",
        "Partial month: the data does not cover the whole month yet. These figures are provisional "
        "and are not compared with the month before.",
    ),
    "coverage_none_complete": (
        "Aucun mois n'est encore couvert en entier par les données : ce rapport montre le dernier mois "
        "disponible.",
        "No month is covered whole by the data yet: this report shows the latest month available.",
    ),
    "coverage_newer": (
        "{month}, encore incomplet (données jusqu'au {until}), sera présenté une fois complet.",
        "{month}, still partial (data up to {until}), will be shown once complete.",
    ),
    "coverage_newer_empty": (
        "{month} n'est pas encore couvert par les données ; il sera présenté une fois complet.",
        "{month} is not covered by the data yet; it will be shown once complete.",
    ),
    "coverage_newer_unknown": (
        "{month}, encore incomplet, sera présenté une fois complet.",
        "{month}, still partial, will be shown once complete.",
    ),
    "change_partial": ("non comparé : mois incomplet", "not compared: partial month"),
    "change_basis_emv": (
        "non comparé : les clics ne sont connus que pour l'un des deux mois",
        "not compared: clicks are known for only one of the two months",
    ),
    "partial_mark": ("incomplet", "partial"),
    "chart_partial_note": (
        "* {month} : mois incomplet, données jusqu'au {until}.",
        "* {month}: partial month, data up to {until}.",
    ),
    "chart_partial_note_unknown": (
        "* {month} : mois incomplet.",
        "* {month}: partial month.",
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
    "ambassador_repost_share": ("Part des republications", "Share of reposts"),
    "post_link": ("Lien", "Link"),
    "open_post": ("voir", "open"),
    "untitled": ("(sans titre)", "(untitled)"),
    "posts_note": (
        "Publications de l'institution créées en {month}, classées par nombre d'ambassadeurs qui les ont "
        "relayées. Amplification = impressions des partages / impressions de la publication (« — » quand "
        "les partages n'ont pas d'impressions propres : les republications directes sont comptées dans "
        "celles de la publication). Part des republications = republications faites par des "
        "ambassadeurs / toutes les republications de la publication.",
        "Institution posts created in {month}, ranked by the number of ambassadors who relayed them. "
        "Amplification = impressions of reshares / impressions of the post (“—” when the reshares have no "
        "impressions of their own: direct reposts count in the post's). Share of reposts = reposts made by "
        "ambassadors / all reposts of the post.",
    ),
    "no_posts": ("Aucune publication de l'institution ce mois-ci.", "No institution post this month."),
    # Skills
    "skill": ("Compétence", "Skill"),
    "family": ("Famille", "Family"),
    "ambassadors_showcasing": ("Ambassadeurs", "Ambassadors"),
    "showcased_posts": ("Publications", "Posts"),
    "top_skills_month": ("Top 10 des compétences — {month}", "Top 10 skills — {month}"),
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
        "Les {limit} premiers rangs parmi les ambassadeurs actifs en {month} (au moins une publication "
        "ou un partage dans le mois), classés par score décroissant (de 0 à 100). À score égal, même "
        "rang : les ex æquo sont listés par impressions décroissantes. Seuls les ambassadeurs en poste "
        "et volontaires sont nommés ; les autres apparaissent anonymement.",
        "The first {limit} ranks among the ambassadors active in {month} (at least one post or reshare "
        "in the month), by decreasing score (0 to 100). Equal scores share a rank and are listed by "
        "decreasing impressions. Only current, consenting ambassadors are named; the others appear "
        "anonymously.",
    ),
    "tied": ("ex æquo", "tied"),
    "no_leaders": ("Aucun ambassadeur actif ce mois-ci.", "No active ambassador this month."),
    # Quality
    "checks_total": ("Contrôles automatiques", "Automatic checks"),
    "checks_passed": ("Réussis", "Passed"),
    "checks_failed": ("Points à connaître", "Points to know"),
    "severity_ERROR": ("à corriger avant diffusion", "to fix before sharing"),
    "severity_WARN": ("à vérifier", "to check"),
    "quality_run": ("Dernière vérification : {moment}", "Latest check: {moment}"),
    "quality_all_passed": (
        "Les {total} contrôles automatiques des données sont réussis : rien à signaler.",
        "All {total} automatic data checks passed: nothing to report.",
    ),
    "quality_some_failed": (
        "{passed} contrôles automatiques réussis sur {total}. Ce qu'il faut savoir :",
        "{passed} of {total} automatic checks passed. What you need to know:",
    ),
    "quality_none": ("Aucune vérification de la qualité enregistrée.", "No data-quality run recorded."),
    "quality_affected": ("Concerne", "Affects"),
    "quality_action": ("Que faire", "What to do"),
    "quality_contact": ("Qui contacter", "Whom to ask"),
    "quality_technical": (
        "Le détail technique (tables et règles vérifiées) est réservé à l'équipe données : rapport "
        "détaillé de qualité et journal d'exécution.",
        "The technical detail (tables and rules checked) is for the data team: detailed quality report "
        "and run log.",
    ),
    "data_docs": ("Ouvrir le rapport détaillé de qualité", "Open the detailed quality report"),
    "and": ("et", "and"),
    "team_data": ("l'équipe données qui gère Relais", "the data team running Relais"),
    "team_communication": (
        "l'équipe communication (exports LinkedIn de la page et des ambassadeurs)",
        "the communication team (LinkedIn exports of the Page and the ambassadors)",
    ),
    "quality_late_title": ("Données pas à jour", "Data not up to date"),
    "quality_late_action": (
        "Les dernières semaines manquent peut-être. Faire déposer les exports LinkedIn les plus récents, "
        "puis relancer l'actualisation.",
        "The latest weeks may be missing. Have the newest LinkedIn exports dropped in, then refresh.",
    ),
    "quality_late_contact": ("{team_communication}", "{team_communication}"),
    "quality_drop_title": ("Baisse inhabituelle de l'activité", "Unusual drop in activity"),
    "quality_drop_action": (
        "Avant de commenter ces chiffres, vérifier s'il s'agit d'une vraie baisse (congés, fin de "
        "campagne) ou d'exports manquants.",
        "Before commenting on these figures, check whether the drop is real (holidays, end of a "
        "campaign) or exports are missing.",
    ),
    "quality_drop_contact": ("{team_communication}", "{team_communication}"),
    "quality_gap_title": ("Un mois manque dans l'historique", "A month is missing from the history"),
    "quality_gap_action": (
        "Les évolutions sur 12 mois ont un trou. Retrouver et déposer les exports du mois manquant.",
        "The 12-month trends have a gap. Find and drop in the exports of the missing month.",
    ),
    "quality_gap_contact": ("{team_data}", "{team_data}"),
    "quality_roster_title": ("Fichier des agents à revoir", "Staff list to review"),
    "quality_roster_action": (
        "Des lignes du dernier fichier des agents sont incomplètes ou en double : les corriger et "
        "déposer le fichier à nouveau.",
        "Lines of the latest staff list are incomplete or duplicated: correct them and drop the file "
        "in again.",
    ),
    "quality_roster_contact": (
        "le service RH qui fournit le fichier des agents, avec {team_data}",
        "the HR staff who provide the staff list, with {team_data}",
    ),
    "quality_consistency_title": ("Incohérence dans les chiffres calculés", "Inconsistent computed figures"),
    "quality_consistency_action": (
        "Utiliser les chiffres concernés avec prudence ; l'équipe données doit corriger le calcul avant "
        "la prochaine actualisation.",
        "Use the figures affected with care; the data team must correct the computation before the next "
        "refresh.",
    ),
    "quality_consistency_contact": ("{team_data}", "{team_data}"),
    "area_programme": ("les chiffres clés du programme", "the programme's headline figures"),
    "area_departments": ("les chiffres par direction", "the figures per department"),
    "area_roster": ("la liste des ambassadeurs", "the list of ambassadors"),
    "area_ambassadors": (
        "les chiffres par ambassadeur et le classement",
        "the figures per ambassador and the leaderboard",
    ),
    "area_skills": ("les compétences mises en avant", "the skills showcased"),
    "area_institution_posts": ("les publications de l'institution", "the institution's posts"),
    "area_post_reach": ("l'audience des publications", "the reach of posts"),
    "area_enrolments": ("le suivi des inscriptions", "the enrolment follow-up"),
    "area_settings": ("les paramètres de calcul", "the computation settings"),
    "area_files": ("le suivi des fichiers déposés", "the record of files dropped in"),
    "area_activity": ("l'activité LinkedIn des ambassadeurs", "the ambassadors' LinkedIn activity"),
    "area_data": ("les données du programme", "the programme's data"),
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
    "files_note": (
        "Ce rapport tient en un seul fichier (graphiques et mise en forme inclus) : il peut être envoyé "
        "seul. Les liens vers les fiches des directions, les fichiers CSV et le rapport détaillé de "
        "qualité ne fonctionnent que dans son dossier ({folder}) : pour les transmettre aussi, envoyer "
        "le dossier entier, par exemple en archive zip.",
        "This report is a single file (charts and styles included): it can be sent alone. The links to "
        "the department sheets, the CSV files and the detailed quality report work only inside its "
        "folder ({folder}): to pass them on too, send the whole folder, for instance as a zip archive.",
    ),
    "sheets_note": (
        "Les liens « fiche » ouvrent les fiches du dossier du rapport ; si ce fichier a été envoyé seul, "
        "demander le dossier complet.",
        "The “sheet” links open the sheets of the report's folder; if this file was sent alone, ask "
        "for the whole folder.",
    ),
    "column_complete": ("Mois complet", "Complete month"),
    "column_data_until": ("Données jusqu'au", "Data up to"),
    "column_participation_rate": (
        "Taux de participation (%, vide si aucun inscrit)",
        "Participation rate (%, empty without enrolled ambassadors)",
    ),
    "column_adoption_rate": (
        "Taux d'adoption (%, vide si effectif inconnu)",
        "Adoption rate (%, empty when headcount is unknown)",
    ),
    "column_engagement_rate": (
        "Taux d'engagement (%, vide si aucune impression)",
        "Engagement rate (%, empty without impressions)",
    ),
    "column_emv": ("Valeur média estimée ({currency})", "Earned media value ({currency})"),
    "column_median_score": (
        "Score médian (0 à 100, vide si aucun score)",
        "Median score (0 to 100, empty without scores)",
    ),
    "column_amplification_ratio": (
        "Amplification (impressions des partages / impressions de la publication, vide si non mesurable)",
        "Amplification (impressions of reshares / impressions of the post, empty when not measurable)",
    ),
    "column_ambassador_repost_share": (
        "Part des republications faites par des ambassadeurs (%, vide si les republications sont inconnues)",
        "Share of the post's reposts made by ambassadors (%, empty when reposts are unknown)",
    ),
    "column_post_link": (
        "Lien (vide sans lien LinkedIn valide)",
        "Link (empty without a valid LinkedIn link)",
    ),
    "column_score": ("Score (0 à 100)", "Score (0 to 100)"),
    "yes": ("oui", "yes"),
    "no": ("non", "no"),
    "month": ("Mois", "Month"),
    "page": ("Page", "Page"),
    "footer": (
        "Produit par Relais à partir des exports LinkedIn",
        "Produced by Relais from LinkedIn exports",
    ),
    # Compared with similar organisations (relais.reports.peers)
    "section_peers": ("Comparaison avec des organisations similaires", "Compared with similar organisations"),
    "peers_intro": (
        "Vos chiffres {of_month} à côté de ceux des {count} organisations de {band} du réseau Relais "
        "(la vôtre comprise) qui ont choisi de partager les leurs. Aucune organisation n'est nommée : "
        "seules la médiane et la fourchette où se trouve la moitié d'entre elles sont montrées.",
        "Your figures {of_month} beside those of the {count} organisations of {band} in the Relais network "
        "(yours included) that chose to share theirs. No organisation is named: only the median and the "
        "range holding the middle half of them are shown.",
    ),
    "peers_waiting": (
        "Votre organisation partage ses chiffres avec le réseau Relais. En {month}, {count} "
        "organisation(s) de {band} les partagent ; la comparaison s'affiche à partir de {needed}, pour "
        "qu'aucune organisation ne soit reconnaissable.",
        "Your organisation shares its figures with the Relais network. In {month}, {count} "
        "organisation(s) of {band} share theirs; the comparison is shown from {needed} on, so that no "
        "organisation can be recognised.",
    ),
    "peers_sentence": (
        "{label} : {own}, {position} (médiane {median} ; la moitié des organisations entre {q1} et {q3}).",
        "{label}: {own}, {position} (median {median}; the middle half of the organisations between {q1} "
        "and {q3}).",
    ),
    "peers_above": (
        "au-dessus de la plupart des organisations similaires",
        "above most similar organisations",
    ),
    "peers_within": (
        "dans la fourchette des organisations similaires",
        "within the range of similar organisations",
    ),
    "peers_below": (
        "en dessous de la plupart des organisations similaires",
        "below most similar organisations",
    ),
    "peers_legend": (
        "Sur chaque barre, la zone claire va du quart inférieur au quart supérieur des organisations "
        "similaires, le trait marque leur médiane et le point votre organisation. Définitions : "
        "docs/metrics.md, « The network of peers ».",
        "On each bar, the light area runs from the lower to the upper quartile of similar "
        "organisations, the line marks their median and the dot your organisation. Definitions: "
        'docs/metrics.md, "The network of peers".',
    ),
    "band_under_250": ("moins de 250 agents", "fewer than 250 staff"),
    "band_250_999": ("250 à 999 agents", "250 to 999 staff"),
    "band_1000_4999": ("1\u202f000 à 4\u202f999 agents", "1,000 to 4,999 staff"),
    "band_5000_plus": ("5\u202f000 agents ou plus", "5,000 staff or more"),
    "peer_participation_rate": ("Taux de participation", "Participation rate"),
    "peer_activity_per_ambassador": (
        "Publications et partages par ambassadeur",
        "Posts and reshares per ambassador",
    ),
    "peer_reach_per_ambassador": ("Impressions par ambassadeur", "Impressions per ambassador"),
    "peer_institution_share": (
        "Part de l'activité qui relaie l'institution",
        "Share of activity relaying the institution",
    ),
    "peer_institution_reshares_per_ambassador": (
        "Partages de publications de l'institution par ambassadeur",
        "Reshares of institution posts per ambassador",
    ),
    "peer_reshare_attribution_coverage": (
        "Part des publications dont on sait si elles relaient l'institution",
        "Share of posts known to relay the institution or not",
    ),
    "peers_families_title": (
        "Compétences mises en avant, par famille",
        "Skills showcased, by family",
    ),
    "peers_family_own": ("Mentions par ambassadeur", "Mentions per ambassador"),
    "peers_family_share": ("Part de vos mentions", "Share of your mentions"),
    "peers_family_median": ("Médiane", "Median"),
    "peers_family_range_header": ("La moitié des organisations entre", "Middle half of organisations"),
    "peers_family_position": ("Position", "Position"),
    "peers_family_range": ("{q1} et {q3}", "{q1} to {q3}"),
    "peers_family_above": ("au-dessus", "above"),
    "peers_family_within": ("dans la fourchette", "within the range"),
    "peers_family_below": ("en dessous", "below"),
    "peers_families_more": (
        "Les {shown} familles où vous comptez le plus de mentions ; {count} autre(s) famille(s) "
        "comparable(s) ne sont pas montrées.",
        "The {shown} families with the most mentions of yours; {count} other comparable family(ies) "
        "not shown.",
    ),
    "peers_families_legend": (
        "Mentions par ambassadeur : publications et partages du mois nommant une compétence de la "
        "famille (une fois par compétence), divisés par les ambassadeurs inscrits ; 0 pour une famille "
        "que vous n'avez pas nommée. Part de vos mentions : la part de la famille dans toutes vos "
        "mentions de compétences du mois. Médiane et fourchette : celles des organisations similaires, "
        "qui peuvent utiliser un autre référentiel de compétences.",
        "Mentions per ambassador: the month's posts and reshares naming a skill of the family (once per "
        "skill), divided by the enrolled ambassadors; 0 for a family you did not name. Share of your "
        "mentions: the family's share of all your skill mentions that month. Median and range: those "
        "of similar organisations, which may use another skills framework.",
    ),
}
