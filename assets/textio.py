"""Reading the text files people export: encodings, delimiters, headers and CSV records.

HR systems write UTF-8 with or without a BOM, or Windows-1252; LinkedIn writes UTF-8 with LF or
CRLF, sometimes both in one archive. These helpers decode bytes, guess the delimiter from the header
line, normalise header names so columns are matched by name (case, accents, spaces and punctuation
ignored), and yield CSV records with the physical line on which each one starts, so that every
error can name its file and row.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

csv.field_size_limit(64 * 1024 * 1024)


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode bytes as UTF-8 (BOM stripped) or, failing that, Windows-1252; return text and encoding."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def strip_accents(text: str) -> str:
    """Remove diacritics: ``Prénom`` becomes ``Prenom``."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalise_header(name: str) -> str:
    """Canonical form of a column name: lower case, no accents, words joined by underscores."""
    folded = strip_accents(name.replace("\ufeff", "")).strip().lower()
    return re.sub(r"[^0-9a-z]+", "_", folded).strip("_")


def sniff_delimiter(header_line: str) -> str:
    """Pick the delimiter of a header line among comma, semicolon and tab (the most frequent wins)."""
    counts = {delimiter: header_line.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


@dataclass(frozen=True)
class Record:
    """One CSV record: its fields and the 1-based physical lines of the file it spans.

    ``error`` is set, and ``fields`` empty, when the record's quoting is broken; reading then
    resumes on the line after the one where that record started.
    """

    fields: list[str]
    first_line: int
    last_line: int
    error: str = ""


def iter_records(text: str, delimiter: str = ",", backslash_escapes: bool = False) -> Iterator[Record]:
    """Yield the CSV records of a text with the physical lines each spans.

    With ``backslash_escapes`` a ``\\"`` inside a quoted field stands for a quote (LinkedIn's
    Comments.csv) while doubled quotes keep working. Blank lines yield records with no fields. A
    quote left open (which would swallow the rest of the file) yields an error record for the
    line where it opened, and the lines after it are read again on their own.
    """
    line_offset = 0
    while True:
        reader = csv.reader(
            io.StringIO(text, newline=""),
            delimiter=delimiter,
            quotechar='"',
            doublequote=True,
            escapechar="\\" if backslash_escapes else None,
            strict=True,
        )
        previous = 0
        try:
            for fields in reader:
                yield Record(fields, line_offset + previous + 1, line_offset + reader.line_num)
                previous = reader.line_num
            return
        except csv.Error as exc:
            broken = line_offset + previous + 1
            yield Record(
                [], broken, line_offset + max(reader.line_num, previous + 1), f"broken quoting ({exc})"
            )
            text = _after_line(text, previous + 1)
            line_offset = broken
            if not text:
                return


def _after_line(text: str, line: int) -> str:
    """The text after its first ``line`` physical lines."""
    position = 0
    for _ in range(line):
        found = text.find("\n", position)
        if found < 0:
            return ""
        position = found + 1
    return text[position:]
