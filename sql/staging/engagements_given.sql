-- Comments and reactions ambassadors gave, one row per distinct item across overlapping archives.
-- A comment whose Date is empty in the archive keeps a NULL month and counts in no month. Comments and
-- reactions of the member changelog (EU data portability, staging.member_changelog) count once: an
-- archive or snapshot row on the same post in the same second is the same item, and an item the
-- changelog says was deleted leaves the figures. Each ambassador's rows come from their own inputs
-- only (staging.engagement_inputs), so a refresh rebuilds just the ambassadors whose inputs changed.
-- materialised: incremental by agent_key of staging.engagement_inputs
WITH mine AS (
    SELECT * FROM staging.engagement_inputs WHERE in_scope(agent_key)
),
changelog AS (
    SELECT agent_key, kind, occurred_at, target_key, is_deleted, _source_file, _source_row
    FROM mine WHERE origin = 'changelog'
),
comments AS (
    SELECT c.agent_key, 'comment' AS kind, c.occurred_at, c.target_key, c._source_file, c._source_row
    FROM mine AS c
    WHERE c.origin = 'archive' AND c.kind = 'comment' AND NOT EXISTS (
        SELECT 1 FROM changelog AS g
        WHERE g.agent_key = c.agent_key AND g.kind = 'comment' AND g.target_key IS NOT DISTINCT FROM c.target_key
          AND date_trunc('second', g.occurred_at) = date_trunc('second', c.occurred_at)
    )
    QUALIFY row_number() OVER (
        PARTITION BY c.agent_key, c.occurred_at, coalesce(c.link, ''), coalesce(c.message, '')
        ORDER BY c._source_file, c._source_row
    ) = 1
),
reactions AS (
    SELECT r.agent_key, 'reaction' AS kind, r.occurred_at, r.target_key, r._source_file, r._source_row
    FROM mine AS r
    WHERE r.origin = 'archive' AND r.kind = 'reaction' AND NOT EXISTS (
        SELECT 1 FROM changelog AS g
        WHERE g.agent_key = r.agent_key AND g.kind = 'reaction' AND g.target_key IS NOT DISTINCT FROM r.target_key
          AND date_trunc('second', g.occurred_at) = date_trunc('second', r.occurred_at)
    )
    QUALIFY row_number() OVER (
        PARTITION BY r.agent_key, r.occurred_at, coalesce(r.link, '') ORDER BY r._source_file, r._source_row
    ) = 1
)
SELECT agent_key, kind, occurred_at, local_month(occurred_at) AS month, target_key,
       _source_file AS source_file, _source_row AS source_row
FROM (
    SELECT * FROM comments
    UNION ALL
    SELECT * FROM reactions
    UNION ALL
    SELECT * EXCLUDE (is_deleted) FROM changelog WHERE NOT is_deleted
)
ORDER BY agent_key, occurred_at
