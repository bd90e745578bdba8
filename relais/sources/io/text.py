"""Reading the text files people export: encodings, delimiters, headers and CSV records.

HR systems write UTF-8 with or without a BOM, Windows-1252, or UTF-16 (Excel's "Unicode text");
LinkedIn writes UTF-8 with LF or CRLF, sometimes both in one archive. These helpers decode bytes,
guess the delimiter from the header line (comma, semicolon, tab or pipe), normalise header names so
columns are matched by name (case, accents, spaces and punctuation ignored), and yield CSV records
with the physical line on which each one starts, so that every error can name its file and row. A
NUL byte (``\x00``) never belongs in a text export: the record holding one is reported as damaged
(its lines get no say in the file's encoding) and the rest of the file is read.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

csv.field_size_limit(64 * 1024 * 1024)


UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
MISREAD_BOM = UTF8_BOM.decode("cp1252")
"""A UTF-8 byte-order mark read as Windows-1252 (``ï»¿``): a BOM written before Windows-1252 text."""
NUL = "\x00"
"""The NUL character: never in a text export, the mark of a damaged file or of a tool writing binary."""


def nul_byte_reason(lines: int = 1) -> str:
    """Why a record holding a NUL byte is quarantined; ``lines`` is how many lines the record spans."""
    where = "the line" if lines <= 1 else f"this row (a quoted text over {lines} lines)"
    return (
        f"NUL byte (\\x00) in {where}: the file was damaged or edited by a tool that writes binary; "
        "the rest of the file was read"
    )


def _decodes_as_utf8(data: bytes, cut: bool) -> bool:
    """True when ``data`` is UTF-8; with ``cut``, a last character cut short is allowed."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return cut and exc.start >= len(data) - 3
    return True


def _utf8_despite_nul(data: bytes, cut: bool) -> bool:
    """True when bytes holding a NUL byte are UTF-8 but for their damaged part: their lines free of NUL
    bytes are UTF-8, or the lines before the first NUL byte are UTF-8 with a non-ASCII character (a
    file ending in binary garbage); lines holding a NUL byte are quarantined when read."""
    first = data.find(b"\x00")
    if first < 0:
        return False
    undamaged = b"\n".join(line for line in data.split(b"\n") if b"\x00" not in line)
    if _decodes_as_utf8(undamaged, cut):
        return True
    before = data[: data.rfind(b"\n", 0, first) + 1]
    return not before.isascii() and _decodes_as_utf8(before, cut=False)


def detect_encoding(head: bytes) -> str:
    """The encoding to read a file with, from its first bytes.

    ``utf-16`` when they start with a UTF-16 byte-order mark (Excel's "Unicode text"),
    ``utf-8-sig`` when they decode as UTF-8 (a cut last character allowed, a damaged part holding NUL
    bytes set aside: its lines are quarantined), else ``cp1252``.
    """
    if head.startswith(UTF16_BOMS):
        return "utf-16"
    utf8 = _decodes_as_utf8(head, cut=True) or _utf8_despite_nul(head, cut=True)
    return "utf-8-sig" if utf8 else "cp1252"


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode bytes as UTF-16 (with its BOM), UTF-8 (BOM stripped) or else Windows-1252.

    Returns the text and the encoding used. A UTF-8 BOM in front of Windows-1252 text (a file
    converted twice) is dropped rather than read as ``ï»¿``. A damaged part holding NUL bytes does
    not decide the encoding: UTF-8 text ending in binary garbage stays UTF-8 (bad bytes replaced).
    """
    if data.startswith(UTF16_BOMS):
        even = data[: len(data) - len(data) % 2]
        return even.decode("utf-16", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        if _utf8_despite_nul(data, cut=False):
            return data.decode("utf-8-sig", errors="replace"), "utf-8"
    body = data[len(UTF8_BOM) :] if data.startswith(UTF8_BOM) else data
    return body.decode("cp1252", errors="replace"), "cp1252"


def strip_accents(text: str) -> str:
    """Remove diacritics: ``Prénom`` becomes ``Prenom``."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=65536)
def normalise_header(name: str) -> str:
    """Canonical form of a column name: lower case, no accents, words joined by underscores."""
    folded = strip_accents(name.replace("\ufeff", "").replace(MISREAD_BOM, "")).strip().lower()
    return re.sub(r"[^0-9a-z]+", "_", folded).strip("_")


DELIMITERS = (",", ";", "\t", "|")
"""The delimiters exports use: comma, semicolon (French Excel), tab and pipe (HR systems)."""


