-- Retention of each enrolment cohort (ambassadors enrolled the same calendar month): for every
-- month since enrolment up to the last month of data, cohort_size = ambassadors of the cohort,
-- active = those active that month (a post or reshare), retention_rate = active / cohort_size.
WITH cohorts AS (
    SELECT agent_key, CAST(date_trunc('month', enrolled_on) AS DATE) AS cohort_month FROM staging.agents
),
sizes AS (
    SELECT cohort_month, count(*) AS cohort_size FROM cohorts GROUP BY cohort_month
),
last_month AS (
    SELECT max(month) AS month FROM marts.agent_month
),
grid AS (
    SELECT s.cohort_month, s.cohort_size, CAST(g.k AS BIGINT) AS months_since_enrolment,
           CAST(s.cohort_month + to_months(CAST(g.k AS INTEGER)) AS DATE) AS month
    FROM sizes AS s
    CROSS JOIN last_month AS l
    CROSS JOIN LATERAL (SELECT unnest(range(0, date_diff('month', s.cohort_month, l.month) + 1)) AS k) AS g
),
active AS (
    SELECT c.cohort_month, a.month, count(*) FILTER (WHERE a.is_active) AS active
    FROM cohorts AS c
    JOIN marts.agent_month AS a USING (agent_key)
    GROUP BY c.cohort_month, a.month
)
SELECT g.cohort_month, g.months_since_enrolment, g.month, g.cohort_size,
       coalesce(a.active, 0) AS active,
       coalesce(a.active, 0) / g.cohort_size AS retention_rate
FROM grid AS g
LEFT JOIN active AS a USING (cohort_month, month)
ORDER BY g.cohort_month, g.months_since_enrolment
