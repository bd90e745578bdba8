-- Skills ambassadors declare on their profile (Skills.csv), one row per ambassador and skill name.
SELECT DISTINCT r.agent_key, s.skill_name
FROM raw.li_skills AS s
JOIN raw.roster AS r ON r.agent_id = s.agent_id AND r.is_current AND r.is_ambassador
ORDER BY r.agent_key, s.skill_name
