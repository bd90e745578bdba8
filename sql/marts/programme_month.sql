-- One row per month of the programme for the whole organisation: the department figures summed,
-- with participation_rate = active / enrolled (NULL when none is enrolled) and adoption_rate =
-- enrolled / headcount recomputed on the totals.
WITH totals AS (
    SELECT month,
           sum(headcount) AS headcount,
           sum(enrolled) AS enrolled,
           sum(active) AS active,
           sum(posts) AS posts,
           sum(reshares) AS reshares,
           sum(institution_reshares) AS institution_reshares
    FROM marts.department_month
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
       CAST(institution_reshares AS BIGINT) AS institution_reshares
FROM totals
ORDER BY month
