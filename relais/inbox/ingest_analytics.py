"""From analytics exports to rows: creator analytics, Page exports and advocacy platform reports.

Creator exports (aggregate and single-post) belong to the ambassador whose agent id is a token of
the file's name or of a folder above it, else whose first and last name are the name LinkedIn
wrote in the file name; an unknown or ambiguous owner is reported and the file is not read. Rows
of advocacy reports are matched to ambassadors by name; rows naming anybody else are withheld
(counted, never stored). Every row carries its file, its row and when its file was obtained (the
file's modification time), so that the most recently obtained figure can win downstream.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import repeat
from multiprocessing import get_context
from pathlib import Path, PurePosixPath
from typing import Any

import polars as pl

from relais.inbox.export_owner import owner_name_from_file, period_from_file_name
from relais.inbox.ingest_archives import file_outcome, loaded_outcome, open_lines
from relais.inbox.owner_index import OwnerIndex
from relais.inbox.reuse import PreviousReads
from relais.inbox.scan import InboxFile
from relais.ledger import EXCLUDED, LOADED, QUARANTINED, FileRejected, Ledger
from relais.sources.advocacy import EVERYONESOCIAL_USERS, FIRSTUP_SOURCES
from relais.sources.creator_analytics import read_creator_analytics, read_post_analytics
from relais.sources.io.tables import TableRead, read_table
from relais.sources.linkedin_api.files import (
    CREATOR_ANALYTICS,
    FOLLOWERS,
    MEMBER,
    POSTS,
    SHARE_STATISTICS,
    SOCIAL_METADATA,
    read_api_file,
)
from relais.sources.linkedin_archive import Ownership, find_owner
from relais.sources.page_audience import SheetRead, read_page_followers, read_page_metrics, read_page_visitors
from relais.sources.page_export import read_page_posts
from relais.warehouse.database import frame

Rows = dict[str, list[dict[str, Any]]]
Schemas = Mapping[str, Mapping[str, pl.DataType]]


@dataclass(frozen=True)
class Person:
    """An ambassador as analytics ownership needs them: id and names (never stored from here)."""

    agent_id: str
    first_name: str | None
    last_name: str | None


def obtained_at(item: InboxFile, covers_until: date | None = None) -> datetime:
    """When a file was obtained (naive UTC): the day after the last day it covers, else its modified time.

    An export covering days up to D cannot have been obtained before D + 1, and that holds however
    the file was copied since; the modification time (which copies and checkouts reset) only
    decides between files covering the same days, through ``_file_modified_at``.
    """
    if covers_until is not None:
        return datetime.combine(covers_until + timedelta(days=1), datetime.min.time())
    return datetime.fromtimestamp(item.modified_at, tz=UTC).replace(tzinfo=None)


def people_index(people: Iterable[Person]) -> OwnerIndex:
    """The lookup index of ``people`` (by agent id in a name, by full name), built once per run."""
    return OwnerIndex((p.agent_id, None, p.first_name, p.last_name) for p in people)


def file_owner(path: str, people: list[Person], index: OwnerIndex | None = None) -> Ownership:
    """The ambassador an analytics export belongs to: agent id in its name or folders, else its name."""
    index = index or people_index(people)
    parts = list(reversed(PurePosixPath(path.split("!")[0]).parts))
    ownership = find_owner([], parts, [], index=index)  # the index stands for the ambassadors
    if ownership.agent_id or "several" in ownership.reason:
        return ownership
    name = owner_name_from_file(parts[0]) if parts else None
    if name is None:
        return Ownership(None, "", "no agent id in its name or folders, and no member name in its file name")
    matches = sorted(index.by_full_name(name))
    if len(matches) == 1:
        return Ownership(matches[0], "member_name")
    if matches:
        return Ownership(None, "", f"the name '{name}' matches several ambassadors ({len(matches)})")
    return Ownership(None, "", f"the name '{name}' matches no consenting ambassador")


def _stamp(
    rows: Iterable[dict[str, Any]], item: InboxFile, covers_until: date | None = None, **extra: Any
) -> list[dict[str, Any]]:
    when = obtained_at(item, covers_until)
    lineage = {"_source_file": item.path, "_obtained_at": when, "_file_modified_at": item.modified_at}
    return [{**row, **extra, **lineage} for row in rows]


def _last_day(*row_sets: Iterable[dict[str, Any]], column: str = "day") -> date | None:
    days = [row[column] for rows in row_sets for row in rows if row.get(column) is not None]
    return max(days) if days else None


CREATOR_TABLES = (
    "creator_daily",
    "creator_followers_daily",
    "creator_top_posts",
    "creator_periods",
    "post_analytics",
)


@dataclass
class _CreatorRead:
    """What reading one creator or single-post export gave: rows per table, counts, or the reason not."""

    tables: Rows
    rows_read: int = 0
    problems: list[Any] | None = None
    rejected: str = ""
    note: str = ""


def _read_creator_file(
    inbox: Path, item: InboxFile, agent_id: str, schemas: Schemas | None = None
) -> _CreatorRead:
    """Read one export of ``agent_id`` (runs in a worker process when there are many files).

    With ``schemas`` the rows come back as typed Polars frames, which cross processes as Arrow
    buffers: pickling millions of row dictionaries back to the parent would cost as much as reading.
    """
    read = _read_creator_rows(inbox, item, agent_id)
    if schemas is not None:
        read.tables = {name: frame(rows, schemas[name]) for name, rows in read.tables.items() if rows}
    return read


def _read_creator_rows(inbox: Path, item: InboxFile, agent_id: str) -> _CreatorRead:
    tables: Rows = {name: [] for name in CREATOR_TABLES}
    try:
        if item.kind == "creator_analytics":
            read = read_creator_analytics(inbox / item.path, item.path)
            agent = {"agent_id": agent_id}
            named = period_from_file_name(PurePosixPath(item.path.split("!")[-1]).name)
            until = (
                read.period_end
                or _last_day(read.daily, read.followers_daily)
                or (named[1] if named else None)
            )
            tables["creator_daily"] = _stamp(read.daily, item, until, **agent)
            tables["creator_followers_daily"] = _stamp(read.followers_daily, item, until, **agent)
            tables["creator_top_posts"] = _stamp(read.top_posts, item, until, **agent)
            tables["creator_periods"] = _stamp(read.summary_rows(), item, until, **agent, _source_row=1)
            note = "; ".join(text for text in (item.reason, read.sheets_note()) if text)
            return _CreatorRead(tables, read.rows_read, read.problems, note=note)
        single = read_post_analytics(inbox / item.path, item.path)
        tables["post_analytics"] = _stamp(single.rows, item, agent_id=agent_id)
        return _CreatorRead(tables, single.rows_read, single.problems, note=item.reason)
    except FileRejected as exc:
        return _CreatorRead(tables, rejected="; ".join(text for text in (item.reason, str(exc)) if text))
    except Exception as exc:  # a spreadsheet library error on a corrupt file
        return _CreatorRead(tables, rejected=f"unreadable spreadsheet: {exc}")


def _read_creator_files(
    inbox: Path,
    jobs: list[tuple[InboxFile, str]],
    workers: int,
    schemas: Schemas | None,
    parallel_from: int = 200,
) -> Iterable[_CreatorRead]:
    """Each file's read, in order; spread over ``workers`` processes from ``parallel_from`` files on
    (below that, starting worker processes costs more than it saves)."""
    if workers <= 1 or len(jobs) < parallel_from:
        return (_read_creator_file(inbox, item, agent_id, schemas) for item, agent_id in jobs)
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"))
    items, agents = zip(*jobs, strict=True)
    results = pool.map(_read_creator_file, repeat(inbox), items, agents, repeat(schemas), chunksize=32)

    def drain() -> Iterable[_CreatorRead]:
        with pool:
            yield from results

    return drain()


def parse_workers(settings: Mapping[str, Any]) -> int:
    """Processes that read spreadsheets in parallel: ``parse_workers`` in relais.toml, 0 for one per CPU."""
    value = settings.get("parse_workers", 0)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"relais.toml: parse_workers must be 0 (one per CPU) or more, not {value!r}")
    return value or os.cpu_count() or 1


def ingest_creator_exports(
    inbox: Path,
    items: Iterable[InboxFile],
    people: list[Person],
    write: Callable[[str, pl.DataFrame], None] | None = None,
    workers: int = 1,
    schemas: Schemas | None = None,
    parallel_from: int = 200,
    previous: PreviousReads | None = None,
) -> tuple[Rows, list[dict[str, Any]], Ledger]:
    """Read creator analytics and single-post exports of consenting ambassadors.

    Returns rows for ``creator_daily``, ``creator_followers_daily``, ``creator_top_posts``,
    ``creator_periods`` and ``post_analytics``, one row per file naming its owner (or why none), and
    the ledger. With ``write(table, frame)`` and the tables' ``schemas``, each file's rows go there as
    a typed frame instead of being returned (bounded memory), and ``workers`` processes read the
    files in parallel. Every owner is found before any file is read; a file ``previous`` can keep
    (unchanged, same owner) is not read again and keeps its last outcome.
    """
    if write is not None and schemas is None:
        raise ValueError("write needs the tables' schemas")
    tables: Rows = {name: [] for name in CREATOR_TABLES}
    owners: list[dict[str, Any]] = []
    ledger = Ledger()
    index = people_index(people)
    jobs: list[tuple[InboxFile, str]] = []
    for item in items:
        ownership = file_owner(item.path, people, index)
        owners.append(
            {
                "source_file": item.path,
                "kind": item.kind,
                "agent_id": ownership.agent_id,
                "matched_by": ownership.matched_by or None,
                "reason": ownership.reason or None,
            }
        )
        if ownership.agent_id is None:
            ledger.files.append(file_outcome(item, EXCLUDED, f"not loaded: {ownership.reason}"))
        elif previous is not None and (kept := previous.reusable(item, ownership.agent_id)):
            ledger.files.append(kept)
            ledger.loaded.append((item, ownership.agent_id))
        else:
            jobs.append((item, ownership.agent_id))
    reads = _read_creator_files(inbox, jobs, workers, schemas if write else None, parallel_from)
    for (item, agent_id), read in zip(jobs, reads, strict=True):
        if read.rejected:
            ledger.files.append(file_outcome(item, QUARANTINED, read.rejected))
            continue
        for name, rows in read.tables.items():
            if write is not None:
                write(name, rows)
            else:
                tables[name].extend(rows)
        problems = read.problems or []
        ledger.problems.extend(problems)
        ledger.files.append(file_outcome(item, LOADED, read.note, read.rows_read, len(problems)))
        ledger.loaded.append((item, agent_id))
    return tables, owners, ledger


PAGE_READERS = {
    "page_content": (("page_posts", read_page_posts), ("page_metrics_daily", read_page_metrics)),
    "page_content_legacy": (("page_posts", read_page_posts), ("page_metrics_daily", read_page_metrics)),
    "page_followers": (("page_followers_daily", read_page_followers),),
    "page_visitors": (("page_visitors_daily", read_page_visitors),),
}
"""Which sheets of each Page export are read, into which raw table."""


def ingest_page_exports(inbox: Path, items: Iterable[InboxFile]) -> tuple[Rows, Ledger]:
    """Read every sheet Relais uses of every Page export; one ledger entry per file, all sheets counted."""
    tables: Rows = {table: [] for readers in PAGE_READERS.values() for table, _ in readers}
    ledger = Ledger()
    for item in items:
        rows_read, problems, found, reasons = 0, [], {}, []
        for table, reader in PAGE_READERS[item.kind]:
            try:
                read: TableRead | SheetRead = reader(inbox / item.path, item.path)
            except FileRejected as exc:
                reasons.append(str(exc))
                continue
            except Exception as exc:  # a spreadsheet library error on a corrupt file
                reasons.append(f"unreadable spreadsheet: {exc}")
                continue
            found[table] = read.rows
            rows_read += read.rows_read
            problems += read.problems
        if not found:
            ledger.files.append(file_outcome(item, QUARANTINED, "; ".join(reasons)))
            continue
        until = _last_day(*(rows for table, rows in found.items() if table != "page_posts"))
        for table, rows in found.items():
            tables[table] += _stamp(rows, item, until)
        ledger.problems.extend(problems)
        note = "; ".join([item.reason, *reasons] if item.reason else reasons)
        ledger.files.append(file_outcome(item, LOADED, note, rows_read, len(problems)))
    return tables, ledger


ADVOCACY = {
    "everyonesocial_users": ("EveryoneSocial", EVERYONESOCIAL_USERS, "name"),
    "firstup_sources": ("Firstup", FIRSTUP_SOURCES, "post_source"),
}
_FILE_DAY = re.compile(r"(?<!\d)(\d{4})[-_.]?(\d{2})(?:[-_.]?(\d{2}))?(?!\d)")


def report_month(file_name: str, obtained: datetime) -> date:
    """The month a report covers: the last date written in its file name, else the month it was obtained."""
    found = [
        m for m in _FILE_DAY.finditer(file_name) if 1 <= int(m.group(2)) <= 12 and int(m.group(1)) >= 2000
    ]
    if found:
        year, month = int(found[-1].group(1)), int(found[-1].group(2))
        return date(year, month, 1)
    return obtained.date().replace(day=1)


def ingest_advocacy(
    inbox: Path, items: Iterable[InboxFile], people: list[Person]
) -> tuple[list[dict[str, Any]], Ledger]:
    """Read advocacy platform reports; keep the rows of consenting ambassadors, withhold the others.

    A row is an ambassador's when its name is their first and last name (accents, case and order
    ignored). Rows naming nobody, or several ambassadors, are counted as withheld and not stored.
    """
    rows: list[dict[str, Any]] = []
    ledger = Ledger()
    index = people_index(people)
    for item in items:
        platform, spec, name_column = ADVOCACY[item.kind]
        try:
            with open_lines(inbox, item) as lines:
                read = read_table(item.path, lines, spec)
        except FileRejected as exc:
            ledger.files.append(file_outcome(item, QUARANTINED, str(exc)))
            continue
        month = report_month(PurePosixPath(item.path).name, obtained_at(item))
        month_end = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        kept, withheld = [], 0
        for row in read.rows:
            matches = index.by_full_name(row[name_column])
            if len(matches) != 1:
                withheld += 1
                continue
            row = {k: v for k, v in row.items() if k not in {"name", "post_source", "post_source_url"}}
            kept.append({**row, "agent_id": matches.pop(), "platform": platform, "report_month": month})
        rows += _stamp(kept, item, month_end)
        ledger.problems.extend(read.problems)
        outcome = loaded_outcome(
            item, read, f"{withheld} row(s) naming no consenting ambassador withheld" if withheld else ""
        )
        outcome.rows_loaded, outcome.rows_withheld = len(kept), withheld
        ledger.files.append(outcome)
    return rows, ledger


API_TABLES = {
    POSTS: "api_posts",
    SOCIAL_METADATA: "api_social_metadata",
    CREATOR_ANALYTICS: "api_member_daily",
    FOLLOWERS: "api_member_followers",
    SHARE_STATISTICS: "api_org_share_stats",
}
"""The raw table of each LinkedIn API endpoint's rows."""


