"""A member's own analytics exports: the aggregate workbook of a period and the single-post workbook.

The aggregate export (``Content_<start>_<end>_<Name>.xlsx``, ``AggregateAnalytics_<Name>_<start>_<end>.xlsx``)
has five sheets: DISCOVERY (period and totals), ENGAGEMENT (one row a day), TOP POSTS (two
side-by-side top-50 lists), FOLLOWERS (total and daily gains) and DEMOGRAPHICS, which is aggregate
data Relais does not read. Members keep them whole or save some sheets apart (DISCOVERY with
DEMOGRAPHICS, TOP POSTS alone...), so each sheet is recognised by its content
(``relais.sources.io.workbooks.creator_sheet_role``), never by its position; DISCOVERY comes in today's
layout (the period beside ``Overall Performance``) and in the older one (``Overall Performance |
Value | Time Period``, ``Unique views`` for members reached, the period in column C). A French
interface localises sheet names and labels and writes dates day first, so the date order is
decided by checking which reading puts every ENGAGEMENT day inside the DISCOVERY period (a
workbook without ENGAGEMENT: its top posts' dates); when both do, the interface language decides. The
single-post export (``PostAnalytics_<Name>_<postId>.xlsx``) is a PERFORMANCE sheet of label/value
rows matched on the label. The French labels are unverified guesses, kept in the tables below.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any

import polars as pl

from relais.ledger import FileRejected, RowProblem
from relais.sources.io.export_owner import owner_name_from_file
from relais.sources.io.sheets import (
    FILE,
    ORDER,
    grid_of,
    rows_below,
    sheet_frame,
    stacked_cells,
    type_by_order,
)
from relais.sources.io.tables import Column, column_positions
from relais.sources.io.typed_batch import PYTHON_WHITESPACE, ROW, BatchForm, type_columns
from relais.sources.io.values import parse_count
from relais.sources.io.workbooks import (
    CREATOR_ROLES,
    CREATOR_SHEETS,
    DATE,
    DATE_TEXT,
    ENGAGEMENTS,
    IMPRESSIONS,
    NEW_FOLLOWERS,
    ORDERS,
    OVERALL_PERFORMANCE,
    POST_PERFORMANCE_SHEET,
    POST_URL,
    PUBLISH_DATE,
    TOTAL_FOLLOWERS_ON,
    Grid,
    Labels,
    batch_form,
    cell,
    column,
    creator_sheets,
    day_parser,
    find_header_row,
    find_sheet,
    first_filled,
    is_blank_row,
    label_is,
    load_grid,
    open_workbook,
    order_for_language,
    parse_day_in_order,
    readable_in,
    vote_language,
)
from relais.sources.post_identity import publication_key

KIND = "creator_analytics"
POST_KIND = "creator_post_analytics"

MEMBERS_REACHED: Labels = {
    "en": ("Members reached", "Unique views"),
    "fr": ("Membres touchés", "Membres atteints", "Vues uniques"),
}
"""``Unique views`` is the older DISCOVERY layout's name for members reached."""
DISCOVERY_LABELS: dict[str, Labels] = {
    "impressions": IMPRESSIONS,
    "members_reached": MEMBERS_REACHED,
    "engagements": ENGAGEMENTS,
}
"""DISCOVERY rows read; ``Engagements`` appears in the older layout only."""
TOP_POST_METRICS: dict[str, Labels] = {"engagements": ENGAGEMENTS, "impressions": IMPRESSIONS}
TOP_POST_LISTS = ("engagements", "impressions")
"""The metric of each TOP POSTS list in sheet order, used when its header names no known metric."""

POST_LABELS: dict[str, Labels] = {
    "post_url": POST_URL,
    "post_date": {
        "en": ("Post Date", "Post publish date"),
        "fr": ("Date du post", "Date de publication", "Date de la publication"),
    },
    "impressions": IMPRESSIONS,
    "members_reached": MEMBERS_REACHED,
    "reactions": {"en": ("Reactions",), "fr": ("Réactions",)},
    "comments": {"en": ("Comments",), "fr": ("Commentaires",)},
    "reposts": {"en": ("Reposts",), "fr": ("Republications", "Partages", "Reposts")},
    "saves": {"en": ("Saves",), "fr": ("Enregistrements", "Sauvegardes")},
    "sends": {"en": ("Sends on LinkedIn",), "fr": ("Envois sur LinkedIn", "Envois")},
}
"""Labels of the PERFORMANCE sheet's rows, by output field."""

_DATE_TEXT = DATE_TEXT
HEAD_ROWS = 13
"""Rows of each sheet kept as text for recognition and header scans: twelve, from row 2 for FOLLOWERS."""


