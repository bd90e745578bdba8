-- One row per institution post (Page exports and the LinkedIn API, see staging.institution_posts): its
-- figures (the most recently obtained), how many consenting ambassadors relayed it through any of its
-- keys (relaying_ambassadors), how many reshares they made, the impressions of
-- those reshares where known (reshare_impressions, over reshares_with_impressions of them),
-- amplification_ratio = reshare_impressions / the post's own impressions (NULL when either is
-- unknown or zero: instant reposts have no impressions of their own) and ambassador_repost_share =
-- the share of the post's reposts made by ambassadors, reshares / reposts (capped at 1 when the
-- reposts figure predates some reshares), known for every relayed post whose reposts are known.
-- Ratios are rounded to 4 decimals.
WITH relays AS (
    SELECT a.institution_post_key AS post_key,
           count(*) AS reshares,
           count(DISTINCT a.agent_key) AS relaying_ambassadors,
           CAST(sum(m.impressions) AS BIGINT) AS reshare_impressions,
           count(m.impressions) AS reshares_with_impressions
    FROM staging.activities AS a
    LEFT JOIN marts.post_metrics AS m ON m.post_key = a.item_key
    WHERE a.is_institution_target
    GROUP BY a.institution_post_key
)
SELECT p.post_key, p.post_link, p.title, p.created_on, p.content_type,
       f.impressions, f.clicks, f.reactions, f.comments, f.reposts,
       coalesce(r.relaying_ambassadors, 0) AS relaying_ambassadors,
       coalesce(r.reshares, 0) AS reshares,
       r.reshare_impressions,
       coalesce(r.reshares_with_impressions, 0) AS reshares_with_impressions,
       CASE WHEN f.impressions > 0 AND r.reshare_impressions > 0
            THEN round(r.reshare_impressions / f.impressions, 4) END AS amplification_ratio,
       CASE WHEN r.reshares > 0 AND f.reposts IS NOT NULL
            THEN round(r.reshares / greatest(f.reposts, r.reshares), 4) END AS ambassador_repost_share
FROM staging.institution_posts AS p
LEFT JOIN marts.post_metrics AS f USING (post_key)
LEFT JOIN relays AS r USING (post_key)
ORDER BY p.created_on, p.post_key
