-- One value per ambassador, day and metric (impressions, engagements, followers_gained), whatever
-- the number of exports and API pulls that give it: the most recently obtained figure wins, and
-- its lineage (file and row, or the API answer's file) is kept. A file counts as obtained the day
-- after the last day it covers (its modification time breaks ties); an API answer when received. engagements from the API are the
-- day's reactions + comments + reposts; from creator analytics exports, LinkedIn's Engagements.
-- Only the values given more than once are ranked (a window over every fact would sort them all).
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
),
mine AS (
    SELECT f.*, a.agent_key FROM facts AS f JOIN ambassadors AS a USING (agent_id)
),
repeated AS (
    -- the (ambassador, day, metric) given by more than one file or answer: only these need ranking
    SELECT agent_key, day, metric FROM mine GROUP BY ALL HAVING count(*) > 1
),
ranked AS (
    SELECT m.* FROM mine AS m SEMI JOIN repeated AS r USING (agent_key, day, metric)
    QUALIFY row_number() OVER (
        PARTITION BY agent_key, day, metric
        ORDER BY _obtained_at DESC, _file_modified_at DESC, _source_file DESC, _source_row
    ) = 1
),
chosen AS (
    SELECT m.* FROM mine AS m ANTI JOIN repeated AS r USING (agent_key, day, metric)
    UNION ALL
    SELECT * FROM ranked
)
SELECT agent_key, day, CAST(date_trunc('month', day) AS DATE) AS month, metric,
       CAST(value AS BIGINT) AS value, _obtained_at AS obtained_at,
       _source_file AS source_file, _source_row AS source_row
FROM chosen
