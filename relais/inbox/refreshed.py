"""What content of the inbox the published snapshot was built from, for the inbox sensor.

The inbox scan of a run notes the digest of the inbox's set of contents (``scanned``); the
publication of that run promotes it to ``refreshed`` with the time. The sensor then launches a
refresh only for content no run has published yet, whether that run came from the sensor, a
schedule or the command line (``dagster asset materialize``, ``relais refresh``). The digest is made
of the SHA-256 of every file's own bytes (a zip's compressed bytes, never its members' identities,
``relais.inbox.scan.member_identity``), so any change to any file is seen.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

SCANNED = "inbox-scanned.json"
REFRESHED = "inbox-refreshed.json"


@dataclass(frozen=True)
class Refreshed:
    """The inbox content digest a publication was built from, and when it was published (UTC, ISO)."""

    digest: str
    at: str


def _write(path: Path, payload: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(payload), encoding="utf-8")
    os.replace(temporary, path)


def _read(path: Path) -> dict[str, str]:
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return payload if isinstance(payload, dict) else {}


def note_scanned(state: Path, run_id: str, digest: str) -> None:
    """Remember the content a run's inbox scan read (``state`` is the home's state folder)."""
    _write(state / SCANNED, {"run_id": run_id, "digest": digest})


def note_published(state: Path, run_id: str, now: datetime | None = None) -> Refreshed | None:
    """Mark the content scanned by ``run_id`` as refreshed; None when that run scanned nothing."""
    scanned = _read(state / SCANNED)
    if scanned.get("run_id") != run_id or not scanned.get("digest"):
        return None
    at = (now or datetime.now(UTC)).isoformat()
    _write(state / REFRESHED, {"digest": scanned["digest"], "at": at})
    return Refreshed(scanned["digest"], at)


def last_refreshed(state: Path) -> Refreshed | None:
    """The content the current snapshot was built from, or None before the first publication."""
    payload = _read(state / REFRESHED)
    if not payload.get("digest") or not payload.get("at"):
        return None
    return Refreshed(payload["digest"], payload["at"])
