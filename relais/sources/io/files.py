"""What the inbox found and how to read it: one recognised file (or zip member), its bytes and lines,
its outcome in the ledger, and what its reader recorded about it at the last run.

Every reader of ``relais.sources`` takes ``InboxFile`` items, which ``relais.inbox.scan`` makes,
opens them through ``read_bytes``, ``read_text`` and ``open_lines`` (a zip member is read in place,
never extracted; ``OpenZips`` keeps a zip open while its members are read one after another) and
reports each through ``file_outcome`` or ``loaded_outcome``.
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
IN_MEMORY_BYTES = 64 * 1024 * 1024
"""The largest file ``read_text`` reads whole into memory; a larger one is streamed (``open_lines``)."""
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


class OpenZips:
    """The zip file last read from, kept open while its members are read one after another.

    A LinkedIn archive is one zip of a dozen members: opening it once, not once per member and per
    pass, spares reading its central directory again each time. Use it as a context manager.
    """

    def __init__(self, inbox: Path) -> None:
        self.inbox = inbox
        self.path: str | None = None
        self.archive: zipfile.ZipFile | None = None

    def __enter__(self) -> OpenZips:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the zip file held open, if any."""
        if self.archive is not None:
            self.archive.close()
        self.archive, self.path = None, None

    def _member(self, item: InboxFile) -> tuple[zipfile.ZipFile, str]:
        path, member = item.container.split("!", 1)[0], item.path.split("!", 1)[1]
        if self.archive is None or path != self.path:
            self.close()
            self.archive, self.path = zipfile.ZipFile(self.inbox / path), path
        return self.archive, member

    @contextmanager
    def binary(self, item: InboxFile) -> Iterator[IO[bytes]]:
        """The bytes of an inbox file or zip member, as a stream."""
        if item.container_type == "zip":
            archive, member = self._member(item)
            with archive.open(member) as handle:
                yield handle
        else:
            with (self.inbox / item.path).open("rb") as handle:
                yield handle

    def size(self, item: InboxFile) -> int:
        """How many bytes the file or member holds (unpacked), as its zip or the disk says now."""
        if item.container_type == "zip":
            archive, member = self._member(item)
            return archive.getinfo(member).file_size
        return (self.inbox / item.path).stat().st_size


def read_bytes(inbox: Path, item: InboxFile, zips: OpenZips | None = None) -> bytes:
    """The bytes of an inbox file or of a zip member (``archive.zip!member.csv``)."""
    with _open_binary(inbox, item, zips) as handle:
        return handle.read()


def read_text(zips: OpenZips, item: InboxFile, limit: int = IN_MEMORY_BYTES) -> str | None:
    """The whole text of a file or member of at most ``limit`` bytes, decoded as ``open_lines`` decodes
    it (UTF-8 or Windows-1252 from its first bytes), read once; None for a larger one (stream it)."""
    if zips.size(item) > limit:
        return None
    with zips.binary(item) as handle:
        data = handle.read()
    return data.decode(detect_encoding(data[:HEAD_BYTES]), errors="replace")


@contextmanager
def _open_binary(inbox: Path, item: InboxFile, zips: OpenZips | None = None) -> Iterator[IO[bytes]]:
    if zips is not None:
        with zips.binary(item) as handle:
            yield handle
    elif item.container_type == "zip":
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
def open_lines(inbox: Path, item: InboxFile, zips: OpenZips | None = None) -> Iterator[Iterable[str]]:
    """The lines of an inbox file or zip member, decoded as they are read (UTF-8 or Windows-1252)."""
    with _open_binary(inbox, item, zips) as probe:
        encoding = detect_encoding(probe.read(HEAD_BYTES))
    with _open_binary(inbox, item, zips) as handle:
        yield io.TextIOWrapper(handle, encoding=encoding, errors="replace", newline="")


UNREADABLE = (OSError, EOFError, zipfile.BadZipFile)
"""What reading a damaged file or zip member raises (a member whose bytes fail its CRC-32: BadZipFile)."""


def unreadable_reason(error: BaseException) -> str:
    """Why a file that could not be read at all was quarantined, with what to do."""
    return f"unreadable, nothing read from it ({error}): the file or its zip is damaged, export it again"


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