@dataclass
class CreatorAnalyticsRead:
    """What an aggregate creator export holds, with its problems.

    ``rows_read`` counts the daily, top-post and follower rows returned, the one summary row
    (period, discovery totals and follower total, see ``summary_row``) and every problem, so that
    ``rows_read == rows_loaded + len(problems)``. A TOP POSTS spreadsheet row holds one entry of
    each list and counts once per entry.

    The daily, top-post and follower rows are frames (``daily_rows``, ``top_post_rows``,
    ``follower_rows``, empty with no columns when the sheet is absent); ``daily``, ``top_posts`` and
    ``followers_daily`` give them as dictionaries.
    """

    source_file: str
    owner_name: str | None
    language: str | None
    date_order: str
    period_start: date | None = None
    period_end: date | None = None
    discovery: dict[str, int | None] = field(default_factory=dict)
    followers_total: int | None = None
    followers_total_on: date | None = None
    daily_rows: pl.DataFrame = field(default_factory=pl.DataFrame)
    top_post_rows: pl.DataFrame = field(default_factory=pl.DataFrame)
    follower_rows: pl.DataFrame = field(default_factory=pl.DataFrame)
    problems: list[RowProblem] = field(default_factory=list)
    ignored_labels: list[str] = field(default_factory=list)
    rows_read: int = 0
    sheets: dict[str, str] = field(default_factory=dict)
    """The sheets found: role (``discovery``, ``engagement``...) -> sheet name."""

    @property
    def daily(self) -> list[dict[str, Any]]:
        """The ENGAGEMENT rows: ``day``, ``impressions``, ``engagements``, ``_source_row``, ``_sheet``."""
        return self.daily_rows.to_dicts()

    @property
    def top_posts(self) -> list[dict[str, Any]]:
        """The TOP POSTS entries, row by row and list by list within a row (see ``TOP_POST_FIELDS``)."""
        return self.top_post_rows.to_dicts()

    @property
    def followers_daily(self) -> list[dict[str, Any]]:
        """The FOLLOWERS rows: ``day``, ``new_followers``, ``_source_row``, ``_sheet``."""
        return self.follower_rows.to_dicts()

    @property
    def has_summary(self) -> bool:
        """True when the workbook holds DISCOVERY or FOLLOWERS, whose figures make the summary row."""
        return "discovery" in self.sheets or "followers" in self.sheets

    @property
    def rows_loaded(self) -> int:
        """Rows returned: daily, top posts, daily followers, and the summary row when there is one."""
        frames = (self.daily_rows, self.top_post_rows, self.follower_rows)
        return sum(frame.height for frame in frames) + int(self.has_summary)

    def summary_rows(self) -> list[dict[str, Any]]:
        """The summary row, or none for a workbook of other sheets only (TOP POSTS alone...)."""
        return [self.summary_row()] if self.has_summary else []

    def sheets_note(self) -> str:
        """Which sheets were read, for the ledger: whole workbook, or the sheets saved apart."""
        shown = ", ".join(
            f"{role.upper().replace('_', ' ')} ('{name}')" for role, name in self.sheets.items()
        )
        if len(self.sheets) == len(CREATOR_ROLES):
            return ""
        return f"part of a creator analytics export: sheets {shown} (DEMOGRAPHICS is never read)"

    def summary_row(self) -> dict[str, Any]:
        """The export's period-level figures as one row."""
        return {
            "period_start": self.period_start,
            "period_end": self.period_end,
            "impressions": self.discovery.get("impressions"),
            "members_reached": self.discovery.get("members_reached"),
            "engagements": self.discovery.get("engagements"),
            "followers_total": self.followers_total,
            "followers_total_on": self.followers_total_on,
            "language": self.language,
            "date_order": self.date_order,
            "owner_name": self.owner_name,
        }


@dataclass
class PostAnalyticsRead:
    """What a single-post export holds: the post's figures (None when unusable) and the problems.

    ``rows_read`` is ``len(rows) + len(problems)``.
    """

    source_file: str
    owner_name: str | None
    language: str | None
    post: dict[str, Any] | None
    problems: list[RowProblem] = field(default_factory=list)
    ignored_labels: list[str] = field(default_factory=list)

    @property
    def rows(self) -> list[dict[str, Any]]:
        """The post as a list of at most one row."""
        return [self.post] if self.post is not None else []

    @property
    def rows_read(self) -> int:
        """Rows returned plus problems."""
        return len(self.rows) + len(self.problems)


def _file_name(path: Path, source_file: str) -> str:
    return PurePosixPath(source_file.replace("\\", "/")).name or path.name


def read_creator_analytics(path: Path, source_file: str) -> CreatorAnalyticsRead:
    """Read a creator analytics export, whole or some of its sheets saved apart, in any language.

    Each sheet is recognised by its content (see ``relais.sources.io.workbooks.creator_sheets``). Raises
    ``FileRejected`` when the workbook cannot be opened, when none of its sheets is a creator
    analytics sheet, or when a sheet holding data has no recognisable header row. A batch of one
    (``read_creator_batch``).
    """
    [read] = read_creator_batch([(path, source_file)]).reads
    if isinstance(read, Exception):
        raise read
    return read


