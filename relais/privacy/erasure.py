"""The right to erasure: finding every trace of one person in a home, removing it, and proving it is gone.

A person is identified by their HR agent id; the roster files of the inbox give their names and
e-mail, the pseudonymiser their ``agent_key``. Files that are theirs alone (LinkedIn archives,
analytics exports named after them, API answers about them) are deleted; a zip holding several
people's archives is rewritten without theirs; files about many people (HR rosters, advocacy
platform reports) are rewritten without their rows. Databases and logs are scrubbed row by row,
and a search of every file of the home (inside ZIP and XLSX files too, member names included, in
UTF-8 and Windows-1252) proves that none of their identifiers remains; what cannot be searched
(encrypted or damaged zip files, unreadable files) is reported with what the operator should do,
never an error. Files are changed through a temporary file renamed over them. The CLI (``relais
erase``) strings these steps together with a full refresh; this module holds the steps.
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import lzma
import os
import re
import shutil
import sqlite3
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import duckdb

from relais.privacy.pseudonym import Pseudonymiser
from relais.sources.io.files import InboxFile
from relais.sources.io.text import decode_text, strip_accents
from relais.sources.registry import several_people_kinds

TEXT_SUFFIXES = frozenset({".csv", ".txt", ".json", ".tsv"})
SEARCH_ENCODINGS = ("utf-8", "cp1252")
MAX_MEMBER_BYTES = 512 * 1024 * 1024
MAX_ZIP_DEPTH = 3
"""Zip files inside zip files are opened this deep (an XLSX in a zip is two); deeper, read as bytes."""
CHUNK_BYTES = 1024 * 1024
LOCAL_HEADER = b"PK\x03\x04"
ENCRYPTED_FLAG = 0x1


@dataclass(frozen=True)
class Person:
    """What identifies one person: agent id and key, names and e-mail addresses."""

    agent_id: str
    agent_key: str
    first_names: tuple[str, ...] = ()
    last_names: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()

    @property
    def full_names(self) -> list[str]:
        """Every "First Last" and "Last First" combination of the known names."""
        return [
            name
            for first in self.first_names
            for last in self.last_names
            for name in (f"{first} {last}", f"{last} {first}")
        ]

    def search_terms(self) -> list[str]:
        """The strings whose presence anywhere in the home is a trace of the person."""
        terms = [self.agent_key, *self.emails, *self.full_names]
        return sorted({t for t in terms if t and len(t) >= 5})


def find_person(
    agent_id: str, roster_rows: Iterable[dict[str, object]], pseudonymiser: Pseudonymiser
) -> Person:
    """The person of ``agent_id`` as the roster rows (personal fields included) describe them."""
    firsts, lasts, emails = set(), set(), set()
    for row in roster_rows:
        if str(row.get("agent_id") or "").strip() != agent_id.strip():
            continue
        if row.get("first_name"):
            firsts.add(str(row["first_name"]))
        if row.get("last_name"):
            lasts.add(str(row["last_name"]))
        if row.get("email"):
            emails.add(str(row["email"]).lower())
    return Person(
        agent_id=agent_id.strip(),
        agent_key=pseudonymiser.agent_key(agent_id),
        first_names=tuple(sorted(firsts)),
        last_names=tuple(sorted(lasts)),
        emails=tuple(sorted(emails)),
    )


def _fold(text: str) -> str:
    return " ".join(strip_accents(unicodedata.normalize("NFC", text)).lower().split())


def _compact(text: str) -> str:
    return re.sub(r"[^0-9a-z@.]+", "", _fold(text))


def cells_mention(person: Person, cells: Iterable[object]) -> bool:
    """True when a row's cells name the person: their agent id or e-mail, or first and last name."""
    folded = {_fold(str(c)) for c in cells if c is not None and str(c).strip()}
    if _fold(person.agent_id) in folded or any(e in folded for e in person.emails):
        return True
    names = {_fold(n) for n in person.full_names}
    if folded & names:
        return True
    return any(_fold(f) in folded for f in person.first_names) and any(
        _fold(last) in folded for last in person.last_names
    )


