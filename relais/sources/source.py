"""What a source declares: how its files are recognised, how they are read, the raw tables they fill.

A ``Source`` is one export family (the HR roster, LinkedIn archives, Page exports...). Its entry
in ``relais.sources.registry`` is all the rest of Relais knows of it: the inbox recognises its
files by its ``Recognition``, the ingestion asset named after it reads them with ``read`` into its
``tables``, the erasure rewrites rather than deletes the files of its ``several_people`` kinds,
and row conservation counts the tables whose rows come from files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import polars as pl

from relais.ledger import Ledger, RowProblem
from relais.privacy.pseudonym import Pseudonymiser
from relais.progress import silent
from relais.sources.io.files import InboxFile, PreviousReads
from relais.sources.io.tables import TableSpec
from relais.sources.io.workbooks import Grid

STR, INT, FLOAT, DATE, TS, BOOL = (
    pl.String(),
    pl.Int64(),
    pl.Float64(),
    pl.Date(),
    pl.Datetime("us"),
    pl.Boolean(),
)
"""The column types of raw tables."""
LINEAGE = {"_source_file": STR, "_source_row": INT, "_obtained_at": TS, "_file_modified_at": FLOAT}
"""Where an analytics row comes from and when its file was obtained."""
AGENT_LINEAGE = {"agent_id": STR, **LINEAGE}


@dataclass(frozen=True)
class RawTable:
    """A table a source fills in the ``raw`` schema: its name, column types and what a row is.

    ``from_files`` tables carry ``_source_file`` and ``_source_row`` on every row, so that row
    conservation can count them against the ledger; the others (who owns each file) do not.
    """

    name: str
    schema: Mapping[str, pl.DataType]
    description: str
    from_files: bool = True


@dataclass(frozen=True)
class Recognition:
    """How the inbox tells a source's files: header lines, archive members, sheets or first bytes.

    ``texts`` are header specs of delimited text files standing alone (their ``kind`` is the file's);
    ``members`` the specs of LinkedIn archive members, told by ``member`` from a member's name and text
    (``None`` when the text is no member); ``workbook`` names the kind of a spreadsheet from its sheet
    names and first rows (``None`` when it is not one of this source's); ``envelope`` says from a
    file's first bytes that it is this source's ``envelope_kind``. Every spec also serves to explain a
    near miss (a header lacking a column) and every ``rows`` shape a header-less file.
    """

    texts: tuple[TableSpec, ...] = ()
    members: tuple[TableSpec, ...] = ()
    member: Callable[[str, str], TableSpec | None] | None = None
    workbook: Callable[[list[str], dict[str, Grid]], tuple[str, str] | None] | None = None
    envelope: Callable[[bytes], bool] | None = None
    envelope_kind: str = ""


@dataclass(frozen=True)
class Ambassador:
    """A consenting ambassador as readers may see them: the roster's id, e-mail and names."""

    agent_id: str
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None


class RowSink(Protocol):
    """Where a reader writes rows and quarantined rows (the warehouse, in batches)."""

    def row(self, table: str, row: dict[str, Any]) -> None:
        """Keep one typed row for ``table``."""

    def rows(self, table: str, rows: Iterable[dict[str, Any]]) -> None:
        """Keep typed rows for ``table``."""

    def frame(self, table: str, data: pl.DataFrame) -> None:
        """Keep a frame of rows already in ``table``'s schema."""

    def problem(self, problem: RowProblem) -> None:
        """Keep one row that could not be read."""


@dataclass
class Batch:
    """What a source's reader is given: the inbox, its files, who may be read, and where rows go.

    ``people`` are the roster's consenting ambassadors; ``email_keys`` the keyed e-mails of everyone
    on the roster (an archive of a non-ambassador is recognised as such); ``erased_tokens`` and
    ``withdrawn_tokens`` the keyed ids of people erased or who revoked Relais on LinkedIn (never
    ambassadors); ``previous`` the files read at the last run whose rows may be kept (empty unless
    the source reuses reads); ``say`` takes lines of progress for the run's log.
    """

    inbox: Path
    items: list[InboxFile]
    sink: RowSink
    people: list[Ambassador] = field(default_factory=list)
    email_keys: set[str] = field(default_factory=set)
    pseudonymiser: Pseudonymiser | None = None
    erased_tokens: frozenset[str] = frozenset()
    withdrawn_tokens: frozenset[str] = frozenset()
    workers: int = 1
    previous: PreviousReads | None = None
    say: Callable[[str], None] = silent


@dataclass
class SourceRead:
    """What a reader reports: the ledger of its files and rows, and lines for the run's log."""

    ledger: Ledger
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Source:
    """One export family, declared once (see the module's docstring).

    ``name`` is its ingestion asset's (``raw/<name>`` in the ledger); ``kinds`` map each inbox kind
    it reads to what a file of it is ("an HR roster"); ``reuses_reads`` keeps the rows of files
    unchanged since the last run; ``needs_roster`` runs it after the roster (it reads ambassadors').
    """

    name: str
    display_name: str
    description: str
    kinds: Mapping[str, str]
    tables: tuple[RawTable, ...]
    read: Callable[[Batch], SourceRead]
    recognition: Recognition = Recognition()
    several_people: frozenset[str] = frozenset()
    reuses_reads: bool = False
    needs_roster: bool = True
    read_kinds: frozenset[str] = frozenset()
    """Kinds read besides those shown in ``kinds`` (an archive's e-mail and unused members)."""

    @property
    def asset(self) -> str:
        """The ledger's name for this source's files: ``raw/<name>``."""
        return f"raw/{self.name}"

    @property
    def inbox_kinds(self) -> frozenset[str]:
        """Every inbox kind this source reads."""
        return frozenset(self.kinds) | self.read_kinds
