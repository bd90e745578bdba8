"""Results of checks kept from one gate to the next, for rows that did not change.

A batch of rows validated by the gate (a frame, or one part of a large frame) is known by its label
and by a digest of its content (row count and the sum of the rows' hashes, from DuckDB). When a
later gate finds the same label with the same digest and the same checks, the passing outcomes kept
for it are reused instead of validating the rows again: Great Expectations' row-wise expectations
give the same result on the same rows. Only passing outcomes are kept (a failure is validated again
at every run, so its count and examples are always current, and no example key is ever stored).
Checks bounded by today's date ("dates_plausible": up to today + 1 day) are compared without that
bound: a pass stays a pass while the bound moves forward, and a bound moving back invalidates it.
A frame validated file by file has thousands of batches; the file stores each batch as a short
digest and the index of its checks' outcome, shared by every batch with the same outcome (about 40
bytes a batch).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from relais.quality.suites import Check

VERSION = 2
WINDOW_LOW, WINDOW_HIGH = "<window-low>", "<window-high>"


def _normalised(value: Any, window: tuple[str, str]) -> Any:
    if isinstance(value, str):
        return (
            value.replace(window[0], WINDOW_LOW)
            .replace(window[1], WINDOW_HIGH)
            .replace(window[1][:10], WINDOW_HIGH)
        )
    if isinstance(value, dict):
        return {k: _normalised(v, window) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_normalised(v, window) for v in value]
    return value


def fingerprint(checks: Iterable[Check], window: tuple[str, str]) -> str:
    """A digest of the checks' names, severities, descriptions and expectations, today's bound left out."""
    described = [
        {
            "name": c.name,
            "severity": c.severity,
            "description": c.description,
            "expectations": [{"type": e.type, "kwargs": dict(e.kwargs)} for e in c.expectations],
        }
        for c in checks
    ]
    text = json.dumps(_normalised(described, window), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Kept:
    """The passing outcomes kept for one batch: check name -> details after the check's description."""

    fingerprint: str
    digest: str
    window_high: str
    passed: dict[str, str]


def short_digest(digest: str) -> str:
    """A batch's digest as stored: 16 hexadecimal digits of its BLAKE2b hash."""
    return hashlib.blake2b(digest.encode(), digest_size=8).hexdigest()


@dataclass
class KeptResults:
    """The kept results of a home (``RELAIS_HOME/quality/validated.json``), read and written whole."""

    path: Path | None
    batches: dict[str, Kept] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)

    @classmethod
    def load(cls, path: Path | None) -> KeptResults:
        """The results kept at ``path``: none when it is None, missing, unreadable or of another version."""
        if path is None:
            return cls(None)
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
            if payload.get("version") != VERSION:
                return cls(path)
            shapes = payload["outcomes"]
            batches = {
                f"{base}|{unit}": Kept(shapes[index][0], digest, shapes[index][1], shapes[index][2])
                for base, units in payload["frames"].items()
                for unit, (index, digest) in units.items()
            }
            return cls(path, batches)
        except (OSError, ValueError, TypeError, KeyError, IndexError):
            return cls(path)

    def reusable(
        self, label: str, print_: str, digest: str, window_high: str, names: Sequence[str]
    ) -> dict[str, str] | None:
        """The kept details of every check in ``names`` for this batch, or None when it must be validated."""
        kept = self.batches.get(label)
        if kept is None or kept.fingerprint != print_ or kept.digest != short_digest(digest):
            return None
        if window_high < kept.window_high or any(name not in kept.passed for name in names):
            return None
        self.used.add(label)
        return kept.passed

    def passed_before(self, label: str, print_: str, names: Sequence[str]) -> bool:
        """Whether the last gate kept a pass of every check in ``names`` for this batch, whatever its rows."""
        kept = self.batches.get(label)
        return kept is not None and kept.fingerprint == print_ and all(name in kept.passed for name in names)

    def keep(self, label: str, print_: str, digest: str, window_high: str, passed: dict[str, str]) -> None:
        """Remember a batch validated now; a batch with any failed check is forgotten instead."""
        self.used.add(label)
        if passed:
            self.batches[label] = Kept(print_, short_digest(digest), window_high, passed)
        else:
            self.batches.pop(label, None)

    def save(self) -> None:
        """Write the batches seen in this gate (others, of rows that no longer exist, are dropped)."""
        if self.path is None:
            return
        shapes: dict[str, int] = {}
        frames: dict[str, dict[str, list[Any]]] = {}
        for label, kept in sorted(self.batches.items()):
            if label not in self.used:
                continue
            shape = json.dumps([kept.fingerprint, kept.window_high, kept.passed], sort_keys=True)
            index = shapes.setdefault(shape, len(shapes))
            base, _, unit = label.partition("|")
            frames.setdefault(base, {})[unit] = [index, kept.digest]
        payload = {"version": VERSION, "outcomes": [json.loads(shape) for shape in shapes], "frames": frames}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(payload, separators=(",", ":")), "utf-8")
        temporary.replace(self.path)
