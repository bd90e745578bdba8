-- Staff per department from the current roster: every roster person counts, ambassador or not.
SELECT department, count(*) AS headcount
FROM raw.roster
WHERE is_current
GROUP BY department
ORDER BY department
