"""LinkedIn member data archives ("Get a copy of your data"): the names and headers of their CSV members, the
quirks of their rows (quoted multi-line post text, backslash-escaped comment quotes, the Connections
preamble, older headers, member-id suffixes), the names people give the archives, and the zip or unpacked
folder written with fixed timestamps.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path

from relais.synthetic.text import csv_line

ZIP_TIME = (2026, 11, 1, 0, 0, 0)
"""When every member of a generated zip is dated, unless told otherwise (zips are then reproducible)."""

ARCHIVE_FILES = {
    "emails": "Email Addresses",
    "shares": "Shares",
    "instant_reposts": "InstantReposts",
    "comments": "Comments",
    "reactions": "Reactions",
    "skills": "Skills",
    "endorsements": "Endorsement_Received_Info",
    "connections": "Connections",
    "profile": "Profile",
    "positions": "Positions",
}
"""The members of a *Complete* archive by kind, in the order the generators write them (file name stems)."""

SUFFIXED_KINDS = frozenset({"shares", "instant_reposts", "comments", "reactions"})
"""The engagement files some archives suffix with a member id (``Shares_123456789.csv``)."""

ARCHIVE_HEADERS: dict[str, tuple[str, ...]] = {
    "emails": ("Email Address", "Confirmed", "Primary", "Updated On"),
    "shares": ("Date", "ShareLink", "ShareCommentary", "SharedUrl", "MediaUrl", "Visibility"),
    "instant_reposts": ("Date", "Link"),
    "comments": ("Date", "Link", "Message"),
    "reactions": ("Date", "Type", "Link"),
    "skills": ("Name",),
    "endorsements": (
        "Endorsement Date",
        "Skill Name",
        "Endorser First Name",
        "Endorser Last Name",
        "Endorser Public Url",
        "Endorsement Status",
    ),
    "connections": ("First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"),
    "profile": (
        "First Name",
        "Last Name",
        "Maiden Name",
        "Address",
        "Birth Date",
        "Headline",
        "Summary",
        "Industry",
        "Zip Code",
        "Geo Location",
        "Twitter Handles",
        "Websites",
        "Instant Messengers",
    ),
    "positions": ("Company Name", "Title", "Description", "Location", "Started On", "Finished On"),
}
"""Each member's header, as current archives write it."""

CONNECTIONS_PREAMBLE = (
    "Notes:",
    '"When exporting your connection data, you may notice that some of the email addresses are missing. '
    "You will only see email addresses for connections who have allowed their connections to see or "
    "download their email address using this setting https://www.linkedin.com/psettings/privacy/email. "
    'You can learn more here https://www.linkedin.com/help/linkedin/answer/261"',
    "",
)
"""The lines ``Connections.csv`` starts with before its header (files without it are older)."""

EMPTY_FIELD = '""'
"""How ``Shares.csv`` writes an empty field."""


def member_name(kind: str, suffix: str = "") -> str:
    """A member's file name: ``Shares.csv``, or ``Shares_<suffix>.csv`` for a suffixed engagement file."""
    base = ARCHIVE_FILES[kind]
    return f"{base}_{suffix}.csv" if suffix and kind in SUFFIXED_KINDS else f"{base}.csv"


def header_line(kind: str, older: bool = False, case: str = "") -> str:
    """A member's header line; ``older`` gives the older ``SharedURL,MediaURL`` of Shares and Connections
    without ``URL``; ``case`` "lower" or "upper" gives the casing variants some archives carry."""
    names = list(ARCHIVE_HEADERS[kind])
    if older and kind == "shares":
        names[3:5] = ["SharedURL", "MediaURL"]
    if older and kind == "connections":
        names.remove("URL")
    line = ",".join(names)
    return line.lower() if case == "lower" else line.upper() if case == "upper" else line


def shares_row(
    when: str, link: str, lines: Sequence[str], shared_url: str, media_url: str, visibility: str, eol: str
) -> str:
    """A ``Shares.csv`` row: every line of the post quoted, so that parsing leaves ``"\\n"`` between lines,
    and empty URLs written ``""``."""
    text = f'"{eol}"'.join(lines)
    commentary = '"' + text.replace('"', '""') + '"'
    return f"{when},{link},{commentary},{shared_url or EMPTY_FIELD},{media_url or EMPTY_FIELD},{visibility}"


def comments_row(when: str, link: str, message: str, eol: str) -> str:
    """A ``Comments.csv`` row: the message quoted, quotes escaped by a backslash; ``when`` may be blank."""
    text = message.replace('"', '\\"').replace("\n", eol)
    return f'{when},{link},"{text}"'


def instant_reposts_row(when: str, link: str) -> str:
    """An ``InstantReposts.csv`` row."""
    return f"{when},{link}"


def reactions_row(when: str, kind: str, link: str) -> str:
    """A ``Reactions.csv`` row (``LIKE``, ``PRAISE``...)."""
    return f"{when},{kind},{link}"


def connections_row(values: Sequence[str], older: bool = False) -> str:
    """A ``Connections.csv`` row from (first name, last name, URL, e-mail, company, position, connected on);
    the older layout, without the preamble, has no URL column."""
    return csv_line([*values[:2], *values[3:]] if older else values)


def member_text(header: str, rows: Iterable[str], eol: str, preamble: bool = False) -> bytes:
    """A member's bytes: the Connections preamble if asked, the header and the rows, each ended by ``eol``."""
    lines = [*CONNECTIONS_PREAMBLE, header] if preamble else [header]
    lines.extend(rows)
    return (eol.join(lines) + eol).encode("utf-8")


def archive_path(scheme: str, agent_id: str, exported: date) -> str:
    """Where an archive sits in the inbox, by the naming scheme its owner used: ``folder``
    (``archives/<id>/Complete_LinkedInDataExport_<MM-DD-YYYY>.zip``), ``id_linkedin``, ``ldexport``,
    ``unpacked`` (a folder) or ``anonymous`` (no agent id anywhere)."""
    stamp = exported.strftime("%m-%d-%Y")
    return {
        "folder": f"archives/{agent_id}/Complete_LinkedInDataExport_{stamp}.zip",
        "id_linkedin": f"archives/{agent_id}_linkedin.zip",
        "ldexport": f"archives/LinkedInDataExport_{agent_id}.zip",
        "unpacked": f"archives/{agent_id}_export",
        "anonymous": f"archives/Complete_LinkedInDataExport_{stamp}.zip",
    }[scheme]


Members = Mapping[str, str | bytes] | Iterable[tuple[str, str | bytes]]
"""A zip's or folder's members: name -> text (UTF-8) or bytes, as a mapping or as pairs in order."""


def _pairs(members: Members) -> Iterable[tuple[str, str | bytes]]:
    return members.items() if isinstance(members, Mapping) else members


def write_zip(
    path: Path, members: Members, stamp: tuple[int, ...] = ZIP_TIME, compresslevel: int | None = None
) -> Path:
    """Write a zip of the members, in order, deflated (at ``compresslevel``, zlib's default if None), each
    dated ``stamp`` and readable by all (mode 644)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as archive:
        for name, data in _pairs(members):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            content = data.encode("utf-8") if isinstance(data, str) else data
            archive.writestr(info, content, compresslevel=compresslevel)
    return path


def write_folder(folder: Path, members: Members) -> Path:
    """Write the members as files of an unpacked archive folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in _pairs(members):
        (folder / name).write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return folder
