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

from relais.ledger import EXCLUDED, LOADED, QUARANTINED, FileRejected, Ledger
from relais.progress import Progress, silent
from relais.sources.advocacy import ADVOCACY_SPECS, EVERYONESOCIAL_USERS, FIRSTUP_SOURCES
from relais.sources.creator_analytics import read_creator_batch, read_post_analytics
from relais.sources.io.export_owner import owner_name_from_file, period_from_file_name
from relais.sources.io.files import (
    UNREADABLE,
    InboxFile,
    PreviousReads,
    file_outcome,
    loaded_outcome,
    open_lines,
    unreadable_reason,
)
from relais.sources.io.owner_index import OwnerIndex
from relais.sources.io.sheets import FILE
from relais.sources.io.tables import TableRead, read_table
from relais.sources.io.workbooks import creator_workbook_kind, page_workbook_kind
from relais.sources.linkedin_api.files import (
    CREATOR_ANALYTICS,
    FOLLOWERS,
    MEMBER,
    MEMBER_CHANGELOG,
    PAGE_CONTENT_ANALYTICS,
    PAGE_POSTS,
    PAGE_SOCIAL_METADATA,
    POSTS,
    SHARE_STATISTICS,
    SOCIAL_METADATA,
    is_api_envelope,
    read_api_file,
)
from relais.sources.linkedin_archive import Ownership, find_owner
from relais.sources.page_audience import SheetRead, read_page_followers, read_page_metrics, read_page_visitors
from relais.sources.page_export import read_page_posts
from relais.sources.source import (
    AGENT_LINEAGE,
    DATE,
    FLOAT,
    INT,
    LINEAGE,
    STR,
    TS,
    Batch,
    RawTable,
    Recognition,
    Source,
    SourceRead,
)

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


def last_day(*frames: pl.DataFrame, column: str = "day") -> date | None:
    """The latest ``column`` value of the frames that have the column, or None."""
    days = [day for data in frames if column in data.columns and (day := data.get_column(column).max())]
    return max(days) if days else None


def in_schema(data: pl.DataFrame, schema: Mapping[str, pl.DataType]) -> pl.DataFrame:
    """Exactly ``schema``'s columns of a frame, cast to their types (a column it lacks is null)."""
    return data.select(
        pl.col(name).cast(dtype) if name in data.columns else pl.lit(None, dtype).alias(name)
        for name, dtype in schema.items()
    )


CREATOR_TABLES = (
    "creator_daily",
    "creator_followers_daily",
    "creator_top_posts",
    "creator_periods",
    "post_analytics",
)


@dataclass
class _CreatorRead:
    """What reading one creator or single-post export gave: its counts and problems, or the reason not."""

    rows_read: int = 0
    problems: list[Any] | None = None
    rejected: str = ""
    note: str = ""


@dataclass
class _ChunkRead:
    """What reading a chunk of exports gave: each file's read, in order, and the rows of all per table
    (typed frames in the tables' schemas, or dictionaries)."""

    files: list[_CreatorRead]
    tables: dict[str, Any]


AGENT_LINEAGE_STAMPS = {"agent_id": STR, "_source_file": STR, "_obtained_at": TS, "_file_modified_at": FLOAT}
"""The columns a creator export's rows are stamped with: owner and lineage but the row."""


CHUNK_FILES = 64
"""Exports read together: their rows are typed in one batch (Polars' cost per operation is paid once a
chunk, not once a file), and cross from a worker process as one frame per table."""


def _rejected(item: InboxFile, exc: Exception) -> _CreatorRead:
    """A file that could not be read: the reader's reason, or the spreadsheet library's error."""
    if isinstance(exc, FileRejected):
        return _CreatorRead(rejected="; ".join(text for text in (item.reason, str(exc)) if text))
    return _CreatorRead(rejected=f"unreadable spreadsheet: {exc}")