@dataclass
class CreatorBatch:
    """Creator exports read together: each file's read (or the error rejecting it) and all their rows.

    ``daily``, ``top_posts`` and ``followers_daily`` hold the rows of every file, in file order, with
    ``_file`` (the file's number in the batch); each read also holds its own rows.
    """

    reads: list[CreatorAnalyticsRead | Exception]
    daily: pl.DataFrame
    top_posts: pl.DataFrame
    followers_daily: pl.DataFrame


def read_creator_batch(files: Sequence[tuple[Path, str]]) -> CreatorBatch:
    """Read creator analytics exports (path, source file name) together: what a file alone tells
    (its sheets, language, period, headers) is read file by file, its rows are typed with the other
    files' rows in one batch (``relais.sources.io.sheets.type_by_order``), each file's dates in its order.
    """
    exports: list[_Export | Exception] = []
    for number, (path, source_file) in enumerate(files):
        try:
            exports.append(_open_export(path, source_file, number))
        except Exception as exc:  # FileRejected, or a spreadsheet library error on a corrupt sheet
            exports.append(exc)
    found = [export for export in exports if isinstance(export, _Export)]
    engagement = _stacked(found, "engagement", ("day", "impressions", "engagements"))
    orders = _decide_orders(found, engagement)
    for export in found:
        export.start(orders[export.number])
    daily = _type_engagement(found, engagement)
    top_posts = _type_top_posts(found)
    followers = _type_followers(found)
    by_file = {
        name: dict(data.partition_by(FILE, as_dict=True, include_key=False)) if data.height else {}
        for name, data in (("daily", daily), ("top", top_posts), ("followers", followers))
    }
    for export in found:
        export.finish(*(by_file[name].get((export.number,), pl.DataFrame()) for name in by_file))
    reads = [export.result if isinstance(export, _Export) else export for export in exports]
    return CreatorBatch(reads, daily, top_posts, followers)


@dataclass
class _Export:
    """One creator export as far as reading it alone goes: its sheets found, their rows still text.

    ``parts`` say where the rows of ENGAGEMENT, TOP POSTS (a part per list) and FOLLOWERS are in
    their sheets; they are read and typed later with other files' (``_stacked``). Problems are
    gathered by part, then put in the order a reader of the workbook meets them (``finish``).
    """

    number: int
    result: CreatorAnalyticsRead
    discovery: Grid
    followers_head: Grid
    period_row: int
    period_text: str | None
    day_texts: list[str] | None
    parts: dict[str, list[tuple[_Layout, pl.DataFrame]]]
    found: dict[str, list[RowProblem]] = field(default_factory=dict)

    def start(self, order: str) -> None:
        """Read what needs the date order and no batch: the period, DISCOVERY and the follower total."""
        result = self.result
        result.date_order = order
        if "discovery" in result.sheets:
            _read_discovery(
                result, self.discovery, result.sheets["discovery"], self.period_row, self.period_text
            )
        self.found["discovery"], result.problems = result.problems, []
        if "followers" in result.sheets and self.followers_head and not is_blank_row(self.followers_head[0]):
            _read_follower_total(result, self.followers_head[0], result.sheets["followers"])
        self.found["follower_total"], result.problems = result.problems, []

    def finish(self, daily: pl.DataFrame, top_posts: pl.DataFrame, followers: pl.DataFrame) -> None:
        """Take this file's typed rows; its problems in sheet order; count the rows read."""
        result = self.result
        result.daily_rows, result.top_post_rows, result.follower_rows = daily, top_posts, followers
        result.problems = [
            problem
            for part in ("discovery", "engagement", "outside", "top_posts", "follower_total", "followers")
            for problem in self.found.get(part, [])
        ]
        result.rows_read = result.rows_loaded + len(result.problems)

    def problem(self, part: str, row: int, sheet: str, reason: str) -> None:
        """Record a problem of one part of the workbook (see ``finish`` for their order)."""
        found = self.found.setdefault(part, [])
        found.append(RowProblem(self.result.source_file, row, KIND, f"sheet '{sheet}': {reason}"))


