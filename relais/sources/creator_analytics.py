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

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

from relais.ledger import FileRejected, RowProblem
from relais.sources.io.export_owner import owner_name_from_file
from relais.sources.io.tables import Column, column_positions
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
    read_sheet_rows,
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


@dataclass
class CreatorAnalyticsRead:
    """What an aggregate creator export holds, with its problems.

    ``rows_read`` counts the daily, top-post and follower rows returned, the one summary row
    (period, discovery totals and follower total, see ``summary_row``) and every problem, so that
    ``rows_read == rows_loaded + len(problems)``. A TOP POSTS spreadsheet row holds one entry of
    each list and counts once per entry.
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
    daily: list[dict[str, Any]] = field(default_factory=list)
    top_posts: list[dict[str, Any]] = field(default_factory=list)
    followers_daily: list[dict[str, Any]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    ignored_labels: list[str] = field(default_factory=list)
    rows_read: int = 0
    sheets: dict[str, str] = field(default_factory=dict)
    """The sheets found: role (``discovery``, ``engagement``...) -> sheet name."""

    @property
    def has_summary(self) -> bool:
        """True when the workbook holds DISCOVERY or FOLLOWERS, whose figures make the summary row."""
        return "discovery" in self.sheets or "followers" in self.sheets

    @property
    def rows_loaded(self) -> int:
        """Rows returned: daily, top posts, daily followers, and the summary row when there is one."""
        return len(self.daily) + len(self.top_posts) + len(self.followers_daily) + int(self.has_summary)

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
    analytics sheet, or when a sheet holding data has no recognisable header row.
    """
    reader = open_workbook(path)
    names = list(reader.sheet_names)
    all_grids = {name: load_grid(reader, name) for name in names}
    roles = creator_sheets(names, all_grids)
    if not roles:
        raise FileRejected(
            "a creator analytics export has five sheets (DISCOVERY, ENGAGEMENT, TOP POSTS, FOLLOWERS, "
            f"DEMOGRAPHICS), whole or saved apart; none of the sheets {names} is one of them by its content"
        )
    grids = {role: all_grids[name] for role, name in roles.items()}
    discovery, engagement = grids.get("discovery", []), grids.get("engagement", [])
    top = grids.get("top_posts", [])
    language = _creator_language(roles, grids)
    period_row, period_text = _period_cell(discovery)
    engagement_columns = _engagement_columns("MDY")
    engagement_header = find_header_row(engagement, engagement_columns, required=("day",))
    if "engagement" in roles:
        _require_header(
            engagement, engagement_header, roles["engagement"], "Date | Impressions | Engagements"
        )
    day_texts = _column_texts(engagement, engagement_header, engagement_columns, "day")
    if "engagement" not in roles and period_text is None:
        day_texts = _top_post_dates(top)
    order = decide_date_order(period_text, day_texts, language)
    result = CreatorAnalyticsRead(
        source_file=source_file,
        owner_name=owner_name_from_file(_file_name(path, source_file)),
        language=language,
        date_order=order,
        sheets=roles,
    )
    if "discovery" in roles:
        _read_discovery(result, discovery, roles["discovery"], period_row, period_text)
    if engagement_header is not None:
        _read_engagement(result, engagement, engagement_header, roles["engagement"])
    if "top_posts" in roles:
        _read_top_posts(result, top, roles["top_posts"])
    if "followers" in roles:
        _read_followers(result, grids["followers"], roles["followers"])
    result.rows_read = result.rows_loaded + len(result.problems)
    return result


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


def _top_post_dates(grid: Grid) -> list[str]:
    """The publish dates of a TOP POSTS sheet, which decide the date order when there is no ENGAGEMENT."""
    header = _top_posts_header(grid)
    if header is None:
        return []
    texts = []
    for _, (_, date_at, _) in _top_post_lists(grid[header]):
        texts += [text for row in grid[header + 1 :] if (text := cell(row, date_at)) is not None]
    return texts


def _require_header(grid: Grid, header: int | None, sheet: str, expected: str) -> None:
    if header is None and any(not is_blank_row(row) for row in grid[1:]):
        raise FileRejected(f"sheet '{sheet}' holds data but no header row ({expected})")


