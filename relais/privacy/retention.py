"""Inbox retention: raw files are deleted a set number of days after Relais first saw them.

Relais remembers when it first saw each content (by SHA-256, never by path: paths carry names) in
``RELAIS_HOME/state/inbox_first_seen.json``; a copy or a rename keeps its first-seen day, a new
content starts its own. With ``inbox_retention_days = N`` (0 keeps everything), a file first seen
more than N days ago is deleted before the inbox is read. Relais rebuilds its tables from the
inbox, so the figures a deleted file alone carried leave the warehouse at that refresh: set N above
the history you report on (a LinkedIn archive repeats its member's whole history, a newer one
replaces an older one).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from relais.inbox.scan import InboxEntry, fingerprint_inbox


@dataclass
class RetentionResult:
    """What one retention pass did."""

    deleted: list[str] = field(default_factory=list)
    tracked: int = 0
    fingerprint: dict[str, list] = field(default_factory=dict)
    """``path -> [size, mtime_ns, sha256]`` of the files left in the inbox (``fingerprint_inbox``)."""


def load_first_seen(path: Path) -> dict[str, str]:
    """``sha256 -> first-seen day (ISO)``; empty when the file is missing or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def apply_retention(
    inbox: Path,
    registry: Path,
    days: int,
    today: date,
    known: dict[str, list] | None = None,
    entries: list[InboxEntry] | None = None,
) -> RetentionResult:
    """Record today's new contents, delete files first seen more than ``days`` days before ``today``.

    ``known`` (``path -> [size, mtime_ns, sha256]``, from the last scan) spares hashing unchanged files;
    ``entries`` is the inbox already walked (``inbox_entries``).
    """
    if days < 0:
        raise ValueError(f"relais.toml: inbox_retention_days must be 0 or more, not {days}")
    first_seen = load_first_seen(registry)
    fingerprint = fingerprint_inbox(inbox, known or {}, entries)
    present: dict[str, str] = {}
    result = RetentionResult()
    limit = today - timedelta(days=days)
    for relative, (_, _, sha256) in sorted(fingerprint.items()):
        seen = first_seen.get(sha256, today.isoformat())
        present[sha256] = min(seen, present.get(sha256, seen))
        if days and date.fromisoformat(present[sha256]) < limit:
            (inbox / relative).unlink(missing_ok=True)
            result.deleted.append(relative)
    kept = {sha: seen for sha, seen in present.items() if not days or date.fromisoformat(seen) >= limit}
    registry.parent.mkdir(parents=True, exist_ok=True)
    registry.write_text(json.dumps(kept, indent=1, sort_keys=True), encoding="utf-8")
    result.tracked = len(kept)
    gone = set(result.deleted)
    result.fingerprint = {path: entry for path, entry in fingerprint.items() if path not in gone}
    if not result.deleted:
        return result
    for folder in sorted((p for p in inbox.rglob("*") if p.is_dir()), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()
    return result
