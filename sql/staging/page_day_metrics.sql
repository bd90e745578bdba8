-- One value per day and metric for the institution's Page (page_impressions: organic + sponsored
-- impressions; page_clicks), from Page exports and the API's daily Page figures (Community
-- Management share statistics, or Pages Data Portability content analytics, both in
-- raw.api_org_share_stats): the most recently obtained figure wins, its lineage kept.
WITH facts AS (
    SELECT day, 'page_impressions' AS metric, impressions_total AS value, _obtained_at, _file_modified_at, _source_file, _source_row
    FROM raw.page_metrics_daily WHERE impressions_total IS NOT NULL
    UNION ALL
    SELECT day, 'page_impressions', coalesce(impressions_organic, 0) + coalesce(impressions_sponsored, 0),
           _obtained_at, _file_modified_at, _source_file, _source_row
    FROM raw.page_metrics_daily
    WHERE impressions_total IS NULL AND (impressions_organic IS NOT NULL OR impressions_sponsored IS NOT NULL)
    UNION ALL
    SELECT day, 'page_clicks', clicks_total, _obtained_at, _file_modified_at, _source_file, _source_row
    FROM raw.page_metrics_daily WHERE clicks_total IS NOT NULL
    UNION ALL
    SELECT day, 'page_impressions', impressions, _obtained_at, _file_modified_at, _source_file, _source_row
    FROM raw.api_org_share_stats WHERE impressions IS NOT NULL AND day IS NOT NULL
    UNION ALL
    SELECT day, 'page_clicks', clicks, _obtained_at, _file_modified_at, _source_file, _source_row
    FROM raw.api_org_share_stats WHERE clicks IS NOT NULL AND day IS NOT NULL
)
SELECT day, CAST(date_trunc('month', day) AS DATE) AS month, metric, CAST(value AS BIGINT) AS value,
       _obtained_at AS obtained_at, _source_file AS source_file, _source_row AS source_row
FROM facts
QUALIFY row_number() OVER (PARTITION BY day, metric ORDER BY _obtained_at DESC, _file_modified_at DESC, _source_file DESC, _source_row) = 1
ORDER BY day, metric
