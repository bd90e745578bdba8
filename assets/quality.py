"""The quality gate and the checks on each table: Great Expectations suites seen in Dagster.

``quality/gate`` runs every suite once all tables are built, records the outcomes in
``marts.quality_checks`` (kept for the last runs) and the Data Docs in ``RELAIS_HOME/quality/``, and
carries one blocking check, ``no_blocking_failure``: when an integrity or conservation check fails,
the publication (downstream of the gate) does not run and the previous snapshot stays in place.
``quality/table_checks`` then reports each suite check on the table it checks, under its short name
(``key_unique`` on ``marts/agent_month``), so that every table's Checks tab shows its own; those
checks are not blocking in Dagster's sense (a layer would wait for its own checks), the gate is.
A table's checks run on their own, when the gate is not part of the run.
"""

import json
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckKey,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    MaterializeResult,
    ResourceParam,
    asset,
    multi_asset_check,
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
TABLE_OF_ASSET = {key: table for table, key in ASSET_OF_TABLE.items()}
KEEP_RUNS = 20


def asset_of(table: str) -> AssetKey:
    """The asset that builds a checked table."""
    return ASSET_OF_TABLE.get(table, AssetKey(table.split(".")))


def table_of(key: AssetKey) -> str:
    """The warehouse table an asset builds (the inverse of ``asset_of``)."""
    return TABLE_OF_ASSET.get(key, ".".join(key.path))


RECORDED = "marts.quality_checks"
SUITES = [s for s in build_suites(row_tables=row_tables()) if s.table != RECORDED]
"""The suites as defined in code (names and severities do not depend on the data or the settings)."""
GATE = AssetKey(["quality", "gate"])
GATE_CHECK = "no_blocking_failure"


def _checks() -> list[tuple[str, str, str, str]]:
    """(table, check, severity, description) of every check, ``table_exists`` first in each suite."""
    rows = []
    for suite in SUITES:
        rows.append((suite.table, "table_exists", ERROR, f"{suite.table} exists in the warehouse."))
        rows += [(suite.table, c.name, c.severity, c.description) for c in suite.checks]
    return rows


def _spec_description(severity: str, description: str) -> str:
    effect = "Blocking: a failure stops the publication." if severity == ERROR else "Warning only."
    return f"{description} {effect}"


TABLE_CHECK_SPECS = [
    AssetCheckSpec(
        name,
        asset=asset_of(table),
        additional_deps=[GATE],
        description=_spec_description(severity, description),
    )
    for table, name, severity, description in _checks()
]
SEVERITY = {AssetCheckKey(asset_of(table), name): severity for table, name, severity, _ in _checks()}


def missing_outcome(table: str, name: str, severity: str, table_outcome: CheckOutcome | None) -> CheckOutcome:
    """The outcome of a check that gave none: it passed only if its table exists and nothing ran it."""
    return CheckOutcome(
        table,
        name,
        severity,
        table_outcome is None,
        0,
        [],
        "" if table_outcome is None else "not run: the table is missing",
    )


def check_result(key: AssetCheckKey, outcome: CheckOutcome) -> AssetCheckResult:
    """One table check's Dagster result, with its count of unexpected rows and examples."""
    return AssetCheckResult(
        asset_key=key.asset_key,
        check_name=key.name,
        passed=outcome.success,
        severity=AssetCheckSeverity.ERROR if outcome.severity == ERROR else AssetCheckSeverity.WARN,
        metadata={
            "table": outcome.table_name,
            "unexpected_count": outcome.unexpected_count,
            "examples": outcome.examples[:5],
            "details": outcome.details,
        },
    )


def table_check_results(outcomes: list[CheckOutcome], keys: set[AssetCheckKey]) -> list[AssetCheckResult]:
    """A result for each of ``keys`` from a run's outcomes (a missing table fails its checks)."""
    found = {(o.table_name, o.check_name): o for o in outcomes}
    results = []
    for key in sorted(keys, key=lambda k: (k.asset_key.to_user_string(), k.name)):
        table = table_of(key.asset_key)
        outcome = found.get((table, key.name)) or missing_outcome(
            table, key.name, SEVERITY[key], found.get((table, "table_exists"))
        )
        results.append(check_result(key, outcome))
    return results


def log_failures(outcomes: list[CheckOutcome], log) -> None:
    """One line per failed check in the run log, at error level for a blocking one."""
    for o in outcomes:
        if not o.success:
            (log.error if o.severity == ERROR else log.warning)(
                f"{o.severity} {o.table_name} {o.check_name}: {o.unexpected_count} unexpected. {o.details} "
                f"Examples: {'; '.join(o.examples) or '-'}"
            )


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