def _has_word(folded: str, word: str) -> bool:
    return bool(re.search(rf"(?<![0-9a-z]){re.escape(word)}(?![0-9a-z])", folded))


def path_mentions(person: Person, relative: str) -> bool:
    """True when a path carries the person's agent id (as a word) or full name (separators and accents
    ignored: ``Content_..._AnnLee.xlsx`` and ``AggregateAnalytics_Ann Lee_...`` both name Ann Lee), or
    their e-mail or ``agent_key``."""
    if text_mentions(person, relative):
        return True
    compact = _compact(relative)
    return any(k and k in compact for k in {_compact(n) for n in person.full_names})


def text_mentions(person: Person, text: str, with_agent_id: bool = True) -> bool:
    """True when a text holds the person's e-mail, agent key or full name, or their agent id as a word.

    Without ``with_agent_id`` the short HR identifier is not looked for: searching binary files
    (images, databases) for a word like ``A01`` finds it by chance.
    """
    folded = _fold(text)
    if any(e in folded for e in person.emails) or person.agent_key in folded:
        return True
    if with_agent_id and _has_word(folded, _fold(person.agent_id)):
        return True
    return any(_fold(name) in folded for name in person.full_names)


# --- files -------------------------------------------------------------------------------------------

NAME, TEXT, PROBLEM = "name", "text", "problem"
Reading = tuple[str, str]
"""A reading of a file: a zip member's path, a decoding of some bytes, or why some were not searched."""
ENCRYPTED_REASON = (
    "encrypted zip file: its member names were checked, their contents cannot be (a password is needed)"
)
DAMAGED_ZIP_REASON = (
    "damaged zip file (truncated or corrupt): its members cannot be listed, only its raw bytes were searched"
)
DAMAGED_MEMBER_REASON = (
    "zip file with damaged members (bad checksum or data): their contents cannot be searched"
)
UNSUPPORTED_REASON = (
    "zip file with members in an unsupported compression method: their contents cannot be searched"
)
OVERSIZED_REASON = (
    f"zip file with members over {MAX_MEMBER_BYTES // 2**20} MiB: their contents were not searched"
)
NESTED_REASON = f"zip files nested over {MAX_ZIP_DEPTH} deep: the innermost were searched as raw bytes only"
UNREADABLE_PREFIX = "cannot be read"
CHECK_BY_HAND = (
    "check it by hand (with its password, if it has one), delete it if it holds the person's data, "
    "then run relais erase again"
)
GRANT_ACCESS = "give Relais access to it (or check it by hand), then run relais erase again"
DELETE_BY_HAND = "delete it by hand, then run relais erase again"
ZIP_ERRORS: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    RuntimeError,
    NotImplementedError,
    EOFError,
    OSError,
    ValueError,
    zlib.error,
    lzma.LZMAError,
    struct.error,
)
"""What reading a damaged, encrypted or unusual zip file raises (``RuntimeError``: a password is needed)."""


@dataclass(frozen=True, order=True)
class FileProblem:
    """A file that erasure could not search or change: where, why, and what the operator should do."""

    path: Path
    reason: str
    action: str

    def note(self, root: Path) -> str:
        """The line telling the operator about it, the path relative to ``root`` when it lies beneath."""
        shown = self.path.relative_to(root) if self.path.is_relative_to(root) else self.path
        return f"{shown.as_posix()}: {self.reason}; {self.action}"


def unsearched(path: Path, reason: str) -> FileProblem:
    """The problem of a file (part of) which could not be searched, with what the operator should do."""
    return FileProblem(path, reason, GRANT_ACCESS if reason.startswith(UNREADABLE_PREFIX) else CHECK_BY_HAND)


def _decodings(data: bytes) -> Iterator[Reading]:
    for encoding in SEARCH_ENCODINGS:
        yield TEXT, data.decode(encoding, errors="ignore")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        yield TEXT, data.decode("utf-16", errors="ignore")


def _member_problem(info: zipfile.ZipInfo) -> str:
    """Why a zip member is not read, from the directory alone: encrypted, or too large; else ''."""
    if info.flag_bits & ENCRYPTED_FLAG:
        return ENCRYPTED_REASON
    return OVERSIZED_REASON if info.file_size > MAX_MEMBER_BYTES else ""


