"""The ledger of an ingestion: what happened to every file and every row that was read.

A run reads files; each file gets one ``FileOutcome`` (loaded, quarantined, excluded for privacy, or
ignored as not used) and each row that could not be read gets one ``RowProblem``. Both are written
to the warehouse so that a check can prove that every row read was loaded, quarantined, or
withheld on purpose (the e-mail addresses read only to find an archive's owner).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

LOADED = "loaded"
QUARANTINED = "quarantined"
EXCLUDED = "excluded"
IGNORED = "ignored"


@dataclass(frozen=True)
class RowProblem:
    """A row that could not be read: its file, its first line, what it is, and why."""

    source_file: str
    source_row: int
    kind: str
    reason: str

    def message(self) -> str:
        """The sentence shown to the operator."""
        return f"{self.source_file}, row {self.source_row}: {self.reason}"


@dataclass
class FileOutcome:
    """What became of one file: its status, the reason, and how many of its rows went where."""

    source_file: str
    kind: str
    status: str
    reason: str = ""
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_withheld: int = 0
    container: str = ""
    sha256: str = ""
    size_bytes: int = 0

    def as_row(self) -> dict[str, object]:
        """The outcome as a warehouse row."""
        return asdict(self)


class FileRejected(Exception):
    """A whole file cannot be read (unknown layout, missing columns, corrupt container)."""


@dataclass
class Ledger:
    """Outcomes and row problems gathered while ingesting one kind of source."""

    files: list[FileOutcome] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    problem_count: int = 0
    loaded: list[tuple[Any, str | None]] = field(default_factory=list)
    """The (inbox file, owner) pairs whose rows are in the tables, read now or kept from the last run."""
