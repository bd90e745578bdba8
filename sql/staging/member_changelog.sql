-- Ambassadors' posts, comments and reactions as the member changelog (EU data portability) last
-- described them: one row per item (resource), from its latest event by processedAt (the same event
-- saved by two pulls counts once). is_deleted says the latest event deleted it: a deleted post,
-- comment or reaction leaves the figures, its archive and snapshot copies too. occurred_at is when the
-- item was created (the earliest time its events give); a DELETE event names no parent, so the
-- targeted post comes from the item's other events.
WITH ambassadors AS (
    SELECT agent_id, agent_key FROM raw.roster WHERE is_current AND is_ambassador
),
events AS (
    SELECT a.agent_key, c.kind, c.resource_name, c.resource_id, c.item_key, c.target_key, c.method,
           c.occurred_at, c.processed_at, c.event_id, c.commentary, c.reaction_type,
           c._source_file, c._source_row
    FROM raw.api_changelog AS c JOIN ambassadors AS a USING (agent_id)
    WHERE c.kind IS NOT NULL
)
SELECT agent_key, kind, item_key,
       max(target_key) OVER item AS target_key,
       min(occurred_at) OVER item AS occurred_at,
       method = 'DELETE' AS is_deleted,
       commentary, reaction_type, processed_at AS last_processed_at,
       _source_file AS source_file, _source_row AS source_row
FROM events
WINDOW item AS (PARTITION BY agent_key, resource_name, resource_id)
QUALIFY row_number() OVER (
    PARTITION BY agent_key, resource_name, resource_id
    ORDER BY processed_at DESC, event_id DESC, _source_file DESC, _source_row
) = 1
ORDER BY agent_key, occurred_at