def _read_creator_chunk(
    inbox: Path, jobs: list[tuple[InboxFile, str]], schemas: Schemas | None
) -> _ChunkRead:
    """Read a chunk of exports (in a worker process when there are many files): aggregate exports
    together (``read_creator_batch``), single-post ones one by one; rows stamped with their owner
    and their file's lineage.

    With ``schemas`` the rows come back as typed Polars frames of exactly those tables' columns, which
    cross processes as Arrow buffers; without, as dictionaries (every field the reader gave).
    """
    files: list[_CreatorRead] = []
    parts: dict[str, list[pl.DataFrame]] = {name: [] for name in CREATOR_TABLES}
    aggregate = [(item, agent) for item, agent in jobs if item.kind == "creator_analytics"]
    batch = read_creator_batch([(inbox / item.path, item.path) for item, _ in aggregate])
    reads = iter(enumerate(batch.reads))
    lineage, summaries = [], []
    for item, agent_id in jobs:
        if item.kind != "creator_analytics":
            files.append(_read_single_post(inbox, item, agent_id, parts))
            continue
        number, read = next(reads)
        if isinstance(read, Exception):
            files.append(_rejected(item, read))
            continue
        named = period_from_file_name(PurePosixPath(item.path.split("!")[-1]).name)
        until = (
            read.period_end or last_day(read.daily_rows, read.follower_rows) or (named[1] if named else None)
        )
        lineage.append(
            {
                FILE: number,
                "agent_id": agent_id,
                "_source_file": item.path,
                "_obtained_at": obtained_at(item, until),
                "_file_modified_at": item.modified_at,
            }
        )
        summaries += [{FILE: number, **row, "_source_row": 1} for row in read.summary_rows()]
        note = "; ".join(text for text in (item.reason, read.sheets_note()) if text)
        files.append(_CreatorRead(read.rows_read, read.problems, note=note))
    if lineage:
        stamps = pl.DataFrame(lineage, schema={FILE: pl.Int64, **AGENT_LINEAGE_STAMPS})
        for name, data in (
            ("creator_daily", batch.daily),
            ("creator_followers_daily", batch.followers_daily),
            ("creator_top_posts", batch.top_posts),
            ("creator_periods", pl.DataFrame(summaries, infer_schema_length=None)),
        ):
            if data.height:
                parts[name].append(data.join(stamps, on=FILE, maintain_order="left").drop(FILE))
    tables: dict[str, Any] = {}
    for name, frames in parts.items():
        if schemas is not None:
            tables[name] = [in_schema(data, schemas[name]) for data in frames]
        else:
            tables[name] = [row for data in frames for row in data.to_dicts()]
    return _ChunkRead(files, tables)


def _read_single_post(
    inbox: Path, item: InboxFile, agent_id: str, parts: dict[str, list[pl.DataFrame]]
) -> _CreatorRead:
    """Read a single-post export; its row goes to ``parts['post_analytics']``."""
    try:
        single = read_post_analytics(inbox / item.path, item.path)
    except Exception as exc:  # FileRejected, or a spreadsheet library error on a corrupt file
        return _rejected(item, exc)
    if single.rows:
        parts["post_analytics"].append(pl.DataFrame(_stamp(single.rows, item, agent_id=agent_id)))
    return _CreatorRead(single.rows_read, single.problems, note=item.reason)


def _read_creator_files(
    inbox: Path,
    jobs: list[tuple[InboxFile, str]],
    workers: int,
    schemas: Schemas | None,
    parallel_from: int = 200,
) -> Iterable[_ChunkRead]:
    """Each chunk's read (``CHUNK_FILES`` files), in order; spread over ``workers`` processes from
    ``parallel_from`` files on (below that, starting worker processes costs more than it saves)."""
    chunks = [jobs[start : start + CHUNK_FILES] for start in range(0, len(jobs), CHUNK_FILES)]
    if workers <= 1 or len(jobs) < parallel_from:
        return (_read_creator_chunk(inbox, chunk, schemas) for chunk in chunks)
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"))
    results = pool.map(_read_creator_chunk, repeat(inbox), chunks, repeat(schemas))

    def drain() -> Iterable[_ChunkRead]:
        with pool:
            yield from results

    return drain()


def parse_workers(setting: int) -> int:
    """Processes that read spreadsheets in parallel: ``parse_workers`` of relais.toml, 0 for one per CPU."""
    return setting or os.cpu_count() or 1


