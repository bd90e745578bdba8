-- One row per ambassador and framework skill they declare on their profile or showcase in their
-- posts and reshares: declared (in Skills.csv), endorsements received for it, showcased_posts
-- (posts and reshares whose commentary names it), first and last showcase days, and
-- showcased_not_declared = named in posts but absent from the profile's skills.
WITH declared AS (
    SELECT DISTINCT agent_key, skill_id FROM staging.skills_declared_mapped
),
endorsed AS (
    SELECT agent_key, skill_id, sum(endorsements) AS endorsements FROM staging.endorsements_mapped GROUP BY ALL
),
showcased AS (
    SELECT agent_key, skill_id, count(DISTINCT item_key) AS showcased_posts,
           min(local_day) AS first_showcased_on, max(local_day) AS last_showcased_on
    FROM staging.skill_mentions
    GROUP BY agent_key, skill_id
),
pairs AS (
    SELECT agent_key, skill_id FROM declared
    UNION SELECT agent_key, skill_id FROM showcased
    UNION SELECT agent_key, skill_id FROM endorsed
)
SELECT p.agent_key, p.skill_id, f.skill_label, f.family,
       d.skill_id IS NOT NULL AS declared,
       CAST(coalesce(e.endorsements, 0) AS BIGINT) AS endorsements,
       CAST(coalesce(s.showcased_posts, 0) AS BIGINT) AS showcased_posts,
       s.first_showcased_on, s.last_showcased_on,
       d.skill_id IS NULL AND coalesce(s.showcased_posts, 0) > 0 AS showcased_not_declared
FROM pairs AS p
JOIN staging.skills_framework AS f USING (skill_id)
LEFT JOIN declared AS d USING (agent_key, skill_id)
LEFT JOIN endorsed AS e USING (agent_key, skill_id)
LEFT JOIN showcased AS s USING (agent_key, skill_id)
JOIN staging.agents AS a USING (agent_key)
ORDER BY p.agent_key, p.skill_id
