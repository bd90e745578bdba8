-- One value per ambassador, day and metric (impressions, engagements, followers_gained), whatever
-- the number of exports and API pulls that give it (staging.agent_day_inputs): the most recently
-- obtained figure wins, and its lineage (file and row, or the API answer's file) is kept. A file
-- counts as obtained the day after the last day it covers (its modification time breaks ties); an
-- API answer when received. Only the values given more than once are ranked (a window over every
-- fact would sort them all). Each ambassador's month is built from its own inputs only, so a refresh
-- rebuilds just the months whose inputs changed (new files, a removed file, a withdrawal).
-- materialised: incremental by agent_key, month of staging.agent_day_inputs
WITH mine AS (
    SELECT * FROM staging.agent_day_inputs WHERE in_scope(agent_key, month)
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
SELECT agent_key, day, month, metric, CAST(value AS BIGINT) AS value, _obtained_at AS obtained_at,
       _source_file AS source_file, _source_row AS source_row
FROM chosen