def ingest_creator_exports(
    inbox: Path,
    items: Iterable[InboxFile],
    people: list[Person],
    write: Callable[[str, pl.DataFrame], None] | None = None,
    workers: int = 1,
    schemas: Schemas | None = None,
    parallel_from: int = 200,
    previous: PreviousReads | None = None,
    say: Callable[[str], None] = silent,
) -> tuple[Rows, list[dict[str, Any]], Ledger]:
    """Read creator analytics and single-post exports of consenting ambassadors.

    Returns rows for ``creator_daily``, ``creator_followers_daily``, ``creator_top_posts``,
    ``creator_periods`` and ``post_analytics``, one row per file naming its owner (or why none), and
    the ledger. With ``write(table, frame)`` and the tables' ``schemas``, the rows of each chunk of
    ``CHUNK_FILES`` files go there as one typed frame per table instead of being returned (bounded
    memory), and ``workers`` processes read the chunks in parallel. Every owner is found before any
    file is read; a file ``previous`` can keep (unchanged, same owner) is not read again and keeps
    its last outcome. ``say`` hears how far the reading is.
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
    chunks = _read_creator_files(inbox, jobs, workers, schemas if write else None, parallel_from)
    progress = Progress(say, "Analytics exports", len(jobs), "files read")
    reads = (read for chunk in chunks for read in _take_rows(chunk, tables, write))
    for (item, agent_id), read in zip(jobs, reads, strict=True):
        progress.advance(1)
        if read.rejected:
            ledger.files.append(file_outcome(item, QUARANTINED, read.rejected))
            continue
        problems = read.problems or []
        ledger.problems.extend(problems)
        ledger.files.append(file_outcome(item, LOADED, read.note, read.rows_read, len(problems)))
        ledger.loaded.append((item, agent_id))
    return tables, owners, ledger


def _take_rows(
    chunk: _ChunkRead, tables: Rows, write: Callable[[str, pl.DataFrame], None] | None
) -> list[_CreatorRead]:
    """Hand a chunk's rows to ``write`` (frames), else to ``tables`` (dictionaries); its files' reads."""
    for name, rows in chunk.tables.items():
        if write is None:
            tables[name].extend(rows)
            continue
        for data in rows:
            write(name, data)
    return chunk.files


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
        except UNREADABLE as exc:
            ledger.files.append(file_outcome(item, QUARANTINED, unreadable_reason(exc)))
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
    MEMBER_CHANGELOG: "api_changelog",
    PAGE_POSTS: "api_posts",
    PAGE_SOCIAL_METADATA: "api_social_metadata",
    PAGE_CONTENT_ANALYTICS: "api_org_share_stats",
}
"""The raw table of each LinkedIn API endpoint's rows: the Pages Data Portability answers share the
Community Management ones' tables, so that staging keeps one value per fact whichever API gave it."""


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


# --- the raw tables and the sources: Page exports, creator analytics, advocacy reports, API answers --


