-- Small groups stay anonymous: for every department of the roster and month of the programme, the
-- group its figures are published under. A department with fewer than anonymity_threshold (k)
-- enrolled ambassadors that month is merged into "Autres directions"; while the merged group holds
-- fewer than k ambassadors (but more than none), the next smallest departments join it. Ordered by
-- enrolled ambassadors then name, so the smallest are merged first. A threshold of 1 or less merges
-- nothing.
WITH months AS (
    SELECT DISTINCT month FROM staging.agent_month_base
),
sizes AS (
    SELECT h.department, m.month, h.headcount,
           count(a.agent_key) FILTER (WHERE a.is_enrolled) AS enrolled
    FROM staging.headcount AS h
    CROSS JOIN months AS m
    LEFT JOIN staging.agent_month_base AS a ON a.department = h.department AND a.month = m.month
    GROUP BY h.department, m.month, h.headcount
),
ranked AS (
    SELECT *,
           coalesce(sum(enrolled) OVER (
               PARTITION BY month ORDER BY enrolled, department
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS enrolled_before
    FROM sizes
),
grouped AS (
    SELECT department, month, headcount, enrolled,
           cfg_anonymity_threshold() > 1
           AND (enrolled < cfg_anonymity_threshold()
                OR (enrolled_before > 0 AND enrolled_before < cfg_anonymity_threshold())) AS is_merged
    FROM ranked
)
SELECT department, month, headcount, enrolled, is_merged,
       CASE WHEN is_merged THEN 'Autres directions' ELSE department END AS reported_department,
       count(*) FILTER (WHERE is_merged) OVER (PARTITION BY month) AS departments_merged,
       month = max(month) OVER () AS is_latest_month
FROM grouped
ORDER BY month, department
