"""From recognised inbox files to rows: one function per source family, each returning its ledger.

These functions read what ``assets.inbox.scan_inbox`` recognised and return plain rows, ready for
the warehouse, with the ledger of what happened to every file and row. They hold the privacy gate:
roster rows lose their personal fields unless the person is a consenting ambassador, and an
archive is read only when it belongs to one.
"""

from __future__ import annotations

import zipfile
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from assets.inbox import InboxFile
from assets.ledger import (
    EXCLUDED,
    IGNORED,
    LOADED,
    QUARANTINED,
    FileOutcome,
    FileRejected,
    Ledger,
    RowProblem,
)
from assets.linkedin_archive import (
    EMAIL_ADDRESSES,
    LOADED_SPECS,
    Ambassador,
    add_post_keys,
    find_owner,
)
from assets.page_export import read_page_posts
from assets.pseudonym import Pseudonymiser
from assets.roster import ROSTER, RosterRow, duplicate_problems, resolve_roster
from assets.tables import TableRead, TableSpec, read_table
from assets.textio import decode_text

SPEC_BY_KIND: dict[str, TableSpec] = {spec.kind: spec for spec in LOADED_SPECS}


def read_bytes(inbox: Path, item: InboxFile) -> bytes:
    """The bytes of an inbox file or of a zip member (``archive.zip!member.csv``)."""
    if item.container_type == "zip":
        member = item.path.split("!", 1)[1]
        with zipfile.ZipFile(inbox / item.container.split("!", 1)[0]) as archive:
            return archive.read(member)
    return (inbox / item.path).read_bytes()


def _outcome(
    item: InboxFile, status: str, reason: str = "", read: TableRead | None = None, withheld: bool = False
) -> FileOutcome:
    rows_read = read.rows_read if read else 0
    quarantined = len(read.problems) if read else 0
    kept = rows_read - quarantined
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


def _read_text_table(inbox: Path, item: InboxFile, spec: TableSpec) -> TableRead:
    text, _ = decode_text(read_bytes(inbox, item))
    return read_table(item.path, text, spec)


def ingest_rosters(
    inbox: Path, items: Iterable[InboxFile], pseudonymiser: Pseudonymiser
) -> tuple[list[dict[str, Any]], Ledger]:
    """Read every HR roster file; return resolved, privacy-stripped rows and the ledger."""
    ledger = Ledger()
    collected: list[RosterRow] = []
    for item in items:
        try:
            read = _read_text_table(inbox, item, ROSTER)
        except FileRejected as exc:
            ledger.files.append(_outcome(item, QUARANTINED, str(exc)))
            continue
        kept, repeated = duplicate_problems(read.rows)
        read.problems.extend(RowProblem(item.path, row, "hr_roster", reason) for row, reason in repeated)
        read.rows = kept
        ledger.problems.extend(read.problems)
        ledger.files.append(_outcome(item, LOADED, read=read))
        collected.extend(RosterRow(r, item.path, r["_source_row"], item.modified_at) for r in kept)
    return resolve_roster(collected, pseudonymiser), ledger


def ingest_archives(
    inbox: Path,
    items: Iterable[InboxFile],
    ambassadors: list[Ambassador],
    roster_email_keys: set[str],
    pseudonymiser: Pseudonymiser,
) -> tuple[dict[str, list[dict[str, Any]]], list[dict[str, Any]], Ledger]:
    """Read the LinkedIn archives that belong to consenting ambassadors.

    Returns rows per member kind (each with ``agent_id``, ``archive`` and ``_source_*``), one row
    per archive naming its owner or why it has none, and the ledger. ``roster_email_keys`` holds
    the keyed hashes of every roster e-mail, so that an archive whose address belongs to someone
    who is not a consenting ambassador is recognised as theirs and left unread.
    """
    by_archive: dict[str, list[InboxFile]] = defaultdict(list)
    for item in items:
        by_archive[item.container].append(item)
    tables: dict[str, list[dict[str, Any]]] = {kind: [] for kind in SPEC_BY_KIND}
    owners: list[dict[str, Any]] = []
    ledger = Ledger()
    others_email_keys = roster_email_keys - {pseudonymiser.email_key(a.email) for a in ambassadors if a.email}
    for container, members in sorted(by_archive.items()):
        emails = _archive_emails(inbox, members, ledger)
        other = any(pseudonymiser.email_key(e) in others_email_keys for e in emails)
        ownership = find_owner(emails, _names_to_match(container), ambassadors, other)
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
                ledger.files.append(_outcome(item, EXCLUDED, f"archive not loaded: {ownership.reason}"))
            elif item.kind not in SPEC_BY_KIND:
                ledger.files.append(_outcome(item, IGNORED, item.reason or "archive file not used by Relais"))
            else:
                _load_member(inbox, item, ownership.agent_id, tables, ledger)
    return tables, owners, ledger


def _load_member(
    inbox: Path, item: InboxFile, agent_id: str, tables: dict[str, list[dict[str, Any]]], ledger: Ledger
) -> None:
    try:
        read = _read_text_table(inbox, item, SPEC_BY_KIND[item.kind])
    except FileRejected as exc:
        ledger.files.append(_outcome(item, QUARANTINED, str(exc)))
        return
    for row in read.rows:
        row.update(agent_id=agent_id, archive=item.container, _source_file=item.path)
        add_post_keys(item.kind, row)
    tables[item.kind].extend(read.rows)
    ledger.problems.extend(read.problems)
    ledger.files.append(_outcome(item, LOADED, read=read))


def _archive_emails(inbox: Path, members: list[InboxFile], ledger: Ledger) -> list[str]:
    """The member's own addresses from Email Addresses.csv (used for matching, never stored)."""
    emails: list[str] = []
    for item in members:
        if item.kind != EMAIL_ADDRESSES.kind:
            continue
        try:
            read = _read_text_table(inbox, item, EMAIL_ADDRESSES)
        except FileRejected as exc:
            ledger.files.append(_outcome(item, QUARANTINED, str(exc)))
            continue
        emails.extend(row["email"] for row in read.rows)
        ledger.problems.extend(read.problems)
        outcome = _outcome(item, LOADED, "read to find the archive's owner; addresses not stored", read, True)
        ledger.files.append(outcome)
    return emails


def _names_to_match(container: str) -> list[str]:
    """The archive's own name, then the folders above it, nearest first (inside a zip, then outside)."""
    names: list[str] = []
    for piece in reversed(container.split("!")):
        names.extend(reversed(Path(piece).parts))
    return [name for name in names if name not in {".", ""}]


def ingest_page_posts(inbox: Path, items: Iterable[InboxFile]) -> tuple[list[dict[str, Any]], Ledger]:
    """Read the per-post sheet of every Page content export."""
    ledger = Ledger()
    rows: list[dict[str, Any]] = []
    for item in items:
        try:
            read = read_page_posts(inbox / item.path, item.path)
        except FileRejected as exc:
            ledger.files.append(_outcome(item, QUARANTINED, str(exc)))
            continue
        except Exception as exc:  # a spreadsheet library error on a corrupt file
            ledger.files.append(_outcome(item, QUARANTINED, f"unreadable spreadsheet: {exc}"))
            continue
        for row in read.rows:
            row.update(_source_file=item.path, _file_modified_at=item.modified_at)
        rows.extend(read.rows)
        ledger.problems.extend(read.problems)
        ledger.files.append(_outcome(item, LOADED, read=read))
    return rows, ledger
