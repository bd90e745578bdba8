-- One row per department and framework skill that its ambassadors declare or showcase:
-- ambassadors_declaring, ambassadors_showcasing, showcased_posts (over the whole programme), and
-- hidden_ambassadors (showcasing it without declaring it).
SELECT a.department, s.skill_id, s.skill_label, s.family,
       count(*) FILTER (WHERE s.declared) AS ambassadors_declaring,
       count(*) FILTER (WHERE s.showcased_posts > 0) AS ambassadors_showcasing,
       CAST(sum(s.showcased_posts) AS BIGINT) AS showcased_posts,
       count(*) FILTER (WHERE s.is_hidden) AS hidden_ambassadors
FROM marts.agent_skill AS s
JOIN staging.agents AS a USING (agent_key)
GROUP BY a.department, s.skill_id, s.skill_label, s.family
ORDER BY a.department, showcased_posts DESC, s.skill_id
