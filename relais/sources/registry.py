"""Every source Relais reads, in the order the inbox tries them, and what the rest of Relais asks of them.

``SOURCES`` is the one list: the inbox recognises files by their ``Recognition`` (``relais.inbox.scan``),
one ingestion asset per entry reads them (``assets.ingest``), the erasure rewrites the files of
``several_people`` kinds instead of deleting them, and the quarantine summary and row conservation
cover every table a source fills. A new export family is one module (its recognition, reader and
raw tables, declared as a ``Source``) and one entry here. The functions below take the list as an
argument (the registry by default), so that a test can add a source of its own.
"""

from __future__ import annotations

from collections.abc import Sequence

from relais.sources.io.tables import TableSpec
from relais.sources.readers.analytics import ADVOCACY_SOURCE, API_SOURCE, CREATOR_SOURCE, PAGE_SOURCE
from relais.sources.readers.archives import ARCHIVE_SOURCE, ROSTER_SOURCE
from relais.sources.source import Source

SOURCES: tuple[Source, ...] = (
    ROSTER_SOURCE,
    ARCHIVE_SOURCE,
    CREATOR_SOURCE,
    PAGE_SOURCE,
    ADVOCACY_SOURCE,
    API_SOURCE,
)
"""The sources, in the order recognition tries them (a creator workbook before a Page one)."""


def current(sources: Sequence[Source] | None = None) -> Sequence[Source]:
    """The sources a caller asked for, else the registry's (read when called, so a test may patch it)."""
    return SOURCES if sources is None else sources


def source_of_kind(kind: str, sources: Sequence[Source] | None = None) -> Source | None:
    """The source that reads files of an inbox ``kind``, or None."""
    return next((s for s in current(sources) if kind in s.inbox_kinds), None)


def kind_labels(sources: Sequence[Source] | None = None) -> dict[str, str]:
    """What a file of each kind is, for reasons read by people ("an HR roster")."""
    return {kind: label for s in current(sources) for kind, label in s.kinds.items()}


def text_specs(sources: Sequence[Source] | None = None) -> tuple[TableSpec, ...]:
    """Header specs of the delimited text files that stand alone (rosters, reports), in order."""
    return tuple(spec for s in current(sources) for spec in s.recognition.texts)


def near_miss_specs(sources: Sequence[Source] | None = None) -> tuple[TableSpec, ...]:
    """Every header spec whose near miss is worth explaining: standalone files and archive members."""
    return tuple(spec for s in current(sources) for spec in (*s.recognition.texts, *s.recognition.members))


def several_people_kinds(sources: Sequence[Source] | None = None) -> frozenset[str]:
    """Kinds whose files list several people: the erasure rewrites them without the person's rows."""
    return frozenset(kind for s in current(sources) for kind in s.several_people)


def row_tables(sources: Sequence[Source] | None = None) -> list[str]:
    """Every raw table whose rows come from files (``_source_file``): what row conservation counts."""
    return [f"raw.{t.name}" for s in current(sources) for t in s.tables if t.from_files]
