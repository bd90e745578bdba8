"""A zip member's identity comes from what the zip stores (size, CRC-32) and its first bytes, not
from unpacking it whole: an edit is still seen, a re-packed zip is not, and a damaged member is
reported by the reader that unpacks it, with the file and the reason."""

import hashlib
import zipfile
from pathlib import Path
from typing import Any

import polars as pl

from relais.inbox.scan import HEAD_BYTES, member_identity, scan_inbox
from relais.privacy.pseudonym import Pseudonymiser
from relais.sources import registry
from relais.sources.io.files import read_bytes
from relais.sources.source import Ambassador, Batch
from tests.builders import csv_text, write_zip

SHARES_HEADER = "Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl,Visibility"
EMAILS = csv_text(["Email Address,Confirmed,Primary,Updated On", "ann.lee@ville.fr,Yes,Yes,"])
KEY = Pseudonymiser(b"k" * 32)


def _shares(rows: int) -> str:
    """A Shares.csv of ``rows`` posts (2,000 make it well past ``HEAD_BYTES``)."""
    lines = [SHARES_HEADER]
    for n in range(rows):
        link = f"https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A7{n:018d}"
        lines.append(f'2026-01-{1 + n % 28:02d} 10:00:00,{link},"post {n}","","",PUBLIC')
    return csv_text(lines)


def _sha256_by_path(inbox: Path) -> dict[str, str]:
    return {item.path: item.sha256 for item in scan_inbox(inbox)}


def test_identity_is_a_digest_of_size_crc_and_head():
    base = member_identity(100, 0x1234ABCD, b"Date,Link\n")
    assert len(base) == 64 and base == member_identity(100, 0x1234ABCD, b"Date,Link\n")
    assert base != member_identity(101, 0x1234ABCD, b"Date,Link\n")
    assert base != member_identity(100, 0x1234ABCE, b"Date,Link\n")
    assert base != member_identity(100, 0x1234ABCD, b"Date,Type\n")
    assert base != hashlib.sha256(b"Date,Link\n").hexdigest(), "it must not pass for the file's SHA-256"


def test_a_member_edited_past_its_head_in_the_same_size_is_seen_as_changed(tmp_path):
    inbox = tmp_path / "inbox"
    before = _shares(2000)
    after = before[:-20] + before[-20:].replace("1999", "1998")
    assert len(before) == len(after) > HEAD_BYTES and before[:HEAD_BYTES] == after[:HEAD_BYTES]
    write_zip(inbox / "a.zip", {"Email Addresses.csv": EMAILS, "Shares.csv": before})
    first = _sha256_by_path(inbox)
    write_zip(inbox / "a.zip", {"Email Addresses.csv": EMAILS, "Shares.csv": after})
    second = _sha256_by_path(inbox)
    assert first["a.zip!Email Addresses.csv"] == second["a.zip!Email Addresses.csv"]
    assert first["a.zip!Shares.csv"] != second["a.zip!Shares.csv"], "the CRC-32 differs"


def test_a_repacked_zip_keeps_its_members_identities_and_changes_its_own(tmp_path):
    inbox = tmp_path / "inbox"
    members = {"Email Addresses.csv": EMAILS, "Shares.csv": _shares(2000)}
    write_zip(inbox / "a.zip", members, compresslevel=9)
    first = _sha256_by_path(inbox)
    write_zip(inbox / "a.zip", members, stamp=(2026, 5, 1, 8, 30, 0), compresslevel=1)
    known: dict = {}
    second = {item.path: item.sha256 for item in scan_inbox(inbox, known)}
    assert first == second
    zip_sha = hashlib.sha256((inbox / "a.zip").read_bytes()).hexdigest()
    assert known["a.zip"].sha256 == zip_sha, "the zip itself is known by the SHA-256 of its bytes"
    write_zip(inbox / "a.zip", members, compresslevel=9)
    assert zip_sha != hashlib.sha256((inbox / "a.zip").read_bytes()).hexdigest()


def test_a_small_member_is_hashed_whole_and_its_crc_checked_by_the_scan(tmp_path):
    inbox = tmp_path / "inbox"
    path = _stored_zip(inbox / "a.zip", {"Email Addresses.csv": EMAILS})
    identity = member_identity(len(EMAILS), zipfile.crc32(EMAILS.encode()), EMAILS.encode())
    assert _sha256_by_path(inbox) == {"a.zip!Email Addresses.csv": identity}
    _flip_byte(path, "Email Addresses.csv", 5)
    (item,) = scan_inbox(inbox)
    assert (item.path, item.kind) == ("a.zip", "unknown")
    assert "corrupt zip file" in item.reason and "CRC-32" in item.reason


class _Rows:
    """A row sink that keeps what a reader writes, for the test to look at."""

    def __init__(self) -> None:
        self.tables: dict[str, list[dict[str, Any]]] = {}
        self.problems: list[Any] = []

    def row(self, table: str, row: dict[str, Any]) -> None:
        self.tables.setdefault(table, []).append(row)

    def rows(self, table: str, rows) -> None:
        self.tables.setdefault(table, []).extend(rows)

    def frame(self, table: str, data: pl.DataFrame) -> None:
        self.tables.setdefault(table, []).extend(data.to_dicts())

    def problem(self, problem) -> None:
        self.problems.append(problem)


