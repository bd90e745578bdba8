"""From recognised inbox files to rows: one function per source family, each returning its ledger.

These functions read what ``relais.inbox.scan.scan_inbox`` recognised and return plain rows, ready for
the warehouse, with the ledger of what happened to every file and row. They hold the privacy gate:
roster rows lose their personal fields unless the person is a consenting ambassador, and an
archive is read only when it belongs to one.
"""

from __future__ import annotations

import io
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from relais.inbox.owner_index import OwnerIndex
from relais.inbox.reuse import PreviousReads
from relais.inbox.scan import HEAD_BYTES, InboxFile
from relais.ledger import (
    EXCLUDED,
    IGNORED,
    LOADED,
    QUARANTINED,
    FileOutcome,
    FileRejected,
    Ledger,
    RowProblem,
    RowWriter,
)
from relais.privacy.pseudonym import Pseudonymiser
from relais.sources.io.tables import TableRead, TableSpec, decide_orders, iter_table, read_table
from relais.sources.io.text import decode_text, detect_encoding
from relais.sources.linkedin_archive import (
    EMAIL_ADDRESSES,
    LOADED_SPECS,
    Ambassador,
    add_post_keys,
    find_owner,
)
from relais.sources.roster import ROSTER, RosterRow, duplicate_problems, resolve_roster

SPEC_BY_KIND: dict[str, TableSpec] = {spec.kind: spec for spec in LOADED_SPECS}
NO_ROWS_REASON = "no data rows (header only): nothing to load"


def read_bytes(inbox: Path, item: InboxFile) -> bytes:
    """The bytes of an inbox file or of a zip member (``archive.zip!member.csv``)."""
    with _open_binary(inbox, item) as handle:
        return handle.read()


@contextmanager
def _open_binary(inbox: Path, item: InboxFile) -> Iterator[IO[bytes]]:
    if item.container_type == "zip":
        member = item.path.split("!", 1)[1]
        with (
            zipfile.ZipFile(inbox / item.container.split("!", 1)[0]) as archive,
            archive.open(member) as handle,
        ):
            yield handle
    else:
        with (inbox / item.path).open("rb") as handle:
            yield handle


@contextmanager
def open_lines(inbox: Path, item: InboxFile) -> Iterator[Iterable[str]]:
    """The lines of an inbox file or zip member, decoded as they are read (UTF-8 or Windows-1252)."""
    with _open_binary(inbox, item) as probe:
        encoding = detect_encoding(probe.read(HEAD_BYTES))
    with _open_binary(inbox, item) as handle:
        yield io.TextIOWrapper(handle, encoding=encoding, errors="replace", newline="")


def file_outcome(
    item: InboxFile,
    status: str,
    reason: str = "",
    rows_read: int = 0,
    quarantined: int = 0,
    withheld: bool = False,
) -> FileOutcome:
    """A file's outcome; rows read and not quarantined are loaded, or withheld when ``withheld``.

    A file loaded without a single data row says so (``NO_ROWS_REASON``) unless a reason is given.
    """
    kept = rows_read - quarantined
    if status == LOADED and rows_read == 0 and not reason:
        reason = NO_ROWS_REASON
    return FileOutcome(
        source_file=item.path,
        kind=item.kind,
        status=status,
        reason=reason,
        rows_read=rows_read,
        rows_loaded=0 if withheld else kept,
        rows_quarantined=quarantined,
        rows_withheld=kept if withheld else 0,
        container=item.container,
        sha256=item.sha256,
        size_bytes=item.size_bytes,
    )


def loaded_outcome(item: InboxFile, read: TableRead, reason: str = "", withheld: bool = False) -> FileOutcome:
    """The outcome of a file read whole: its rows read, loaded (or withheld) and quarantined.

    The notes of the reading (date order chosen, continuation lines joined) follow the reason.
    """
    reason = "; ".join(part for part in (reason, *read.notes) if part)
    return file_outcome(item, LOADED, reason, read.rows_read, len(read.problems), withheld)


def _read_text_table(inbox: Path, item: InboxFile, spec: TableSpec) -> TableRead:
    text, _ = decode_text(read_bytes(inbox, item))
    return read_table(item.path, text, spec)


