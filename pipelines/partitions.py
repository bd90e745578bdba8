"""Partitions: days of LinkedIn API figures (UTC, LinkedIn's day), from a configurable first day."""

from collections.abc import Mapping
from typing import Any

from dagster import DailyPartitionsDefinition

DEFAULT_START = "2025-01-01"


def api_days(settings: Mapping[str, Any]) -> DailyPartitionsDefinition:
    """Daily partitions of the LinkedIn API job, from ``linkedin_partitions_start`` in relais.toml."""
    return DailyPartitionsDefinition(
        start_date=str(settings.get("linkedin_partitions_start", DEFAULT_START)), timezone="UTC"
    )
