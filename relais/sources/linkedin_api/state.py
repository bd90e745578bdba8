"""The connector's cursor: per owner, the last day fully fetched and any DAY-limit block.

Kept as JSON in a home's ``RelaisHome.linkedin_state`` (``state/linkedin_api.json``), rewritten
atomically. Owners are named as their inbox folders: ``organization`` or ``member-<agent_id>``. A
run asks an owner only for the days after its cursor up to ``until``; an owner seen for the first
time is asked at most ``backfill_days`` back. An owner that hit LinkedIn's DAY limit is
``blocked_until`` the next midnight UTC and skipped by any run before then.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

FORMAT_KEY = "relais_linkedin_api_state"
FORMAT_VERSION = 1


def next_midnight_utc(now: datetime) -> datetime:
    """The first midnight UTC strictly after ``now`` (an aware datetime, or naive UTC)."""
    moment = now.astimezone(UTC) if now.tzinfo else now.replace(tzinfo=UTC)
    return datetime.combine(moment.date() + timedelta(days=1), time(0), tzinfo=UTC)


@dataclass
class OwnerCursor:
    """One owner's progress: the last day fully fetched, and the end of a DAY-limit block."""

    last_day: date | None = None
    blocked_until: datetime | None = None


@dataclass
class SyncState:
    """The cursor of every owner the connector has fetched."""

    owners: dict[str, OwnerCursor] = field(default_factory=dict)

    def cursor(self, owner: str) -> OwnerCursor:
        """The owner's cursor (a fresh one for an owner never seen)."""
        return self.owners.setdefault(owner, OwnerCursor())

    def last_day(self, owner: str) -> date | None:
        """The last day fully fetched for the owner, or None."""
        cursor = self.owners.get(owner)
        return cursor.last_day if cursor else None

    def window(self, owner: str, until: date, backfill_days: int) -> tuple[date, date] | None:
        """The days to fetch, first and last included, or None when the owner is up to date."""
        last_day = self.last_day(owner)
        start = last_day + timedelta(days=1) if last_day else until - timedelta(days=backfill_days - 1)
        return (start, until) if start <= until else None

    def advance(self, owner: str, day: date) -> None:
        """Record that every day up to ``day`` is fully fetched (a cursor never moves back)."""
        cursor = self.cursor(owner)
        if cursor.last_day is None or day > cursor.last_day:
            cursor.last_day = day

    def block(self, owner: str, now: datetime) -> datetime:
        """Block the owner until the next midnight UTC after ``now``; return that moment."""
        cursor = self.cursor(owner)
        cursor.blocked_until = next_midnight_utc(now)
        return cursor.blocked_until

    def blocked_until(self, owner: str, now: datetime) -> datetime | None:
        """When the owner's block ends if it is still blocked at ``now``; a past block is cleared."""
        cursor = self.owners.get(owner)
        if cursor is None or cursor.blocked_until is None:
            return None
        moment = now.astimezone(UTC) if now.tzinfo else now.replace(tzinfo=UTC)
        if moment < cursor.blocked_until:
            return cursor.blocked_until
        cursor.blocked_until = None
        return None


def load_state(path: Path) -> SyncState:
    """Read the cursor file (an empty state when it does not exist yet)."""
    if not path.exists():
        return SyncState()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get(FORMAT_KEY) != FORMAT_VERSION:
            raise ValueError("not a Relais LinkedIn API state file")
        return SyncState({name: _cursor(entry) for name, entry in data.get("owners", {}).items()})
    except (ValueError, TypeError, AttributeError) as exc:
        raise ValueError(
            f"{path} cannot be read ({exc}); delete it and the next run fetches the last days again"
        ) from None


def save_state(path: Path, state: SyncState) -> None:
    """Write the cursor file atomically."""
    owners: dict[str, dict[str, str]] = {}
    for name, cursor in sorted(state.owners.items()):
        entry = {}
        if not cursor.last_day and not cursor.blocked_until:
            continue
        if cursor.last_day:
            entry["last_day"] = cursor.last_day.isoformat()
        if cursor.blocked_until:
            entry["blocked_until"] = cursor.blocked_until.strftime("%Y-%m-%dT%H:%M:%SZ")
        owners[name] = entry
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=".state-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump({FORMAT_KEY: FORMAT_VERSION, "owners": owners}, handle, indent=2)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _cursor(entry: dict[str, Any]) -> OwnerCursor:
    last_day = date.fromisoformat(entry["last_day"]) if entry.get("last_day") else None
    blocked = entry.get("blocked_until")
    blocked_until = datetime.fromisoformat(blocked).astimezone(UTC) if blocked else None
    return OwnerCursor(last_day=last_day, blocked_until=blocked_until)
