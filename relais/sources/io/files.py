"""What the inbox found and how to read it: one recognised file (or zip member), its bytes and lines,
its outcome in the ledger, and what its reader recorded about it at the last run.

Every reader of ``relais.sources`` takes ``InboxFile`` items, which ``relais.inbox.scan`` makes,
opens them through ``read_bytes`` and ``open_lines`` (a zip member is read in place, never
extracted) and reports each through ``file_outcome`` or ``loaded_outcome``.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from relais.ledger import LOADED, FileOutcome
from relais.sources.io.tables import TableRead
from relais.sources.io.text import detect_encoding

HEAD_BYTES = 64 * 1024
"""How much of a file recognition and encoding detection read."""
NO_ROWS_REASON = "no data rows (header only): nothing to load"


@dataclass(frozen=True)
class InboxFile:
    """One recognised (or unrecognised) input: a file, or a member of a zip archive."""

    path: str
    container: str
    container_type: str
    kind: str
    reason: str
    sha256: str
    size_bytes: int
    modified_at: float


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


@dataclass
class PreviousReads:
    """The files one asset loaded at its last run, and what it recorded about them.

    ``reusable(item, agent_id)`` gives the file's last outcome when its rows can be kept (same
    path, content, modification time, archive and owner, loaded last time), else None; ``kept`` lists the
    files it answered for, so that their rows survive and every other file's are deleted.
    """

    asset: str
    files: dict[str, tuple[str, float, str, str | None]] = field(default_factory=dict)
    outcomes: dict[str, FileOutcome] = field(default_factory=dict)
    kept: set[str] = field(default_factory=set)

    def reusable(self, item: InboxFile, agent_id: str | None) -> FileOutcome | None:
        """The last outcome of ``item`` if its rows can be kept as they are, else None."""
        known = self.files.get(item.path)
        outcome = self.outcomes.get(item.path)
        now = (item.sha256, item.modified_at, item.container, agent_id)
        if known is None or outcome is None or known != now:
            return None
        self.kept.add(item.path)
        return outcome
