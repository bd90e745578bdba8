-- One row per source family (archives, creator analytics, Page exports, advocacy, LinkedIn API) that
-- holds data: data_until is the last local day its newest data covers: the newest dated row of the
-- archives, or the day before the newest export date in a loaded archive's name; the last day of
-- the newest creator period, Page day or advocacy month; the newest API day, or the day before the
-- newest API answer (changelog, posts). is_current tells whether the family still delivers: its
-- data_until is within 92 days of the newest family's. A family an organisation stopped feeding (an
-- advocacy platform left two years ago) is not current and does not hold every later month back as
-- incomplete. staging.month_coverage takes the earliest data_until of the current families.
WITH evidence AS (
    SELECT 'linkedin_archives' AS source, max(local_date(shared_at)) AS data_until FROM raw.li_shares
    UNION ALL SELECT 'linkedin_archives', max(local_date(reposted_at)) FROM raw.li_instant_reposts
    UNION ALL SELECT 'linkedin_archives', max(local_date(commented_at)) FROM raw.li_comments
    UNION ALL SELECT 'linkedin_archives', max(local_date(reacted_at)) FROM raw.li_reactions
    UNION ALL  -- LinkedIn names an archive after the day it was exported: ..._LinkedInDataExport_MM-DD-YYYY.zip
    SELECT 'linkedin_archives', max(try_strptime(regexp_extract(archive, '(\d{2}-\d{2}-\d{4})\.zip$', 1), '%m-%d-%Y'))::DATE - 1
    FROM raw.archive_owners WHERE agent_id IS NOT NULL
    UNION ALL SELECT 'creator_analytics', max(day) FROM raw.creator_daily
    UNION ALL SELECT 'creator_analytics', max(period_end) FROM raw.creator_periods
    UNION ALL SELECT 'page_exports', max(day) FROM raw.page_metrics_daily
    UNION ALL SELECT 'page_exports', max(day) FROM raw.page_followers_daily
    UNION ALL SELECT 'page_exports', max(day) FROM raw.page_visitors_daily
    UNION ALL SELECT 'advocacy', CAST(last_day(max(report_month)) AS DATE) FROM raw.advocacy_users
    UNION ALL SELECT 'linkedin_api', max(day) FROM raw.api_member_daily
    UNION ALL SELECT 'linkedin_api', max(day) FROM raw.api_org_share_stats
    UNION ALL SELECT 'linkedin_api', CAST(local_date(max(_obtained_at)) - 1 AS DATE) FROM raw.api_changelog
    UNION ALL SELECT 'linkedin_api', CAST(local_date(max(_obtained_at)) - 1 AS DATE) FROM raw.api_posts
),
families AS (
    SELECT source, max(data_until) AS data_until
    FROM evidence
    WHERE data_until IS NOT NULL
    GROUP BY source
)
SELECT source, data_until,
       data_until >= max(data_until) OVER () - INTERVAL 92 DAY AS is_current
FROM families
ORDER BY source