def _open_export(path: Path, source_file: str, number: int) -> _Export:
    """Open a creator export and read what it tells alone (``FileRejected`` as ``read_creator_analytics``)."""
    reader = open_workbook(path)
    names = list(reader.sheet_names)
    all_frames = {name: sheet_frame(reader, name, blanks=False) for name in names}
    all_heads = {name: grid_of(frame, HEAD_ROWS) for name, frame in all_frames.items()}
    roles = creator_sheets(names, all_heads)
    if not roles:
        raise FileRejected(
            "a creator analytics export has five sheets (DISCOVERY, ENGAGEMENT, TOP POSTS, FOLLOWERS, "
            f"DEMOGRAPHICS), whole or saved apart; none of the sheets {names} is one of them by its content"
        )
    frames = {role: all_frames[name] for role, name in roles.items()}
    heads = {role: all_heads[name] for role, name in roles.items()}
    discovery = grid_of(frames["discovery"]) if "discovery" in roles else []
    language = _creator_language(roles, {**heads, "discovery": discovery})
    period_row, period_text = _period_cell(discovery)
    result = CreatorAnalyticsRead(
        source_file=source_file,
        owner_name=owner_name_from_file(_file_name(path, source_file)),
        language=language,
        date_order="",
        sheets=roles,
    )
    day_texts = None
    if "engagement" not in roles and period_text is None:
        day_texts = _top_post_dates(frames["top_posts"], heads["top_posts"]) if "top_posts" in roles else []
    parts = {
        "engagement": _engagement_layout(frames, heads, roles),
        "top_posts": _top_post_layouts(frames, heads, roles),
        "followers": _follower_layout(frames, heads, roles),
    }
    return _Export(
        number=number,
        result=result,
        discovery=discovery,
        followers_head=heads.get("followers", []),
        period_row=period_row,
        period_text=period_text,
        day_texts=day_texts,
        parts=parts,
    )


@dataclass(frozen=True)
class _Layout:
    """Where rows are in a sheet: below ``header`` (0-based), each named column at its position, with
    ``constants`` (the headers as written, a TOP POSTS list's number, metric and first row). Sheets
    of one layout are read in one pass (``relais.sources.io.sheets.stacked_cells``)."""

    header: int
    positions: tuple[tuple[str, int], ...]
    constants: tuple[tuple[str, Any], ...]


def _layout(header: list[str | None], index: int, columns: tuple[Column, ...]) -> _Layout:
    """The layout of rows below ``header`` (at ``index``) holding ``columns``."""
    positions = column_positions(header, columns)
    labels = tuple(
        (f"label:{c.name}", header[positions[c.name]] if c.name in positions else c.name) for c in columns
    )
    return _Layout(index, tuple(positions.items()), labels)


def _daily_layout(
    frames: dict[str, pl.DataFrame],
    heads: dict[str, Grid],
    roles: dict[str, str],
    sheet: tuple[str, tuple[Column, ...], tuple[str, ...], str, int],
) -> list[tuple[_Layout, pl.DataFrame]]:
    """Where a sheet's daily rows are, ``sheet`` being (role, columns, required names, the header as
    people read it, rows above the header to skip); none without a header (rejected if data shows)."""
    role, columns, required, expected, first = sheet
    if role not in roles:
        return []
    head, frame = heads[role], frames[role]
    header = find_header_row(head[first:], columns, required=required)
    _require_header(frame, header, roles[role], expected, first=first)
    return [] if header is None else [(_layout(head[header + first], header + first, columns), frame)]


def _engagement_layout(
    frames: dict[str, pl.DataFrame], heads: dict[str, Grid], roles: dict[str, str]
) -> list[tuple[_Layout, pl.DataFrame]]:
    """Where the ENGAGEMENT rows are (``day``, ``impressions``, ``engagements``)."""
    sheet = ("engagement", _engagement_columns("MDY"), ("day",), "Date | Impressions | Engagements", 0)
    return _daily_layout(frames, heads, roles, sheet)


def _follower_layout(
    frames: dict[str, pl.DataFrame], heads: dict[str, Grid], roles: dict[str, str]
) -> list[tuple[_Layout, pl.DataFrame]]:
    """Where the FOLLOWERS daily rows are (``day``, ``new_followers``), below the follower total."""
    sheet = ("followers", _follower_columns("MDY"), ("day", "new_followers"), "Date | New followers", 1)
    return _daily_layout(frames, heads, roles, sheet)


TOP_POST_CELLS = ("post_key", "published_on", "value")
"""A TOP POSTS entry's cells: its URL (typed into the post's key), publish date and value."""


def _top_post_layouts(
    frames: dict[str, pl.DataFrame], heads: dict[str, Grid], roles: dict[str, str]
) -> list[tuple[_Layout, pl.DataFrame]]:
    """Where each TOP POSTS list's entries are, with the list's number, metric and first row."""
    if "top_posts" not in roles:
        return []
    head, frame, sheet = heads["top_posts"], frames["top_posts"], roles["top_posts"]
    header = _top_posts_header(head)
    _require_header(frame, header, sheet, "Post URL | Post publish date | Engagements")
    if header is None:
        return []
    layouts = []
    for listed, (metric, spots) in enumerate(_top_post_lists(head[header])):
        positions = tuple(zip(TOP_POST_CELLS, spots, strict=True))
        labels = tuple((f"label:{name}", cell(head[header], at)) for name, at in positions)
        constants = (("_list", listed), ("metric", metric), ("_first", header + 2), *labels)
        layouts.append((_Layout(header, positions, constants), frame))
    return layouts


