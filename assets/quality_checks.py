"""Dagster asset checks that block on what must never happen: lost rows and duplicated keys.

``every_row_accounted_for`` proves that each recognised inbox file has exactly one ledger entry
and that each file's rows read equal its rows loaded (counted in the raw tables themselves),
quarantined (counted in ``quarantine.rows``) and withheld on purpose. The key checks prove that
each mart has one row per key.
"""

from dagster import AssetCheckExecutionContext, AssetCheckResult, AssetCheckSeverity, AssetKey, asset_check
from dagster_duckdb import DuckDBResource

from assets.ingest_assets import POOL
from assets.quarantine_assets import ROW_TABLES, quarantined_files

CONSERVATION_SQL = f"""
WITH loaded AS (
    SELECT source_file, sum(n) AS n FROM (
        {
    " UNION ALL ".join(
        f"SELECT _source_file AS source_file, count(*) AS n FROM {t} GROUP BY 1" for t in ROW_TABLES
    )
}
    ) GROUP BY 1
),
quarantined AS (
    SELECT source_file, count(*) AS n FROM quarantine.rows GROUP BY 1
),
entries AS (
    SELECT source_file, count(*) AS entries, sum(rows_read) AS rows_read, sum(rows_loaded) AS rows_loaded,
           sum(rows_quarantined) AS rows_quarantined, sum(rows_withheld) AS rows_withheld
    FROM raw.file_ledger GROUP BY 1
)
SELECT f.path,
       CASE
           WHEN e.entries IS NULL THEN 'no ledger entry'
           WHEN e.entries > 1 THEN 'several ledger entries'
           WHEN e.rows_read <> e.rows_loaded + e.rows_quarantined + e.rows_withheld
               THEN 'rows read <> loaded + quarantined + withheld'
           WHEN e.rows_loaded <> coalesce(l.n, 0)
               THEN 'ledger says ' || e.rows_loaded || ' loaded, raw tables hold ' || coalesce(l.n, 0)
           WHEN e.rows_quarantined <> coalesce(q.n, 0)
               THEN 'ledger: ' || e.rows_quarantined || ' quarantined, quarantine.rows: ' || coalesce(q.n, 0)
       END AS problem
FROM raw.inbox_files AS f
LEFT JOIN entries AS e ON e.source_file = f.path
LEFT JOIN loaded AS l ON l.source_file = f.path
LEFT JOIN quarantined AS q ON q.source_file = f.path
WHERE problem IS NOT NULL
ORDER BY f.path
"""


@asset_check(
    asset=quarantined_files,
    blocking=True,
    pool=POOL,
    description="Each inbox file has one ledger entry; each row read is loaded, quarantined or withheld.",
)
def every_row_accounted_for(
    context: AssetCheckExecutionContext, warehouse: DuckDBResource
) -> AssetCheckResult:
    """Row conservation over the whole inbox."""
    with warehouse.get_connection() as con:
        failures = con.execute(CONSERVATION_SQL).fetchall()
        totals = con.execute(
            "SELECT count(*), coalesce(sum(rows_read), 0), coalesce(sum(rows_loaded), 0), "
            "coalesce(sum(rows_quarantined), 0), coalesce(sum(rows_withheld), 0) FROM raw.file_ledger"
        ).fetchall()[0]
    files, read, loaded, quarantined, withheld = totals
    for path, problem in failures[:20]:
        context.log.error(f"Row conservation fails for {path}: {problem}")
    return AssetCheckResult(
        passed=not failures,
        severity=AssetCheckSeverity.ERROR,
        metadata={
            "files": files,
            "rows_read": read,
            "rows_loaded": loaded,
            "rows_quarantined": quarantined,
            "rows_withheld": withheld,
            "failing_files": len(failures),
            "examples": [f"{p}: {m}" for p, m in failures[:5]],
        },
    )


def _unique_key_check(table: str, columns: tuple[str, ...]):
    key = ", ".join(columns)
    not_null = " OR ".join(f"{c} IS NULL" for c in columns)

    @asset_check(
        asset=AssetKey(table.split(".")),
        name="key_unique_not_null",
        blocking=True,
        pool=POOL,
        description=f"({key}) is unique and never NULL in {table}.",
    )
    def _check(warehouse: DuckDBResource) -> AssetCheckResult:
        with warehouse.get_connection() as con:
            duplicates = con.execute(
                f"SELECT count(*) FROM (SELECT {key} FROM {table} GROUP BY ALL HAVING count(*) > 1)"
            ).fetchall()[0][0]
            nulls = con.execute(f"SELECT count(*) FROM {table} WHERE {not_null}").fetchall()[0][0]
        return AssetCheckResult(
            passed=duplicates == 0 and nulls == 0,
            severity=AssetCheckSeverity.ERROR,
            metadata={"duplicated_keys": duplicates, "null_keys": nulls},
        )

    return _check


QUALITY_CHECKS = [
    every_row_accounted_for,
    _unique_key_check("marts.agent_month", ("agent_key", "month")),
    _unique_key_check("marts.department_month", ("department", "month")),
    _unique_key_check("marts.programme_month", ("month",)),
]
