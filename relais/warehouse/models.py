"""Running the SQL models: the session macros they read (settings, time zone), and one model built.

Every model is a SELECT. It is a table rebuilt whole with ``CREATE OR REPLACE`` unless a line
``-- materialised: view`` or ``-- materialised: incremental by ... of ...`` says otherwise
(``relais.warehouse.incremental``); either way a run is idempotent. Its dependencies come from
``relais.warehouse.lineage``.
"""

from __future__ import annotations

import duckdb

from relais.settings import Settings
from relais.warehouse.incremental import DIRECTIVE, IncrementalBuild, build_incremental, materialisation
from relais.warehouse.tables import row_count

METRIC_SETTINGS = (
    "emv_cpm",
    "emv_cpc",
    "score_weight_activity",
    "score_weight_reach",
    "score_weight_engagement",
    "score_weight_amplification",
    "score_weight_consistency",
    "tier_champion_score",
    "lapsed_after_months",
    "anonymity_threshold",
)
"""Numeric settings the SQL models read as ``cfg_<name>()`` macros (checked and defaulted by ``Settings``)."""


def metric_settings(settings: Settings) -> dict[str, float]:
    """The numeric metric settings of a home (``relais.toml``), as numbers the SQL reads."""
    return {name: float(getattr(settings, name)) for name in METRIC_SETTINGS}


def define_macros(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Session macros the SQL models use, bound to the organisation's settings and time zone.

    ``local_date(ts)`` and ``local_month(ts)`` turn a naive UTC timestamp into the calendar day and
    the first day of the calendar month in the ``timezone`` of the settings; ``cfg_<name>()``
    returns a metric setting (``METRIC_SETTINGS``) and ``cfg_emv_currency()`` the currency of earned
    media value.
    """
    for name, value in metric_settings(settings).items():
        con.execute(f"CREATE OR REPLACE TEMP MACRO cfg_{name}() AS CAST({value!r} AS DOUBLE)")
    currency = settings.emv_currency.replace("'", "''")
    con.execute(f"CREATE OR REPLACE TEMP MACRO cfg_emv_currency() AS '{currency}'")
    literal = settings.timezone.replace("'", "''")
    local = f"timezone('{literal}', timezone('UTC', ts))"
    con.execute(f"CREATE OR REPLACE TEMP MACRO local_date(ts) AS CAST({local} AS DATE)")
    con.execute(
        "CREATE OR REPLACE TEMP MACRO local_month(ts) AS CAST(date_trunc('month', local_date(ts)) AS DATE)"
    )


def model_description(sql: str) -> str:
    """The leading ``--`` comment block of a model file, as one paragraph."""
    lines = []
    for line in sql.splitlines():
        if not line.startswith("--"):
            break
        if not DIRECTIVE.match(line):
            lines.append(line[2:].strip())
    return " ".join(lines).strip()


def build_model(
    con: duckdb.DuckDBPyConnection, schema: str, name: str, sql: str, whole: bool = False
) -> IncrementalBuild | None:
    """Build ``schema.name`` from the model's SELECT as its materialisation says; an incremental
    model (rebuilt whole when ``whole``) returns what its build did, a table or a view None."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    spec = materialisation(sql)
    if spec.kind == "incremental":
        return build_incremental(con, schema, name, sql, spec, whole)
    con.execute(f"CREATE OR REPLACE {'VIEW' if spec.kind == 'view' else 'TABLE'} {schema}.{name} AS\n{sql}")
    return None


def run_model(con: duckdb.DuckDBPyConnection, schema: str, name: str, sql: str) -> int:
    """Build ``schema.name`` from the model's SELECT (``build_model``); return its row count."""
    build_model(con, schema, name, sql)
    return row_count(con, f"{schema}.{name}")
