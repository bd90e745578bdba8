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
class Shape:
    """An outcome shared by batches: the checks' fingerprint, today's bound when they passed, and
    check name -> details after the check's description."""

    fingerprint: str
    window_high: str
    passed: dict[str, str]

    def key(self) -> tuple[str, str, tuple[tuple[str, str], ...]]:
        return (self.fingerprint, self.window_high, tuple(sorted(self.passed.items())))


def short_digest(digest: str) -> str:
    """A batch's digest as stored: 16 hexadecimal digits of its BLAKE2b hash."""
    return hashlib.blake2b(digest.encode(), digest_size=8).hexdigest()


@dataclass
class KeptResults:
    """The kept results of a home (``RELAIS_HOME/quality/validated.json``), read and written whole.

    A warehouse at scale L has about 580,000 batches (one per file of each frame kept file by file):
    they stay in the file's own layout, frame -> unit -> (shape index, short digest), so loading and
    saving them never builds an object per batch.
    """

    path: Path | None
    shapes: list[Shape] = field(default_factory=list)
    frames: dict[str, dict[str, list[Any]]] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)
    _indexes: dict[tuple, int] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None) -> KeptResults:
        """The results kept at ``path``: none when it is None, missing, unreadable or of another version."""
        if path is None:
            return cls(None)
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
            if payload.get("version") != VERSION:
                return cls(path)
            shapes = [Shape(str(f), str(w), dict(p)) for f, w, p in payload["outcomes"]]
            frames = payload["frames"]
            if not isinstance(frames, dict) or not all(isinstance(u, dict) for u in frames.values()):
                return cls(path)
            kept = cls(path, shapes, frames)
            kept._indexes = {shape.key(): index for index, shape in enumerate(shapes)}
            return kept
        except (OSError, ValueError, TypeError, KeyError, IndexError):
            return cls(path)

    def labels(self) -> list[str]:
        """Every batch kept, as ``frame|unit``."""
        return [f"{base}|{unit}" for base, units in self.frames.items() for unit in units]

    def _kept(self, label: str, print_: str) -> tuple[Shape, str] | None:
        base, _, unit = label.partition("|")
        entry = self.frames.get(base, {}).get(unit)
        try:
            shape = self.shapes[entry[0]] if entry else None
        except (IndexError, TypeError):
            return None
        if shape is None or shape.fingerprint != print_:
            return None
        return shape, str(entry[1])

    def reusable(
        self, label: str, print_: str, digest: str, window_high: str, names: Sequence[str]
    ) -> dict[str, str] | None:
        """The kept details of every check in ``names`` for this batch, or None when it must be validated."""
        found = self._kept(label, print_)
        if found is None or found[1] != short_digest(digest):
            return None
        shape = found[0]
        if window_high < shape.window_high or any(name not in shape.passed for name in names):
            return None
        self.used.add(label)
        return shape.passed

    def passed_before(self, label: str, print_: str, names: Sequence[str]) -> bool:
        """Whether the last gate kept a pass of every check in ``names`` for this batch, whatever its rows."""
        found = self._kept(label, print_)
        return found is not None and all(name in found[0].passed for name in names)

    def keep(self, label: str, print_: str, digest: str, window_high: str, passed: dict[str, str]) -> None:
        """Remember a batch validated now; a batch with any failed check is forgotten instead."""
        self.used.add(label)
        base, _, unit = label.partition("|")
        if not passed:
            self.frames.get(base, {}).pop(unit, None)
            return
        shape = Shape(print_, window_high, dict(passed))
        index = self._indexes.setdefault(shape.key(), len(self.shapes))
        if index == len(self.shapes):
            self.shapes.append(shape)
        self.frames.setdefault(base, {})[unit] = [index, short_digest(digest)]

    def save(self) -> None:
        """Write the batches seen in this gate (others, of rows that no longer exist, are dropped)."""
        if self.path is None:
            return
        renumbered: dict[int, int] = {}
        frames: dict[str, dict[str, list[Any]]] = {}
        for base, units in sorted(self.frames.items()):
            written = {}
            for unit, (index, digest) in units.items():  # in the order they were kept
                if f"{base}|{unit}" in self.used:
                    written[unit] = [renumbered.setdefault(index, len(renumbered)), digest]
            if written:
                frames[base] = written
        outcomes = [None] * len(renumbered)
        for old, new in renumbered.items():
            shape = self.shapes[old]
            outcomes[new] = [shape.fingerprint, shape.window_high, shape.passed]
        payload = {"version": VERSION, "outcomes": outcomes, "frames": frames}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(payload, separators=(",", ":")), "utf-8")
        temporary.replace(self.path)
