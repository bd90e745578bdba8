"""Finding and recognising the files dropped in the inbox, wherever they sit.

Every file under ``inbox/`` is recognised by its content, never by its place: CSV files by their
header line (an HR roster, or a member of a LinkedIn archive), spreadsheets by their sheet names
(a Page content export, in today's or the older layout), zip files by the archive members inside.
A folder holding LinkedIn archive files is an unpacked archive, and the CSV files beneath it
belong to it. What nobody recognises is listed with the reason, so that it can be quarantined.
"""

from __future__ import annotations

import hashlib
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from assets.advocacy import ADVOCACY_SPECS
from assets.linkedin_api.files import is_api_envelope
from assets.linkedin_archive import ANCHOR_KINDS, candidate_header_lines, classify_member
from assets.roster import ROSTER
from assets.tables import header_matches
from assets.textio import decode_text
from assets.workbooks import detect_workbook

HEAD_BYTES = 64 * 1024
MAX_MEMBER_BYTES = 512 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
SYSTEM = "system"
DUPLICATE = "duplicate"
SYMLINK_REASON = "symbolic link: not followed (it could point outside the inbox)"
SYSTEM_REASON = "hidden or system file (editor lock, .DS_Store, __MACOSX): not an export, left unread"


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


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in chunks so large files stay out of memory."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def classify_csv(name: str, head: bytes) -> str:
    """The kind of a delimited text file from its first bytes: roster, advocacy, ``li_*`` or ``unknown``."""
    text, _ = decode_text(head)
    candidates = list(candidate_header_lines(text, limit=5))
    if any(header_matches(fields, ROSTER) for fields in candidates):
        return "hr_roster"
    for spec in ADVOCACY_SPECS:
        if any(header_matches(fields, spec) for fields in candidates):
            return spec.kind
    spec = classify_member(name, text)
    return spec.kind if spec else "unknown"


def classify_spreadsheet(path: Path) -> tuple[str, str]:
    """The kind of a spreadsheet from its sheet names and first cells (see ``assets.workbooks``)."""
    kind, reason = detect_workbook(path)
    return kind, ("" if kind != "unknown" else reason)


def inbox_paths(inbox: Path) -> list[Path]:
    """Every file and symbolic link under ``inbox``, sorted; symbolic links to folders are not entered."""
    paths: list[Path] = []
    for folder, directories, files in os.walk(inbox, followlinks=False):
        here = Path(folder)
        paths.extend(here / name for name in files)
        paths.extend(here / name for name in directories if (here / name).is_symlink())
    return sorted(paths)


def scan_inbox(inbox: Path) -> list[InboxFile]:
    """Recognise every file under ``inbox``.

    Hidden and system files are listed as such and not read; symbolic links are listed and never
    followed (they could point outside the inbox); a file whose content is byte for byte that of a
    file already listed (a re-dropped export) is listed as a duplicate and read once.
    """
    if not inbox.exists():
        return []
    found: list[InboxFile] = []
    loose_csv: list[tuple[Path, str, InboxFile]] = []
    first_with: dict[str, str] = {}
    for path in inbox_paths(inbox):
        relative = path.relative_to(inbox).as_posix()
        if path.is_symlink():
            found.append(InboxFile(relative, relative, "file", "unknown", SYMLINK_REASON, "", 0, 0.0))
            continue
        stat = path.stat()
        base = {"sha256": file_sha256(path), "size_bytes": stat.st_size, "modified_at": stat.st_mtime}
        suffix = path.suffix.lower()
        original = first_with.setdefault(base["sha256"], relative) if stat.st_size else relative
        if _hidden(path.relative_to(inbox)):
            found.append(InboxFile(relative, relative, "file", SYSTEM, SYSTEM_REASON, **base))
        elif original != relative and (suffix in SPREADSHEET_SUFFIXES or zipfile.is_zipfile(path)):
            found.append(
                InboxFile(relative, relative, "file", DUPLICATE, f"same content as {original}", **base)
            )
        elif zipfile.is_zipfile(path) and suffix not in SPREADSHEET_SUFFIXES:
            found.extend(_scan_zip(path, relative, stat.st_mtime))
        elif suffix in SPREADSHEET_SUFFIXES:
            kind, reason = classify_spreadsheet(path)
            found.append(InboxFile(relative, relative, "file", kind, reason, **base))
        elif suffix == ".zip":
            found.append(
                InboxFile(relative, relative, "zip", "unknown", "corrupt zip file: cannot be opened", **base)
            )
        else:
            with path.open("rb") as handle:
                head = handle.read(HEAD_BYTES)
            if is_api_envelope(head):
                kind = "linkedin_api"
            else:
                kind = classify_csv(path.name, head) if _looks_textual(head) else "unknown"
            reason = (
                "" if kind != "unknown" else "not a recognised export (no known header line or sheet names)"
            )
            item = InboxFile(relative, relative, "file", kind, reason, **base)
            loose_csv.append((path, relative, item))
    found.extend(_mark_standalone_duplicates(_group_unpacked_archives(inbox, loose_csv), first_with))
    return sorted(found, key=lambda f: f.path)