PAGE_SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "page_posts": {
        "post_key": STR,
        "post_link": STR,
        "title": STR,
        "post_type": STR,
        "content_type": STR,
        "created_on": DATE,
        "impressions": INT,
        "clicks": INT,
        "likes": INT,
        "comments": INT,
        "reposts": INT,
        "follows": INT,
        "engagement_rate": FLOAT,
        **LINEAGE,
    },
    "page_metrics_daily": {
        "day": DATE,
        **{
            f"{m}_{a}": INT
            for m in ("impressions", "clicks", "reactions", "comments", "reposts")
            for a in ("organic", "sponsored", "total")
        },
        "unique_impressions_organic": INT,
        **{f"engagement_rate_{a}": FLOAT for a in ("organic", "sponsored", "total")},
        **LINEAGE,
    },
    "page_followers_daily": {
        "day": DATE,
        "sponsored_followers": INT,
        "organic_followers": INT,
        "auto_invited_followers": INT,
        "total_followers": INT,
        **LINEAGE,
    },
    "page_visitors_daily": {
        "day": DATE,
        **{
            f"{m}_{d}": INT for m in ("page_views", "unique_visitors") for d in ("desktop", "mobile", "total")
        },
        **LINEAGE,
    },
}
PAGE_DESCRIPTIONS = {
    "page_posts": "The institution's posts with their lifetime figures (Page content exports, all layouts).",
    "page_metrics_daily": "The Page per day: impressions, clicks, reactions, comments, reposts.",
    "page_followers_daily": "The Page's new followers per day (organic, sponsored, auto-invited).",
    "page_visitors_daily": "Page views and unique visitors of the institution's Page per day.",
}
CREATOR_SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "creator_daily": {"day": DATE, "impressions": INT, "engagements": INT, **AGENT_LINEAGE},
    "creator_followers_daily": {"day": DATE, "new_followers": INT, **AGENT_LINEAGE},
    "creator_top_posts": {
        "post_key": STR,
        "post_url": STR,
        "published_on": DATE,
        "metric": STR,
        "value": INT,
        "rank": INT,
        **AGENT_LINEAGE,
    },
    "creator_periods": {
        "period_start": DATE,
        "period_end": DATE,
        "impressions": INT,
        "members_reached": INT,
        "engagements": INT,
        "followers_total": INT,
        "followers_total_on": DATE,
        "language": STR,
        "date_order": STR,
        **AGENT_LINEAGE,
    },
    "post_analytics": {
        "post_key": STR,
        "post_url": STR,
        "post_date": DATE,
        "impressions": INT,
        "members_reached": INT,
        "reactions": INT,
        "comments": INT,
        "reposts": INT,
        "saves": INT,
        "sends": INT,
        **AGENT_LINEAGE,
    },
}
CREATOR_DESCRIPTIONS = {
    "creator_daily": "Ambassadors' daily impressions and engagements (creator analytics ENGAGEMENT sheet).",
    "creator_followers_daily": "Ambassadors' new followers per day (creator analytics FOLLOWERS sheet).",
    "creator_top_posts": "Ambassadors' top posts by engagements and by impressions (TOP POSTS).",
    "creator_periods": (
        "Per export: its period, impressions, members reached, engagements (older layout) and follower total."
    ),
    "post_analytics": "Single-post analytics exports: one post's impressions, reach and engagement.",
}
OWNERS_SCHEMA = {"source_file": STR, "kind": STR, "agent_id": STR, "matched_by": STR, "reason": STR}
ADVOCACY_SCHEMA = {
    "platform": STR,
    "report_month": DATE,
    "user_type": STR,
    "created_on": DATE,
    "onboarded_on": DATE,
    "last_active_on": DATE,
    "potential_reach": INT,
    "posts": INT,
    "shares": INT,
    "clicks": INT,
    "post_views": INT,
    "platform_impressions": INT,
    "conversions": INT,
    "total_reactions": INT,
    "likes": INT,
    "comments": INT,
    "reshares": INT,
    "earned_media_value": FLOAT,
    **AGENT_LINEAGE,
}
API_SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "api_posts": {
        "post_urn": STR,
        "post_key": STR,
        "created_at": TS,
        "published_at": TS,
        "visibility": STR,
        "lifecycle_state": STR,
        "reshare_parent_urn": STR,
        "reshare_parent_key": STR,
        "commentary": STR,
        **AGENT_LINEAGE,
    },
    "api_social_metadata": {
        "post_urn": STR,
        "post_key": STR,
        "comments": INT,
        "top_level_comments": INT,
        "reactions": INT,
        **{t: INT for t in ("like", "praise", "empathy", "interest", "appreciation", "entertainment")},
        **AGENT_LINEAGE,
    },
    "api_member_daily": {"day": DATE, "metric": STR, "value": INT, "post_urn": STR, **AGENT_LINEAGE},
    "api_member_followers": {"day": DATE, "followers_total": INT, "new_followers": INT, **AGENT_LINEAGE},
    "api_org_share_stats": {
        "day": DATE,
        "impressions": INT,
        "unique_impressions": INT,
        "clicks": INT,
        "likes": INT,
        "comments": INT,
        "shares": INT,
        "engagement": FLOAT,
        **LINEAGE,
    },
    "api_changelog": {
        "event_id": STR,
        "processed_at": TS,
        "captured_at": TS,
        "method": STR,
        "resource_name": STR,
        "resource_id": STR,
        "kind": STR,
        "item_key": STR,
        "target_key": STR,
        "occurred_at": TS,
        "commentary": STR,
        "reaction_type": STR,
        **AGENT_LINEAGE,
    },
}
API_DESCRIPTIONS = {
    "api_posts": "Posts from the LinkedIn API: the institution's and consenting ambassadors'.",
    "api_social_metadata": "Reactions and comments per post, from the LinkedIn API (socialMetadata, "
    "or dmaSocialMetadata for the institution's Page).",
    "api_member_daily": "Ambassadors' daily analytics from the LinkedIn API (impressions, reactions...).",
    "api_member_followers": "Ambassadors' daily new followers from the LinkedIn API.",
    "api_org_share_stats": "The institution's daily Page figures from the LinkedIn API: share statistics "
    "(Community Management) or content analytics (Pages Data Portability, organic and sponsored).",
    "api_changelog": "Consenting ambassadors' changelog events (EU data portability): posts, reshares with "
    "the post they relay, comments and reactions created, updated or deleted.",
}
ANALYTICS_OWNERS = RawTable(
    "analytics_owners",
    OWNERS_SCHEMA,
    "One row per creator analytics file: whose it is, or why nobody's.",
    False,
)


def _people(batch: Batch) -> list[Person]:
    return [Person(p.agent_id, p.first_name, p.last_name) for p in batch.people]


def read_page_source(batch: Batch) -> SourceRead:
    """The Page exports of the batch into their raw tables."""
    tables, ledger = ingest_page_exports(batch.inbox, batch.items)
    for table, rows in tables.items():
        batch.sink.rows(table, rows)
    return SourceRead(ledger)


