-- The floor: core marts straight from the raw files (see bench/floor.py). Placeholders {tz}, {inbox},
-- {work} are filled in by floor.py; creator_daily and page_posts are Arrow tables it registers, the
-- *_raw tables the archive members it extracted (read in folders of a few thousand files).
CREATE MACRO post_key(link) AS CASE
    WHEN link IS NULL THEN NULL
    WHEN regexp_matches(lower(url_decode(url_decode(link))), 'linkedin\.com/(embed/)?feed/update/|^urn:li:')
        THEN regexp_extract(lower(url_decode(url_decode(link))), 'urn:li:((activity|share|ugcpost):\d+)', 1)
    WHEN regexp_matches(lower(link), 'linkedin\.com/posts/')
        THEN regexp_replace(regexp_extract(lower(link), '-(activity|share|ugcpost)-(\d{6,})(-|$|\?)', 0),
                            '^-(activity|share|ugcpost)-(\d+).*$', '\1:\2')
END;
CREATE MACRO local_month(ts) AS
    CAST(date_trunc('month', timezone('{tz}', timezone('UTC', CAST(ts AS TIMESTAMP)))) AS DATE);

CREATE TABLE roster AS
SELECT "matricule" AS agent_id, lower(trim("courriel")) AS email,
       lower(strip_accents(regexp_replace("prénom" || "nom", '[^A-Za-zÀ-ÿ]', '', 'g'))) AS compact_name,
       coalesce(nullif(trim("direction"), ''), 'Non renseignée') AS department,
       strptime(nullif(trim("date_adhesion"), ''), '%d/%m/%Y')::DATE AS enrolled_on,
       lower(trim(coalesce("consentement", ''))) IN ('oui', 'yes', 'o', 'y', '1', 'true', 'vrai') AS consent,
       nullif(trim(coalesce("date_retrait", '')), '') IS NOT NULL AS withdrawn
FROM read_csv('{inbox}/rh/*.csv', delim=';', header=true, all_varchar=true, encoding='latin-1');

CREATE TABLE ambassadors AS
SELECT agent_id, email, compact_name, department, enrolled_on FROM roster
WHERE enrolled_on IS NOT NULL AND consent AND NOT withdrawn;

CREATE TABLE owners AS
SELECT DISTINCT regexp_extract(filename, '(\d+)\.csv$', 1) AS archive, a.agent_id
FROM email_addresses_raw AS e
JOIN ambassadors AS a ON a.email = lower(trim(e."Email Address"));

CREATE TABLE institution AS SELECT DISTINCT post_key(link) AS post_key FROM page_posts WHERE post_key(link) IS NOT NULL;

CREATE TABLE published AS
SELECT o.agent_id, local_month(s."Date") AS month, post_key(s."SharedUrl") AS target
FROM shares_raw AS s
JOIN owners AS o ON o.archive = regexp_extract(s.filename, '(\d+)\.csv$', 1)
UNION ALL
SELECT o.agent_id, local_month(r."Date"), coalesce(post_key(r."Link"), 'unknown')
FROM instantreposts_raw AS r
JOIN owners AS o ON o.archive = regexp_extract(r.filename, '(\d+)\.csv$', 1);

CREATE TABLE given AS
SELECT o.agent_id, local_month(c."Date") AS month, 'comment' AS kind
FROM comments_raw AS c
JOIN owners AS o ON o.archive = regexp_extract(c.filename, '(\d+)\.csv$', 1)
WHERE nullif(trim(c."Date"), '') IS NOT NULL
UNION ALL
SELECT o.agent_id, local_month(r."Date"), 'reaction'
FROM reactions_raw AS r
JOIN owners AS o ON o.archive = regexp_extract(r.filename, '(\d+)\.csv$', 1);

CREATE TABLE reach AS
WITH owned AS (
    SELECT a.agent_id, CASE WHEN d.day_first THEN strptime(d.day, '%d/%m/%Y')
                ELSE strptime(d.day, '%m/%d/%Y') END::DATE AS day,
           max(d.impressions) AS impressions, max(d.engagements) AS engagements
    FROM creator_daily AS d
    JOIN ambassadors AS a ON a.compact_name = lower(strip_accents(regexp_replace(coalesce(
        nullif(regexp_extract(d.file, '^AggregateAnalytics_(.+)_\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.xlsx$', 1), ''),
        regexp_extract(d.file, '^Content_\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}_(.+)\.xlsx$', 1)),
        '[^A-Za-zÀ-ÿ]', '', 'g')))
    GROUP BY ALL
)
SELECT agent_id, CAST(date_trunc('month', day) AS DATE) AS month,
       sum(impressions) AS impressions, sum(engagements) AS engagements
FROM owned GROUP BY ALL;

CREATE TABLE months AS
SELECT CAST(range AS DATE) AS month FROM range(
    (SELECT min(month) FROM published), (SELECT max(month) FROM published) + INTERVAL 1 MONTH, INTERVAL 1 MONTH);

CREATE TABLE agent_month AS
WITH activity AS (
    SELECT agent_id, month,
           count(*) FILTER (WHERE target IS NULL) AS posts,
           count(*) FILTER (WHERE target IS NOT NULL) AS reshares,
           count(*) FILTER (WHERE target IN (SELECT post_key FROM institution)) AS institution_reshares
    FROM published GROUP BY ALL
),
engagement AS (
    SELECT agent_id, month, count(*) FILTER (WHERE kind = 'comment') AS comments_given,
           count(*) FILTER (WHERE kind = 'reaction') AS reactions_given
    FROM given GROUP BY ALL
)
SELECT a.agent_id, a.department, m.month, a.enrolled_on <= last_day(m.month) AS is_enrolled,
       coalesce(x.posts, 0) AS posts, coalesce(x.reshares, 0) AS reshares,
       coalesce(x.institution_reshares, 0) AS institution_reshares,
       coalesce(g.comments_given, 0) AS comments_given, coalesce(g.reactions_given, 0) AS reactions_given,
       coalesce(r.impressions, 0) AS impressions, coalesce(r.engagements, 0) AS engagements_received,
       coalesce(x.posts, 0) + coalesce(x.reshares, 0) > 0 AS is_active
FROM ambassadors AS a CROSS JOIN months AS m
LEFT JOIN activity AS x ON x.agent_id = a.agent_id AND x.month = m.month
LEFT JOIN engagement AS g ON g.agent_id = a.agent_id AND g.month = m.month
LEFT JOIN reach AS r ON r.agent_id = a.agent_id AND r.month = m.month;

CREATE TABLE department_month AS
SELECT department, month, count(*) FILTER (WHERE is_enrolled) AS enrolled,
       count(*) FILTER (WHERE is_enrolled AND is_active) AS active,
       sum(posts) FILTER (WHERE is_enrolled) AS posts, sum(reshares) FILTER (WHERE is_enrolled) AS reshares,
       sum(institution_reshares) FILTER (WHERE is_enrolled) AS institution_reshares,
       sum(impressions) FILTER (WHERE is_enrolled) AS impressions,
       sum(engagements_received) FILTER (WHERE is_enrolled) AS engagements_received
FROM agent_month GROUP BY ALL;

CREATE TABLE programme_month AS
SELECT month, sum(enrolled) AS enrolled, sum(active) AS active, sum(active) / nullif(sum(enrolled), 0)
       AS participation_rate, sum(posts) AS posts, sum(reshares) AS reshares,
       sum(institution_reshares) AS institution_reshares, sum(impressions) AS impressions,
       sum(engagements_received) AS engagements_received
FROM department_month GROUP BY ALL ORDER BY month;
