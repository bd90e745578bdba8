-- What ambassadors published, one row per distinct item across overlapping archives and API pulls:
-- original posts and reshares. Reshares are Shares.csv rows relaying a LinkedIn feed post (activity,
-- share, ugcPost or groupPost key), InstantReposts.csv rows, and posts the LinkedIn API lists with a
-- reshareContext parent. Months are calendar months in the organisation's time zone.
-- institution_post_key names the institution post a reshare relays (through any of its keys, see
-- staging.institution_post_keys) and is_institution_target says it has one. source names where the
-- row comes from (archive_shares, archive_instant_reposts, api_posts, api_changelog: the member
-- changelog of the EU data-portability APIs, see staging.member_changelog); is_attributable says whether
-- we know if the row relays the institution: true for sources that name the post of every reshare
-- (InstantReposts.csv, the API) and for rows that name the post they relay, false for the other
-- Shares.csv rows (a reshare with commentary in a real archive does not name the post it relays, so it
-- looks like a post). An item both in an archive and in the API is counted once, from the API: a
-- Shares.csv row with the same share key, or an InstantReposts.csv row in the same UTC minute as an
-- API reshare without commentary. A post the member changelog says was deleted is left out, wherever
-- it comes from; a post both in the changelog and among the API's posts is counted once.
WITH ambassadors AS (
    SELECT agent_id, agent_key FROM raw.roster WHERE is_current AND is_ambassador
),
deleted AS (
    SELECT agent_key, item_key FROM staging.member_changelog WHERE kind = 'post' AND is_deleted
),
api_posts AS (
    SELECT a.agent_key, coalesce(p.published_at, p.created_at) AS occurred_at, p.post_key AS item_key,
           p.reshare_parent_key AS target_key, 'api_posts' AS source, CAST(NULL AS VARCHAR) AS archive,
           p._source_file, p._source_row,
           CASE WHEN p.reshare_parent_key IS NOT NULL THEN 'reshare' ELSE 'post' END AS kind,
           p.commentary
    FROM raw.api_posts AS p JOIN ambassadors AS a USING (agent_id)
    WHERE p.post_key IS NOT NULL AND coalesce(p.lifecycle_state, 'PUBLISHED') = 'PUBLISHED'
    QUALIFY row_number() OVER (
        PARTITION BY a.agent_key, p.post_key
        ORDER BY p._obtained_at DESC, p._file_modified_at DESC, p._source_file DESC, p._source_row
    ) = 1
),
changelog AS (
    SELECT c.agent_key, c.occurred_at, c.item_key, c.target_key, 'api_changelog' AS source,
           CAST(NULL AS VARCHAR) AS archive, c.source_file AS _source_file, c.source_row AS _source_row,
           CASE WHEN c.target_key IS NOT NULL THEN 'reshare' ELSE 'post' END AS kind, c.commentary
    FROM staging.member_changelog AS c
    WHERE c.kind = 'post' AND NOT c.is_deleted AND c.item_key IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM api_posts AS p WHERE p.agent_key = c.agent_key AND p.item_key = c.item_key)
),
api AS (
    SELECT * FROM api_posts
    WHERE NOT EXISTS (SELECT 1 FROM deleted AS d WHERE d.agent_key = api_posts.agent_key
                                                  AND d.item_key = api_posts.item_key)
    UNION ALL
    SELECT * FROM changelog
),
shares AS (
    SELECT a.agent_key, s.shared_at AS occurred_at, s.share_key AS item_key, s.target_key,
           'archive_shares' AS source, s.archive, s._source_file, s._source_row
    FROM raw.li_shares AS s JOIN ambassadors AS a USING (agent_id)
    WHERE s.share_key IS NULL
       OR (NOT EXISTS (SELECT 1 FROM api WHERE api.agent_key = a.agent_key AND api.item_key = s.share_key)
           AND NOT EXISTS (SELECT 1 FROM deleted AS d WHERE d.agent_key = a.agent_key
                                                        AND d.item_key = s.share_key))
    QUALIFY row_number() OVER (
        PARTITION BY a.agent_key, s.shared_at, coalesce(s.share_link, '') ORDER BY s._source_file, s._source_row
    ) = 1
),
reposts AS (
    SELECT a.agent_key, r.reposted_at AS occurred_at, NULL AS item_key, r.target_key,
           'archive_instant_reposts' AS source, r.archive, r._source_file, r._source_row
    FROM raw.li_instant_reposts AS r JOIN ambassadors AS a USING (agent_id)
    WHERE NOT EXISTS (
        SELECT 1 FROM api
        WHERE api.agent_key = a.agent_key AND api.kind = 'reshare' AND coalesce(trim(api.commentary), '') = ''
          AND date_trunc('minute', api.occurred_at) = date_trunc('minute', r.reposted_at)
    )
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
    UNION ALL
    SELECT * EXCLUDE (commentary) FROM api
)
SELECT i.agent_key, i.kind, i.occurred_at, local_date(i.occurred_at) AS local_day,
       local_month(i.occurred_at) AS month, i.item_key, i.target_key,
       CASE WHEN i.kind = 'reshare' THEN k.post_key END AS institution_post_key,
       (i.kind = 'reshare' AND k.post_key IS NOT NULL) AS is_institution_target,
       i.source,
       (i.source IN ('archive_instant_reposts', 'api_posts', 'api_changelog') OR i.kind = 'reshare')
           AS is_attributable,
       i._source_file AS source_file, i._source_row AS source_row
FROM items AS i
LEFT JOIN staging.institution_post_keys AS k ON k.key = i.target_key AND i.kind = 'reshare'
ORDER BY i.agent_key, i.occurred_at