def _stacked(
    exports: list[_Export], part: str, names: Sequence[str], skip_blank_rows: bool = True
) -> pl.DataFrame | None:
    """One part's rows of every export as text cells, sheets of one layout read in one pass, in file
    order; None when no export has the part."""
    groups: dict[_Layout, list[tuple[int, pl.DataFrame]]] = {}
    for export in exports:
        for layout, frame in export.parts[part]:
            groups.setdefault(layout, []).append((export.number, frame))
    stacks = [
        stacked_cells(
            sheets, layout.header, dict(layout.positions), names, dict(layout.constants), skip_blank_rows
        )
        for layout, sheets in groups.items()
    ]
    if not stacks:
        return None
    order = [FILE, ROW, "_list"] if part == "top_posts" else [FILE, ROW]
    return pl.concat(stacks, how="diagonal_relaxed").sort(order)


def _decide_orders(exports: list[_Export], engagement: pl.DataFrame | None) -> dict[int, str]:
    """Each export's date order (``decide_date_order``), the ENGAGEMENT days of all counted in one batch."""
    periods = {
        export.number: {order: read_period(export.period_text, order) for order in ORDERS}
        for export in exports
    }
    inside: dict[int, dict[str, int]] = {}
    totals: dict[int, int] = {}
    if engagement is not None:
        days = engagement.select(FILE, ROW, "day").drop_nulls("day")
        totals = dict(days.group_by(FILE).len().iter_rows())
        bounds = pl.DataFrame(
            [
                (number, *(day for order in ORDERS for day in (spans[order] or (None, None))))
                for number, spans in periods.items()
            ],
            schema={FILE: pl.Int64, **{f"{part}:{o}": pl.Date for o in ORDERS for part in ("start", "end")}},
            orient="row",
        )
        for order in ORDERS:
            column = Column("day", (), day_parser(order))
            read, _ = type_columns(days, (column,), {"day": batch_form(column.parse)}, {}, (FILE, ROW))
            start, end = pl.col(f"start:{order}"), pl.col(f"end:{order}")
            within = pl.col("day").is_not_null() & (start.is_null() | pl.col("day").is_between(start, end))
            counted = read.join(bounds, on=FILE).group_by(FILE).agg(within.sum().alias("inside"))
            for number, count in counted.iter_rows():
                inside.setdefault(number, {})[order] = count
    orders = {}
    for export in exports:
        if export.day_texts is not None:
            orders[export.number] = decide_date_order(
                export.period_text, export.day_texts, export.result.language
            )
            continue
        counts = inside.get(export.number, {})
        orders[export.number] = order_from_counts(
            periods[export.number],
            {order: counts.get(order, 0) for order in ORDERS},
            totals.get(export.number, 0),
            export.result.language,
        )
    return orders


def _with_orders(exports: list[_Export], cells: pl.DataFrame) -> pl.DataFrame:
    """Text cells of several exports, each row with its file's date order (``_order``)."""
    orders = {export.number: export.result.date_order for export in exports}
    return cells.with_columns(pl.col(FILE).replace_strict(orders, return_dtype=pl.String).alias(ORDER))


def _forms(columns: tuple[Column, ...]) -> dict[str, BatchForm | None]:
    return {c.name: batch_form(c.parse) for c in columns}


def _type_engagement(exports: list[_Export], engagement: pl.DataFrame | None) -> pl.DataFrame:
    """Every export's ENGAGEMENT rows typed; refused rows and days outside a file's period are problems."""
    if engagement is None:
        return pl.DataFrame()
    cells = _with_orders(exports, engagement)
    typed, refused = type_by_order(
        cells, _engagement_columns, lambda order: _forms(_engagement_columns(order)), (FILE, ROW, "label:day")
    )
    by_number = {export.number: export for export in exports}
    for number, row, _, reason in refused.iter_rows():
        export = by_number[number]
        export.problem("engagement", row, export.result.sheets["engagement"], reason)
    bounds = pl.DataFrame(
        [(e.number, e.result.period_start, e.result.period_end) for e in exports],
        schema={FILE: pl.Int64, "_start": pl.Date, "_end": pl.Date},
        orient="row",
    )
    typed = typed.join(bounds, on=FILE, how="left", maintain_order="left")
    inside = (
        pl.col("_start").is_null() | pl.col("_end").is_null() | pl.col("day").is_between("_start", "_end")
    )
    outside = typed.filter(~inside).select(FILE, ROW, "day", "label:day", "_start", "_end")
    for number, row, day, label, start, end in outside.iter_rows():
        export = by_number[number]
        export.problem(
            "outside",
            row,
            export.result.sheets["engagement"],
            f"column '{label}': {day.isoformat()} (read {export.result.date_order}) lies outside the export "
            f"period {start.isoformat()} to {end.isoformat()}",
        )
    sheets = pl.col(FILE).replace_strict({e.number: e.result.sheets.get("engagement") for e in exports})
    return typed.filter(inside).select(FILE, "day", "impressions", "engagements", ROW, sheets.alias("_sheet"))