def read_creator_source(batch: Batch) -> SourceRead:
    """Consenting ambassadors' creator analytics exports, written as typed frames a chunk of files at once."""
    _, owners, ledger = ingest_creator_exports(
        batch.inbox,
        batch.items,
        _people(batch),
        batch.sink.frame,
        batch.workers,
        CREATOR_SCHEMAS,
        previous=batch.previous,
        say=batch.say,
    )
    batch.sink.rows(ANALYTICS_OWNERS.name, owners)
    warnings = [
        f"Analytics file {o['source_file']} not loaded: {o['reason']}"
        for o in owners
        if o["agent_id"] is None
    ]
    loaded = sum(1 for o in owners if o["agent_id"])
    return SourceRead(ledger, warnings, metadata={"loaded": loaded, "not_loaded": len(owners) - loaded})


def read_advocacy_source(batch: Batch) -> SourceRead:
    """Advocacy platform reports; rows naming no consenting ambassador are withheld."""
    rows, ledger = ingest_advocacy(batch.inbox, batch.items, _people(batch))
    batch.sink.rows("advocacy_users", rows)
    return SourceRead(ledger)


def read_api_source(batch: Batch) -> SourceRead:
    """The LinkedIn API answers saved in the inbox (one JSON envelope per call)."""
    tables, ledger = ingest_api_files(batch.inbox, batch.items, {p.agent_id for p in batch.people})
    for table, rows in tables.items():
        batch.sink.rows(table, rows)
    return SourceRead(ledger)


PAGE_SOURCE = Source(
    name="page_exports",
    display_name="LinkedIn Page exports",
    description="Read the institution's Page exports: posts, daily metrics, followers and visitors. Sheets "
    "are found by their English or localised names, headers by scanning below the note row.",
    kinds={
        "page_content": "a LinkedIn Page content export",
        "page_content_legacy": "an older LinkedIn Page content export (updates)",
        "page_followers": "a LinkedIn Page followers export",
        "page_visitors": "a LinkedIn Page visitors export",
    },
    tables=tuple(RawTable(t, PAGE_SCHEMAS[t], PAGE_DESCRIPTIONS[t]) for t in PAGE_SCHEMAS),
    read=read_page_source,
    recognition=Recognition(workbook=page_workbook_kind),
    needs_roster=False,
)
CREATOR_SOURCE = Source(
    name="creator_exports",
    display_name="creator analytics exports",
    description="Read consenting ambassadors' creator analytics exports (aggregate and single-post, English "
    "or French). A file is an ambassador's when their agent id is a token of its name or folders, else when "
    "the member name in its file name is theirs; other files are reported and left unread.",
    kinds={
        "creator_analytics": "a member's creator analytics export",
        "post_analytics": "a single-post analytics export",
    },
    tables=(
        *(RawTable(t, CREATOR_SCHEMAS[t], CREATOR_DESCRIPTIONS[t]) for t in CREATOR_SCHEMAS),
        ANALYTICS_OWNERS,
    ),
    read=read_creator_source,
    recognition=Recognition(workbook=creator_workbook_kind),
    reuses_reads=True,
)
ADVOCACY_SOURCE = Source(
    name="advocacy_reports",
    display_name="advocacy platform reports",
    description="Read EveryoneSocial and Firstup reports; rows naming no ambassador are withheld.",
    kinds={
        "everyonesocial_users": "an EveryoneSocial users report",
        "firstup_sources": "a Firstup sources report",
    },
    tables=(
        RawTable(
            "advocacy_users",
            ADVOCACY_SCHEMA,
            "Advocacy platforms' per-ambassador figures: shares, clicks, potential reach "
            "(vendor reach, not LinkedIn impressions).",
        ),
    ),
    read=read_advocacy_source,
    recognition=Recognition(texts=ADVOCACY_SPECS),
    several_people=frozenset({"everyonesocial_users", "firstup_sources"}),
)
API_SOURCE = Source(
    name="linkedin_api_files",
    display_name="LinkedIn API answers",
    description="Read the LinkedIn API answers the connector saved in the inbox (one JSON envelope a call).",
    kinds={"linkedin_api": "a LinkedIn API answer saved by Relais"},
    tables=tuple(RawTable(t, API_SCHEMAS[t], API_DESCRIPTIONS[t]) for t in API_SCHEMAS),
    read=read_api_source,
    recognition=Recognition(envelope=is_api_envelope, envelope_kind="linkedin_api"),
)
