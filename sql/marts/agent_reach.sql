-- Members reached per ambassador and analytics period, as LinkedIn counted it for that period.
-- Members reached is not additive (the same member can be reached by several posts and in several
-- periods): it is published per period and per post only, never summed.
SELECT agent_key, period_start, period_end, impressions, members_reached, engagements, followers_total, followers_total_on
FROM staging.reach_periods
ORDER BY agent_key, period_start
