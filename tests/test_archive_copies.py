"""A newer archive's members that repeat a kept member are not read again, and the tables are those of
reading them (relais.sources.readers.archives, ``PreviousReads.same_content``)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

import relais.sources.readers.archives as archives
from relais.inbox.reuse import previous_reads, record_reads
from relais.inbox.scan import scan_inbox
from relais.privacy.pseudonym import Pseudonymiser
from relais.sources.readers.archives import ARCHIVE_SOURCE
from relais.sources.source import Ambassador, Batch
from relais.warehouse.tables import ensure_warehouse
from relais.warehouse.writer import DuckDBWriter, replace_ledger
from tests.builders import csv_text, write_zip

KEY = Pseudonymiser(b"k" * 32)
SHARES = "Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl,Visibility"
POST = "https://www.linkedin.com/feed/update/urn:li:activity:7100000000000001001"


def _emails(address: str) -> str:
    return csv_text(["Email Address,Confirmed,Primary,Updated On", f"{address},Yes,Yes,"])


def _shares(count: int) -> str:
    link = "https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A7{:018d}"
    rows = [f'2026-0{1 + n % 3}-1{n % 9} 10:00:00,{link.format(n)},"post {n}",,,PUBLIC' for n in range(count)]
    return csv_text([SHARES, *rows])


COMMENTS = csv_text(
    ["Date,Link,Message", f'2026-01-21 09:00:00,{POST},"Bravo"', f'pas une date,{POST},"Mal daté"']
)
SKILLS = csv_text(["Name", "Communication", "Gestion de projet"])


def _archive(address: str, shares: int) -> dict[str, str]:
    return {"Email Addresses.csv": _emails(address), "Shares.csv": _shares(shares), "Comments.csv": COMMENTS}


def _ingest(inbox: Path, database: Path, reuse: bool) -> list[str]:
    """Read the inbox's archives as the pipeline's ingest does; the paths of the members read."""
    items = [item for item in scan_inbox(inbox) if item.kind in ARCHIVE_SOURCE.inbox_kinds]
    tables = {t.name: (f"raw.{t.name}", t.schema) for t in ARCHIVE_SOURCE.tables}
    read: list[str] = []
    chunks = archives.read_member_chunks

    def counting(inbox, members, workers, *args):
        read.extend(item.path for item, _ in members)
        return chunks(inbox, members, workers, *args)

    with duckdb.connect(str(database)) as con, pytest.MonkeyPatch.context() as patch:
        patch.setattr(archives, "read_member_chunks", counting)
        ensure_warehouse(con)
        with_file = [t for t in tables.values() if "_source_file" in t[1]]
        previous = previous_reads(con, ARCHIVE_SOURCE.asset, with_file, reuse)
        writer = DuckDBWriter(con, ARCHIVE_SOURCE.asset, tables, keep=previous.kept)
        people = [Ambassador("A01", "ann.lee@ville.fr"), Ambassador("A02", "bob.ray@ville.fr")]
        batch = Batch(
            inbox=inbox,
            items=items,
            sink=writer,
            people=people,
            email_keys={KEY.email_key(p.email) for p in people},
            pseudonymiser=KEY,
            previous=previous,
        )
        result = ARCHIVE_SOURCE.read(batch)
        for problem in result.ledger.problems:
            writer.problem(problem)
        writer.close()
        replace_ledger(con, ARCHIVE_SOURCE.asset, result.ledger.files)
        record_reads(con, ARCHIVE_SOURCE.asset, result.ledger.loaded)
    return read


def _tables(database: Path) -> dict[str, list]:
    with duckdb.connect(str(database), read_only=True) as con:
        names = [f"raw.{t.name}" for t in ARCHIVE_SOURCE.tables] + ["quarantine.rows", "raw.file_ledger"]
        return {name: sorted(con.execute(f"SELECT * FROM {name}").fetchall(), key=repr) for name in names}


def test_a_newer_archive_repeating_members_equals_reading_them(tmp_path):
    inbox = tmp_path / "inbox"
    write_zip(
        inbox / "ann" / "Complete_LinkedInDataExport_01-31-2026.zip", {**_archive("ann.lee@ville.fr", 3)}
    )
    write_zip(inbox / "bob" / "bob.zip", {**_archive("bob.ray@ville.fr", 2), "Skills.csv": SKILLS})
    kept = tmp_path / "kept.duckdb"
    _ingest(inbox, kept, reuse=True)

    newer = {**_archive("ann.lee@ville.fr", 5), "Skills.csv": SKILLS}  # Shares.csv grew; Skills.csv is new
    write_zip(inbox / "ann" / "Complete_LinkedInDataExport_02-28-2026.zip", newer)
    read = _ingest(inbox, kept, reuse=True)
    assert sorted(read) == [
        "ann/Complete_LinkedInDataExport_02-28-2026.zip!Shares.csv",
        "ann/Complete_LinkedInDataExport_02-28-2026.zip!Skills.csv",
    ], "Ann's repeated Comments.csv is copied; Bob's identical Skills.csv is another person's, so read"

    fresh = tmp_path / "fresh.duckdb"
    _ingest(inbox, fresh, reuse=False)
    kept_tables, fresh_tables = _tables(kept), _tables(fresh)
    comments = [row for row in fresh_tables["quarantine.rows"] if "02-28-2026.zip!Comments.csv" in repr(row)]
    assert comments, "the copied member's quarantined row is there, under its own file"
    for name, rows in fresh_tables.items():
        assert kept_tables[name] == rows, f"{name} differs from reading every member"


def test_a_member_whose_source_left_the_inbox_is_read(tmp_path):
    inbox = tmp_path / "inbox"
    older = inbox / "ann" / "old.zip"
    write_zip(older, _archive("ann.lee@ville.fr", 3))
    kept = tmp_path / "kept.duckdb"
    _ingest(inbox, kept, reuse=True)
    write_zip(inbox / "ann" / "new.zip", _archive("ann.lee@ville.fr", 4))
    older.unlink()
    read = _ingest(inbox, kept, reuse=True)
    assert sorted(read) == ["ann/new.zip!Comments.csv", "ann/new.zip!Shares.csv"]
    fresh = tmp_path / "fresh.duckdb"
    _ingest(inbox, fresh, reuse=False)
    assert _tables(kept) == _tables(fresh)
