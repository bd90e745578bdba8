-- The institution's own posts, one row per post key: the posts of its Page exports and those the
-- LinkedIn API lists for the organisation that no Page export holds (staging.institution_post_keys).
-- When several Page exports hold the same post, the figures of the most recently obtained export win
-- (the one covering the latest days; its modification time breaks ties). A post known only from the
-- API has its link built from its URN, its commentary's first line as title (up to 120 characters),
-- its creation day in organisation time, and no Page figures (marts.post_metrics has its reactions
-- and comments).
WITH page AS (
    SELECT post_key, post_link, title, post_type, content_type, created_on,
           impressions, clicks, likes, comments, reposts, follows, engagement_rate,
           _source_file AS source_file, _source_row AS source_row
    FROM raw.page_posts
    WHERE post_key IS NOT NULL
    QUALIFY row_number() OVER (
        PARTITION BY post_key ORDER BY _obtained_at DESC, _file_modified_at DESC, _source_file DESC, _source_row
    ) = 1
),
api AS (
    SELECT p.post_key, 'https://www.linkedin.com/feed/update/' || p.post_urn || '/' AS post_link,
           nullif(left(trim(split_part(p.commentary, chr(10), 1)), 120), '') AS title,
           CAST(NULL AS VARCHAR) AS post_type, CAST(NULL AS VARCHAR) AS content_type,
           local_date(coalesce(p.published_at, p.created_at)) AS created_on,
           CAST(NULL AS BIGINT) AS impressions, CAST(NULL AS BIGINT) AS clicks, CAST(NULL AS BIGINT) AS likes,
           CAST(NULL AS BIGINT) AS comments, CAST(NULL AS BIGINT) AS reposts, CAST(NULL AS BIGINT) AS follows,
           CAST(NULL AS DOUBLE) AS engagement_rate,
           p._source_file AS source_file, p._source_row AS source_row
    FROM raw.api_posts AS p
    JOIN staging.institution_post_keys AS k ON k.key = p.post_key AND k.matched_by = 'api'
    WHERE p.agent_id IS NULL
    QUALIFY row_number() OVER (
        PARTITION BY p.post_key ORDER BY p._obtained_at DESC, p._file_modified_at DESC, p._source_file DESC, p._source_row
    ) = 1
)
SELECT * FROM page
UNION ALL
SELECT * FROM api
ORDER BY created_on, post_key
