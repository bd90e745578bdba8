"""Who may authorise Relais: a current ambassador who enrolled, consented and did not withdraw.

The HR roster as last loaded (``raw.roster`` in the home's warehouse, opened read-only) decides:
the person's current row must say ``is_ambassador``. Without a warehouse, without a roster, or
while the warehouse cannot be opened, everybody is refused, with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from relais.warehouse.tables import table_exists

ROSTER = "raw.roster"


@dataclass(frozen=True)
class GateDecision:
    """Whether ``agent_id`` may go on; ``reason`` names why not ("unknown", "not-ambassador", ...).

    ``first_name`` is the ambassador's, to greet them, when the roster has it.
    """

    agent_id: str
    allowed: bool
    reason: str = ""
    detail: str = ""
    first_name: str | None = None


@dataclass(frozen=True)
class Ambassador:
    """A current consenting ambassador, as the invitation links list them."""

    agent_id: str
    first_name: str | None
    email: str | None


class RosterUnavailable(Exception):
    """The roster cannot be read: ``reason`` is "no-warehouse", "no-roster" or "busy"."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def check_ambassador(warehouse: Path, agent_id: str) -> GateDecision:
    """May ``agent_id`` authorise Relais? Only when their current roster row says ``is_ambassador``."""
    agent_id = agent_id.strip()
    try:
        rows = _query(
            warehouse,
            f"SELECT is_ambassador, first_name FROM {ROSTER} WHERE agent_id = ? AND is_current",
            [agent_id],
        )
    except RosterUnavailable as missing:
        return GateDecision(agent_id, False, missing.reason, str(missing))
    if not rows:
        return GateDecision(agent_id, False, "unknown", f"{agent_id} is not a current ambassador")
    if not any(bool(ambassador) for ambassador, _ in rows):
        return GateDecision(agent_id, False, "not-ambassador", f"{agent_id} is not enrolled or withdrew")
    first_name = next((name for ambassador, name in rows if ambassador and name), None)
    return GateDecision(agent_id, True, first_name=first_name)


def current_ambassadors(warehouse: Path) -> list[Ambassador]:
    """Every current consenting ambassador of the roster, by agent id; ``RosterUnavailable`` without one."""
    rows = _query(
        warehouse,
        f"SELECT DISTINCT agent_id, first_name, email FROM {ROSTER} "
        "WHERE is_current AND is_ambassador AND agent_id IS NOT NULL ORDER BY agent_id",
        [],
    )
    return [Ambassador(agent_id, first_name, email) for agent_id, first_name, email in rows]


def _query(warehouse: Path, sql: str, parameters: list[str]) -> list[tuple]:
    """The rows of a read-only query of the roster, or ``RosterUnavailable`` saying why there are none."""
    if not warehouse.exists():
        raise RosterUnavailable(
            "no-warehouse", f"no warehouse at {warehouse} yet: load the HR roster with a refresh first"
        )
    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            if not table_exists(con, ROSTER):
                raise RosterUnavailable(
                    "no-roster", f"{warehouse} holds no {ROSTER}: drop the HR roster in the inbox and refresh"
                )
            return con.execute(sql, parameters).fetchall()
    except duckdb.Error as error:
        raise RosterUnavailable(
            "busy", f"{warehouse} cannot be read now ({type(error).__name__}): try again in a few minutes"
        ) from None
