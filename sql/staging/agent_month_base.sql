-- The base of marts.agent_month: one row per ambassador per calendar month, from the earlier of
-- their enrolment month and their first activity month (posts, reshares, comments, reactions) to the last month holding any data.
-- posts: Shares rows not relaying a LinkedIn post; reshares: Shares rows relaying a LinkedIn post
-- plus InstantReposts rows; institution_reshares: reshares of an institution post;
-- attributable_activity: posts + reshares whose relay status is known (staging.activities
-- is_attributable: InstantReposts rows and rows naming the post they relay); is_enrolled:
-- enrolled on or before the month's last day; is_active: posts + reshares >= 1. impressions,
-- engagements_received (reactions + comments + reposts on their posts and reshares) and
-- followers_gained sum one value per day (see staging.agent_day_metrics); clicks are the clicks
-- advocacy platforms report for the month.
WITH activity_months AS (
    SELECT agent_key, month FROM staging.activities
    UNION ALL
    SELECT agent_key, month FROM staging.engagements_given WHERE month IS NOT NULL
),
data_months AS (
    SELECT month FROM activity_months
    UNION ALL SELECT month FROM staging.connections_monthly
    UNION ALL SELECT month FROM staging.endorsements
    UNION ALL SELECT CAST(date_trunc('month', created_on) AS DATE) FROM staging.institution_posts
    UNION ALL SELECT CAST(date_trunc('month', enrolled_on) AS DATE) FROM staging.agents
    UNION ALL SELECT month FROM staging.agent_day_metrics
    UNION ALL SELECT month FROM staging.platform_activity
),
last_month AS (
    SELECT max(month) AS month FROM data_months
),
spans AS (
    SELECT a.agent_key, a.department, a.enrolled_on,
           least(CAST(date_trunc('month', a.enrolled_on) AS DATE), min(m.month)) AS first_month
    FROM staging.agents AS a
    LEFT JOIN activity_months AS m USING (agent_key)
    GROUP BY a.agent_key, a.department, a.enrolled_on
),
grid AS (
    SELECT s.agent_key, s.department, s.enrolled_on, CAST(g.month AS DATE) AS month
    FROM spans AS s
    CROSS JOIN last_month AS l
    CROSS JOIN LATERAL (SELECT unnest(generate_series(s.first_month, l.month, INTERVAL 1 MONTH)) AS month) AS g
),
published AS (
    SELECT agent_key, month,
           count(*) FILTER (WHERE kind = 'post') AS posts,
           count(*) FILTER (WHERE kind = 'reshare') AS reshares,
           count(*) FILTER (WHERE kind = 'reshare' AND is_institution_target) AS institution_reshares,
           count(*) FILTER (WHERE is_attributable) AS attributable_activity
    FROM staging.activities
    GROUP BY agent_key, month
),
given AS (
    SELECT agent_key, month,
           count(*) FILTER (WHERE kind = 'comment') AS comments_given,
           count(*) FILTER (WHERE kind = 'reaction') AS reactions_given
    FROM staging.engagements_given
    WHERE month IS NOT NULL
    GROUP BY agent_key, month
),
reach AS (
    SELECT agent_key, month,
           sum(value) FILTER (WHERE metric = 'impressions') AS impressions,
           sum(value) FILTER (WHERE metric = 'engagements') AS engagements_received,
           sum(value) FILTER (WHERE metric = 'followers_gained') AS followers_gained
    FROM staging.agent_day_metrics
    GROUP BY agent_key, month
),
platform AS (
    SELECT agent_key, month, sum(clicks) AS clicks FROM staging.platform_activity GROUP BY agent_key, month
),
endorsed AS (
    SELECT agent_key, month, sum(endorsements) AS endorsements_received
    FROM staging.endorsements
    GROUP BY agent_key, month
)
SELECT g.agent_key,
       g.department,
       g.month,
       g.enrolled_on,
       g.enrolled_on <= last_day(g.month) AS is_enrolled,
       coalesce(p.posts, 0) AS posts,
       coalesce(p.reshares, 0) AS reshares,
       coalesce(p.institution_reshares, 0) AS institution_reshares,
       coalesce(v.comments_given, 0) AS comments_given,
       coalesce(v.reactions_given, 0) AS reactions_given,
       CAST(coalesce(c.new_connections, 0) AS BIGINT) AS new_connections,
       CAST(coalesce(e.endorsements_received, 0) AS BIGINT) AS endorsements_received,
       coalesce(p.posts, 0) + coalesce(p.reshares, 0) >= 1 AS is_active,
       CAST(coalesce(r.impressions, 0) AS BIGINT) AS impressions,
       CAST(coalesce(r.engagements_received, 0) AS BIGINT) AS engagements_received,
       CAST(coalesce(r.followers_gained, 0) AS BIGINT) AS followers_gained,
       CAST(coalesce(k.clicks, 0) AS BIGINT) AS clicks,
       coalesce(p.attributable_activity, 0) AS attributable_activity
FROM grid AS g
LEFT JOIN published AS p USING (agent_key, month)
LEFT JOIN given AS v USING (agent_key, month)
LEFT JOIN staging.connections_monthly AS c USING (agent_key, month)
LEFT JOIN endorsed AS e USING (agent_key, month)
LEFT JOIN reach AS r USING (agent_key, month)
LEFT JOIN platform AS k USING (agent_key, month)
ORDER BY g.agent_key, g.month
