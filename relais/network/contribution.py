"""What one organisation gives the network: organisation-wide counts read from its published snapshot.

Only the analysts' snapshot (``serving/relais.duckdb``, opened read-only) is read, never the working
warehouse, and only organisation-wide rows of ``marts.programme_month`` and ``marts.skill_month``:
no row about a person or a department leaves the organisation. A month is contributed when it is
complete (``is_complete``) and the organisation had at least ``min_ambassadors`` enrolled
ambassadors that month (five, or the organisation's own ``anonymity_threshold`` when larger), so no
figure in the network describes fewer people than a published group may hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from relais.network.bands import SizeBand, size_band
from relais.settings import SETTINGS_FILE, load_settings_file

SNAPSHOT = Path("serving") / "relais.duckdb"
MIN_AMBASSADORS = 5
"""The fewest enrolled ambassadors an organisation-month needs to be contributed."""

MONTH_COLUMNS = (
    "month",
    "headcount",
    "enrolled",
    "active",
    "posts",
    "reshares",
    "institution_reshares",
    "impressions",
    "reshare_attribution_coverage",
)


class NotContributing(Exception):
    """An organisation left out of the network, with the reason in words (the exception's message)."""


@dataclass(frozen=True)
class Snapshot:
    """What the network reads from one organisation's published snapshot.

    ``months`` holds one row per contributed month (``MONTH_COLUMNS``), ``families`` one row per
    contributed month and skill family (``month``, ``family``, ``skills_showcased``,
    ``skill_mentions``); ``band`` comes from the headcount of the snapshot's latest month.
    """

    organisation: str
    headcount: int | None
    band: SizeBand | None
    min_ambassadors: int
    months: pl.DataFrame
    families: pl.DataFrame


def opted_in(home: Path) -> bool:
    """Whether the home's ``relais.toml`` says ``network_opt_in = true`` (``SettingsError`` if invalid)."""
    return load_settings_file(home / SETTINGS_FILE).network_opt_in


def _threshold(con: duckdb.DuckDBPyConnection) -> int:
    (own_threshold,) = con.execute(
        "SELECT max(value) FROM marts.metric_settings WHERE setting = 'anonymity_threshold'"
    ).fetchall()[0]
    own = int(own_threshold) if own_threshold is not None else 0
    return max(MIN_AMBASSADORS, own)


def read_snapshot(path: Path) -> Snapshot:
    """The organisation-level rows the network takes from the snapshot at ``path``, opened read-only."""
    if not path.is_file():
        raise NotContributing(f"no published snapshot at {path}: refresh the organisation first")
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            return _read(con)
    except duckdb.Error as error:
        raise NotContributing(f"the snapshot {path} cannot be read: {error}") from error


def _read(con: duckdb.DuckDBPyConnection) -> Snapshot:
    organisation = con.execute("SELECT any_value(organisation) FROM marts.meta").fetchall()[0][0] or ""
    latest = con.execute("SELECT headcount FROM marts.programme_month ORDER BY month DESC LIMIT 1").fetchall()
    headcount = int(latest[0][0]) if latest and latest[0][0] is not None else None
    minimum = _threshold(con)
    months = con.sql(
        f"SELECT {', '.join(MONTH_COLUMNS)} FROM marts.programme_month "
        "WHERE is_complete AND enrolled >= ? ORDER BY month",
        params=[minimum],
    ).pl()
    families = con.sql(
        "SELECT s.month, s.family, count(DISTINCT s.skill_id) AS skills_showcased, "
        "sum(s.showcased_posts)::BIGINT AS skill_mentions "
        "FROM marts.skill_month s JOIN marts.programme_month p ON p.month = s.month "
        "WHERE p.is_complete AND p.enrolled >= ? AND s.family IS NOT NULL "
        "GROUP BY s.month, s.family ORDER BY s.month, s.family",
        params=[minimum],
    ).pl()
    return Snapshot(organisation, headcount, size_band(headcount), minimum, months, families)