def _read_error_reason(exc: BaseException) -> str:
    """The reason given for a zip member whose reading raised ``exc``."""
    if isinstance(exc, NotImplementedError):
        return UNSUPPORTED_REASON
    return ENCRYPTED_REASON if isinstance(exc, RuntimeError) else DAMAGED_MEMBER_REASON


def _member_readings(archive: zipfile.ZipFile, info: zipfile.ZipInfo, depth: int) -> Iterator[Reading]:
    problem = _member_problem(info)
    if problem:
        yield PROBLEM, problem
        return
    try:
        data = archive.read(info)
    except ZIP_ERRORS as exc:
        yield PROBLEM, _read_error_reason(exc)
        return
    yield from _readings(data, depth + 1)


def _zip_readings(data: bytes, depth: int) -> Iterator[Reading]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except ZIP_ERRORS:
        yield PROBLEM, DAMAGED_ZIP_REASON
        yield from _decodings(data)
        return
    with archive:
        infos = archive.infolist()
        yield from ((NAME, info.filename) for info in infos)
        for info in infos:
            if not info.is_dir():
                yield from _member_readings(archive, info, depth)


def _readings(data: bytes, depth: int = 0) -> Iterator[Reading]:
    """Readings of a file's bytes: its raw decodings, or the names and readings of its members when it
    is a zip (XLSX) file; what cannot be read (encrypted, damaged members) is a problem, never an error."""
    if data[:4] != LOCAL_HEADER:
        yield from _decodings(data)
    elif depth >= MAX_ZIP_DEPTH:
        yield PROBLEM, NESTED_REASON
        yield from _decodings(data)
    else:
        yield from _zip_readings(data, depth)


def judge(
    person: Person, readings: Iterable[Reading], with_agent_id: bool = True
) -> tuple[bool, tuple[str, ...]]:
    """Whether readings mention the person (a member path naming them, a text holding their identifiers),
    and, when they do not, why some of them could not be searched."""
    problems: dict[str, None] = {}
    for kind, value in readings:
        if kind == PROBLEM:
            problems[value] = None
        elif (kind == NAME and path_mentions(person, value)) or (
            kind == TEXT and text_mentions(person, value, with_agent_id)
        ):
            return True, ()
    return False, tuple(problems)


def examine(person: Person, path: Path, with_agent_id: bool = True) -> tuple[bool, tuple[str, ...]]:
    """Whether a file mentions the person (zip and XLSX members included) and why parts of it could not
    be searched; a file that cannot be read is such a problem."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return False, (f"{UNREADABLE_PREFIX} ({exc.strerror or type(exc).__name__})",)
    return judge(person, _readings(data), with_agent_id)


def file_mentions(person: Person, path: Path, with_agent_id: bool = True) -> bool:
    """True when the file's content (ZIP/XLSX members, and their names, included) mentions the person."""
    return examine(person, path, with_agent_id)[0]


def _home_files(root: Path) -> tuple[list[Path], list[FileProblem]]:
    """Every file and symbolic link under ``root``, sorted, and the folders that could not be listed."""
    found: list[Path] = []
    problems: list[FileProblem] = []

    def unlisted(exc: OSError) -> None:
        problems.append(unsearched(Path(exc.filename or root), f"{UNREADABLE_PREFIX} ({exc.strerror})"))

    for folder, directories, files in os.walk(root, onerror=unlisted):
        here = Path(folder)
        found.extend(here / name for name in files)
        found.extend(here / name for name in directories if (here / name).is_symlink())
    return sorted(found), problems


def search_home(
    root: Path, person: Person, skip: frozenset[Path] = frozenset()
) -> tuple[list[Path], list[FileProblem]]:
    """The files under ``root`` whose path or content still mentions the person, and those that could
    not be searched whole (encrypted or damaged zip files, unreadable files and folders): paths are
    searched for the agent id, e-mails, full names and ``agent_key``, contents (zip member names
    too) for all but the agent id, symbolic links by their name only, ``skip`` not at all."""
    paths, problems = _home_files(root)
    traces = []
    for path in paths:
        if path in skip:
            continue
        if path_mentions(person, path.relative_to(root).as_posix()):
            traces.append(path)
            continue
        if path.is_symlink():
            continue
        mentions, reasons = examine(person, path, with_agent_id=False)
        if mentions:
            traces.append(path)
        problems.extend(unsearched(path, reason) for reason in reasons)
    return traces, sorted(set(problems))