def save_outcomes(path: Path, run_id: str, outcomes: list[CheckOutcome]) -> None:
    """Keep the gate's outcomes of a run (with their examples) for the table checks of the same run."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"run_id": run_id, "outcomes": [asdict(o) for o in outcomes]}
    path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")


def load_outcomes(path: Path, run_id: str) -> list[CheckOutcome] | None:
    """The gate's outcomes saved for ``run_id``, or None when the gate did not run in that run."""
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if payload.get("run_id") != run_id:
        return None
    return [CheckOutcome(**o) for o in payload["outcomes"]]


def kept_results_file(home: RelaisHome) -> Path:
    """Where the gate keeps the results of rows that passed, reused while they do not change."""
    return home.root / "quality" / "validated.json"


def outcomes_file(home: RelaisHome) -> Path:
    """Where the gate leaves the outcomes of the last run for the table checks."""
    return home.root / "quality" / "last-run-outcomes.json"


@asset(
    key=GATE,
    deps=sorted({asset_of(s.table) for s in SUITES}, key=lambda k: k.to_user_string()),
    check_specs=[
        AssetCheckSpec(
            GATE_CHECK,
            asset=GATE,
            blocking=True,
            description="Every blocking check of every table passed (integrity, conservation): "
            "otherwise the analysts' snapshot is not replaced.",
        )
    ],
    kinds={"duckdb", "python"},
    group_name="quality",
)
def quality_gate(
    context: AssetExecutionContext, home: ResourceParam[RelaisHome], warehouse: DuckDBResource
) -> MaterializeResult:
    """Great Expectations suites over the raw, staging and marts tables; blocking failures stop publication.

    Integrity and conservation checks are blocking (ERROR): when one fails, the analysts' snapshot
    is not replaced. Freshness and volume anomalies warn. Rows unchanged since they last passed
    (whole files or months of a large table) keep their results instead of being validated again,
    unless the home asks for ``full_refresh = true``. Outcomes
    go to marts.quality_checks and the Data Docs (HTML) to RELAIS_HOME/quality/; each check is
    shown on its table.
    """
    kept = kept_results_file(home)
    if home.settings.full_refresh:  # every row validated again; what passes is kept for the next run
        kept.unlink(missing_ok=True)
    with warehouse.get_connection() as con:
        outcomes = validate_warehouse(con, home.settings, context.run_id, home.root / "quality", kept=kept)
        outcomes = [o for o in outcomes if o.table_name != RECORDED]
        record_outcomes(con, outcomes, context.run_id)
    save_outcomes(outcomes_file(home), context.run_id, outcomes)
    summary = summary_line(outcomes)
    context.log.info(summary)
    log_failures(outcomes, context.log)
    failed = [o for o in outcomes if not o.success]
    blocking = [f"{o.table_name} {o.check_name}" for o in failed if o.severity == ERROR]
    return MaterializeResult(
        metadata={
            "summary": summary,
            "checks": len(outcomes),
            "failed": len(failed),
            "data_docs": str(home.root / "quality"),
        },
        check_results=[
            AssetCheckResult(
                check_name=GATE_CHECK,
                passed=not blocking,
                severity=AssetCheckSeverity.ERROR,
                metadata={"blocking_failures": blocking, "summary": summary},
            )
        ],
    )


def build_table_checks(assets: set[AssetKey]):
    """The table checks of every suite whose table is built by one of ``assets`` (all of them in Relais).

    One op reports them all, each on its own table's Checks tab, from the gate's outcomes of the
    run; when the gate is not part of the run (a table materialised alone), it runs the suites of
    the selected tables itself.
    """
    specs = [spec for spec in TABLE_CHECK_SPECS if spec.asset_key in assets]

    @multi_asset_check(
        specs=specs,
        name="quality_table_checks",
        can_subset=True,
        description="Each table's quality checks, as the gate ran them in this run (or run here when the "
        "gate is not part of the run).",
    )
    def table_checks(
        context: AssetCheckExecutionContext, home: ResourceParam[RelaisHome], warehouse: DuckDBResource
    ):
        keys = set(context.selected_asset_check_keys)
        outcomes = load_outcomes(outcomes_file(home), context.run.run_id)
        if outcomes is None:
            tables = {table_of(k.asset_key) for k in keys}
            with warehouse.get_connection() as con:
                outcomes = validate_warehouse(con, home.settings, context.run.run_id, None, tables)
            log_failures(outcomes, context.log)
        yield from table_check_results(outcomes, keys)

    return table_checks
