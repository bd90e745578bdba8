-- Every comment and reaction an ambassador's archives, snapshots and member changelog give, before
-- the repeats of overlapping archives are counted once: one row per source row, with its lineage
-- (file and row) and where it comes from (origin: archive, for archive and snapshot rows; changelog,
-- for the member changelog of the EU data-portability APIs, with is_deleted). A view:
-- staging.engagements_given reads it, and rebuilds only the ambassadors whose rows here changed.
-- materialised: view
WITH ambassadors AS (
    SELECT agent_id, agent_key FROM raw.roster WHERE is_current AND is_ambassador
)
SELECT a.agent_key, 'comment' AS kind, 'archive' AS origin, c.commented_at AS occurred_at, c.target_key,
       c.link, c.message, false AS is_deleted, c._source_file, c._source_row
FROM raw.li_comments AS c JOIN ambassadors AS a USING (agent_id)
UNION ALL
SELECT a.agent_key, 'reaction', 'archive', r.reacted_at, r.target_key, r.link, NULL, false,
       r._source_file, r._source_row
FROM raw.li_reactions AS r JOIN ambassadors AS a USING (agent_id)
UNION ALL
SELECT agent_key, kind, 'changelog', occurred_at, target_key, NULL, NULL, is_deleted, source_file, source_row
FROM staging.member_changelog WHERE kind IN ('comment', 'reaction')