def find_traces(root: Path, person: Person) -> list[Path]:
    """Every file under ``root`` whose path or content still mentions the person (see ``search_home``)."""
    return search_home(root, person)[0]


def write_atomically(path: Path, data: bytes, mode: int | None = None) -> None:
    """Replace ``path`` by ``data`` through a temporary file beside it, flushed to disk then renamed (a
    crash leaves the old file or the new one, never half of one), with permissions ``mode``, else
    those of the file it replaces (or the defaults)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666 if mode is None else mode)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is None and path.exists():
            shutil.copymode(path, temporary)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def rewrite_csv_without(path: Path, person: Person) -> int:
    """Rewrite a delimited text file without the rows naming the person; return how many were removed."""
    text, encoding = decode_text(path.read_bytes())
    lines = text.splitlines(keepends=True)
    sample = "".join(lines[:20])
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text), dialect))
    kept = [row for row in rows if not cells_mention(person, row)]
    removed = len(rows) - len(kept)
    if removed:
        out = io.StringIO()
        writer = csv.writer(
            out,
            delimiter=dialect.delimiter,
            quotechar=dialect.quotechar or '"',
            lineterminator="\r\n" if "\r\n" in sample else "\n",
        )
        writer.writerows(kept)
        bom = "\ufeff" if text.startswith("\ufeff") else ""
        body = out.getvalue()
        if bom and not body.startswith(bom):
            body = bom + body
        write_atomically(path, body.encode("utf-8" if encoding.lower().startswith("utf") else encoding))
    return removed


def rewrite_xlsx_without(path: Path, person: Person) -> int:
    """Rewrite a workbook, every sheet, without the rows naming the person; return how many were removed.

    Values are kept, formatting is not: the file is written anew with the same sheets and cells.
    """
    import fastexcel
    import xlsxwriter

    reader = fastexcel.read_excel(str(path))
    sheets: dict[str, list[list[object]]] = {}
    removed = 0
    for name in reader.sheet_names:
        frame = reader.load_sheet(name, header_row=None).to_polars()
        rows = [list(r) for r in frame.iter_rows()]
        kept = [r for r in rows if not cells_mention(person, r)]
        removed += len(rows) - len(kept)
        sheets[name] = kept
    if removed:
        temporary = path.with_name(f".{path.name}.erasing")
        workbook = xlsxwriter.Workbook(str(temporary), {"strings_to_formulas": False})
        for name, rows in sheets.items():
            sheet = workbook.add_worksheet(name)
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    if value is not None:
                        sheet.write(r, c, value)
        workbook.close()
        temporary.replace(path)
    return removed


# --- zip files of several archives ------------------------------------------------------------------

CENTRAL_HEADER = struct.Struct("<4s4B4HL2L5H2L")
END_RECORD = struct.Struct("<4s4H2LH")
ZIP64_EXTRA = 0x0001
UTF8_NAME_FLAG = 0x800
MAX_32 = 0xFFFFFFFF


def _member_spans(infos: list[zipfile.ZipInfo], directory_start: int) -> list[tuple[int, int]]:
    """Where each member's bytes (local header, data, data descriptor) start and end in the zip file."""
    starts = sorted({info.header_offset for info in infos})
    ends = dict(zip(starts, [*starts[1:], directory_start], strict=True))
    spans = [(info.header_offset, ends[info.header_offset]) for info in infos]
    if len(starts) != len(infos) or any(end <= start for start, end in spans):
        raise zipfile.BadZipFile("members share or overlap their bytes: they cannot be copied")
    return spans


def _without_zip64(extra: bytes) -> bytes:
    """A member's extra field without its ZIP64 block (sizes and offset are written in full instead)."""
    kept, index = b"", 0
    while index + 4 <= len(extra):
        kind, size = struct.unpack_from("<HH", extra, index)
        if kind != ZIP64_EXTRA:
            kept += extra[index : index + 4 + size]
        index += 4 + size
    return kept + extra[index:]


