"""The resources every Relais asset receives: the home (paths, settings, key) and the warehouse."""

from __future__ import annotations

from typing import Any

from dagster_duckdb import DuckDBResource

from assets.home import RelaisHome


def build_resources(home: RelaisHome) -> dict[str, Any]:
    """Resources for one home: ``home`` itself and ``warehouse``, its working DuckDB database."""
    return {"home": home, "warehouse": DuckDBResource(database=str(home.warehouse))}