def _type_followers(exports: list[_Export]) -> pl.DataFrame:
    """Every export's FOLLOWERS daily rows typed; refused rows are problems."""
    stacked = _stacked(exports, "followers", ("day", "new_followers"))
    if stacked is None:
        return pl.DataFrame()
    cells = _with_orders(exports, stacked)
    typed, refused = type_by_order(
        cells, _follower_columns, lambda order: _forms(_follower_columns(order)), (FILE, ROW)
    )
    by_number = {export.number: export for export in exports}
    for number, row, reason in refused.iter_rows():
        export = by_number[number]
        export.problem("followers", row, export.result.sheets["followers"], reason)
    sheets = pl.col(FILE).replace_strict({e.number: e.result.sheets.get("followers") for e in exports})
    return typed.select(FILE, "day", "new_followers", ROW, sheets.alias("_sheet"))


TOP_POST_FIELDS = ("post_url", "post_key", "published_on", "value", "metric", "list", "rank", ROW, "_sheet")
"""The fields of a TOP POSTS entry, in order."""


def _type_top_posts(exports: list[_Export]) -> pl.DataFrame:
    """Every export's TOP POSTS entries typed, row by row and list by list within a row; a refused
    entry is a problem naming its list. ``post_url`` is the URL cell without surrounding whitespace."""
    stacked = _stacked(exports, "top_posts", TOP_POST_CELLS, skip_blank_rows=False)
    if stacked is None:
        return pl.DataFrame()
    cells = _with_orders(exports, stacked).filter(
        pl.any_horizontal(pl.col(n).is_not_null() for n in TOP_POST_CELLS)
    )
    cells = cells.with_columns(
        post_url=pl.col("post_key").str.strip_chars(PYTHON_WHITESPACE),
        rank=pl.col(ROW) - pl.col("_first") + 1,
    )
    typed, refused = type_by_order(
        cells,
        _top_post_columns,
        lambda order: _forms(_top_post_columns(order)),
        (FILE, ROW, "_list", "metric", "rank", "post_url"),
        order_by=(FILE, ROW, "_list"),
    )
    by_number = {export.number: export for export in exports}
    for number, row, _, metric, _, _, reason in refused.iter_rows():
        export = by_number[number]
        export.problem("top_posts", row, export.result.sheets["top_posts"], f"{metric} list: {reason}")
    sheets = pl.col(FILE).replace_strict({e.number: e.result.sheets.get("top_posts") for e in exports})
    return typed.with_columns(list=pl.col("metric"), _sheet=sheets).select(FILE, *TOP_POST_FIELDS)


def _creator_language(roles: dict[str, str], grids: dict[str, Grid]) -> str | None:
    evidence: list[tuple[str | None, Labels]] = [
        (name, CREATOR_SHEETS[CREATOR_ROLES.index(role)]) for role, name in roles.items()
    ]
    discovery, top, followers = (grids.get(role, []) for role in ("discovery", "top_posts", "followers"))
    if discovery:
        evidence.append((cell(discovery[0], 0), OVERALL_PERFORMANCE))
    for row in discovery:
        evidence.extend((cell(row, 0), labels) for labels in DISCOVERY_LABELS.values())
    for row in top[:6]:
        for value in row:
            evidence.extend((value, labels) for labels in (POST_URL, PUBLISH_DATE, ENGAGEMENTS))
    for row in followers[:6]:
        evidence.extend((value, NEW_FOLLOWERS) for value in row)
    if followers and followers[0]:
        evidence.append((_DATE_TEXT.split(followers[0][0] or "")[0], TOTAL_FOLLOWERS_ON))
    return vote_language(evidence)


def _top_post_dates(frame: pl.DataFrame, head: Grid) -> list[str]:
    """The publish dates of a TOP POSTS sheet, which decide the date order when there is no ENGAGEMENT."""
    header = _top_posts_header(head)
    if header is None:
        return []
    texts = []
    for _, (_, date_at, _) in _top_post_lists(head[header]):
        dates = stacked_cells([(0, frame)], header, {"date": date_at}, ["date"], {}, skip_blank_rows=False)
        texts += dates.get_column("date").drop_nulls().to_list()
    return texts


def _require_header(
    frame: pl.DataFrame, header: int | None, sheet: str, expected: str, first: int = 0
) -> None:
    """Reject a sheet without a header row that holds data below its row ``first + 1`` (0-based ``first``)."""
    if header is None and rows_below(frame, first).height:
        raise FileRejected(f"sheet '{sheet}' holds data but no header row ({expected})")


def _period_cell(grid: Grid) -> tuple[int, str | None]:
    """Row number and text of the cell holding the period (B1), looked for in the first rows."""
    for index, row in enumerate(grid[:3]):
        for value in row:
            if value and len(_DATE_TEXT.findall(value)) == 2:
                return index + 1, value
    return 1, None