def _encoded_name(info: zipfile.ZipInfo) -> bytes:
    """A member's path as stored in its local header (UTF-8 when flagged so, else code page 437)."""
    return info.orig_filename.encode("utf-8" if info.flag_bits & UTF8_NAME_FLAG else "cp437")


def _central_record(info: zipfile.ZipInfo, offset: int) -> bytes:
    """A member's central directory record, its local header now at ``offset`` of the new file."""
    if max(info.compress_size, info.file_size, offset) >= MAX_32:
        raise zipfile.LargeZipFile("a member needs ZIP64 sizes: not rewritten")
    name, extra = _encoded_name(info), _without_zip64(info.extra)
    year, month, day, hour, minute, second = info.date_time
    return (
        CENTRAL_HEADER.pack(
            b"PK\x01\x02",
            info.create_version,
            info.create_system,
            info.extract_version,
            info.reserved,
            info.flag_bits,
            info.compress_type,
            hour << 11 | minute << 5 | second // 2,
            (year - 1980) << 9 | month << 5 | day,
            info.CRC,
            info.compress_size,
            info.file_size,
            len(name),
            len(extra),
            len(info.comment),
            0,
            info.internal_attr,
            info.external_attr,
            offset,
        )
        + name
        + extra
        + info.comment
    )


def _end_record(count: int, size: int, offset: int, comment: bytes) -> bytes:
    """The end-of-central-directory record of a zip file of ``count`` members."""
    if count > 0xFFFF or offset >= MAX_32:
        raise zipfile.LargeZipFile("too many members or bytes for a plain zip file: not rewritten")
    return END_RECORD.pack(b"PK\x05\x06", 0, 0, count, count, size, offset, len(comment)) + comment


def _copy_span(source: BinaryIO, target: BinaryIO, start: int, end: int) -> None:
    """Copy the bytes ``start:end`` of ``source`` to ``target`` in chunks; they must begin a member."""
    source.seek(start)
    if source.read(4) != LOCAL_HEADER:
        raise zipfile.BadZipFile("a member does not start where the directory says")
    target.write(LOCAL_HEADER)
    left = end - start - 4
    while left > 0:
        chunk = source.read(min(left, CHUNK_BYTES))
        if not chunk:
            raise zipfile.BadZipFile("the zip file ends inside a member")
        target.write(chunk)
        left -= len(chunk)


def _write_zip_copy(
    source: BinaryIO, kept: list[tuple[zipfile.ZipInfo, tuple[int, int]]], comment: bytes, target: Path
) -> None:
    """Write to ``target`` a zip file of the ``kept`` members of ``source``, copied byte for byte."""
    records = []
    with target.open("wb") as out:
        for info, (start, end) in kept:
            records.append(_central_record(info, out.tell()))
            _copy_span(source, out, start, end)
        directory = b"".join(records)
        out.write(directory + _end_record(len(records), len(directory), out.tell(), comment))
        out.flush()
        os.fsync(out.fileno())


def _same_members(path: Path, kept: list[zipfile.ZipInfo]) -> bool:
    """True when the zip file at ``path`` lists exactly the ``kept`` members, with their checksums."""
    with zipfile.ZipFile(path) as archive:
        found = [(i.filename, i.CRC, i.file_size) for i in archive.infolist()]
    return found == [(i.filename, i.CRC, i.file_size) for i in kept]


def rewrite_zip_without(path: Path, names: set[str]) -> int:
    """Rewrite a zip file without the members named ``names``; return how many members were removed.
    The others are copied byte for byte, compressed (or encrypted) as they were, so their contents
    are unchanged and no password is needed; the new file is written beside the old one, checked,
    and renamed over it."""
    with zipfile.ZipFile(path) as archive, path.open("rb") as source:
        infos = archive.infolist()
        kept = [
            (info, span)
            for info, span in zip(infos, _member_spans(infos, archive.start_dir), strict=True)
            if info.filename not in names
        ]
        if len(kept) == len(infos):
            return 0
        temporary = path.with_name(f".{path.name}.erasing")
        try:
            _write_zip_copy(source, kept, archive.comment, temporary)
            if not _same_members(temporary, [info for info, _ in kept]):
                raise zipfile.BadZipFile("the rewritten zip file does not list the members kept")
            shutil.copymode(path, temporary)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
    os.replace(temporary, path)
    return len(infos) - len(kept)


