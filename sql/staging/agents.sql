-- Consenting ambassadors, one row each, from the current roster row: pseudonymous agent_key,
-- department, site, job title and enrolment date. No names, e-mails or HR identifiers.
SELECT agent_key, department, site, job_title, enrolled_on
FROM raw.roster
WHERE is_current AND is_ambassador
ORDER BY agent_key