def _mark_standalone_duplicates(items: list[InboxFile], first_with: dict[str, str]) -> list[InboxFile]:
    """Standalone files (not members of an unpacked archive) whose content was seen first elsewhere."""
    marked = []
    for item in items:
        original = first_with.get(item.sha256, item.path)
        if (
            item.container_type == "file"
            and item.size_bytes
            and original != item.path
            and item.kind != "unknown"
        ):
            item = _replace(item, kind=DUPLICATE, reason=f"same content as {original}")
        marked.append(item)
    return marked


def _hidden(relative: Path) -> bool:
    """Hidden files, editor lock files and macOS resource forks: listed, never read as exports."""
    return any(
        (part.startswith(".") and part not in {".", ".."}) or part.startswith("~$") or part == "__MACOSX"
        for part in relative.parts
    )


def _looks_textual(head: bytes) -> bool:
    return b"\x00" not in head[:4096]


def _group_unpacked_archives(inbox: Path, loose: list[tuple[Path, str, InboxFile]]) -> list[InboxFile]:
    """Attach CSV files to the nearest folder above them that holds LinkedIn archive members."""
    roots = {path.parent for path, _, item in loose if item.kind in ANCHOR_KINDS}
    grouped: list[InboxFile] = []
    for path, _, item in loose:
        root = next((p for p in (path.parent, *path.parents) if p in roots), None)
        if root is None or item.kind == "hr_roster" or path.suffix.lower() not in {".csv", ".txt", ""}:
            if item.kind.startswith("li_"):
                item = _replace(item, kind="unknown", reason="LinkedIn archive file outside any archive")
            grouped.append(item)
            continue
        container = root.relative_to(inbox).as_posix() if root != inbox else "."
        kind = item.kind if item.kind != "unknown" else "li_unused"
        reason = "" if kind != "li_unused" else "archive file not used by Relais (left unread)"
        grouped.append(_replace(item, container=container, container_type="folder", kind=kind, reason=reason))
    return grouped


def _replace(item: InboxFile, **changes: object) -> InboxFile:
    values = {**item.__dict__, **changes}
    return InboxFile(**values)  # type: ignore[arg-type]


