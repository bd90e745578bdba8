-- Every key that designates one of the institution's posts (key), and the post it designates
-- (post_key, the key of staging.institution_posts). Page exports name a post by its activity link,
-- the LinkedIn API by its share or ugcPost URN, and no offline rule maps one id to the other. An API
-- post is taken for a Page export post when exactly one Page export post was created the same day
-- (organisation time) with a title that begins the API commentary, case and spacing aside; any other
-- API post is a post of its own. matched_by says which: page_export, api, or api_matched_to_page.
WITH page AS (
    SELECT post_key, any_value(created_on) AS created_on,
           any_value(regexp_replace(lower(trim(regexp_replace(title, '(\.\.\.|…)\s*$', ''))), '\s+', ' ', 'g'))
               AS title
    FROM raw.page_posts
    WHERE post_key IS NOT NULL
    GROUP BY post_key
),
api AS (
    SELECT post_key,
           any_value(local_date(coalesce(published_at, created_at))) AS created_on,
           any_value(regexp_replace(lower(trim(commentary)), '\s+', ' ', 'g')) AS commentary
    FROM raw.api_posts
    WHERE agent_id IS NULL AND post_key IS NOT NULL AND coalesce(lifecycle_state, 'PUBLISHED') = 'PUBLISHED'
    GROUP BY post_key
),
matched AS (
    SELECT a.post_key AS key, min(p.post_key) AS post_key
    FROM api AS a
    JOIN page AS p
      ON p.created_on = a.created_on AND length(p.title) > 0 AND starts_with(a.commentary, p.title)
    WHERE a.post_key NOT IN (SELECT post_key FROM page)
    GROUP BY a.post_key
    HAVING count(DISTINCT p.post_key) = 1
)
SELECT post_key AS key, post_key, 'page_export' AS matched_by FROM page
UNION ALL
SELECT key, post_key, 'api_matched_to_page' FROM matched
UNION ALL
SELECT post_key, post_key, 'api' FROM api
WHERE post_key NOT IN (SELECT key FROM matched) AND post_key NOT IN (SELECT post_key FROM page)
ORDER BY post_key, key
