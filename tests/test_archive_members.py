"""Archive members read in chunks on worker processes give what one process reading them all gives."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from relais.inbox.scan import scan_inbox
from relais.sources.io.files import InboxFile
from relais.sources.readers.archive_members import (
    ChunkRead,
    member_chunks,
    read_chunk,
    read_member_chunks,
)
from relais.sources.readers.archives import SPEC_BY_KIND
from tests.corpus import CASES, build_good_organisation

AGENT = "C01"


def _member(path: str, size: int) -> tuple[InboxFile, str]:
    return InboxFile(path, "a.zip", "zip", "li_shares", "", "0" * 64, size, 0.0), AGENT


def test_chunks_keep_the_order_and_the_limit() -> None:
    members = [_member(f"a.zip!m{i}", size) for i, size in enumerate([4, 4, 3, 9, 1, 1])]
    chunks = member_chunks(members, limit=8)
    assert [[m[0].path for m in chunk] for chunk in chunks] == [
        ["a.zip!m0", "a.zip!m1"],
        ["a.zip!m2"],
        ["a.zip!m3"],  # larger than the limit: alone
        ["a.zip!m4", "a.zip!m5"],
    ]
    assert [m for chunk in chunks for m in chunk] == members
    assert member_chunks([], limit=8) == []


@pytest.fixture(scope="module")
def archive_members(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[tuple[InboxFile, str]]]:
    """Every archive member of the good organisation and of the bad-input corpus, as C01's."""
    inbox = tmp_path_factory.mktemp("inbox")
    build_good_organisation(inbox)
    for case in CASES:
        if case.source in {"archive", "zip"}:
            case.write(inbox / "corpus" / case.name)
    members = [(item, AGENT) for item in scan_inbox(inbox) if item.kind in SPEC_BY_KIND]
    assert len(members) > 30
    return inbox, members


def _rows(reads: list[ChunkRead]) -> dict[str, pl.DataFrame]:
    frames: dict[str, list[pl.DataFrame]] = {}
    for read in reads:
        for kind, frame in read.frames:
            frames.setdefault(kind, []).append(frame)
    return {kind: pl.concat(parts).sort(pl.all(), nulls_last=True) for kind, parts in frames.items()}


def test_chunks_on_two_processes_read_what_one_process_reads(archive_members) -> None:
    inbox, members = archive_members
    whole = read_chunk(inbox, members)
    shared = list(read_member_chunks(inbox, members, workers=2, parallel_from=0, chunk_bytes=1))
    assert len(shared) == len(members)  # one member per chunk, over two processes
    assert [o for read in shared for o in read.outcomes] == whole.outcomes
    problems = sorted((p.source_file, p.source_row, p.reason) for read in shared for p in read.problems)
    assert problems == sorted((p.source_file, p.source_row, p.reason) for p in whole.problems)
    assert problems, "the corpus has quarantined rows"
    expected, got = _rows([whole]), _rows(shared)
    assert expected.keys() == got.keys()
    for kind in expected:
        assert got[kind].equals(expected[kind]), kind


def test_below_the_threshold_one_process_reads_in_order(archive_members) -> None:
    inbox, members = archive_members
    reads = list(read_member_chunks(inbox, members, workers=2, chunk_bytes=1))
    assert [o for read in reads for o in read.outcomes] == read_chunk(inbox, members).outcomes
