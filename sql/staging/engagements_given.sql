-- Comments and reactions ambassadors gave, one row per distinct item across overlapping archives.
-- A comment whose Date is empty in the archive keeps a NULL month and counts in no month. Comments and
-- reactions of the member changelog (EU data portability, staging.member_changelog) count once: an
-- archive or snapshot row on the same post in the same second is the same item, and an item the
-- changelog says was deleted leaves the figures.
WITH ambassadors AS (
    SELECT agent_id, agent_key FROM raw.roster WHERE is_current AND is_ambassador
),
changelog AS (
    SELECT agent_key, kind, occurred_at, target_key, is_deleted,
           source_file AS _source_file, source_row AS _source_row
    FROM staging.member_changelog WHERE kind IN ('comment', 'reaction')
),
comments AS (
    SELECT a.agent_key, 'comment' AS kind, c.commented_at AS occurred_at, c.target_key,
           c._source_file, c._source_row
    FROM raw.li_comments AS c JOIN ambassadors AS a USING (agent_id)
    WHERE NOT EXISTS (
        SELECT 1 FROM changelog AS g
        WHERE g.agent_key = a.agent_key AND g.kind = 'comment' AND g.target_key IS NOT DISTINCT FROM c.target_key
          AND date_trunc('second', g.occurred_at) = date_trunc('second', c.commented_at)
    )
    QUALIFY row_number() OVER (
        PARTITION BY a.agent_key, c.commented_at, coalesce(c.link, ''), coalesce(c.message, '')
        ORDER BY c._source_file, c._source_row
    ) = 1
),
reactions AS (
    SELECT a.agent_key, 'reaction' AS kind, r.reacted_at AS occurred_at, r.target_key,
           r._source_file, r._source_row
    FROM raw.li_reactions AS r JOIN ambassadors AS a USING (agent_id)
    WHERE NOT EXISTS (
        SELECT 1 FROM changelog AS g
        WHERE g.agent_key = a.agent_key AND g.kind = 'reaction' AND g.target_key IS NOT DISTINCT FROM r.target_key
          AND date_trunc('second', g.occurred_at) = date_trunc('second', r.reacted_at)
    )
    QUALIFY row_number() OVER (
        PARTITION BY a.agent_key, r.reacted_at, coalesce(r.link, '') ORDER BY r._source_file, r._source_row
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
