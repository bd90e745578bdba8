-- One row per month of the programme for the whole organisation: the department figures summed,
-- with participation_rate = active / enrolled (NULL when none is enrolled), adoption_rate =
-- enrolled / headcount, engagement_rate, institution_share and reshare_attribution_coverage
-- (the share of posts + reshares whose relay status is known) recomputed on the totals and
-- median_score taken over all enrolled ambassadors; page_impressions are the institution's own
-- Page impressions that month (organic + sponsored, one value per day, NULL when no Page figure
-- covers it). data_until is the last day the data covers (staging.month_coverage), days_covered
-- the month's days up to it, and is_complete is true only when the data covers the month to its
-- last day: a partial month's figures are not comparable with a complete month's; clicks_measured
-- whether an advocacy export covers the month (clicks, and the click part of emv, are known). Rates and ratios
-- are rounded to 4 decimals, median_score and emv to 2.
WITH totals AS (
    SELECT month,
           sum(headcount) AS headcount, sum(enrolled) AS enrolled, sum(active) AS active,
           sum(posts) AS posts, sum(reshares) AS reshares, sum(institution_reshares) AS institution_reshares,
           sum(reshare_attribution_coverage * (posts + reshares)) AS attributable_activity,
           sum(impressions) AS impressions, sum(engagements_received) AS engagements_received,
           sum(followers_gained) AS followers_gained, sum(clicks) AS clicks, sum(emv) AS emv,
           sum(tier_champion) AS tier_champion, sum(tier_active) AS tier_active,
           sum(tier_occasional) AS tier_occasional, sum(tier_dormant) AS tier_dormant,
           sum(new_enrolments) AS new_enrolments, sum(lapsed) AS lapsed
    FROM marts.department_month
    GROUP BY month
),
scores AS (
    SELECT month, median(ambassador_score) FILTER (WHERE is_enrolled) AS median_score
    FROM marts.agent_month
    GROUP BY month
),
page AS (
    SELECT month, sum(value) AS page_impressions
    FROM staging.page_day_metrics
    WHERE metric = 'page_impressions'
    GROUP BY month
)
SELECT t.month,
       CAST(t.headcount AS BIGINT) AS headcount,
       CAST(t.enrolled AS BIGINT) AS enrolled,
       CAST(t.active AS BIGINT) AS active,
       CASE WHEN t.enrolled > 0 THEN round(t.active / t.enrolled, 4) END AS participation_rate,
       round(t.enrolled / t.headcount, 4) AS adoption_rate,
       CAST(t.posts AS BIGINT) AS posts,
       CAST(t.reshares AS BIGINT) AS reshares,
       CAST(t.institution_reshares AS BIGINT) AS institution_reshares,
       CASE WHEN t.posts + t.reshares > 0 THEN round(t.institution_reshares / (t.posts + t.reshares), 4) END
           AS institution_share,
       CASE WHEN t.posts + t.reshares > 0 THEN round(round(t.attributable_activity) / (t.posts + t.reshares), 4) END
           AS reshare_attribution_coverage,
       CAST(t.impressions AS BIGINT) AS impressions,
       CAST(t.engagements_received AS BIGINT) AS engagements_received,
       CASE WHEN t.impressions > 0 THEN round(t.engagements_received / t.impressions, 4) END AS engagement_rate,
       CAST(t.followers_gained AS BIGINT) AS followers_gained,
       CAST(t.clicks AS BIGINT) AS clicks,
       round(t.emv, 2) AS emv,
       round(s.median_score, 2) AS median_score,
       CAST(t.tier_champion AS BIGINT) AS tier_champion,
       CAST(t.tier_active AS BIGINT) AS tier_active,
       CAST(t.tier_occasional AS BIGINT) AS tier_occasional,
       CAST(t.tier_dormant AS BIGINT) AS tier_dormant,
       CAST(t.new_enrolments AS BIGINT) AS new_enrolments,
       CAST(t.lapsed AS BIGINT) AS lapsed,
       CAST(p.page_impressions AS BIGINT) AS page_impressions,
       c.data_until, c.days_covered, c.days_in_month, coalesce(c.is_complete, false) AS is_complete,
       coalesce(c.clicks_measured, false) AS clicks_measured
FROM totals AS t
LEFT JOIN scores AS s USING (month)
LEFT JOIN page AS p USING (month)
LEFT JOIN staging.month_coverage AS c USING (month)
ORDER BY t.month