def _unit_of(name: str, roots: list[str]) -> str:
    """The archive folder of the zip a member belongs to (the deepest root above it), or '' for the rest."""
    above = [root for root in roots if name.rstrip("/") == root or name.startswith(f"{root}/")]
    return max(above, key=len, default="")


def _locked_folders(infos: list[zipfile.ZipInfo]) -> list[str]:
    """The top folders of an encrypted zip whose members all sit in two or more of them (one archive
    each, read by name since their contents cannot be), else none: the zip is one archive."""
    if not any(info.flag_bits & ENCRYPTED_FLAG for info in infos):
        return []
    names = [info.filename for info in infos]
    if any("/" not in name for name in names):
        return []
    tops = sorted({name.split("/", 1)[0] for name in names})
    return tops if len(tops) >= 2 else []


def _unit_mentions(archive: zipfile.ZipFile, unit: str, infos: list[zipfile.ZipInfo], person: Person) -> bool:
    """True when one archive of a zip names the person: its folder, a member path, or a member's content."""
    if unit and path_mentions(person, unit):
        return True
    names: list[Reading] = [(NAME, info.filename) for info in infos]
    contents = (r for info in infos if not info.is_dir() for r in _member_readings(archive, info, 0))
    return judge(person, itertools.chain(names, contents))[0]


def doomed_members(path: Path, roots: list[str], person: Person) -> tuple[set[str], int]:
    """The members of a zip file that are the person's, and how many distinct members it has.
    ``roots`` are the folders of the archives the zip holds, one per person (``scan_inbox`` splits
    a zip of several archives so); without them the zip is one archive, except an encrypted zip
    whose members all sit in two or more top folders. An archive is the person's when its folder,
    a member path or a readable member's content names them; it then goes whole, folder entries too."""
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        roots = roots or _locked_folders(infos)
        units: dict[str, list[zipfile.ZipInfo]] = {}
        for info in infos:
            units.setdefault(_unit_of(info.filename, roots), []).append(info)
        doomed = {
            info.filename
            for unit, members in units.items()
            if _unit_mentions(archive, unit, members, person)
            for info in members
        }
    return doomed, len({info.filename for info in infos})


# --- the inbox -------------------------------------------------------------------------------------


@dataclass
class InboxErasure:
    """What erasure did to the inbox, and the files of the person it could not delete or rewrite."""

    deleted: list[str] = field(default_factory=list)
    rewritten: dict[str, int] = field(default_factory=dict)
    members_removed: dict[str, int] = field(default_factory=dict)
    problems: list[FileProblem] = field(default_factory=list)


def zip_file_of(inbox: Path, container: str) -> str:
    """The zip file of a zip container, ``x.zip`` or ``x.zip!folder`` (a file name may hold ``!`` too)."""
    parts = container.split("!")
    for count in range(len(parts), 0, -1):
        candidate = "!".join(parts[:count])
        if (inbox / candidate).is_file():
            return candidate
    return container


def split_roots(relative: str, items: Iterable[InboxFile]) -> list[str]:
    """The archive folders ``scan_inbox`` found in the zip file ``relative`` (containers ``zip!folder``)."""
    prefix = f"{relative}!"
    return sorted({i.container[len(prefix) :] for i in items if i.container.startswith(prefix)})


def _group(
    inbox: Path, items: list[InboxFile]
) -> tuple[dict[str, list[InboxFile]], dict[str, list[InboxFile]]]:
    """The inbox's items by zip file, and the others by container (an unpacked folder, or the file)."""
    zips: dict[str, list[InboxFile]] = {}
    others: dict[str, list[InboxFile]] = {}
    for item in items:
        if item.container_type == "zip":
            zips.setdefault(zip_file_of(inbox, item.container), []).append(item)
        else:
            others.setdefault(item.container or item.path, []).append(item)
    return zips, others


