-- Endorsements ambassadors received (accepted, or with no status), reduced to time and skill.
-- Overlapping archives are reconciled per (time, skill): the largest count any one archive gives.
WITH per_archive AS (
    SELECT r.agent_key, e.archive, e.endorsed_at, e.skill_name, count(*) AS endorsements
    FROM raw.li_endorsements_received AS e
    JOIN raw.roster AS r ON r.agent_id = e.agent_id AND r.is_current AND r.is_ambassador
    WHERE e.status IS NULL OR e.status = 'ACCEPTED'
    GROUP BY ALL
)
SELECT agent_key, endorsed_at, local_month(endorsed_at) AS month, skill_name,
       CAST(max(endorsements) AS BIGINT) AS endorsements
FROM per_archive
GROUP BY agent_key, endorsed_at, skill_name
ORDER BY agent_key, endorsed_at
