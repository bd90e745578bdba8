-- New connections per ambassador and calendar month (the Connected On date has no time). Archives
-- hold only dates, so overlapping archives are reconciled per day: the largest count any one
-- archive gives for that day is kept.
WITH per_archive AS (
    SELECT r.agent_key, c.archive, c.connected_on, count(*) AS connections
    FROM raw.li_connections AS c
    JOIN raw.roster AS r ON r.agent_id = c.agent_id AND r.is_current AND r.is_ambassador
    GROUP BY ALL
),
per_day AS (
    SELECT agent_key, connected_on, max(connections) AS connections FROM per_archive GROUP BY ALL
)
SELECT agent_key, CAST(date_trunc('month', connected_on) AS DATE) AS month,
       CAST(sum(connections) AS BIGINT) AS new_connections
FROM per_day
GROUP BY ALL
ORDER BY agent_key, month
