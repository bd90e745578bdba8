"""Archive members read into typed frames, chunk by chunk, on every core.

Reading an archive member is Python work (splitting its records, checking each row) followed by
Polars typing, so one process reads on one core. The members of the archives to read are cut into
chunks of about ``CHUNK_BYTES``; ``read_member_chunks`` reads them in this process, or, from
``PARALLEL_FROM_BYTES`` on, spreads them over worker processes (spawned, never forked: a fork of
a process whose DuckDB or Polars threads hold a lock can deadlock). A chunk's read
(``read_chunk``) is a pure function of the inbox and the chunk: its typed frames, its quarantined
rows and each member's outcome come back in the chunk's order, so the ledger lists the members in
the order they were given, whichever process read them; the warehouse gets the frames as chunks
end (bounded memory: a chunk's rows, not the whole inbox's).
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from itertools import repeat
from multiprocessing import get_context
from pathlib import Path

import polars as pl

from relais.ledger import LOADED, QUARANTINED, FileOutcome, FileRejected, RowProblem
from relais.sources.io.columns import FileRows, RowBatch
from relais.sources.io.files import (
    UNREADABLE,
    InboxFile,
    OpenZips,
    file_outcome,
    open_lines,
    read_text,
    unreadable_reason,
)
from relais.sources.io.tables import decide_orders
from relais.sources.linkedin_archive import LOADED_SPECS, with_post_keys
from relais.sources.source import DATE, INT, STR, TS

CHUNK_BYTES = 8 * 1024 * 1024
"""Members (their unpacked size) read together, typed together, sent back together."""
PARALLEL_FROM_BYTES = 24 * 1024 * 1024
"""Below this much to read, one process reads it all. One process reads about 10 MB of members a
second (M: 144 MB in 13.5 s); two spawned workers take about 0.9 s to start and import Polars and
Relais's readers, so two cores pay from about 2 x 10 MB x 0.9 s, taken with a margin."""

ARCHIVE_ROW = {"archive": STR, "agent_id": STR, "_source_file": STR, "_source_row": INT}
ARCHIVE_SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "li_shares": {
        "shared_at": TS,
        "share_link": STR,
        "share_key": STR,
        "commentary": STR,
        "shared_url": STR,
        "target_key": STR,
        "media_url": STR,
        "visibility": STR,
        **ARCHIVE_ROW,
    },
    "li_instant_reposts": {"reposted_at": TS, "link": STR, "target_key": STR, **ARCHIVE_ROW},
    "li_comments": {"commented_at": TS, "link": STR, "target_key": STR, "message": STR, **ARCHIVE_ROW},
    "li_reactions": {"reacted_at": TS, "reaction_type": STR, "link": STR, "target_key": STR, **ARCHIVE_ROW},
    "li_skills": {"skill_name": STR, **ARCHIVE_ROW},
    "li_endorsements_received": {"endorsed_at": TS, "skill_name": STR, "status": STR, **ARCHIVE_ROW},
    "li_connections": {"connected_on": DATE, **ARCHIVE_ROW},
}


def in_table_schema(kind: str, rows: pl.DataFrame) -> pl.DataFrame:
    """Typed rows of a member kind with the keys of the posts they name added, in its table's schema."""
    rows = with_post_keys(kind, rows)
    return rows.select(
        pl.col(name).cast(dtype) if name in rows.columns else pl.lit(None, dtype).alias(name)
        for name, dtype in ARCHIVE_SCHEMAS[kind].items()
    )


@dataclass
class MemberRead:
    """What became of one member read into a ``RowBatch``: its rows (once typed), or why it was refused.

    ``rejected`` quarantines the file; ``stopped`` names the error that cut its reading short;
    ``prefix`` opens the ledger reason (a member snapshot's domain).
    """

    item: InboxFile
    agent_id: str
    rows: FileRows | None = None
    rejected: str = ""
    stopped: str = ""
    prefix: str = ""

    def outcome(self) -> FileOutcome:
        """The member's ledger outcome, once every row of it is typed."""
        if self.rejected:
            return file_outcome(self.item, QUARANTINED, self.rejected)
        rows_read = self.rows.counts.rows_read if self.rows else 0
        problems = self.rows.problems if self.rows else 0
        notes = self.rows.notes if self.rows else []
        if self.stopped and not rows_read:
            return file_outcome(self.item, QUARANTINED, unreadable_reason(self.stopped))
        if self.stopped:
            reason = (
                f"reading stopped after {rows_read} rows, the rest of the file is unreadable: {self.stopped}"
            )
            notes = [reason, *notes]
        notes = [self.prefix, *notes] if self.prefix else notes
        return file_outcome(self.item, LOADED, "; ".join(notes), rows_read, problems)