def _column_texts(grid: Grid, header: int | None, columns: tuple[Column, ...], name: str) -> list[str]:
    if header is None:
        return []
    position = column_positions(grid[header], columns).get(name)
    if position is None:
        return []
    texts = (cell(row, position) for row in grid[header + 1 :] if not is_blank_row(row))
    return [text for text in texts if text is not None]


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
    wins; the days outside become problems later.
    """
    convention = order_for_language(language)
    periods = {order: read_period(period_text, order) for order in ORDERS}
    usable = [order for order in ORDERS if periods[order] is not None] or list(ORDERS)
    scores: dict[str, tuple[bool, int]] = {}
    for order in usable:
        period = periods[order]
        inside = 0
        for text in day_texts:
            try:
                day = parse_day_in_order(text, order)
            except ValueError:
                continue
            if day is not None and (period is None or period[0] <= day <= period[1]):
                inside += 1
        scores[order] = (inside == len(day_texts), inside)
    fitting = [order for order, (fits, _) in scores.items() if fits]
    if len(fitting) == 1:
        return fitting[0]
    if fitting:
        return convention
    best = max(inside for _, inside in scores.values())
    leaders = [order for order, (_, inside) in scores.items() if inside == best]
    return convention if convention in leaders else leaders[0]


def _engagement_columns(order: str) -> tuple[Column, ...]:
    return (
        column("day", DATE, day_parser(order), required=True),
        column("impressions", IMPRESSIONS, parse_count),
        column("engagements", ENGAGEMENTS, parse_count),
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


def _read_engagement(result: CreatorAnalyticsRead, grid: Grid, header: int, sheet: str) -> None:
    read = read_sheet_rows(
        grid, header, _engagement_columns(result.date_order), sheet, result.source_file, KIND
    )
    result.problems.extend(read.problems)
    label = grid[header][column_positions(grid[header], _engagement_columns("MDY"))["day"]]
    for row in read.rows:
        day = row["day"]
        if result.period_start and result.period_end and not result.period_start <= day <= result.period_end:
            _problem(
                result,
                row["_source_row"],
                sheet,
                f"column '{label}': {day.isoformat()} (read {result.date_order}) lies outside the export "
                f"period {result.period_start.isoformat()} to {result.period_end.isoformat()}",
            )
        else:
            result.daily.append(row)


def _top_posts_header(grid: Grid) -> int | None:
    return next(
        (i for i, row in enumerate(grid[:12]) if any(label_is(value, POST_URL) for value in row)), None
    )


def _read_top_posts(result: CreatorAnalyticsRead, grid: Grid, sheet: str) -> None:
    header = _top_posts_header(grid)
    _require_header(grid, header, sheet, "Post URL | Post publish date | Engagements")
    if header is None:
        return
    lists = _top_post_lists(grid[header])
    for row_number, cells in enumerate(grid[header + 1 :], start=header + 2):
        for metric, (url_at, date_at, value_at) in lists:
            url, published, value = cell(cells, url_at), cell(cells, date_at), cell(cells, value_at)
            if url is None and published is None and value is None:
                continue
            labels = (cell(grid[header], url_at), cell(grid[header], date_at), cell(grid[header], value_at))
            entry, reason = _top_post_entry((url, published, value), labels, result.date_order)
            if reason:
                _problem(result, row_number, sheet, f"{metric} list: {reason}")
                continue
            entry.update(
                metric=metric, list=metric, rank=row_number - header - 1, _source_row=row_number, _sheet=sheet
            )
            result.top_posts.append(entry)


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


def _top_post_entry(
    cells: tuple[str | None, str | None, str | None], labels: tuple[str | None, ...], order: str
) -> tuple[dict[str, Any], str]:
    """One entry of a TOP POSTS list from its URL, date and value cells (``labels`` are their headers)."""
    url, published, value = cells
    url_label, date_label, value_label = labels
    if url is None:
        return {}, f"column '{url_label}' is empty"
    key = publication_key(url)
    if key is None:
        return {}, f"column '{url_label}': '{url}' is not a link to a LinkedIn post or article"
    try:
        published_on = parse_day_in_order(published, order)
    except ValueError as exc:
        return {}, f"column '{date_label}': {exc}"
    try:
        count = parse_count(value)
    except ValueError as exc:
        return {}, f"column '{value_label}': {exc}"
    return {"post_url": url.strip(), "post_key": key, "published_on": published_on, "value": count}, ""


def _read_followers(result: CreatorAnalyticsRead, grid: Grid, sheet: str) -> None:
    if grid and not is_blank_row(grid[0]):
        _read_follower_total(result, grid[0], sheet)
    columns = (
        column("day", DATE, day_parser(result.date_order), required=True),
        column("new_followers", NEW_FOLLOWERS, parse_count),
    )
    header = find_header_row(grid[1:], columns, required=("day", "new_followers"))
    if header is None:
        _require_header(grid[1:], None, sheet, "Date | New followers")
        return
    read = read_sheet_rows(grid, header + 1, columns, sheet, result.source_file, KIND)
    result.followers_daily.extend(read.rows)
    result.problems.extend(read.problems)


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