def ingest_api_files(inbox: Path, items: Iterable[InboxFile], ambassadors: set[str]) -> tuple[Rows, Ledger]:
    """Read the LinkedIn API answers the connector saved in the inbox (one envelope per file).

    Answers about a member who is not a consenting ambassador are excluded whole; the others keep
    the API's ``obtained_at`` as the moment their figures were obtained.
    """
    tables: Rows = {table: [] for table in API_TABLES.values()}
    ledger = Ledger()
    for item in items:
        try:
            read = read_api_file(inbox / item.path, item.path)
        except FileRejected as exc:
            ledger.files.append(file_outcome(item, QUARANTINED, str(exc)))
            continue
        if read.owner_kind == MEMBER and read.agent_id not in ambassadors:
            ledger.files.append(
                file_outcome(item, EXCLUDED, "not loaded: the member is not a consenting ambassador")
            )
            continue
        when = read.obtained_at.replace(tzinfo=None)
        lineage = {"_source_file": item.path, "_obtained_at": when, "_file_modified_at": item.modified_at}
        tables[API_TABLES[read.endpoint]] += [
            {**row, "agent_id": read.agent_id, **lineage} for row in read.rows
        ]
        ledger.problems.extend(read.problems)
        ledger.files.append(file_outcome(item, LOADED, "", read.rows_read, len(read.problems)))
    return tables, ledger
