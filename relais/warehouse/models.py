"""Running the SQL models: the session macros they read (settings, time zone), and one model rebuilt whole.

Every model is a SELECT rebuilt with ``CREATE OR REPLACE``, so a run is idempotent; its
dependencies come from ``relais.warehouse.lineage``.
"""

from __future__ import annotations

import duckdb

from relais.settings import Settings
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
        lines.append(line[2:].strip())
    return " ".join(lines).strip()


def run_model(con: duckdb.DuckDBPyConnection, schema: str, name: str, sql: str) -> int:
    """Rebuild ``schema.name`` from the model's SELECT; return its row count."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    con.execute(f"CREATE OR REPLACE TABLE {schema}.{name} AS\n{sql}")
    return row_count(con, f"{schema}.{name}")