def _delete(inbox: Path, path: Path, result: InboxErasure) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        return
    except OSError as exc:
        reason = f"a file of the person that cannot be deleted ({exc.strerror})"
        result.problems.append(FileProblem(path, reason, DELETE_BY_HAND))
        return
    result.deleted.append(path.relative_to(inbox).as_posix())


def _erase_in_zip(
    inbox: Path, relative: str, items: list[InboxFile], person: Person, result: InboxErasure
) -> None:
    """Delete a zip file of the person's, or rewrite a zip of several archives without theirs."""
    path = inbox / relative
    if path.is_symlink() or not path.is_file():
        return
    if path_mentions(person, relative):
        _delete(inbox, path, result)
        return
    try:
        doomed, total = doomed_members(path, split_roots(relative, items), person)
    except ZIP_ERRORS:
        if file_mentions(person, path):
            _delete(inbox, path, result)
        return
    if doomed and len(doomed) == total:
        _delete(inbox, path, result)
    elif doomed:
        try:
            result.members_removed[relative] = rewrite_zip_without(path, doomed)
        except ZIP_ERRORS as exc:
            reason = (
                f"holds the person's archive among others' and cannot be rewritten ({type(exc).__name__})"
            )
            action = "remove their folder from the zip by hand, then run relais erase again"
            result.problems.append(FileProblem(path, reason, action))


def _rewrite_shared(inbox: Path, path: Path, person: Person, result: InboxErasure) -> None:
    """Rewrite a roster or advocacy report without the person's rows (or say why it cannot be)."""
    suffix = path.suffix.lower()
    action = "remove their rows by hand (or save it as XLSX or CSV), then run relais erase again"
    if suffix in {".xls", ".ods"}:
        if file_mentions(person, path):
            reason = f"lists the person among others, and {suffix} files are not rewritten"
            result.problems.append(FileProblem(path, reason, action))
        return
    try:
        xlsx = suffix in {".xlsx", ".xlsm"}
        removed = rewrite_xlsx_without(path, person) if xlsx else rewrite_csv_without(path, person)
    except Exception as exc:
        reason = f"lists the person among others and cannot be rewritten ({type(exc).__name__})"
        result.problems.append(FileProblem(path, reason, action))
        return
    if removed:
        result.rewritten[path.relative_to(inbox).as_posix()] = removed


def _erase_container(
    inbox: Path, container: str, items: list[InboxFile], person: Person, result: InboxErasure
) -> None:
    """Rewrite a shared file, or delete an unpacked archive or a file when it mentions the person."""
    paths = [p for p in (inbox / i.path for i in items) if p.is_symlink() or p.is_file()]
    if not paths:
        return
    first = items[0]
    if first.container_type == "file" and first.kind in several_people_kinds() and not paths[0].is_symlink():
        _rewrite_shared(inbox, paths[0], person, result)
    elif path_mentions(person, container) or any(
        not p.is_symlink() and file_mentions(person, p) for p in paths
    ):
        for path in paths:
            _delete(inbox, path, result)


def _erase_named_folders(inbox: Path, person: Person, result: InboxErasure) -> None:
    """Delete what is left in folders named after the person, then every folder left empty."""
    for folder, directories, files in os.walk(inbox, topdown=False):
        here = Path(folder)
        if here == inbox:
            continue
        if path_mentions(person, here.relative_to(inbox).as_posix()):
            links = [d for d in directories if (here / d).is_symlink()]
            for name in sorted([*files, *links]):
                _delete(inbox, here / name, result)
        with contextlib.suppress(OSError):
            if not any(here.iterdir()):
                here.rmdir()


def erase_from_inbox(inbox: Path, items: list[InboxFile], person: Person) -> InboxErasure:
    """Delete the person's own files from the inbox and rewrite the shared ones without their rows.
    An archive (ZIP or unpacked folder) goes whole when any of its files, or its name, mentions the
    person; a zip of several archives is rewritten without theirs; an HR roster or advocacy report
    loses the rows naming them; any other file mentioning them (a quarantined copy, an API answer)
    is deleted. Files that cannot be read are skipped, never an error; files of the person that
    cannot be deleted or rewritten are listed in ``problems``."""
    result = InboxErasure()
    zips, others = _group(inbox, items)
    for relative, members in sorted(zips.items()):
        _erase_in_zip(inbox, relative, members, person, result)
    for container, members in sorted(others.items()):
        _erase_container(inbox, container, members, person, result)
    _erase_named_folders(inbox, person, result)
    return result


