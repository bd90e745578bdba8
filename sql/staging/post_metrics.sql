-- One value per post and metric, whoever published it: ambassadors' posts (creator analytics top
-- posts, single-post exports, API social metadata) and the institution's (Page exports, and the
-- social metadata of the Community Management or Pages Data Portability API, whose share or ugcPost
-- key is replaced by the Page export post it designates, staging.institution_post_keys). The most
-- recently obtained figure wins; its lineage is kept, and source names the kind of export or answer
-- it comes from (creator_analytics, post_analytics, linkedin_api, page_export). reactions from the
-- Page export are its Likes.
WITH ambassadors AS (
    SELECT agent_id, agent_key FROM raw.roster WHERE is_current AND is_ambassador
),
facts AS (
    SELECT agent_id, post_key, metric, value, 'creator_analytics' AS source,
           _obtained_at, _file_modified_at, _source_file, _source_row
    FROM raw.creator_top_posts WHERE post_key IS NOT NULL AND value IS NOT NULL
    UNION ALL
    SELECT agent_id, post_key, unnest(['impressions', 'members_reached', 'reactions', 'comments', 'reposts',
                                       'saves', 'sends']) AS metric,
           unnest([impressions, members_reached, reactions, comments, reposts, saves, sends]) AS value,
           'post_analytics' AS source, _obtained_at, _file_modified_at, _source_file, _source_row
    FROM raw.post_analytics WHERE post_key IS NOT NULL
    UNION ALL
    SELECT s.agent_id, coalesce(k.post_key, s.post_key) AS post_key,
           unnest(['reactions', 'comments']) AS metric, unnest([s.reactions, s.comments]) AS value,
           'linkedin_api' AS source, s._obtained_at, s._file_modified_at, s._source_file, s._source_row
    FROM raw.api_social_metadata AS s
    LEFT JOIN staging.institution_post_keys AS k ON s.agent_id IS NULL AND k.key = s.post_key
    WHERE s.post_key IS NOT NULL
    UNION ALL
    SELECT NULL AS agent_id, post_key,
           unnest(['impressions', 'clicks', 'reactions', 'comments', 'reposts']) AS metric,
           unnest([impressions, clicks, likes, comments, reposts]) AS value, 'page_export' AS source,
           to_timestamp(_file_modified_at)::TIMESTAMP AS _obtained_at, _file_modified_at, _source_file, _source_row
    FROM raw.page_posts
)
SELECT f.post_key, a.agent_key, f.agent_id IS NULL AS is_institution_post, f.metric,
       CAST(f.value AS BIGINT) AS value, f.source, f._obtained_at AS obtained_at,
       f._source_file AS source_file, f._source_row AS source_row
FROM facts AS f
LEFT JOIN ambassadors AS a USING (agent_id)
WHERE f.value IS NOT NULL AND (f.agent_id IS NULL OR a.agent_key IS NOT NULL)
QUALIFY row_number() OVER (
    PARTITION BY f.post_key, f.metric ORDER BY f._obtained_at DESC, f._file_modified_at DESC, f._source_file DESC, f._source_row
) = 1
ORDER BY f.post_key, f.metric
