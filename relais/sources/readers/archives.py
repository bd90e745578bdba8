"""From recognised inbox files to rows: one function per source family, each returning its ledger.

These functions read what ``relais.inbox.scan.scan_inbox`` recognised and return plain rows, ready for
the warehouse, with the ledger of what happened to every file and row. They hold the privacy gate:
roster rows lose their personal fields unless the person is a consenting ambassador, and an
archive is read only when it belongs to one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import Any

import polars as pl

from relais.ledger import (
    EXCLUDED,
    IGNORED,
    LOADED,
    QUARANTINED,
    FileOutcome,
    FileRejected,
    Ledger,
    RowProblem,
)
from relais.privacy.pseudonym import Pseudonymiser
from relais.progress import Progress, silent
from relais.sources.io.columns import RowBatch
from relais.sources.io.files import (
    UNREADABLE,
    InboxFile,
    OpenZips,
    PreviousReads,
    file_outcome,
    loaded_outcome,
    read_bytes,
    unreadable_reason,
)
from relais.sources.io.owner_index import OwnerIndex
from relais.sources.io.tables import TableRead, TableSpec, read_table
from relais.sources.io.text import decode_text
from relais.sources.linkedin_api.snapshot import (
    SNAPSHOT_KIND,
    SnapshotFile,
    is_snapshot_envelope,
    read_snapshot_file,
)
from relais.sources.linkedin_archive import (
    EMAIL_ADDRESSES,
    LOADED_SPECS,
    UNUSED_KIND,
    Ambassador,
    classify_member,
    find_owner,
)
from relais.sources.readers.archive_members import (
    ARCHIVE_SCHEMAS,
    MemberRead,
    in_table_schema,
    read_member_chunks,
)
from relais.sources.roster import ROSTER, RosterRow, duplicate_problems, resolve_roster
from relais.sources.source import (
    BOOL,
    DATE,
    INT,
    STR,
    Batch,
    RawTable,
    Recognition,
    RowSink,
    Source,
    SourceRead,
)

SPEC_BY_KIND: dict[str, TableSpec] = {spec.kind: spec for spec in LOADED_SPECS}


def _read_text_table(
    inbox: Path, item: InboxFile, spec: TableSpec, zips: OpenZips | None = None
) -> TableRead:
    text, _ = decode_text(read_bytes(inbox, item, zips))
    return read_table(item.path, text, spec)


def read_roster_file(inbox: Path, item: InboxFile) -> TableRead:
    """One HR roster file read whole, personal fields included (callers strip them)."""
    return _read_text_table(inbox, item, ROSTER)


def ingest_rosters(
    inbox: Path,
    items: Iterable[InboxFile],
    pseudonymiser: Pseudonymiser,
    erased: frozenset[str] = frozenset(),
    withdrawn: frozenset[str] = frozenset(),
) -> tuple[list[dict[str, Any]], Ledger]:
    """Read every HR roster file; return resolved, privacy-stripped rows and the ledger."""
    ledger = Ledger()
    collected: list[RosterRow] = []
    for item in items:
        try:
            read = read_roster_file(inbox, item)
        except FileRejected as exc:
            ledger.files.append(file_outcome(item, QUARANTINED, str(exc)))
            continue
        kept, repeated = duplicate_problems(read.rows)
        read.problems.extend(RowProblem(item.path, row, "hr_roster", reason) for row, reason in repeated)
        read.rows = kept
        ledger.problems.extend(read.problems)
        ledger.files.append(loaded_outcome(item, read))
        collected.extend(RosterRow(r, item.path, r["_source_row"], item.modified_at) for r in kept)
    return resolve_roster(collected, pseudonymiser, erased, withdrawn), ledger


def ingest_archives(
    inbox: Path,
    items: Iterable[InboxFile],
    ambassadors: list[Ambassador],
    roster_email_keys: set[str],
    pseudonymiser: Pseudonymiser,
    writer: RowSink,
    previous: PreviousReads | None = None,
    workers: int = 1,
    say: Callable[[str], None] = silent,
) -> tuple[list[dict[str, Any]], Ledger]:
    """Read the LinkedIn archives that belong to consenting ambassadors.

    Streams rows to ``writer`` per member kind (each with ``agent_id``, ``archive`` and
    ``_source_*``) and returns one row per archive naming its owner or why it has none, and the
    ledger (row problems of archive members go to the writer). ``roster_email_keys`` holds
    the keyed hashes of every roster e-mail, so that an archive whose address belongs to someone
    who is not a consenting ambassador is recognised as theirs and left unread. Every owner is
    found before any row is written; a member ``previous`` can keep (unchanged, same owner) is
    not read again and keeps its last outcome. The members are read on ``workers`` processes when
    there is enough to read (``relais.sources.readers.archive_members``); ``say`` hears how far
    the reading is.
    """
    with OpenZips(inbox) as zips:
        return _ingest_archives(
            zips, items, ambassadors, roster_email_keys, pseudonymiser, writer, previous, workers, say
        )


def _ingest_archives(
    zips: OpenZips,
    items: Iterable[InboxFile],
    ambassadors: list[Ambassador],
    roster_email_keys: set[str],
    pseudonymiser: Pseudonymiser,
    writer: RowSink,
    previous: PreviousReads | None,
    workers: int,
    say: Callable[[str], None],
) -> tuple[list[dict[str, Any]], Ledger]:
    inbox = zips.inbox
    by_archive: dict[str, list[InboxFile]] = defaultdict(list)
    snapshots: list[InboxFile] = []
    for item in items:
        if item.kind == SNAPSHOT_KIND:
            snapshots.append(item)
        else:
            by_archive[item.container].append(item)
    owners: list[dict[str, Any]] = []
    ledger = Ledger()
    others_email_keys = roster_email_keys - {pseudonymiser.email_key(a.email) for a in ambassadors if a.email}
    index = OwnerIndex((a.agent_id, a.email, None, None) for a in ambassadors)
    to_read: list[tuple[InboxFile, str]] = []
    for container, members in sorted(by_archive.items()):
        emails = _archive_emails(zips, members, ledger)
        other = any(pseudonymiser.email_key(e) in others_email_keys for e in emails)
        ownership = find_owner(emails, _names_to_match(container), ambassadors, other, index)
        owners.append(
            {
                "archive": container,
                "agent_id": ownership.agent_id,
                "matched_by": ownership.matched_by or None,
                "reason": ownership.reason or None,
                "files": len(members),
            }
        )
        for item in members:
            if item.kind == EMAIL_ADDRESSES.kind:
                continue
            if ownership.agent_id is None:
                ledger.files.append(file_outcome(item, EXCLUDED, f"archive not loaded: {ownership.reason}"))
            elif item.kind not in SPEC_BY_KIND:
                ledger.files.append(
                    file_outcome(item, IGNORED, item.reason or "archive file not used by Relais")
                )
            elif previous is not None and (kept := previous.reusable(item, ownership.agent_id)):
                ledger.files.append(kept)
                ledger.loaded.append((item, ownership.agent_id))
            else:
                to_read.append((item, ownership.agent_id))
    consenting = {a.agent_id for a in ambassadors}
    snapshot_owners, snapshots_to_read = _plan_snapshots(inbox, snapshots, consenting, ledger, previous)
    owners += snapshot_owners
    # Every reuse is decided above, before the first write: the writer reads the kept files then.
    for problem in ledger.problems:  # rows of Email Addresses.csv that could not be read
        writer.problem(problem)
    ledger.problems = []
    progress = Progress(say, "LinkedIn archives", len(to_read), "members read")
    for chunk in read_member_chunks(inbox, to_read, workers):
        progress.advance(len(chunk.outcomes))
        for kind, frame in chunk.frames:
            writer.frame(kind, frame)
        for problem in chunk.problems:
            writer.problem(problem)
        for item, agent_id, outcome in chunk.outcomes:
            _record(ledger, item, agent_id, outcome)
    batches = {
        spec.kind: RowBatch(spec, partial(_write_rows, writer, spec.kind), writer.problem)
        for spec in LOADED_SPECS
    }
    reads = [
        _load_snapshot(item, snapshot, archive, batches) for item, snapshot, archive in snapshots_to_read
    ]
    for batch in batches.values():
        batch.flush()
    for read in reads:
        _record(ledger, read.item, read.agent_id, read.outcome())
    return owners, ledger


def _record(ledger: Ledger, item: InboxFile, agent_id: str, outcome: FileOutcome) -> None:
    """A member's outcome in the ledger, and among the files loaded when it was."""
    ledger.files.append(outcome)
    if outcome.status == LOADED:
        ledger.loaded.append((item, agent_id))