def read_period(text: str | None, order: str) -> tuple[date, date] | None:
    """The first and last day of a period written ``4/1/2024 - 3/31/2025`` in ``order``, or None."""
    if not text:
        return None
    found = _DATE_TEXT.findall(text)
    if len(found) != 2:
        return None
    try:
        start, end = (parse_day_in_order(value, order) for value in found)
    except ValueError:
        return None
    if start is None or end is None or start > end:
        return None
    return start, end


def decide_date_order(period_text: str | None, day_texts: list[str], language: str | None) -> str:
    """``MDY`` or ``DMY``: the reading putting every day inside the period; the language's if both do.

    When no reading fits every day, the one under which the period reads and most days fall inside
    wins; the days outside become problems later (``order_from_counts``).
    """
    periods = {order: read_period(period_text, order) for order in ORDERS}
    inside = dict.fromkeys(ORDERS, 0)
    for order in ORDERS:
        period = periods[order]
        for text in day_texts:
            try:
                day = parse_day_in_order(text, order)
            except ValueError:
                continue
            if day is not None and (period is None or period[0] <= day <= period[1]):
                inside[order] += 1
    return order_from_counts(periods, inside, len(day_texts), language)


def order_from_counts(
    periods: dict[str, tuple[date, date] | None], inside: dict[str, int], days: int, language: str | None
) -> str:
    """The date order ``decide_date_order`` picks, from the period read in each order and, for each
    order, how many of the ``days`` day texts read as a day inside that period (any day without one).

    Only orders in which the period reads count (both when it reads in neither).
    """
    convention = order_for_language(language)
    usable = [order for order in ORDERS if periods[order] is not None] or list(ORDERS)
    scores = {order: (inside[order] == days, inside[order]) for order in usable}
    fitting = [order for order, (fits, _) in scores.items() if fits]
    if len(fitting) == 1:
        return fitting[0]
    if fitting:
        return convention
    best = max(count for _, count in scores.values())
    leaders = [order for order, (_, count) in scores.items() if count == best]
    return convention if convention in leaders else leaders[0]


def _engagement_columns(order: str) -> tuple[Column, ...]:
    return (
        column("day", DATE, day_parser(order), required=True),
        column("impressions", IMPRESSIONS, parse_count),
        column("engagements", ENGAGEMENTS, parse_count),
    )


def _follower_columns(order: str) -> tuple[Column, ...]:
    return (
        column("day", DATE, day_parser(order), required=True),
        column("new_followers", NEW_FOLLOWERS, parse_count),
    )


def _problem(result: CreatorAnalyticsRead, row: int, sheet: str, reason: str) -> None:
    result.problems.append(RowProblem(result.source_file, row, KIND, f"sheet '{sheet}': {reason}"))


def _read_discovery(
    result: CreatorAnalyticsRead, grid: Grid, sheet: str, period_row: int, period_text: str | None
) -> None:
    period = read_period(period_text, result.date_order)
    if period is None:
        shown = f"'{period_text}'" if period_text else "nothing"
        _problem(result, period_row, sheet, f"the period cell holds {shown}, not 'start - end' dates")
    else:
        result.period_start, result.period_end = period
    result.discovery = dict.fromkeys(DISCOVERY_LABELS)
    for row_number, row in enumerate(grid, start=1):
        label_index = first_filled(row)
        if label_index is None:
            continue
        label = row[label_index] or ""
        name = next((n for n, labels in DISCOVERY_LABELS.items() if label_is(label, labels)), None)
        if name is None:
            if row_number != period_row and not label_is(label, OVERALL_PERFORMANCE):
                result.ignored_labels.append(f"{sheet}: {label}")
            continue
        raw = cell(row, label_index + 1)
        try:
            result.discovery[name] = parse_count(raw)
        except ValueError as exc:
            _problem(result, row_number, sheet, f"'{label}': {exc}")


def _top_posts_header(grid: Grid) -> int | None:
    return next(
        (i for i, row in enumerate(grid[:12]) if any(label_is(value, POST_URL) for value in row)), None
    )


def _top_post_columns(order: str) -> tuple[Column, ...]:
    """A TOP POSTS list's columns as typed: the post's key (from its URL), publish date and value."""
    return (
        Column("post_key", (), _post_key, required=True),
        Column("published_on", (), day_parser(order)),
        Column("value", (), parse_count),
    )


@lru_cache(maxsize=65536)
def _post_key(url: str | None) -> str | None:
    """The key of the post a TOP POSTS URL links to (``publication_key``, in Python: the one definition
    of a post's identity); ``ValueError`` for a link to anything else."""
    if url is None:
        return None
    key = publication_key(url)
    if key is None:
        raise ValueError(f"'{url}' is not a link to a LinkedIn post or article")
    return key


