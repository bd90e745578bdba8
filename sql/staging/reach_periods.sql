-- Members reached per ambassador and analytics period (creator analytics DISCOVERY sheet), one row
-- per (ambassador, period): the most recently obtained export wins. Members reached is not
-- additive: it is never summed across periods or posts. engagements is the period total the older
-- DISCOVERY layout gives (NULL for today's layout, whose engagements are daily).
SELECT r.agent_key, c.period_start, c.period_end, c.impressions, c.members_reached, c.engagements,
       c.followers_total, c.followers_total_on, c._obtained_at AS obtained_at, c._source_file AS source_file
FROM raw.creator_periods AS c
JOIN raw.roster AS r ON r.agent_id = c.agent_id AND r.is_current AND r.is_ambassador
WHERE c.period_start IS NOT NULL AND c.period_end IS NOT NULL
QUALIFY row_number() OVER (
    PARTITION BY r.agent_key, c.period_start, c.period_end ORDER BY c._obtained_at DESC, c._file_modified_at DESC, c._source_file DESC
) = 1
ORDER BY r.agent_key, c.period_start