def _write_rows(writer: RowSink, kind: str, rows: pl.DataFrame) -> None:
    """Typed rows of a member kind to its table, in its schema (``in_table_schema``)."""
    writer.frame(kind, in_table_schema(kind, rows))


SNAPSHOT_OWNER = "consent given on the consent page (LinkedIn data portability)"


def _plan_snapshots(
    inbox: Path,
    items: list[InboxFile],
    consenting: set[str],
    ledger: Ledger,
    previous: PreviousReads | None,
) -> tuple[list[dict[str, Any]], list[tuple[InboxFile, SnapshotFile, str]]]:
    """Decide each member snapshot answer's fate; its owner rows and the answers whose rows to read.

    A snapshot is its member's by consent (the envelope names their roster id); the answers of one
    pull day form one "archive", so overlapping pulls and archives are reconciled like archives are.
    An answer unchanged since the last run keeps its rows; one with no rows yet is loaded empty with
    the reason (LinkedIn builds domains one by one). Nothing is written here.
    """
    owners: dict[str, dict[str, Any]] = {}
    to_read: list[tuple[InboxFile, SnapshotFile, str]] = []
    for item in items:
        try:
            snapshot = read_snapshot_file(inbox / item.path)
        except FileRejected as exc:
            ledger.files.append(file_outcome(item, QUARANTINED, str(exc)))
            continue
        agent_id = snapshot.agent_id
        if agent_id not in consenting:
            reason = "not loaded: the member is not a consenting ambassador"
            ledger.files.append(file_outcome(item, EXCLUDED, reason))
            continue
        archive = str(Path(item.path).parent)
        owner = owners.setdefault(
            archive, {"archive": archive, "agent_id": agent_id, "matched_by": SNAPSHOT_OWNER, "reason": None}
        )
        owner["files"] = owner.get("files", 0) + 1
        if previous is not None and (kept := previous.reusable(item, agent_id)):
            ledger.files.append(kept)
            ledger.loaded.append((item, agent_id))
        elif snapshot.rows:
            to_read.append((item, snapshot, archive))
        else:
            reason = f"{snapshot.domain}: no rows yet (LinkedIn builds a snapshot one domain at a time)"
            ledger.files.append(file_outcome(item, LOADED, reason))
            ledger.loaded.append((item, agent_id))
    return list(owners.values()), to_read


