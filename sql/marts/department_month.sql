-- One row per department (every department of the roster) and month of the programme; departments
-- with fewer than anonymity_threshold (k) enrolled ambassadors that month are merged into one
-- "Autres directions" row (is_other_departments, departments_merged; see
-- staging.department_groups). headcount: roster staff; enrolled: ambassadors enrolled by the month's end;
-- active: enrolled ambassadors with a post or reshare that month; participation_rate = active /
-- enrolled (NULL when none is enrolled); adoption_rate = enrolled / headcount. Activity and reach
-- columns (posts, reshares, institution_reshares, impressions, engagements_received,
-- followers_gained, clicks, emv) sum enrolled ambassadors only; engagement_rate =
-- engagements_received / impressions; institution_share = institution_reshares / (posts +
-- reshares); reshare_attribution_coverage = the share of those posts + reshares whose relay status
-- is known (see agent_month; NULL when nothing was published); median_score is the median
-- ambassador_score of the enrolled; tier_* count enrolled
-- ambassadors per tier; new_enrolments count ambassadors enrolled during the month; lapsed counts
-- enrolled ambassadors inactive for lapsed_after_months months or more; is_complete tells whether
-- the data covers the month to its last day (staging.month_coverage), clicks_measured whether an
-- advocacy export covers it (clicks and the click part of emv are known). Rates and ratios are rounded
-- to 4 decimals, median_score and emv to 2.
WITH activity AS (
    SELECT department, month,
           count(*) FILTER (WHERE is_enrolled) AS enrolled,
           count(*) FILTER (WHERE is_enrolled AND is_active) AS active,
           sum(posts) FILTER (WHERE is_enrolled) AS posts,
           sum(reshares) FILTER (WHERE is_enrolled) AS reshares,
           sum(institution_reshares) FILTER (WHERE is_enrolled) AS institution_reshares,
           sum(reshare_attribution_coverage * (posts + reshares)) FILTER (WHERE is_enrolled) AS attributable_activity,
           sum(impressions) FILTER (WHERE is_enrolled) AS impressions,
           sum(engagements_received) FILTER (WHERE is_enrolled) AS engagements_received,
           sum(followers_gained) FILTER (WHERE is_enrolled) AS followers_gained,
           sum(clicks) FILTER (WHERE is_enrolled) AS clicks,
           sum(emv) FILTER (WHERE is_enrolled) AS emv,
           median(ambassador_score) FILTER (WHERE is_enrolled) AS median_score,
           count(*) FILTER (WHERE tier = 'champion') AS tier_champion,
           count(*) FILTER (WHERE tier = 'active') AS tier_active,
           count(*) FILTER (WHERE tier = 'occasional') AS tier_occasional,
           count(*) FILTER (WHERE tier = 'dormant') AS tier_dormant,
           count(*) FILTER (WHERE is_new_enrolment) AS new_enrolments,
           count(*) FILTER (WHERE is_lapsed) AS lapsed
    FROM marts.agent_month
    GROUP BY department, month
),
reported AS (
    SELECT reported_department AS department, month, bool_or(is_merged) AS is_other_departments,
           count(*) FILTER (WHERE is_merged) AS departments_merged,
           sum(headcount) AS headcount
    FROM staging.department_groups
    GROUP BY reported_department, month
)
SELECT r.department,
       r.month,
       r.is_other_departments,
       r.departments_merged,
       CAST(r.headcount AS BIGINT) AS headcount,
       coalesce(a.enrolled, 0) AS enrolled,
       coalesce(a.active, 0) AS active,
       CASE WHEN coalesce(a.enrolled, 0) > 0 THEN round(a.active / a.enrolled, 4) END AS participation_rate,
       round(coalesce(a.enrolled, 0) / r.headcount, 4) AS adoption_rate,
       CAST(coalesce(a.posts, 0) AS BIGINT) AS posts,
       CAST(coalesce(a.reshares, 0) AS BIGINT) AS reshares,
       CAST(coalesce(a.institution_reshares, 0) AS BIGINT) AS institution_reshares,
       CASE WHEN coalesce(a.posts, 0) + coalesce(a.reshares, 0) > 0
            THEN round(a.institution_reshares / (a.posts + a.reshares), 4) END AS institution_share,
       CASE WHEN coalesce(a.posts, 0) + coalesce(a.reshares, 0) > 0
            THEN round(round(a.attributable_activity) / (a.posts + a.reshares), 4) END AS reshare_attribution_coverage,
       CAST(coalesce(a.impressions, 0) AS BIGINT) AS impressions,
       CAST(coalesce(a.engagements_received, 0) AS BIGINT) AS engagements_received,
       CASE WHEN coalesce(a.impressions, 0) > 0 THEN round(a.engagements_received / a.impressions, 4) END
           AS engagement_rate,
       CAST(coalesce(a.followers_gained, 0) AS BIGINT) AS followers_gained,
       CAST(coalesce(a.clicks, 0) AS BIGINT) AS clicks,
       round(coalesce(a.emv, 0), 2) AS emv,
       round(a.median_score, 2) AS median_score,
       coalesce(a.tier_champion, 0) AS tier_champion,
       coalesce(a.tier_active, 0) AS tier_active,
       coalesce(a.tier_occasional, 0) AS tier_occasional,
       coalesce(a.tier_dormant, 0) AS tier_dormant,
       coalesce(a.new_enrolments, 0) AS new_enrolments,
       coalesce(a.lapsed, 0) AS lapsed,
       coalesce(c.is_complete, false) AS is_complete,
       coalesce(c.clicks_measured, false) AS clicks_measured
FROM reported AS r
LEFT JOIN activity AS a ON a.department = r.department AND a.month = r.month
LEFT JOIN staging.month_coverage AS c ON c.month = r.month
ORDER BY r.month, r.is_other_departments, r.department
