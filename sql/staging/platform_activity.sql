-- What advocacy platforms report per ambassador and month (EveryoneSocial users report, Firstup
-- source report): shares, clicks and the vendor's potential reach, which is not LinkedIn
-- impressions and stays apart from them. A report counts in the month it covers (from its file
-- name) or, failing that, the month it was obtained; per ambassador, platform and month the most
-- recently obtained report wins.
SELECT r.agent_key, p.platform, p.report_month AS month, p.shares, p.clicks, p.potential_reach,
       p.platform_impressions, p._obtained_at AS obtained_at, p._source_file AS source_file,
       p._source_row AS source_row
FROM raw.advocacy_users AS p
JOIN raw.roster AS r ON r.agent_id = p.agent_id AND r.is_current AND r.is_ambassador
QUALIFY row_number() OVER (
    PARTITION BY r.agent_key, p.platform, p.report_month ORDER BY p._obtained_at DESC, p._file_modified_at DESC, p._source_file DESC
) = 1
ORDER BY r.agent_key, p.platform, p.report_month