def _top_post_lists(header: list[str | None]) -> list[tuple[str, tuple[int, int, int]]]:
    """Each list of a TOP POSTS header: its metric and the positions of its URL, date and value columns."""
    starts = [i for i, value in enumerate(header) if label_is(value, POST_URL)]
    lists: list[tuple[str, tuple[int, int, int]]] = []
    for number, start in enumerate(starts):
        stop = starts[number + 1] if number + 1 < len(starts) else len(header)
        span = range(start + 1, stop)
        date_at = next((i for i in span if label_is(header[i], PUBLISH_DATE)), start + 1)
        known = [
            (i, metric)
            for i in span
            for metric, labels in TOP_POST_METRICS.items()
            if i != date_at and label_is(header[i], labels)
        ]
        fallback = TOP_POST_LISTS[number] if number < len(TOP_POST_LISTS) else "impressions"
        value_at, metric = known[0] if known else (start + 2, fallback)
        lists.append((metric, (start, date_at, value_at)))
    return lists


def _read_follower_total(result: CreatorAnalyticsRead, row: list[str | None], sheet: str) -> None:
    label_index = first_filled(row) or 0
    label = row[label_index] or ""
    found = _DATE_TEXT.search(label)
    if found is None:
        _problem(result, 1, sheet, f"'{label}' names no date (expected 'Total followers on M/D/YYYY')")
    else:
        try:
            result.followers_total_on = parse_day_in_order(found.group(0), result.date_order)
        except ValueError as exc:
            _problem(result, 1, sheet, f"'{label}': {exc}")
    try:
        result.followers_total = parse_count(cell(row, label_index + 1))
    except ValueError as exc:
        _problem(result, 1, sheet, f"total followers: {exc}")


def read_post_analytics(path: Path, source_file: str) -> PostAnalyticsRead:
    """Read a single-post export's PERFORMANCE sheet, matching each row on its label (English or French).

    A workbook whose sheet has another name is read from its first sheet with a ``Post URL`` row.
    Raises ``FileRejected`` when there is no such sheet or it has no ``Post URL`` row.
    """
    sheet, grid = _performance_sheet(open_workbook(path))
    found: dict[str, tuple[int, str, str | None]] = {}
    ignored: list[str] = []
    evidence: list[tuple[str | None, Labels]] = [(sheet, POST_PERFORMANCE_SHEET)]
    for row_number, row in enumerate(grid, start=1):
        label_index = first_filled(row)
        if label_index is None:
            continue
        label = row[label_index] or ""
        name = next((n for n, labels in POST_LABELS.items() if label_is(label, labels)), None)
        if name is None:
            ignored.append(f"{sheet}: {label}")
        elif name not in found:
            found[name] = (row_number, label, cell(row, label_index + 1))
            evidence.append((label, POST_LABELS[name]))
    if "post_url" not in found:
        raise FileRejected(f"sheet '{sheet}' has no 'Post URL' row")
    language = vote_language(evidence)
    result = PostAnalyticsRead(
        source_file=source_file,
        owner_name=owner_name_from_file(_file_name(path, source_file)),
        language=language,
        post=None,
        ignored_labels=ignored,
    )
    url_row, url_label, url = found["post_url"]
    key = publication_key(url)
    if key is None:
        reason = f"'{url_label}': '{url}' is not a link to a LinkedIn post or article"
        result.problems.append(RowProblem(source_file, url_row, POST_KIND, f"sheet '{sheet}': {reason}"))
        return result
    post: dict[str, Any] = {"post_url": (url or "").strip(), "post_key": key}
    for name in POST_LABELS:
        if name == "post_url":
            continue
        row_number, label, raw = found.get(name, (0, name, None))
        try:
            post[name] = _post_date(raw, language) if name == "post_date" else parse_count(raw)
        except ValueError as exc:
            post[name] = None
            result.problems.append(
                RowProblem(source_file, row_number, POST_KIND, f"sheet '{sheet}': '{label}': {exc}")
            )
    post["_source_row"] = url_row
    post["_sheet"] = sheet
    result.post = post
    return result


def _performance_sheet(reader: Any) -> tuple[str, Grid]:
    """The PERFORMANCE sheet by name, or else the first sheet with a ``Post URL`` row."""
    names = list(reader.sheet_names)
    named = find_sheet(names, POST_PERFORMANCE_SHEET)
    for name in [named] if named else names:
        grid = load_grid(reader, name)
        if named or any(label_is(cell(row, first_filled(row) or 0), POST_URL) for row in grid):
            return name, grid
    raise FileRejected(f"no PERFORMANCE sheet (nor any sheet with a 'Post URL' row) among {names}")


def _post_date(raw: str | None, language: str | None) -> date | None:
    """A post date in the language's order, or in the other one when only that reading is a real date."""
    convention = order_for_language(language)
    if readable_in([raw], convention):
        return parse_day_in_order(raw, convention)
    other = next(order for order in ORDERS if order != convention)
    if readable_in([raw], other):
        return parse_day_in_order(raw, other)
    return parse_day_in_order(raw, convention)
