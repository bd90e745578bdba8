-- What ambassadors published, one row per distinct item across overlapping archives: original
-- posts (Shares.csv rows not relaying a LinkedIn feed post) and reshares (Shares.csv rows relaying
-- a LinkedIn feed post — activity, share, ugcPost or groupPost key — and InstantReposts.csv rows).
-- Months are calendar months in the organisation's time zone; is_institution_target marks reshares
-- of one of the institution's posts. source names where the row comes from (archive_shares,
-- archive_instant_reposts); is_attributable says whether we know if the row relays the
-- institution: true for sources that name the post of every reshare (InstantReposts.csv) and for
-- rows that name the post they relay, false for the other Shares.csv rows (a reshare with
-- commentary in a real archive does not name the post it relays, so it looks like a post).
WITH ambassadors AS (
    SELECT agent_id, agent_key FROM raw.roster WHERE is_current AND is_ambassador
),
shares AS (
    SELECT a.agent_key, s.shared_at AS occurred_at, s.share_key AS item_key, s.target_key,
           'archive_shares' AS source, s.archive, s._source_file, s._source_row
    FROM raw.li_shares AS s JOIN ambassadors AS a USING (agent_id)
    QUALIFY row_number() OVER (
        PARTITION BY a.agent_key, s.shared_at, coalesce(s.share_link, '') ORDER BY s._source_file, s._source_row
    ) = 1
),
reposts AS (
    SELECT a.agent_key, r.reposted_at AS occurred_at, NULL AS item_key, r.target_key,
           'archive_instant_reposts' AS source, r.archive, r._source_file, r._source_row
    FROM raw.li_instant_reposts AS r JOIN ambassadors AS a USING (agent_id)
    QUALIFY row_number() OVER (
        PARTITION BY a.agent_key, r.reposted_at, r.link ORDER BY r._source_file, r._source_row
    ) = 1
),
items AS (
    SELECT *,
           CASE WHEN split_part(target_key, ':', 1) IN ('activity', 'share', 'ugcPost', 'groupPost')
                THEN 'reshare' ELSE 'post' END AS kind
    FROM shares
    UNION ALL
    SELECT *, 'reshare' AS kind FROM reposts
)
SELECT i.agent_key, i.kind, i.occurred_at, local_date(i.occurred_at) AS local_day,
       local_month(i.occurred_at) AS month, i.item_key, i.target_key,
       (i.kind = 'reshare' AND p.post_key IS NOT NULL) AS is_institution_target,
       i.source,
       (i.source = 'archive_instant_reposts' OR i.kind = 'reshare') AS is_attributable,
       i._source_file AS source_file, i._source_row AS source_row
FROM items AS i
LEFT JOIN staging.institution_posts AS p ON p.post_key = i.target_key AND i.kind = 'reshare'
ORDER BY i.agent_key, i.occurred_at
