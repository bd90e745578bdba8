"""The resources every Relais asset receives: the home (paths, settings, key) and the warehouse."""

from __future__ import annotations

from typing import Any

from dagster_duckdb import DuckDBResource

from assets.home import RelaisHome

DEFAULT_MEMORY_LIMIT = "2GB"


def build_resources(home: RelaisHome) -> dict[str, Any]:
    """Resources for one home: ``home`` itself and ``warehouse``, its working DuckDB database.

    DuckDB's memory is capped by ``warehouse_memory_limit`` (relais.toml, default 2GB); past it,
    DuckDB spills to ``RELAIS_HOME/tmp`` instead of growing, which keeps large imports bounded.
    """
    config = {
        "memory_limit": str(home.settings.get("warehouse_memory_limit", DEFAULT_MEMORY_LIMIT)),
        "temp_directory": str(home.root / "tmp"),
    }
    return {"home": home, "warehouse": DuckDBResource(database=str(home.warehouse), connection_config=config)}