def test_a_damaged_member_past_the_head_is_reported_by_its_reader(tmp_path):
    inbox = tmp_path / "inbox"
    shares = _shares(2000)
    path = _stored_zip(inbox / "VDA1.zip", {"Email Addresses.csv": EMAILS, "Shares.csv": shares})
    _flip_byte(path, "Shares.csv", len(shares) - 30)
    items = scan_inbox(inbox)
    assert {i.path: i.kind for i in items}["VDA1.zip!Shares.csv"] == "li_shares", (
        "the scan reads the head only"
    )
    damaged = next(i for i in items if i.path == "VDA1.zip!Shares.csv")
    try:
        read_bytes(inbox, damaged)
    except zipfile.BadZipFile as exc:
        assert "Bad CRC-32" in str(exc) and "Shares.csv" in str(exc)
    else:
        raise AssertionError("zipfile did not check the member's CRC-32")
    source = next(s for s in registry.current() if "li_shares" in s.inbox_kinds)
    batch = Batch(
        inbox,
        items,
        _Rows(),
        people=[Ambassador("VDA1", "ann.lee@ville.fr")],
        email_keys={KEY.email_key("ann.lee@ville.fr")},
        pseudonymiser=KEY,
    )
    outcomes = {outcome.source_file: outcome for outcome in source.read(batch).ledger.files}
    assert "CRC-32" in outcomes["VDA1.zip!Shares.csv"].reason, outcomes["VDA1.zip!Shares.csv"]
    assert outcomes["VDA1.zip!Shares.csv"].status == "quarantined", "nothing of it was read"
    assert "CRC-32" not in outcomes["VDA1.zip!Email Addresses.csv"].reason


def test_a_damaged_address_file_quarantines_itself_not_the_run(tmp_path):
    inbox = tmp_path / "inbox"
    emails = EMAILS + "".join(f"other{n}@example.org,Yes,No,Not Available\n" for n in range(2000))
    path = _stored_zip(inbox / "VDA1.zip", {"Email Addresses.csv": emails, "Shares.csv": _shares(3)})
    _flip_byte(path, "Email Addresses.csv", len(emails) - 30)
    items = scan_inbox(inbox)
    source = next(s for s in registry.current() if "li_shares" in s.inbox_kinds)
    batch = Batch(inbox, items, _Rows(), people=[], email_keys=set(), pseudonymiser=KEY)
    outcomes = {outcome.source_file: outcome for outcome in source.read(batch).ledger.files}
    damaged = outcomes["VDA1.zip!Email Addresses.csv"]
    assert (
        damaged.status == "quarantined" and "CRC-32" in damaged.reason and "export it again" in damaged.reason
    )


def _stored_zip(path: Path, members: dict[str, str]) -> Path:
    """A zip whose members are stored (not compressed), so that a byte of one can be changed in place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return path


def _flip_byte(path: Path, member: str, offset: int) -> None:
    """Change one byte of a stored member's data, leaving the CRC-32 the zip records as it was."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
    data = bytearray(path.read_bytes())
    header = info.header_offset
    name_length = int.from_bytes(data[header + 26 : header + 28], "little")
    extra_length = int.from_bytes(data[header + 28 : header + 30], "little")
    position = header + 30 + name_length + extra_length + offset
    data[position] ^= 0x01
    path.write_bytes(bytes(data))


def test_the_retention_digests_spare_hashing_a_file_again_only_while_it_is_unchanged(tmp_path):
    import os

    from relais.inbox.scan import fingerprint_inbox

    inbox = tmp_path / "inbox"
    write_zip(inbox / "a.zip", {"Email Addresses.csv": EMAILS, "Shares.csv": _shares(40)})
    (inbox / "roster.csv").write_text("agent_id,email\nA1,ann.lee@ville.fr\n", encoding="utf-8")
    digests = fingerprint_inbox(inbox, {})
    assert digests["a.zip"][2] == hashlib.sha256((inbox / "a.zip").read_bytes()).hexdigest()
    assert [item.sha256 for item in scan_inbox(inbox, digests=digests)] == [
        item.sha256 for item in scan_inbox(inbox)
    ]
    trusted = {path: [size, mtime, "f" * 64] for path, (size, mtime, _) in digests.items()}
    assert {item.path: item.sha256 for item in scan_inbox(inbox, digests=trusted)}["roster.csv"] == "f" * 64
    stat = (inbox / "roster.csv").stat()
    os.utime(inbox / "roster.csv", ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    again = {item.path: item.sha256 for item in scan_inbox(inbox, digests=trusted)}
    assert again["roster.csv"] == hashlib.sha256((inbox / "roster.csv").read_bytes()).hexdigest(), (
        "a file touched since it was hashed is hashed again"
    )


def test_a_file_rewritten_with_its_size_and_time_kept_is_hashed_again_despite_the_digests(tmp_path):
    import os

    from relais.inbox.reuse import fingerprints
    from relais.inbox.scan import fingerprint_inbox

    inbox = tmp_path / "inbox"
    roster = inbox / "roster.csv"
    roster.parent.mkdir(parents=True)
    roster.write_text("agent_id,email\nA1,ann.lee@ville.fr\n", encoding="utf-8")
    known: dict = {}
    scan_inbox(inbox, known)
    before = roster.stat()
    roster.write_text("agent_id,email\nA2,bob.ray@ville.fr\n", encoding="utf-8")  # same size
    os.utime(roster, ns=(before.st_atime_ns, before.st_mtime_ns))  # as cp -p or rsync -t leave it
    digests = fingerprint_inbox(inbox, fingerprints(known))
    assert digests["roster.csv"][2] == known["roster.csv"].sha256, "the digest is carried over unread"
    (item,) = scan_inbox(inbox, known, digests=digests)
    assert item.sha256 == hashlib.sha256(roster.read_bytes()).hexdigest(), "the new content's digest"
