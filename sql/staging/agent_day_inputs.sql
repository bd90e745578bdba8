-- Every daily figure an ambassador's files and API answers give (impressions, engagements,
-- followers_gained), before one is chosen per day: one row per figure and source, with its lineage
-- (file and row, when it was obtained, the file's modification time) and its calendar month.
-- Creator analytics exports give impressions, LinkedIn's Engagements and new followers; the API
-- gives impressions, new followers and engagements as the day's reactions + comments + reposts.
-- A view: staging.agent_day_metrics reads it, and rebuilds only the ambassadors' months whose rows
-- here changed.
-- materialised: view
WITH ambassadors AS (
    SELECT agent_id, agent_key FROM raw.roster WHERE is_current AND is_ambassador
),
api_engagements AS (
    SELECT agent_id, day, sum(value) AS value, max(_obtained_at) AS _obtained_at,
           max(_source_file) AS _source_file, min(_source_row) AS _source_row,
           max(_file_modified_at) AS _file_modified_at
    FROM raw.api_member_daily
    WHERE metric IN ('reactions', 'comments', 'reposts') AND day IS NOT NULL
    GROUP BY agent_id, day
),
facts AS (
    SELECT agent_id, day, 'impressions' AS metric, impressions AS value, _obtained_at, _file_modified_at, _source_file, _source_row
    FROM raw.creator_daily WHERE impressions IS NOT NULL
    UNION ALL
    SELECT agent_id, day, 'engagements', engagements, _obtained_at, _file_modified_at, _source_file, _source_row
    FROM raw.creator_daily WHERE engagements IS NOT NULL
    UNION ALL
    SELECT agent_id, day, 'followers_gained', new_followers, _obtained_at, _file_modified_at, _source_file, _source_row
    FROM raw.creator_followers_daily WHERE new_followers IS NOT NULL
    UNION ALL
    SELECT agent_id, day, 'impressions', value, _obtained_at, _file_modified_at, _source_file, _source_row
    FROM raw.api_member_daily WHERE metric = 'impressions' AND day IS NOT NULL
    UNION ALL
    SELECT agent_id, day, 'engagements', value, _obtained_at, _file_modified_at, _source_file, _source_row FROM api_engagements
    UNION ALL
    SELECT agent_id, day, 'followers_gained', new_followers, _obtained_at, _file_modified_at, _source_file, _source_row
    FROM raw.api_member_followers WHERE day IS NOT NULL AND new_followers IS NOT NULL
)
SELECT a.agent_key, f.day, CAST(date_trunc('month', f.day) AS DATE) AS month, f.metric, f.value,
       f._obtained_at, f._file_modified_at, f._source_file, f._source_row
FROM facts AS f JOIN ambassadors AS a USING (agent_id)
