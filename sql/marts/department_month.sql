-- One row per department (every department of the roster) and month of the programme.
-- headcount: roster staff; enrolled: ambassadors enrolled by the month's end; active: enrolled
-- ambassadors with a post or reshare that month; participation_rate = active / enrolled (NULL when
-- none is enrolled); adoption_rate = enrolled / headcount. Activity and reach columns (posts,
-- reshares, institution_reshares, impressions, engagements_received, followers_gained, clicks) sum
-- enrolled ambassadors only.
WITH months AS (
    SELECT DISTINCT month FROM marts.agent_month
),
activity AS (
    SELECT department, month,
           count(*) FILTER (WHERE is_enrolled) AS enrolled,
           count(*) FILTER (WHERE is_enrolled AND is_active) AS active,
           sum(posts) FILTER (WHERE is_enrolled) AS posts,
           sum(reshares) FILTER (WHERE is_enrolled) AS reshares,
           sum(institution_reshares) FILTER (WHERE is_enrolled) AS institution_reshares,
           sum(impressions) FILTER (WHERE is_enrolled) AS impressions,
           sum(engagements_received) FILTER (WHERE is_enrolled) AS engagements_received,
           sum(followers_gained) FILTER (WHERE is_enrolled) AS followers_gained,
           sum(clicks) FILTER (WHERE is_enrolled) AS clicks
    FROM marts.agent_month
    GROUP BY department, month
)
SELECT h.department,
       m.month,
       h.headcount,
       coalesce(a.enrolled, 0) AS enrolled,
       coalesce(a.active, 0) AS active,
       CASE WHEN coalesce(a.enrolled, 0) > 0 THEN a.active / a.enrolled END AS participation_rate,
       coalesce(a.enrolled, 0) / h.headcount AS adoption_rate,
       CAST(coalesce(a.posts, 0) AS BIGINT) AS posts,
       CAST(coalesce(a.reshares, 0) AS BIGINT) AS reshares,
       CAST(coalesce(a.institution_reshares, 0) AS BIGINT) AS institution_reshares,
       CAST(coalesce(a.impressions, 0) AS BIGINT) AS impressions,
       CAST(coalesce(a.engagements_received, 0) AS BIGINT) AS engagements_received,
       CAST(coalesce(a.followers_gained, 0) AS BIGINT) AS followers_gained,
       CAST(coalesce(a.clicks, 0) AS BIGINT) AS clicks
FROM staging.headcount AS h
CROSS JOIN months AS m
LEFT JOIN activity AS a ON a.department = h.department AND a.month = m.month
ORDER BY m.month, h.department