def _load_snapshot(
    item: InboxFile, snapshot: SnapshotFile, archive: str, batches: dict[str, RowBatch]
) -> MemberRead:
    """Gather a member snapshot's rows into the batch of its kind."""
    read = MemberRead(item, snapshot.agent_id, prefix=f"member snapshot {snapshot.domain}")
    batch = batches[snapshot.kind]
    try:
        read.rows = batch.open(
            item.path,
            snapshot.text,
            {"agent_id": snapshot.agent_id, "archive": archive, "_source_file": item.path},
        )
    except FileRejected as exc:
        read.rejected = f"{snapshot.domain}: {exc}"
        return read
    batch.read(read.rows)
    return read


def _archive_emails(zips: OpenZips, members: list[InboxFile], ledger: Ledger) -> list[str]:
    """The member's own addresses from Email Addresses.csv (used for matching, never stored)."""
    emails: list[str] = []
    for item in members:
        if item.kind != EMAIL_ADDRESSES.kind:
            continue
        try:
            read = _read_text_table(zips.inbox, item, EMAIL_ADDRESSES, zips)
        except FileRejected as exc:
            ledger.files.append(file_outcome(item, QUARANTINED, str(exc)))
            continue
        except UNREADABLE as exc:
            ledger.files.append(file_outcome(item, QUARANTINED, unreadable_reason(exc)))
            continue
        emails.extend(row["email_address"] for row in read.rows)
        ledger.problems.extend(read.problems)
        outcome = loaded_outcome(
            item, read, "read to find the archive's owner; addresses not stored", withheld=True
        )
        ledger.files.append(outcome)
    return emails


def _names_to_match(container: str) -> list[str]:
    """The archive's own name, then the folders above it, nearest first (inside a zip, then outside)."""
    names: list[str] = []
    for piece in reversed(container.split("!")):
        names.extend(reversed(Path(piece).parts))
    return [name for name in names if name not in {".", ""}]


# --- the raw tables and the sources: the HR roster, LinkedIn archives --------------------------------

ROSTER_SCHEMA = {
    "agent_key": STR,
    "email_key": STR,
    "agent_id": STR,
    "first_name": STR,
    "last_name": STR,
    "email": STR,
    "department": STR,
    "site": STR,
    "job_title": STR,
    "enrolled_on": DATE,
    "is_current": BOOL,
    "is_ambassador": BOOL,
    "_source_file": STR,
    "_source_row": INT,
}
ARCHIVE_DESCRIPTIONS = {
    "li_shares": "Shares.csv rows of ambassadors' archives: own posts and reshares with comment.",
    "li_instant_reposts": "InstantReposts.csv rows of ambassadors' archives: reposts without comment.",
    "li_comments": "Comments.csv rows of ambassadors' archives: comments they wrote (Date may be empty).",
    "li_reactions": "Reactions.csv rows of ambassadors' archives: reactions they gave.",
    "li_skills": "Skills.csv rows of ambassadors' archives: skills declared on their profile.",
    "li_endorsements_received": "Endorsements received, reduced to date, skill and status (no endorser).",
    "li_connections": "Connections reduced to the date each was made (no names, e-mails or companies).",
}
OWNERS_SCHEMA = {"archive": STR, "agent_id": STR, "matched_by": STR, "reason": STR, "files": INT}


