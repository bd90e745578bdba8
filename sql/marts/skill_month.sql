-- One row per framework skill and month in which ambassadors showcased it: how many ambassadors
-- (ambassadors_showcasing) and how many posts and reshares (showcased_posts) named it.
SELECT m.skill_id, f.skill_label, f.family, m.month,
       count(DISTINCT m.agent_key) AS ambassadors_showcasing,
       count(DISTINCT m.item_key) AS showcased_posts
FROM staging.skill_mentions AS m
JOIN staging.skills_framework AS f USING (skill_id)
GROUP BY m.skill_id, f.skill_label, f.family, m.month
ORDER BY m.month, showcased_posts DESC, m.skill_id
