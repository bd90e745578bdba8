"""The quality gate: Dagster asset checks wrapping the Great Expectations suites of ``relais.quality``.

One asset, ``quality/gate``, runs every suite once all tables are built and carries one asset check
per suite check (``<schema>__<table>__<check>``): blocking (ERROR) for integrity and conservation,
warnings for freshness and volume anomalies. The publication depends on the gate, so a blocking
failure leaves the previous serving snapshot in place. (Checks sit on the gate rather than on each
table because blocking checks on a layer's own tables would make the layer wait for itself.)
Outcomes go to ``marts.quality_checks`` (kept for the last runs) and the Data Docs to
``RELAIS_HOME/quality/``.
"""

from datetime import UTC, datetime

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    MaterializeResult,
    ResourceParam,
    asset,
)
from dagster_duckdb import DuckDBResource

from relais.home import RelaisHome
from relais.quality.runner import (
    QUALITY_CHECKS_DDL,
    CheckOutcome,
    outcome_rows,
    summary_line,
    validate_warehouse,
)
from relais.quality.suites import ERROR, build_suites
from relais.sources.registry import row_tables

ASSET_OF_TABLE = {"raw.file_ledger": AssetKey(["quarantine", "files"])}
"""Tables checked that are not an asset of their own: the ledger is summarised by quarantine/files."""
KEEP_RUNS = 20


def asset_of(table: str) -> AssetKey:
    """The asset that builds a checked table."""
    return ASSET_OF_TABLE.get(table, AssetKey(table.split(".")))


RECORDED = "marts.quality_checks"
SUITES = [s for s in build_suites(row_tables=row_tables()) if s.table != RECORDED]
"""The suites as defined in code (names and severities do not depend on the data or the settings)."""
GATE = AssetKey(["quality", "gate"])


def check_name(table: str, check: str) -> str:
    """The Dagster name of a suite's check: ``marts__agent_month__key_unique``."""
    return f"{table.replace('.', '__')}__{check}"


def _checks() -> list[tuple[str, str, str, str]]:
    """(table, check, severity, description) of every check, ``table_exists`` first in each suite."""
    rows = []
    for suite in SUITES:
        rows.append((suite.table, "table_exists", ERROR, f"{suite.table} exists in the warehouse."))
        rows += [(suite.table, c.name, c.severity, c.description) for c in suite.checks]
    return rows


CHECK_SPECS = [
    AssetCheckSpec(check_name(table, name), asset=GATE, blocking=severity == ERROR, description=description)
    for table, name, severity, description in _checks()
]


def check_results(outcomes: list[CheckOutcome], log) -> list[AssetCheckResult]:
    """One result per check spec: a check that could not run because its table is missing fails."""
    found = {(o.table_name, o.check_name): o for o in outcomes}
    results = []
    for table, name, severity, _ in _checks():
        outcome = found.get((table, name))
        if outcome is None:
            missing = found.get((table, "table_exists"))
            outcome = CheckOutcome(
                table,
                name,
                severity,
                missing is None,
                0,
                [],
                "" if missing is None else "not run: the table is missing",
            )
        if not outcome.success:
            (log.error if severity == ERROR else log.warning)(
                f"{severity} {table} {name}: {outcome.unexpected_count} unexpected. {outcome.details} "
                f"Examples: {'; '.join(outcome.examples) or '-'}"
            )
        results.append(
            AssetCheckResult(
                asset_key=GATE,
                check_name=check_name(table, name),
                passed=outcome.success,
                severity=AssetCheckSeverity.ERROR if severity == ERROR else AssetCheckSeverity.WARN,
                metadata={
                    "table": table,
                    "unexpected_count": outcome.unexpected_count,
                    "examples": outcome.examples[:5],
                    "details": outcome.details,
                },
            )
        )
    return results


def record_outcomes(con, outcomes: list[CheckOutcome], run_id: str) -> None:
    """Write a run's outcomes to ``marts.quality_checks`` and keep only the last runs."""
    con.execute("CREATE SCHEMA IF NOT EXISTS marts")
    con.execute(QUALITY_CHECKS_DDL)
    rows = outcome_rows(outcomes, run_id, datetime.now(UTC).replace(tzinfo=None))
    con.execute("DELETE FROM marts.quality_checks WHERE run_id = ?", [run_id])
    if rows:
        con.executemany("INSERT INTO marts.quality_checks VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    con.execute(
        "DELETE FROM marts.quality_checks WHERE run_id NOT IN (SELECT run_id FROM marts.quality_checks "
        "GROUP BY run_id ORDER BY max(checked_at) DESC LIMIT ?)",
        [KEEP_RUNS],
    )


@asset(
    key=GATE,
    deps=sorted({asset_of(s.table) for s in SUITES}, key=lambda k: k.to_user_string()),
    check_specs=CHECK_SPECS,
    kinds={"duckdb", "python"},
    group_name="quality",
)
def quality_gate(
    context: AssetExecutionContext, home: ResourceParam[RelaisHome], warehouse: DuckDBResource
) -> MaterializeResult:
    """Great Expectations suites over the raw, staging and marts tables; blocking failures stop publication.

    Integrity and conservation checks are blocking (ERROR): when one fails, the analysts' snapshot
    is not replaced. Freshness and volume anomalies warn. Outcomes go to marts.quality_checks and
    the Data Docs (HTML) to RELAIS_HOME/quality/.
    """
    with warehouse.get_connection() as con:
        outcomes = validate_warehouse(con, home.settings, context.run_id, home.root / "quality")
        outcomes = [o for o in outcomes if o.table_name != RECORDED]
        record_outcomes(con, outcomes, context.run_id)
    summary = summary_line(outcomes)
    context.log.info(summary)
    failed = [o for o in outcomes if not o.success]
    return MaterializeResult(
        metadata={
            "summary": summary,
            "checks": len(outcomes),
            "failed": len(failed),
            "data_docs": str(home.root / "quality"),
        },
        check_results=check_results(outcomes, context.log),
    )
