-- One row per department and framework skill that its ambassadors declare or showcase:
-- ambassadors_declaring, ambassadors_showcasing, showcased_posts (over the whole programme), and
-- ambassadors_showcasing_not_declaring (showcasing it without declaring it on their profile). Departments with fewer than
-- anonymity_threshold (k) enrolled ambassadors in the latest month are merged into one "Autres
-- directions" group (is_other_departments, departments_merged; see staging.department_groups).
SELECT r.reported_department AS department,
       r.is_merged AS is_other_departments,
       CASE WHEN r.is_merged THEN r.departments_merged ELSE 0 END AS departments_merged,
       s.skill_id, s.skill_label, s.family,
       count(*) FILTER (WHERE s.declared) AS ambassadors_declaring,
       count(*) FILTER (WHERE s.showcased_posts > 0) AS ambassadors_showcasing,
       CAST(sum(s.showcased_posts) AS BIGINT) AS showcased_posts,
       count(*) FILTER (WHERE s.showcased_not_declared)
           AS ambassadors_showcasing_not_declaring
FROM marts.agent_skill AS s
JOIN staging.agents AS a USING (agent_key)
JOIN staging.department_groups AS r ON r.department = a.department AND r.is_latest_month
GROUP BY r.reported_department, r.is_merged, r.departments_merged, s.skill_id, s.skill_label, s.family
ORDER BY r.is_merged, r.reported_department, showcased_posts DESC, s.skill_id
