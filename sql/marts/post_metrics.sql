-- One row per post with known figures: the institution's posts and ambassadors' own posts, each
-- figure the most recently obtained one (see staging.post_metrics). members_reached is per post
-- and must not be summed across posts. engagements is LinkedIn's own figure where an export gives
-- it (creator analytics top posts), else reactions + comments + reposts when all three are known
-- (Page exports, single-post exports); engagements_basis says which, and sources lists the kinds of
-- export or API answer the post's figures come from.
WITH figures AS (
    SELECT post_key,
           any_value(agent_key) AS agent_key,
           bool_or(is_institution_post) AS is_institution_post,
           max(value) FILTER (WHERE metric = 'impressions') AS impressions,
           max(value) FILTER (WHERE metric = 'members_reached') AS members_reached,
           max(value) FILTER (WHERE metric = 'reactions') AS reactions,
           max(value) FILTER (WHERE metric = 'comments') AS comments,
           max(value) FILTER (WHERE metric = 'reposts') AS reposts,
           max(value) FILTER (WHERE metric = 'saves') AS saves,
           max(value) FILTER (WHERE metric = 'sends') AS sends,
           max(value) FILTER (WHERE metric = 'clicks') AS clicks,
           max(value) FILTER (WHERE metric = 'engagements') AS reported_engagements,
           string_agg(DISTINCT source, ', ' ORDER BY source) AS sources
    FROM staging.post_metrics
    GROUP BY post_key
)
SELECT post_key, agent_key, is_institution_post, impressions, members_reached, reactions, comments, reposts,
       saves, sends, clicks,
       coalesce(reported_engagements, reactions + comments + reposts) AS engagements,
       CASE WHEN reported_engagements IS NOT NULL THEN 'reported'
            WHEN reactions + comments + reposts IS NOT NULL THEN 'reactions + comments + reposts' END
           AS engagements_basis,
       sources
FROM figures
ORDER BY post_key
