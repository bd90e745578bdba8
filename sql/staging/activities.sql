-- What ambassadors published, one row per distinct item across overlapping archives: original
-- posts (Shares.csv rows not relaying a LinkedIn post) and reshares (Shares.csv rows relaying a
-- LinkedIn post, and InstantReposts.csv rows). Months are calendar months in the organisation's
-- time zone; is_institution_target marks reshares of one of the institution's posts.
WITH ambassadors AS (
    SELECT agent_id, agent_key FROM raw.roster WHERE is_current AND is_ambassador
),
shares AS (
    SELECT a.agent_key, s.shared_at AS occurred_at, s.share_key AS item_key, s.target_key,
           s.archive, s._source_file, s._source_row
    FROM raw.li_shares AS s JOIN ambassadors AS a USING (agent_id)
    QUALIFY row_number() OVER (
        PARTITION BY a.agent_key, s.shared_at, coalesce(s.share_link, '') ORDER BY s._source_file, s._source_row
    ) = 1
),
reposts AS (
    SELECT a.agent_key, r.reposted_at AS occurred_at, NULL AS item_key, r.target_key,
           r.archive, r._source_file, r._source_row
    FROM raw.li_instant_reposts AS r JOIN ambassadors AS a USING (agent_id)
    QUALIFY row_number() OVER (
        PARTITION BY a.agent_key, r.reposted_at, r.link ORDER BY r._source_file, r._source_row
    ) = 1
),
items AS (
    SELECT *, CASE WHEN target_key IS NULL THEN 'post' ELSE 'reshare' END AS kind FROM shares
    UNION ALL
    SELECT *, 'reshare' AS kind FROM reposts
)
SELECT i.agent_key, i.kind, i.occurred_at, local_date(i.occurred_at) AS local_day,
       local_month(i.occurred_at) AS month, i.item_key, i.target_key,
       (i.kind = 'reshare' AND p.post_key IS NOT NULL) AS is_institution_target,
       i._source_file AS source_file, i._source_row AS source_row
FROM items AS i
LEFT JOIN staging.institution_posts AS p ON p.post_key = i.target_key
ORDER BY i.agent_key, i.occurred_at