def read_roster_source(batch: Batch) -> SourceRead:
    """Every HR roster file into ``raw.roster``, personal fields kept only for consenting ambassadors."""
    if batch.pseudonymiser is None:
        raise ValueError("reading the roster needs the home's pseudonymiser")
    rows, ledger = ingest_rosters(
        batch.inbox, batch.items, batch.pseudonymiser, batch.erased_tokens, batch.withdrawn_tokens
    )
    batch.sink.rows("roster", rows)
    warnings = (
        []
        if batch.items
        else ["No HR roster in the inbox: no ambassador can be identified, no archive is loaded."]
    )
    ambassadors = sum(1 for r in rows if r["is_current"] and r["is_ambassador"])
    return SourceRead(
        ledger,
        warnings,
        [f"Roster: {len(rows)} rows from {len(batch.items)} file(s), {ambassadors} consenting ambassadors"],
        {"ambassadors": ambassadors},
    )


def read_archive_source(batch: Batch) -> SourceRead:
    """The LinkedIn archives of consenting ambassadors, streamed member by member into their tables."""
    if batch.pseudonymiser is None:
        raise ValueError("reading archives needs the home's pseudonymiser")
    ambassadors = [Ambassador(p.agent_id, p.email) for p in batch.people]
    owners, ledger = ingest_archives(
        batch.inbox,
        batch.items,
        ambassadors,
        batch.email_keys,
        batch.pseudonymiser,
        batch.sink,
        batch.previous,
        batch.workers,
        batch.say,
    )
    batch.sink.rows(ARCHIVE_OWNERS.name, owners)
    warnings = [f"Archive {o['archive']} not loaded: {o['reason']}" for o in owners if o["agent_id"] is None]
    loaded = sum(1 for o in owners if o["agent_id"])
    return SourceRead(
        ledger,
        warnings,
        [f"LinkedIn archives: {loaded} of {len(owners)} loaded"],
        {"loaded": loaded, "not_loaded": len(owners) - loaded},
    )


ARCHIVE_OWNERS = RawTable(
    "archive_owners",
    OWNERS_SCHEMA,
    "One row per LinkedIn archive: whose it is and how that was found, or why nobody's.",
    from_files=False,
)
ROSTER_SOURCE = Source(
    name="roster",
    display_name="HR roster",
    description="HR roster rows: every person counts towards a department; only ambassadors keep personal "
    "data. English or French headers, comma or semicolon, UTF-8 or Windows-1252, ISO or DD/MM/YYYY dates. "
    "With several roster files the most recently modified file wins for each person.",
    kinds={"hr_roster": "an HR roster"},
    tables=(RawTable("roster", ROSTER_SCHEMA, "The HR roster: one row per person, pseudonymous keys."),),
    read=read_roster_source,
    recognition=Recognition(texts=(ROSTER,)),
    several_people=frozenset({"hr_roster"}),
    needs_roster=False,
)
ARCHIVE_SOURCE = Source(
    name="linkedin_archives",
    display_name="LinkedIn member archives",
    description="Read the LinkedIn archives of consenting ambassadors into one raw table per archive file "
    "kind. An archive belongs to the ambassador whose roster e-mail is in its Email Addresses.csv, else to "
    "the one whose agent id is a token of its name; other archives are reported and left unread.",
    kinds={
        "li_shares": "a LinkedIn archive's Shares.csv",
        "li_instant_reposts": "a LinkedIn archive's InstantReposts.csv",
        "li_comments": "a LinkedIn archive's Comments.csv",
        "li_reactions": "a LinkedIn archive's Reactions.csv",
        "li_skills": "a LinkedIn archive's Skills.csv",
        "li_endorsements_received": "a LinkedIn archive's Endorsement_Received_Info.csv",
        "li_connections": "a LinkedIn archive's Connections.csv",
        "li_email_addresses": "a LinkedIn archive's Email Addresses.csv",
        SNAPSHOT_KIND: "a member snapshot saved by Relais (LinkedIn data portability)",
    },
    tables=(
        *(RawTable(k, ARCHIVE_SCHEMAS[k], ARCHIVE_DESCRIPTIONS[k]) for k in ARCHIVE_SCHEMAS),
        ARCHIVE_OWNERS,
    ),
    read=read_archive_source,
    recognition=Recognition(
        members=(*LOADED_SPECS, EMAIL_ADDRESSES),
        member=classify_member,
        envelope=is_snapshot_envelope,
        envelope_kind=SNAPSHOT_KIND,
    ),
    reuses_reads=True,
    read_kinds=frozenset({UNUSED_KIND}),
)