def load_member(zips: OpenZips, item: InboxFile, agent_id: str, batch: RowBatch) -> MemberRead:
    """Gather one archive member's rows into the batch of its kind, reading it once.

    A member up to ``IN_MEMORY_BYTES`` is read whole, once: its numeric dates vote on their order
    as its rows are split. A larger one, or one that cannot be read whole, is streamed twice, line
    by line: once to decide the order of its dates, then to gather its rows (an error reading it
    keeps the rows before).
    """
    read = MemberRead(item, agent_id)
    constants = {"agent_id": agent_id, "archive": item.container, "_source_file": item.path}
    try:
        text = read_text(zips, item)
    except UNREADABLE:
        text = None
    try:
        if text is not None:
            read.rows = batch.open(item.path, text, constants)
            batch.read(read.rows)
            return read
        orders = None
        if any(column.ordered for column in batch.spec.columns):
            with open_lines(zips.inbox, item, zips) as lines:
                orders = decide_orders(lines, batch.spec)
        with open_lines(zips.inbox, item, zips) as lines:
            read.rows = batch.open(item.path, lines, constants, orders)
            batch.read(read.rows)
    except FileRejected as exc:
        read.rejected = str(exc)
    except UNREADABLE as exc:
        read.stopped = str(exc)
    return read


@dataclass
class ChunkRead:
    """A chunk's read: frames in their table's schema (by kind), quarantined rows, and each member's
    outcome in the chunk's order."""

    frames: list[tuple[str, pl.DataFrame]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    outcomes: list[tuple[InboxFile, str, FileOutcome]] = field(default_factory=list)

    def keep(self, kind: str, rows: pl.DataFrame) -> None:
        """Keep typed rows of ``kind`` (``RowBatch``'s ``write_rows``), in their table's schema."""
        self.frames.append((kind, in_table_schema(kind, rows)))


def read_chunk(inbox: Path, members: list[tuple[InboxFile, str]]) -> ChunkRead:
    """Read archive members (each with its owner's agent id) into typed frames; nothing is written."""
    chunk = ChunkRead()
    batches = {
        spec.kind: RowBatch(spec, partial(chunk.keep, spec.kind), chunk.problems.append)
        for spec in LOADED_SPECS
    }
    with OpenZips(inbox) as zips:
        reads = [load_member(zips, item, agent_id, batches[item.kind]) for item, agent_id in members]
    for batch in batches.values():
        batch.flush()
    chunk.outcomes = [(read.item, read.agent_id, read.outcome()) for read in reads]
    return chunk


def member_chunks(
    members: list[tuple[InboxFile, str]], limit: int = CHUNK_BYTES
) -> list[list[tuple[InboxFile, str]]]:
    """``members`` in order, cut into chunks of at most ``limit`` stored bytes (a larger member alone)."""
    chunks: list[list[tuple[InboxFile, str]]] = []
    size = 0
    for member in members:
        if chunks and size + member[0].size_bytes <= limit:
            chunks[-1].append(member)
            size += member[0].size_bytes
        else:
            chunks.append([member])
            size = member[0].size_bytes
    return chunks


def read_member_chunks(
    inbox: Path,
    members: list[tuple[InboxFile, str]],
    workers: int,
    parallel_from: int = PARALLEL_FROM_BYTES,
    chunk_bytes: int = CHUNK_BYTES,
) -> Iterator[ChunkRead]:
    """Each chunk's read, in order: here, or on ``workers`` processes once there are at least
    ``parallel_from`` bytes to read."""
    chunks = member_chunks(members, chunk_bytes)
    total = sum(item.size_bytes for item, _ in members)
    if workers <= 1 or len(chunks) < 2 or total < parallel_from:
        yield from (read_chunk(inbox, chunk) for chunk in chunks)
        return
    with ProcessPoolExecutor(max_workers=min(workers, len(chunks)), mp_context=get_context("spawn")) as pool:
        yield from pool.map(read_chunk, repeat(inbox), chunks)
