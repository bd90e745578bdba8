-- One row per ambassador per calendar month (see staging.agent_month_base for the counts), with
-- the department as published (staging.department_groups: "Autres directions" when the department
-- has fewer than anonymity_threshold enrolled ambassadors that month) and
-- the ambassador metrics of docs/metrics.md: engagement_rate = engagements_received / impressions
-- (NULL without impressions); emv = impressions / 1000 x emv_cpm + clicks x emv_cpc; active_streak
-- = consecutive active months up to this one; active_months_last_6 = active months among this one
-- and the five before; ambassador_score (0-100, enrolled months only) = weighted mean of percentile
-- ranks among the month's enrolled ambassadors over activity (posts + reshares), reach
-- (impressions), engagement (engagements_received), institution amplification
-- (institution_reshares) and consistency (active_months_last_6), a zero scoring 0; tier = champion
-- (active, score >= tier_champion_score), active, occasional (inactive, active in the last six
-- months) or dormant; is_new_enrolment = enrolled during the month; is_lapsed = enrolled for at
-- least lapsed_after_months months and inactive for that many months or more; skills_showcased =
-- distinct framework skills named in the month's posts and reshares; showcase_coverage = share of
-- the skills declared on the profile that were showcased in the twelve months ending here (NULL
-- without declared skills); reshare_attribution_coverage = attributable_activity / (posts +
-- reshares): the share of the month's activity coming from sources that can tell whether it relays
-- the institution (NULL without activity), so that institution_reshares = 0 with a low coverage
-- reads "not measurable", not "nobody relayed us"; is_complete tells whether the data covers the
-- month to its last day (staging.month_coverage). Rates and ratios are rounded to 4 decimals, the
-- score to 1 and emv to 2.
WITH base AS (
    -- a staging layer built before attributable_activity existed gives a NULL coverage
    SELECT * FROM staging.agent_month_base
    UNION ALL BY NAME
    SELECT CAST(NULL AS BIGINT) AS attributable_activity WHERE false
),
history AS (
    SELECT *,
           max(CASE WHEN NOT is_active THEN month END)
               OVER (PARTITION BY agent_key ORDER BY month ROWS UNBOUNDED PRECEDING) AS last_inactive_month,
           max(CASE WHEN is_active THEN month END)
               OVER (PARTITION BY agent_key ORDER BY month ROWS UNBOUNDED PRECEDING) AS last_active_month,
           min(month) OVER (PARTITION BY agent_key) AS first_month,
           CAST(sum(CAST(is_active AS INTEGER))
               OVER (PARTITION BY agent_key ORDER BY month ROWS BETWEEN 5 PRECEDING AND CURRENT ROW)
               AS BIGINT) AS active_months_last_6
    FROM base
),
measures AS (
    SELECT *,
           posts + reshares AS activity,
           CASE WHEN is_active
                THEN date_diff('month', coalesce(last_inactive_month,
                                                 CAST(first_month - INTERVAL 1 MONTH AS DATE)), month)
                ELSE 0 END AS active_streak
    FROM history
),
enrolled AS (
    SELECT agent_key, month,
           (rank() OVER (PARTITION BY month ORDER BY activity) - 1
            + 0.5 * count(*) OVER (PARTITION BY month, activity)) / count(*) OVER (PARTITION BY month)
               * (activity > 0)::INTEGER AS p_activity,
           (rank() OVER (PARTITION BY month ORDER BY impressions) - 1
            + 0.5 * count(*) OVER (PARTITION BY month, impressions)) / count(*) OVER (PARTITION BY month)
               * (impressions > 0)::INTEGER AS p_reach,
           (rank() OVER (PARTITION BY month ORDER BY engagements_received) - 1
            + 0.5 * count(*) OVER (PARTITION BY month, engagements_received)) / count(*) OVER (PARTITION BY month)
               * (engagements_received > 0)::INTEGER AS p_engagement,
           (rank() OVER (PARTITION BY month ORDER BY institution_reshares) - 1
            + 0.5 * count(*) OVER (PARTITION BY month, institution_reshares)) / count(*) OVER (PARTITION BY month)
               * (institution_reshares > 0)::INTEGER AS p_amplification,
           (rank() OVER (PARTITION BY month ORDER BY active_months_last_6) - 1
            + 0.5 * count(*) OVER (PARTITION BY month, active_months_last_6)) / count(*) OVER (PARTITION BY month)
               * (active_months_last_6 > 0)::INTEGER AS p_consistency
    FROM measures
    WHERE is_enrolled
),
showcased AS (
    SELECT agent_key, month, count(DISTINCT skill_id) AS skills_showcased
    FROM staging.skill_mentions
    GROUP BY agent_key, month
),
declared AS (
    SELECT DISTINCT agent_key, skill_id FROM staging.skills_declared_mapped
),
declared_count AS (
    SELECT agent_key, count(*) AS declared_skills FROM declared GROUP BY agent_key
),
covered AS (
    SELECT m.agent_key, m.month, count(DISTINCT d.skill_id) AS covered_skills
    FROM measures AS m
    JOIN staging.skill_mentions AS s
      ON s.agent_key = m.agent_key AND s.month <= m.month AND s.month > m.month - INTERVAL 12 MONTH
    JOIN declared AS d ON d.agent_key = s.agent_key AND d.skill_id = s.skill_id
    GROUP BY m.agent_key, m.month
),
scored AS (
    SELECT agent_key, month,
           round(100 * (cfg_score_weight_activity() * p_activity + cfg_score_weight_reach() * p_reach
                        + cfg_score_weight_engagement() * p_engagement
                        + cfg_score_weight_amplification() * p_amplification
                        + cfg_score_weight_consistency() * p_consistency)
                 / (cfg_score_weight_activity() + cfg_score_weight_reach() + cfg_score_weight_engagement()
                    + cfg_score_weight_amplification() + cfg_score_weight_consistency()), 1) AS ambassador_score
    FROM enrolled
)
SELECT m.agent_key,
       g.reported_department AS department,
       m.month,
       m.is_enrolled,
       m.posts,
       m.reshares,
       m.institution_reshares,
       CASE WHEN m.activity > 0 THEN round(m.attributable_activity / m.activity, 4) END
           AS reshare_attribution_coverage,
       m.comments_given,
       m.reactions_given,
       m.new_connections,
       m.endorsements_received,
       m.is_active,
       m.impressions,
       m.engagements_received,
       m.followers_gained,
       m.clicks,
       CASE WHEN m.impressions > 0 THEN round(m.engagements_received / m.impressions, 4) END AS engagement_rate,
       round(m.impressions / 1000 * cfg_emv_cpm() + m.clicks * cfg_emv_cpc(), 2) AS emv,
       CAST(m.active_streak AS BIGINT) AS active_streak,
       m.active_months_last_6,
       s.ambassador_score,
       CASE
           WHEN NOT m.is_enrolled THEN NULL
           WHEN m.is_active AND s.ambassador_score >= cfg_tier_champion_score() THEN 'champion'
           WHEN m.is_active THEN 'active'
           WHEN m.active_months_last_6 >= 1 THEN 'occasional'
           ELSE 'dormant'
       END AS tier,
       m.month = CAST(date_trunc('month', m.enrolled_on) AS DATE) AS is_new_enrolment,
       m.is_enrolled
           AND date_diff('month', CAST(date_trunc('month', m.enrolled_on) AS DATE), m.month) + 1
               >= cfg_lapsed_after_months()
           AND coalesce(date_diff('month', m.last_active_month, m.month), 100000) >= cfg_lapsed_after_months()
           AS is_lapsed,
       CAST(coalesce(k.skills_showcased, 0) AS BIGINT) AS skills_showcased,
       CASE WHEN dc.declared_skills > 0 THEN round(coalesce(c.covered_skills, 0) / dc.declared_skills, 4) END
           AS showcase_coverage,
       coalesce(mc.is_complete, false) AS is_complete
FROM measures AS m
LEFT JOIN scored AS s USING (agent_key, month)
LEFT JOIN showcased AS k USING (agent_key, month)
LEFT JOIN declared_count AS dc USING (agent_key)
LEFT JOIN covered AS c USING (agent_key, month)
JOIN staging.department_groups AS g ON g.department = m.department AND g.month = m.month
LEFT JOIN staging.month_coverage AS mc ON mc.month = m.month
ORDER BY m.agent_key, m.month