def _scan_zip(path: Path, relative: str, modified_at: float) -> list[InboxFile]:
    """List the members of a zip archive with their kinds; refuse unsafe or oversized archives."""
    zip_sha = file_sha256(path)
    size = path.stat().st_size
    try:
        with zipfile.ZipFile(path) as archive:
            problem = _unsafe_zip(archive.infolist())
            if problem:
                return [InboxFile(relative, relative, "zip", "unknown", problem, zip_sha, size, modified_at)]
            members = [m for m in archive.infolist() if not m.is_dir()]
            items = []
            for member in members:
                with archive.open(member) as handle:
                    data = handle.read()
                is_csv = member.filename.lower().endswith(".csv") and not _hidden(Path(member.filename))
                kind = classify_csv(member.filename, data[:HEAD_BYTES]) if is_csv else "unknown"
                items.append((member, kind, hashlib.sha256(data).hexdigest()))
    except (zipfile.BadZipFile, OSError, EOFError, zipfile.LargeZipFile) as exc:
        return [
            InboxFile(
                relative, relative, "zip", "unknown", f"corrupt zip file: {exc}", zip_sha, size, modified_at
            )
        ]
    if not any(kind in ANCHOR_KINDS for _, kind, _ in items):
        return [
            InboxFile(
                relative,
                relative,
                "zip",
                "unknown",
                "zip file holds no LinkedIn archive",
                zip_sha,
                size,
                modified_at,
            )
        ]
    roots = {PurePosixPath(m.filename).parent for m, kind, _ in items if kind in ANCHOR_KINDS}
    result = []
    for member, kind, sha in items:
        if kind in {"unknown", "hr_roster"}:
            kind, reason = "li_unused", "archive file not used by Relais (left unread)"
        else:
            reason = ""
        container = _zip_container(relative, PurePosixPath(member.filename), roots)
        path = f"{relative}!{member.filename}"
        result.append(InboxFile(path, container, "zip", kind, reason, sha, member.file_size, modified_at))
    return result


def _zip_container(relative: str, member: PurePosixPath, roots: set[PurePosixPath]) -> str:
    """The archive a zip member belongs to: the zip itself, or ``zip!folder`` when the zip holds several."""
    if len(roots) <= 1:
        return relative
    root = next((p for p in (member.parent, *member.parents) if p in roots), None)
    return relative if root is None or root == PurePosixPath(".") else f"{relative}!{root.as_posix()}"


def _unsafe_zip(members: list[zipfile.ZipInfo]) -> str:
    for member in members:
        name = PurePosixPath(member.filename)
        if name.is_absolute() or ".." in name.parts:
            return f"unsafe zip file: member path '{member.filename}' escapes the archive"
        if member.file_size > MAX_MEMBER_BYTES:
            size = member.file_size
            return f"zip member '{member.filename}' unpacks to {size} bytes (over {MAX_MEMBER_BYTES})"
        ratio = member.file_size / member.compress_size if member.compress_size else 0
        if member.file_size > 16 * 1024 * 1024 and ratio > MAX_COMPRESSION_RATIO:
            return (
                f"zip member '{member.filename}' is compressed over {MAX_COMPRESSION_RATIO} times (zip bomb?)"
            )
    return ""


def fingerprint_inbox(inbox: Path, previous: dict[str, list]) -> dict[str, list]:
    """``path -> [size, mtime_ns, sha256]`` for every file under ``inbox``.

    A file whose size and modification time are those recorded in ``previous`` keeps its recorded
    digest; only new or touched files are read, so a sensor can call this often on a large inbox.
    """
    result: dict[str, list] = {}
    for path in inbox_paths(inbox) if inbox.exists() else []:
        if path.is_symlink():
            continue
        relative = path.relative_to(inbox).as_posix()
        stat = path.stat()
        known = previous.get(relative)
        if known and known[0] == stat.st_size and known[1] == stat.st_mtime_ns:
            result[relative] = known
        else:
            result[relative] = [stat.st_size, stat.st_mtime_ns, file_sha256(path)]
    return result


def content_digest(fingerprint: dict[str, list]) -> str:
    """One digest of the set of contents in the inbox: unchanged by renames, touches and re-drops."""
    contents = sorted({entry[2] for entry in fingerprint.values()})
    return hashlib.sha256("\n".join(contents).encode()).hexdigest()
