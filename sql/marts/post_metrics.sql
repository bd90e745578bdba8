-- One row per post with known figures: the institution's posts and ambassadors' own posts, each
-- figure the most recently obtained one (see staging.post_metrics). members_reached is per post
-- and must not be summed across posts.
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
       max(value) FILTER (WHERE metric = 'engagements') AS engagements
FROM staging.post_metrics
GROUP BY post_key
ORDER BY post_key
