-- The institution's own posts, one row per post key. When several Page exports hold the same
-- post, the figures of the most recently obtained export win (the one covering the latest days;
-- its modification time breaks ties).
SELECT post_key, post_link, title, post_type, content_type, created_on,
       impressions, clicks, likes, comments, reposts, follows, engagement_rate,
       _source_file AS source_file, _source_row AS source_row
FROM raw.page_posts
QUALIFY row_number() OVER (
    PARTITION BY post_key ORDER BY _obtained_at DESC, _file_modified_at DESC, _source_file DESC, _source_row
) = 1
ORDER BY created_on, post_key
