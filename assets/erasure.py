"""The right to erasure: finding every trace of one person in a home, removing it, and proving it is gone.

A person is identified by their HR agent id; the roster files of the inbox give their names and
e-mail, the pseudonymiser their ``agent_key``. Files that are theirs alone (LinkedIn archives,
analytics exports named after them, API answers about them) are deleted; files about many people
(HR rosters, advocacy platform reports) are rewritten without their rows. Databases and logs are
scrubbed row by row, and a search of every file of the home (inside ZIP and XLSX files too, in
UTF-8 and Windows-1252) proves that none of their identifiers remains. The CLI (``relais erase``)
strings these steps together with a full refresh; this module holds the steps.
"""

from __future__ import annotations

import csv
import io
import re
import sqlite3
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from assets.inbox import InboxFile
from assets.pseudonym import Pseudonymiser
from assets.textio import decode_text, strip_accents

MULTI_PERSON_KINDS = frozenset({"hr_roster", "everyonesocial_users", "firstup_sources"})
"""Inbox kinds listing many people: rewritten without the person's rows instead of deleted."""
TEXT_SUFFIXES = frozenset({".csv", ".txt", ".json", ".tsv"})
SEARCH_ENCODINGS = ("utf-8", "cp1252")
MAX_MEMBER_BYTES = 512 * 1024 * 1024


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
    ignored: ``Content_..._AnnLee.xlsx`` and ``AggregateAnalytics_Ann Lee_...`` both name Ann Lee)."""
    if _has_word(_fold(relative), _fold(person.agent_id)):
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


def _zip_texts(data: bytes) -> Iterator[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            if info.is_dir() or info.file_size > MAX_MEMBER_BYTES:
                continue
            yield from _texts(archive.read(info), info.filename)


def _texts(data: bytes, name: str) -> Iterator[str]:
    """Readings of a file's bytes as text: the raw decodings, and each member of a ZIP (XLSX) file."""
    if data[:4] == b"PK\x03\x04":
        try:
            yield from _zip_texts(data)
            return
        except zipfile.BadZipFile:
            pass
    for encoding in SEARCH_ENCODINGS:
        yield data.decode(encoding, errors="ignore")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        yield data.decode("utf-16", errors="ignore")


def file_mentions(person: Person, path: Path, with_agent_id: bool = True) -> bool:
    """True when the file's content (members of ZIP/XLSX files included) mentions the person."""
    try:
        data = path.read_bytes()
    except OSError:
        return False
    return any(text_mentions(person, text, with_agent_id) for text in _texts(data, path.name))


def find_traces(root: Path, person: Person) -> list[Path]:
    """Every file under ``root`` whose path or content still mentions the person.

    Contents are searched for the e-mails, full names and ``agent_key``; paths for those and the
    agent id too.
    """
    found = []
    for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink()):
        if path_mentions(person, str(path.relative_to(root))) or file_mentions(person, path, False):
            found.append(path)
    return found


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
        path.write_bytes(body.encode("utf-8" if encoding.lower().startswith("utf") else encoding))
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


@dataclass
class InboxErasure:
    """What erasure did to the inbox."""

    deleted: list[str] = field(default_factory=list)
    rewritten: dict[str, int] = field(default_factory=dict)


def _files_of(inbox: Path, members: list[InboxFile]) -> list[Path]:
    """The files on disk behind one container: the ZIP file, the folder's files, or the file itself."""
    first = members[0]
    if first.container_type == "zip":
        return [inbox / first.container]
    return [inbox / m.path for m in members]


def erase_from_inbox(inbox: Path, items: list[InboxFile], person: Person) -> InboxErasure:
    """Delete the person's own files from the inbox and rewrite the shared ones without their rows.

    An archive (ZIP or unpacked folder) goes whole when any of its files, or its name, mentions the
    person; an HR roster or advocacy report loses the rows naming them; any other file mentioning
    them (a quarantined copy, an API answer) is deleted.
    """
    result = InboxErasure()
    containers: dict[str, list[InboxFile]] = {}
    for item in items:
        containers.setdefault(item.container or item.path, []).append(item)
    for container, members in sorted(containers.items()):
        paths = [p for p in _files_of(inbox, members) if p.is_file()]
        if not paths:
            continue
        standalone = members[0].container_type == "file"
        if standalone and members[0].kind in MULTI_PERSON_KINDS:
            path = paths[0]
            removed = (
                rewrite_xlsx_without(path, person)
                if path.suffix.lower() in {".xlsx", ".xlsm"}
                else rewrite_csv_without(path, person)
            )
            if removed:
                result.rewritten[container] = removed
            continue
        if path_mentions(person, container) or any(file_mentions(person, p) for p in paths):
            for path in paths:
                path.unlink()
                result.deleted.append(str(path.relative_to(inbox)))
    for folder in sorted((p for p in inbox.rglob("*") if p.is_dir()), reverse=True):
        if path_mentions(person, str(folder.relative_to(inbox))):
            for leftover in sorted(folder.rglob("*")):
                if leftover.is_file():
                    leftover.unlink()
                    result.deleted.append(str(leftover.relative_to(inbox)))
        if folder.exists() and not any(folder.iterdir()):
            folder.rmdir()
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
        path.write_text("".join(lines), encoding="utf-8")
    return replaced


def scrub_dagster_storage(folder: Path, person: Person) -> int:
    """Scrub Dagster's SQLite storage and compute logs under ``folder``; return rows and lines removed."""
    removed = 0
    if not folder.is_dir():
        return 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.read_bytes()[:16] == b"SQLite format 3\x00":
            removed += scrub_sqlite(path, person)
        elif path.suffix in {".out", ".err", ".log", ".complete", ".txt"} or "compute_logs" in path.parts:
            removed += scrub_text_file(path, person)
    return removed
