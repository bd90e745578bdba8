-- What enrolment changes, per ambassador with at least three whole months of data on each side of
-- their enrolment month (which itself is left out): monthly averages of activity (posts + reshares)
-- and reach (impressions) before and after, and the difference after - before. Months without a
-- row count as zero activity; impressions before enrolment are only known where analytics exports
-- or API figures cover those months (impressions_known_before says in how many months they do).
-- department is the group published for the latest month (see staging.department_groups). The
-- monthly averages and uplifts are rounded to 2 decimals.
WITH bounds AS (
    SELECT min(month) AS first_month, max(month) AS last_month FROM marts.agent_month
),
agents AS (
    SELECT a.agent_key, g.reported_department AS department,
           CAST(date_trunc('month', a.enrolled_on) AS DATE) AS enrolled_month,
           date_diff('month', b.first_month, CAST(date_trunc('month', a.enrolled_on) AS DATE)) AS months_before,
           date_diff('month', CAST(date_trunc('month', a.enrolled_on) AS DATE), b.last_month) AS months_after
    FROM staging.agents AS a
    JOIN staging.department_groups AS g ON g.department = a.department AND g.is_latest_month
    CROSS JOIN bounds AS b
),
eligible AS (
    SELECT * FROM agents WHERE months_before >= 3 AND months_after >= 3
),
known AS (
    SELECT DISTINCT agent_key, month FROM staging.agent_day_metrics WHERE metric = 'impressions'
),
sides AS (
    SELECT e.agent_key,
           sum(m.posts + m.reshares) FILTER (WHERE m.month < e.enrolled_month) AS activity_before,
           sum(m.posts + m.reshares) FILTER (WHERE m.month > e.enrolled_month) AS activity_after,
           sum(m.impressions) FILTER (WHERE m.month < e.enrolled_month) AS impressions_before,
           sum(m.impressions) FILTER (WHERE m.month > e.enrolled_month) AS impressions_after,
           count(k.month) FILTER (WHERE m.month < e.enrolled_month) AS impressions_known_before
    FROM eligible AS e
    LEFT JOIN marts.agent_month AS m USING (agent_key)
    LEFT JOIN known AS k ON k.agent_key = m.agent_key AND k.month = m.month
    GROUP BY e.agent_key
)
SELECT e.agent_key, e.department, e.enrolled_month,
       CAST(e.months_before AS BIGINT) AS months_before,
       CAST(e.months_after AS BIGINT) AS months_after,
       round(coalesce(s.activity_before, 0) / e.months_before, 2) AS activity_per_month_before,
       round(coalesce(s.activity_after, 0) / e.months_after, 2) AS activity_per_month_after,
       round(coalesce(s.activity_after, 0) / e.months_after - coalesce(s.activity_before, 0) / e.months_before, 2)
           AS activity_uplift,
       round(coalesce(s.impressions_before, 0) / e.months_before, 2) AS impressions_per_month_before,
       round(coalesce(s.impressions_after, 0) / e.months_after, 2) AS impressions_per_month_after,
       round(coalesce(s.impressions_after, 0) / e.months_after - coalesce(s.impressions_before, 0) / e.months_before, 2)
           AS impressions_uplift,
       CAST(coalesce(s.impressions_known_before, 0) AS BIGINT) AS impressions_known_before
FROM eligible AS e
LEFT JOIN sides AS s USING (agent_key)
ORDER BY e.enrolled_month, e.agent_key
