-- Retention of each enrolment cohort: ambassadors enrolled in the same calendar month, consecutive
-- months merged until the cohort holds at least anonymity_threshold (k) ambassadors (a last group
-- still below k joins the one before it; when the whole programme has fewer than k ambassadors no
-- cohort is published). cohort_month and cohort_last_month are the first and last enrolment months
-- of the cohort; months_since_enrolment counts from each ambassador's own enrolment month, up to the
-- last month of data every member has reached; active = members active that many months after
-- their enrolment (a post or reshare), retention_rate = active / cohort_size (4 decimals), and
-- is_complete = the last member's month at that distance is complete (staging.month_coverage).
WITH RECURSIVE members AS (
    SELECT agent_key, CAST(date_trunc('month', enrolled_on) AS DATE) AS enrolled_month FROM staging.agents
),
sizes AS (
    SELECT enrolled_month, count(*) AS n, row_number() OVER (ORDER BY enrolled_month) AS i
    FROM members
    GROUP BY enrolled_month
),
walk AS (
    -- months in order; a group closes as soon as it reaches k and the next month starts a new one
    SELECT i, enrolled_month, enrolled_month AS group_start, n AS group_size FROM sizes WHERE i = 1
    UNION ALL
    SELECT s.i, s.enrolled_month,
           CASE WHEN w.group_size >= cfg_anonymity_threshold() THEN s.enrolled_month ELSE w.group_start END,
           CASE WHEN w.group_size >= cfg_anonymity_threshold() THEN s.n ELSE w.group_size + s.n END
    FROM walk AS w
    JOIN sizes AS s ON s.i = w.i + 1
),
groups AS (
    SELECT group_start, max(group_size) AS group_size FROM walk GROUP BY group_start
),
merged AS (
    -- a last group below k joins the group before it
    SELECT group_start,
           CASE WHEN group_size < cfg_anonymity_threshold()
                THEN coalesce(lag(group_start) OVER (ORDER BY group_start), group_start)
                ELSE group_start END AS cohort_month
    FROM groups
),
cohorts AS (
    SELECT m.agent_key, m.enrolled_month, g.cohort_month
    FROM members AS m
    JOIN walk AS w USING (enrolled_month)
    JOIN merged AS g ON g.group_start = w.group_start
),
sizes_by_cohort AS (
    SELECT cohort_month, max(enrolled_month) AS cohort_last_month, count(*) AS cohort_size
    FROM cohorts
    GROUP BY cohort_month
    HAVING count(*) >= cfg_anonymity_threshold()
),
last_month AS (
    SELECT max(month) AS month FROM marts.agent_month
),
grid AS (
    SELECT s.cohort_month, s.cohort_last_month, s.cohort_size, CAST(g.k AS BIGINT) AS months_since_enrolment
    FROM sizes_by_cohort AS s
    CROSS JOIN last_month AS l
    CROSS JOIN LATERAL (SELECT unnest(range(0, date_diff('month', s.cohort_last_month, l.month) + 1)) AS k) AS g
),
active AS (
    SELECT c.cohort_month, date_diff('month', c.enrolled_month, a.month) AS months_since_enrolment,
           count(*) FILTER (WHERE a.is_active) AS active
    FROM cohorts AS c
    JOIN marts.agent_month AS a USING (agent_key)
    WHERE a.month >= c.enrolled_month
    GROUP BY ALL
)
SELECT g.cohort_month, g.cohort_last_month, g.months_since_enrolment, g.cohort_size,
       coalesce(a.active, 0) AS active,
       round(coalesce(a.active, 0) / g.cohort_size, 4) AS retention_rate,
       coalesce(c.is_complete, false) AS is_complete
FROM grid AS g
LEFT JOIN active AS a USING (cohort_month, months_since_enrolment)
LEFT JOIN staging.month_coverage AS c
  ON c.month = CAST(g.cohort_last_month + to_months(CAST(g.months_since_enrolment AS INTEGER)) AS DATE)
ORDER BY g.cohort_month, g.months_since_enrolment
