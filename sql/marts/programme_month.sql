-- One row per month of the programme for the whole organisation: the department figures summed,
-- with participation_rate = active / enrolled (NULL when none is enrolled) and adoption_rate =
-- enrolled / headcount recomputed on the totals; page_impressions are the institution's own Page
-- impressions that month (organic + sponsored, one value per day, NULL when no Page figure covers it).
WITH totals AS (
    SELECT month,
           sum(headcount) AS headcount,
           sum(enrolled) AS enrolled,
           sum(active) AS active,
           sum(posts) AS posts,
           sum(reshares) AS reshares,
           sum(institution_reshares) AS institution_reshares,
           sum(impressions) AS impressions,
           sum(engagements_received) AS engagements_received,
           sum(followers_gained) AS followers_gained,
           sum(clicks) AS clicks
    FROM marts.department_month
    GROUP BY month
),
page AS (
    SELECT month, sum(value) AS page_impressions
    FROM staging.page_day_metrics
    WHERE metric = 'page_impressions'
    GROUP BY month
)
SELECT month,
       CAST(headcount AS BIGINT) AS headcount,
       CAST(enrolled AS BIGINT) AS enrolled,
       CAST(active AS BIGINT) AS active,
       CASE WHEN enrolled > 0 THEN active / enrolled END AS participation_rate,
       enrolled / headcount AS adoption_rate,
       CAST(posts AS BIGINT) AS posts,
       CAST(reshares AS BIGINT) AS reshares,
       CAST(institution_reshares AS BIGINT) AS institution_reshares,
       CAST(impressions AS BIGINT) AS impressions,
       CAST(engagements_received AS BIGINT) AS engagements_received,
       CAST(followers_gained AS BIGINT) AS followers_gained,
       CAST(clicks AS BIGINT) AS clicks,
       CAST(p.page_impressions AS BIGINT) AS page_impressions
FROM totals
LEFT JOIN page AS p USING (month)
ORDER BY month