def sniff_delimiter(header_line: str) -> str:
    """Pick the delimiter of a header line among comma, semicolon, tab and pipe (the most frequent wins)."""
    counts = {delimiter: header_line.count(delimiter) for delimiter in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def delimiter_name(delimiter: str) -> str:
    """How a delimiter is named in a message: ``','``, ``';'``, ``tab``, ``'|'``."""
    return "tab" if delimiter == "\t" else f"'{delimiter}'"


def other_delimiter(fields: list[str], delimiter: str, expected: int) -> str | None:
    """The delimiter a short row really uses, when it is not the header's.

    A row read as too few fields whose text splits, on another known delimiter, into at least the
    header's number of fields was written with that delimiter (part of a file re-saved with
    another one); None when no other delimiter explains it.
    """
    text = delimiter.join(fields)
    for candidate in DELIMITERS:
        if candidate != delimiter and text.count(candidate) + 1 >= expected:
            return candidate
    return None


@dataclass(frozen=True)
class Record:
    """One CSV record: its fields and the 1-based physical lines of the file it spans.

    ``error`` is set, and ``fields`` empty, when the record cannot be read: its quoting is broken
    (reading then resumes on the line after the one where that record started), or it holds a NUL
    byte (reading goes on after the record).
    """

    fields: list[str]
    first_line: int
    last_line: int
    error: str = ""


class _LineFeed:
    """Lines handed to the CSV reader, remembered since the start of the current record.

    ``nul`` tells whether one of those lines holds a NUL byte.
    """

    def __init__(self, lines: Iterator[str]) -> None:
        self.lines = lines
        self.since_record: list[str] = []
        self.nul = False

    def next_record(self) -> None:
        """Forget the lines of the record just read."""
        self.since_record.clear()
        self.nul = False

    def __iter__(self) -> _LineFeed:
        return self

    def __next__(self) -> str:
        if len(self.since_record) >= MAX_RECORD_LINES:
            raise RecordTooLong(f"a quoted field runs over more than {MAX_RECORD_LINES} lines")
        line = next(self.lines)
        self.since_record.append(line)
        if NUL in line:
            self.nul = True
        return line


MAX_RECORD_LINES = 10_000


class RecordTooLong(Exception):
    """One record spans more lines than any real export does: its quoting is broken."""


def iter_records(
    source: str | Iterable[str], delimiter: str = ",", backslash_escapes: bool = False
) -> Iterator[Record]:
    """Yield the CSV records of a text, or of an iterable of its lines, with the lines each spans.

    Lines are consumed as they come, so a file of any size is read in bounded memory. With
    ``backslash_escapes`` a ``\\"`` inside a quoted field stands for a quote (LinkedIn's
    Comments.csv) while doubled quotes keep working. Blank lines yield records with no fields. A
    record whose quoting is broken (a quote left open swallows what follows) yields an error record
    for the line where it started, and the lines after that line are read again on their own. A
    record holding a NUL byte yields an error record (``nul_byte_reason``) and reading goes on.

    A text, or a list of lines, free of NUL bytes is read straight by the CSV reader (no Python
    code per line) until a record is broken or longer than ``MAX_RECORD_LINES``; the line-by-line
    reading takes over from that record on, so both give the same records.
    """
    if isinstance(source, str):
        source = io.StringIO(source, newline="").readlines()
    if isinstance(source, list) and not any(NUL in line for line in source):
        return _whole_records(source, delimiter, backslash_escapes)
    return _records(source, delimiter, backslash_escapes)


def _reader(lines: Iterable[str], delimiter: str, backslash_escapes: bool) -> Any:
    return csv.reader(
        lines,
        delimiter=delimiter,
        quotechar='"',
        doublequote=True,
        escapechar="\\" if backslash_escapes else None,
        strict=True,
    )


def _whole_records(lines: list[str], delimiter: str, backslash_escapes: bool) -> Iterator[Record]:
    """The records of lines held in memory, free of NUL bytes, read by the CSV reader alone until one
    is broken or too long; from that record on, ``_records`` reads them line by line."""
    reader = _reader(lines, delimiter, backslash_escapes)
    previous = 0
    try:
        for fields in reader:
            if reader.line_num - previous > MAX_RECORD_LINES:
                break
            yield Record(fields, previous + 1, reader.line_num)
            previous = reader.line_num
        else:
            return
    except csv.Error:
        pass
    yield from _records(lines[previous:], delimiter, backslash_escapes, offset=previous)


def _records(
    source: Iterable[str], delimiter: str, backslash_escapes: bool, offset: int = 0
) -> Iterator[Record]:
    """The records of lines read one at a time (see ``iter_records``), numbered from ``offset`` + 1."""
    lines: Iterator[str] = iter(source)
    replay: list[str] = []
    while True:
        feed = _LineFeed(itertools.chain(replay, lines))
        reader = _reader(feed, delimiter, backslash_escapes)
        previous = 0
        try:
            for fields in reader:
                first, last = offset + previous + 1, offset + reader.line_num
                if feed.nul:
                    yield Record([], first, last, nul_byte_reason(last - first + 1))
                else:
                    yield Record(fields, first, last)
                previous = reader.line_num
                feed.next_record()
            return
        except (csv.Error, RecordTooLong) as exc:
            broken = offset + previous + 1
            reason = f"broken quoting: a quote opened on this row is not closed where it should be ({exc})"
            yield Record([], broken, offset + max(reader.line_num, previous + 1), reason)
            replay = feed.since_record[1:]
            offset = broken