# --- databases and logs ------------------------------------------------------------------------------


def scrub_duckdb(con: duckdb.DuckDBPyConnection, person: Person) -> int:
    """Delete, from every table of the database, the rows whose text cells mention the person."""
    terms = [f"%{t.lower()}%" for t in [*person.search_terms(), person.agent_id]]
    tables = con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database()"
    ).fetchall()
    removed = 0
    for schema, table in tables:
        columns = [
            r[0]
            for r in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() "
                "AND schema_name = ? AND table_name = ? AND data_type NOT IN "
                "('BIGINT','INTEGER','DOUBLE','FLOAT','BOOLEAN','DATE','TIMESTAMP','SMALLINT','TINYINT',"
                "'HUGEINT','DECIMAL','TIMESTAMP WITH TIME ZONE','UBIGINT')",
                [schema, table],
            ).fetchall()
        ]
        if not columns:
            continue
        where = " OR ".join(f'lower(CAST("{c}" AS VARCHAR)) LIKE ?' for c in columns for _ in terms)
        params = [t for _ in columns for t in terms]
        target = f'"{schema}"."{table}"'
        count = con.execute(f"SELECT count(*) FROM {target} WHERE {where}", params).fetchall()[0][0]
        if count:
            con.execute(f"DELETE FROM {target} WHERE {where}", params)
            removed += count
    return removed


def scrub_sqlite(path: Path, person: Person) -> int:
    """Delete, from every table of a SQLite file (Dagster's run and event storage), the rows mentioning
    the person, then vacuum so no freed page keeps them; return how many rows were removed."""
    terms = [f"%{t.lower()}%" for t in [*person.search_terms(), person.agent_id]]
    removed = 0
    with sqlite3.connect(path) as con:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            columns = [r[1] for r in con.execute(f'PRAGMA table_info("{table}")')]
            if not columns:
                continue
            where = " OR ".join(f'lower(CAST("{c}" AS TEXT)) LIKE ?' for c in columns for _ in terms)
            params = [t for _ in columns for t in terms]
            cursor = con.execute(f'DELETE FROM "{table}" WHERE {where}', params)
            removed += max(cursor.rowcount, 0)
    with sqlite3.connect(path) as con:
        con.execute("VACUUM")
    return removed


def scrub_text_file(path: Path, person: Person) -> int:
    """Replace the lines of a log file that mention the person; return how many were replaced."""
    text = path.read_text(encoding="utf-8", errors="replace")
    lines = text.splitlines(keepends=True)
    replaced = 0
    for i, line in enumerate(lines):
        if text_mentions(person, line) or path_mentions(person, line):
            lines[i] = "[line removed by relais erase]\n"
            replaced += 1
    if replaced:
        write_atomically(path, "".join(lines).encode("utf-8"))
    return replaced


def _scrub_dagster_file(path: Path, person: Person) -> int:
    """Scrub one file of Dagster's storage: a SQLite database, or a log; others are left as they are."""
    with path.open("rb") as handle:
        head = handle.read(16)
    if head == b"SQLite format 3\x00":
        return scrub_sqlite(path, person)
    if path.suffix in {".out", ".err", ".log", ".complete", ".txt"} or "compute_logs" in path.parts:
        return scrub_text_file(path, person)
    return 0


def scrub_dagster_storage(folder: Path, person: Person) -> int:
    """Scrub Dagster's SQLite storage and compute logs under ``folder``; return rows and lines removed.

    A file that cannot be read or changed (a database locked by a running daemon, a damaged one) is
    skipped: the final search of the home still finds what it holds about the person.
    """
    removed = 0
    if not folder.is_dir():
        return 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()):
        try:
            removed += _scrub_dagster_file(path, person)
        except (OSError, sqlite3.Error):
            continue
    return removed
