-- One row per calendar month up to the current one: data_until is the last day the data covers
-- (the earliest data_until of the source families still delivering, staging.data_coverage, capped at
-- yesterday in the organisation's time zone), days_covered the month's days up to it, and
-- is_complete true only when the data covers the month to its last day. The marts join it so that a
-- partial month is marked wherever it is shown and never compared as if complete. clicks_measured
-- tells whether an advocacy-platform export covers the month, the only source of clicks (and of the
-- click part of earned media value): two months are compared on those only when both have it.
WITH coverage AS (
    -- least() skips NULLs: without any data nothing is covered, not everything up to yesterday
    SELECT CASE WHEN min(data_until) IS NOT NULL
                THEN least(min(data_until), local_date(CAST(timezone('UTC', now()) AS TIMESTAMP)) - 1) END
               AS data_until
    FROM staging.data_coverage
    WHERE is_current
),
advocacy AS (
    SELECT DISTINCT CAST(date_trunc('month', report_month) AS DATE) AS month FROM raw.advocacy_users
),
months AS (
    SELECT CAST(generate_series AS DATE) AS month
    FROM generate_series(DATE '2000-01-01', local_month(CAST(timezone('UTC', now()) AS TIMESTAMP)), INTERVAL 1 MONTH)
)
SELECT m.month, c.data_until,
       CAST(greatest(0, least(day(last_day(m.month)), coalesce(date_diff('day', m.month, c.data_until) + 1, 0)))
            AS INTEGER) AS days_covered,
       CAST(day(last_day(m.month)) AS INTEGER) AS days_in_month,
       coalesce(c.data_until >= last_day(m.month), false) AS is_complete,
       a.month IS NOT NULL AS clicks_measured
FROM months AS m
CROSS JOIN coverage AS c
LEFT JOIN advocacy AS a ON a.month = m.month
ORDER BY m.month