def read_roster_file(inbox: Path, item: InboxFile) -> TableRead:
    """One HR roster file read whole, personal fields included (callers strip them)."""
    return _read_text_table(inbox, item, ROSTER)


def ingest_rosters(
    inbox: Path,
    items: Iterable[InboxFile],
    pseudonymiser: Pseudonymiser,
    erased: frozenset[str] = frozenset(),
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
    return resolve_roster(collected, pseudonymiser, erased), ledger


def ingest_archives(
    inbox: Path,
    items: Iterable[InboxFile],
    ambassadors: list[Ambassador],
    roster_email_keys: set[str],
    pseudonymiser: Pseudonymiser,
    writer: RowWriter,
    previous: PreviousReads | None = None,
) -> tuple[list[dict[str, Any]], Ledger]:
    """Read the LinkedIn archives that belong to consenting ambassadors.

    Streams rows to ``writer`` per member kind (each with ``agent_id``, ``archive`` and
    ``_source_*``) and returns one row per archive naming its owner or why it has none, and the
    ledger (row problems of archive members go to the writer). ``roster_email_keys`` holds
    the keyed hashes of every roster e-mail, so that an archive whose address belongs to someone
    who is not a consenting ambassador is recognised as theirs and left unread. Every owner is
    found before any row is written; a member ``previous`` can keep (unchanged, same owner) is
    not read again and keeps its last outcome.
    """
    by_archive: dict[str, list[InboxFile]] = defaultdict(list)
    for item in items:
        by_archive[item.container].append(item)
    owners: list[dict[str, Any]] = []
    ledger = Ledger()
    others_email_keys = roster_email_keys - {pseudonymiser.email_key(a.email) for a in ambassadors if a.email}
    index = OwnerIndex((a.agent_id, a.email, None, None) for a in ambassadors)
    to_read: list[tuple[InboxFile, str]] = []
    for container, members in sorted(by_archive.items()):
        emails = _archive_emails(inbox, members, ledger)
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
    for problem in ledger.problems:  # rows of Email Addresses.csv that could not be read
        writer.problem(problem)
    ledger.problems = []
    for item, agent_id in to_read:
        _load_member(inbox, item, agent_id, writer, ledger)
    return owners, ledger


def _load_member(inbox: Path, item: InboxFile, agent_id: str, writer: RowWriter, ledger: Ledger) -> None:
    """Stream one archive member's rows to the writer; its outcome goes to the ledger.

    The file is read twice, line by line: once to decide the order of its numeric dates (the one
    under which every date is real), then to load its rows.
    """
    counts = TableRead()
    problems = 0
    spec = SPEC_BY_KIND[item.kind]
    try:
        orders = None
        if any(column.ordered for column in spec.columns):
            with open_lines(inbox, item) as lines:
                orders = decide_orders(lines, spec)
        with open_lines(inbox, item) as lines:
            for entry in iter_table(item.path, lines, spec, counts, orders):
                if isinstance(entry, RowProblem):
                    problems += 1
                    writer.problem(entry)
                    continue
                entry.update(agent_id=agent_id, archive=item.container, _source_file=item.path)
                add_post_keys(item.kind, entry)
                writer.row(item.kind, entry)
    except FileRejected as exc:
        ledger.files.append(file_outcome(item, QUARANTINED, str(exc)))
        return
    except (OSError, EOFError, zipfile.BadZipFile) as exc:
        reason = f"reading stopped after {counts.rows_read} rows, the rest of the file is unreadable: {exc}"
        reason = "; ".join([reason, *counts.notes])
        ledger.files.append(file_outcome(item, LOADED, reason, counts.rows_read, problems))
        ledger.loaded.append((item, agent_id))
        return
    ledger.files.append(file_outcome(item, LOADED, "; ".join(counts.notes), counts.rows_read, problems))
    ledger.loaded.append((item, agent_id))


def _archive_emails(inbox: Path, members: list[InboxFile], ledger: Ledger) -> list[str]:
    """The member's own addresses from Email Addresses.csv (used for matching, never stored)."""
    emails: list[str] = []
    for item in members:
        if item.kind != EMAIL_ADDRESSES.kind:
            continue
        try:
            read = _read_text_table(inbox, item, EMAIL_ADDRESSES)
        except FileRejected as exc:
            ledger.files.append(file_outcome(item, QUARANTINED, str(exc)))
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
