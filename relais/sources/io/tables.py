"""Reading a CSV export into typed rows, matching columns by name and quarantining bad rows.

A ``TableSpec`` lists the columns an export must or may have, each with the header names it is
known under and a parser for its cells. ``read_table`` finds the header line by scanning (some
exports put a preamble above it), maps columns by normalised name, never by position, and returns
the typed rows with their source line, plus one ``RowProblem`` for each row it could not read:
wrong number of fields, unclosed quote, missing required value, or a cell its parser refused.

Header names match whatever their spaces, underscores and case (``Share Link`` is ``ShareLink`` is
``share_link``). A date column whose numeric dates may read month or day first (``Column.ordered``)
is read in one order for the whole file, decided from all its values (``relais.sources.io.dates``). A spec
with ``continuation_lines`` (Comments.csv written without quotes) joins a line that does not start
like a record (a phrase, an e-mail address, blank lines between them) to the last field of the
record above: it is part of that record, which counts once in the rows read.

``iter_table`` types each row in Python (``typed_values``); ``open_table`` and ``iter_rows`` give the
same rows untyped, for ``relais.sources.io.columns`` to type many files' rows column-wise at once.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache, partial
from typing import TYPE_CHECKING, Any

from relais.ledger import FileRejected, RowProblem
from relais.sources.io.dates import OrderDecision, OrderVote, looks_like_date, split_numeric_date
from relais.sources.io.text import (
    Record,
    delimiter_name,
    iter_records,
    normalise_header,
    other_delimiter,
    sniff_delimiter,
)

if TYPE_CHECKING:
    from relais.sources.io.columns import NativeCast


def _text(value: str | None) -> str | None:
    return value if value is not None and value.strip() != "" else None


@lru_cache(maxsize=65536)
def _compact(name: str) -> str:
    """A normalised header name without its underscores: ``share_link`` and ``sharelink`` are one name."""
    return name.replace("_", "")


@lru_cache(maxsize=4096)
def _compact_names(name: str, aliases: tuple[str, ...]) -> frozenset[str]:
    return frozenset(_compact(n) for n in (name, *aliases))


@dataclass(frozen=True)
class Column:
    """A column of an export: output name, accepted header names, cell parser, whether it must be filled.

    ``ordered``, when given, parses a date cell in an order (``MDY`` or ``DMY``) decided for the
    whole file (month first when none was decided); ``parse`` serves callers reading a cell alone.
    ``native``, when given, reads the column's usual forms with Polars in a batch of rows
    (``relais.sources.io.columns``); ``parse`` then reads only the cells it could not.
    """

    name: str
    aliases: tuple[str, ...]
    parse: Callable[[str | None], Any] = _text
    required: bool = False
    optional_header: bool = False
    ordered: Callable[[str | None, str], Any] | None = None
    native: NativeCast | None = None

    def matches(self, header: str) -> bool:
        """True when a normalised header names this column (underscores ignored)."""
        return _compact(header) in self.compact_names

    @property
    def compact_names(self) -> frozenset[str]:
        """Every name this column goes by, underscores removed (computed once per column)."""
        return _compact_names(self.name, self.aliases)


@dataclass(frozen=True)
class TableSpec:
    """The layout of one kind of CSV export."""

    kind: str
    columns: tuple[Column, ...]
    backslash_escapes: bool = False
    header_scan_lines: int = 12
    continuation_lines: bool = False

    def header_columns(self) -> tuple[Column, ...]:
        """The columns whose header must be present."""
        return tuple(c for c in self.columns if not c.optional_header)


@dataclass
class TableRead:
    """The outcome of reading one file: typed rows (each with ``_source_row``), problems and rows read.

    ``notes`` say what a reader of the ledger should know of how the file was read (the order its
    numeric dates were read in when that was a choice, continuation lines joined to their rows).
    """

    rows: list[dict[str, Any]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    rows_read: int = 0
    delimiter: str = ","
    notes: list[str] = field(default_factory=list)


def header_names(fields: Iterable[str]) -> frozenset[str]:
    """The names a line's fields give, normalised and without underscores, as specs compare them."""
    return frozenset(_compact(normalise_header(f)) for f in fields)


def names_match(present: frozenset[str], spec: TableSpec) -> bool:
    """True when ``present`` (``header_names`` of a line) holds every header the spec requires: one
    set lookup per column, so a line's names are computed once and tried against every kind."""
    return all(not c.compact_names.isdisjoint(present) for c in spec.header_columns())


def header_matches(fields: list[str], spec: TableSpec) -> bool:
    """True when a line's fields contain every header the spec requires."""
    return names_match(header_names(fields), spec)


def missing_headers(fields: list[str], spec: TableSpec) -> list[str]:
    """The headers a line lacks to be the spec's header line, each by its usual name."""
    normalised = [normalise_header(f) for f in fields]
    return [
        column.aliases[0] if column.aliases else column.name
        for column in spec.header_columns()
        if not any(column.matches(h) for h in normalised)
    ]


def near_miss(fields: list[str], spec: TableSpec) -> list[str]:
    """The missing headers of a line that is almost the spec's header line, else an empty list.

    Almost means: at least two of the spec's columns, and at least half of them, are named, and
    at most two required headers are missing. Such a file is an export of that kind with a column
    removed or renamed; it must be reported, not ignored as an unknown file.
    """
    missing = missing_headers(fields, spec)
    if not missing or len(missing) > 2:
        return []
    normalised = [normalise_header(f) for f in fields]
    named = sum(1 for column in spec.columns if any(column.matches(h) for h in normalised))
    return missing if named >= max(2, (len(spec.columns) + 1) // 2) else []


def read_table(source_file: str, source: str | Iterable[str], spec: TableSpec) -> TableRead:
    """Read a whole CSV file (its text, or its lines) as described by ``spec``, rows kept in memory.

    Rows are numbered by the physical line on which they start (1-based, as an editor shows).
    Raises ``FileRejected`` when no header line of the expected layout is found.
    """
    result = TableRead()
    if not isinstance(source, str) and any(c.ordered for c in spec.columns):
        source = list(source)  # read twice: once to decide the order of its dates
    for item in iter_table(source_file, source, spec, result):
        if isinstance(item, RowProblem):
            result.problems.append(item)
        else:
            result.rows.append(item)
    return result


def iter_table(
    source_file: str,
    source: str | Iterable[str],
    spec: TableSpec,
    counts: TableRead,
    orders: dict[str, OrderDecision] | None = None,
) -> Iterator[dict[str, Any] | RowProblem]:
    """Yield typed rows and row problems one at a time (bounded memory); ``counts`` gets rows read.

    ``orders`` are the date orders of the spec's ``ordered`` columns (``decide_orders``); when
    omitted they are decided here from a text or a list of lines (lines streamed from a file cannot
    be read twice: callers streaming them decide first from another pass over the file), else read
    month first.
    Raises ``FileRejected`` (before yielding anything) when no header line of the expected layout
    is found among the first lines.
    """
    if orders is None and isinstance(source, str | list | tuple) and any(c.ordered for c in spec.columns):
        orders = decide_orders(source, spec)
    table = open_table(source, spec)
    counts.delimiter = table.delimiter
    columns = columns_in_order(spec.columns, orders or {})
    counts.notes.extend(order_notes(table.header, spec, orders or {}))
    for entry in iter_rows(source_file, table, spec, counts):
        if isinstance(entry, RowProblem):
            yield entry
            continue
        line, fields = entry
        row, reason = typed_values(fields, table.header, table.positions, columns)
        if reason:
            yield RowProblem(source_file, line, spec.kind, reason)
        else:
            row["_source_row"] = line
            yield row


@dataclass
class OpenTable:
    """A CSV text opened past its header: where the header stands (0-based line), its delimiter, its
    fields, where each of the spec's columns stands in it, and the records after it."""

    header_index: int
    delimiter: str
    header: list[str]
    positions: dict[str, int]
    records: Iterator[Record]


def open_table(source: str | Iterable[str], spec: TableSpec) -> OpenTable:
    """Find the header line of a text (or of its lines) and open its records, or raise ``FileRejected``."""
    header_index, delimiter, header, records = _open_records(source, spec)
    return OpenTable(header_index, delimiter, header, column_positions(header, spec.columns), records)


def order_notes(header: Sequence[str], spec: TableSpec, orders: dict[str, OrderDecision]) -> list[str]:
    """The ledger notes of the date orders decided for a file, one per column whose order is worth a note."""
    return [
        f"column '{_label(header, spec.columns, name)}': {decision.note}"
        for name, decision in orders.items()
        if decision.note
    ]


def iter_rows(
    source_file: str,
    table: OpenTable,
    spec: TableSpec,
    counts: TableRead,
    votes: dict[str, list[str]] | None = None,
) -> Iterator[tuple[int, list[str]] | RowProblem]:
    """Each data row of an opened table as its line and fields (as many as the header), or the problem
    that keeps it from being read (broken quoting, NUL byte, wrong number of fields); blank lines are
    skipped, continuation lines joined (noted in ``counts`` once all are read).

    With ``votes``, the cells of the ``ordered`` date columns that decide the file's date order
    (``voting_cells``, records as read, before any joining) are appended to ``votes[column name]``.
    """
    records = table.records
    joined = [0]
    width = len(table.header)
    voters = list(voting_positions(table.header, spec).items()) if votes is not None else []
    for name, _ in voters:
        votes.setdefault(name, [])  # type: ignore[union-attr]
    if voters and spec.continuation_lines:
        records = _voting(records, width, voters, votes)  # type: ignore[arg-type]
        voters = []
    if spec.continuation_lines:
        records = _join_continuations(records, width, table.delimiter, joined)
    for record in records:
        line = record.first_line + table.header_index
        if record.error:
            counts.rows_read += 1
            yield RowProblem(source_file, line, spec.kind, record.error)
            continue
        fields = record.fields
        if voters and len(fields) >= width:
            for name, index in voters:
                votes[name].append(fields[index])  # type: ignore[index]
        if _is_blank(record):
            continue
        counts.rows_read += 1
        fields, reason = _checked_fields(record, width, table.positions, spec.columns, table.delimiter)
        if reason:
            yield RowProblem(source_file, line, spec.kind, reason)
        else:
            yield line, fields
    if joined[0]:
        counts.notes.append(
            f"{joined[0]} line(s) continuing an unquoted multi-line message joined to the row above "
            "(counted with it)"
        )


def _voting(
    records: Iterable[Record], width: int, voters: list[tuple[str, int]], votes: dict[str, list[str]]
) -> Iterator[Record]:
    """The records unchanged, the cells of those that vote on the date order kept as they pass."""
    for record in records:
        if not record.error and len(record.fields) >= width:
            for name, index in voters:
                votes[name].append(record.fields[index])
        yield record


def _is_blank(record: Record) -> bool:
    """True for a blank line, or a line of delimiters only (a spreadsheet's empty row)."""
    return not "".join(record.fields).strip()


def _open_records(
    source: str | Iterable[str], spec: TableSpec
) -> tuple[int, str, list[str], Iterator[Record]]:
    """Where the header line is (0-based), the delimiter, the header's fields and the records after it."""
    text_lines = io.StringIO(source, newline="").readlines() if isinstance(source, str) else None
    lines = iter(source if text_lines is None else text_lines)
    head = list(itertools.islice(lines, spec.header_scan_lines))
    header_index = _find_header(head, spec)
    if header_index is None:
        wanted = ", ".join(c.aliases[0] if c.aliases else c.name for c in spec.header_columns())
        raise FileRejected(f"no header line with the columns of a {spec.kind} export ({wanted})")
    delimiter = sniff_delimiter(head[header_index].rstrip("\r\n"))
    # a text's lines are handed over as a list: the CSV reader then reads them without Python per line
    body = itertools.chain(head[header_index:], lines) if text_lines is None else text_lines[header_index:]
    records = iter_records(body, delimiter=delimiter, backslash_escapes=spec.backslash_escapes)
    header = next(records).fields
    return header_index, delimiter, header, records


def decide_orders(source: str | Iterable[str], spec: TableSpec) -> dict[str, OrderDecision]:
    """The order to read each ``ordered`` date column of a file in, from all its values (bounded memory).

    Rows with as many fields as the header have a say. Raises ``FileRejected`` as ``iter_table``.
    """
    ordered = [c for c in spec.columns if c.ordered]
    if not ordered:
        return {}
    table = open_table(source, spec)
    positions = voting_positions(table.header, spec)
    votes = {name: OrderVote() for name in positions}
    indexes = list(positions.values())
    for record in table.records:
        for vote, cell in zip(
            votes.values(), voting_cells(record, len(table.header), indexes) or (), strict=False
        ):
            vote.add(cell)
    return {name: vote.decide() for name, vote in votes.items()}


def voting_positions(header: Sequence[str], spec: TableSpec) -> dict[str, int]:
    """Where each ``ordered`` date column of the spec stands in a header (the columns that vote)."""
    return column_positions(header, [c for c in spec.columns if c.ordered])


def voting_cells(record: Record, width: int, positions: Sequence[int]) -> list[str] | None:
    """A record's cells of the ``ordered`` date columns (at ``positions``) when it has as many fields as
    the header (``width``): those cells decide the order of the file's numeric dates; else None."""
    if record.error or len(record.fields) < width:
        return None
    return [record.fields[index] for index in positions]


def columns_in_order(columns: Sequence[Column], orders: dict[str, OrderDecision]) -> tuple[Column, ...]:
    """The columns with each ``ordered`` one parsing in its decided order (month first when undecided)."""
    return tuple(
        replace(c, parse=partial(c.ordered, order=orders[c.name].order if c.name in orders else "MDY"))
        if c.ordered
        else c
        for c in columns
    )


def _label(header: Sequence[str], columns: Sequence[Column], name: str) -> str:
    """The header cell naming a column, as written in the file."""
    index = column_positions(header, columns).get(name)
    return header[index].strip() if index is not None else name


def _join_continuations(
    records: Iterator[Record], width: int, delimiter: str, joined: list[int]
) -> Iterator[Record]:
    """Records with the continuation lines of unquoted multi-line last fields joined to them.

    A continuation line is a row with fewer fields than the header that does not start like a
    record (its first field is no date, and it is not an empty first field followed by others),
    coming after a whole record; it is appended, after a line break, to that record's last field
    (blank lines between it and the record kept as line breaks). Blank lines not followed by a
    continuation end the message. ``joined[0]`` counts the lines joined, blank ones included.
    """
    pending: Record | None = None
    blanks = 0
    for record in records:
        if record.error:
            if pending is not None:
                yield pending
                pending = None
            yield record
            continue
        if _is_blank(record):
            if pending is None:
                yield record
            else:
                blanks += record.last_line - record.first_line + 1
            continue
        if pending is not None and len(record.fields) < width and not _starts_like_record(record.fields):
            fields = list(pending.fields)
            fields[-1] += "\n" * (blanks + 1) + delimiter.join(record.fields)
            pending = Record(fields, pending.first_line, record.last_line)
            joined[0] += blanks + record.last_line - record.first_line + 1
            blanks = 0
            continue
        if pending is not None:
            yield pending
            pending = None
        blanks = 0
        if len(record.fields) >= width:
            pending = record
        else:
            yield record
    if pending is not None:
        yield pending


def _starts_like_record(fields: list[str]) -> bool:
    """True when a row begins as a record does: with a date, or an empty date followed by other fields."""
    first = fields[0].strip()
    return looks_like_date(first) if first else len(fields) > 1


def _find_header(lines: list[str], spec: TableSpec) -> int | None:
    for index, line in enumerate(lines):
        if _is_header_line(line.rstrip("\r\n"), spec):
            return index
    return None


@lru_cache(maxsize=4096)
def _is_header_line(line: str, spec: TableSpec) -> bool:
    """True when a line is the spec's header line (remembered: thousands of files share a header)."""
    if not line.strip():
        return False
    return header_matches(next(iter_records(line, delimiter=sniff_delimiter(line))).fields, spec)


def column_positions(header: Sequence[str | None], columns: Sequence[Column]) -> dict[str, int]:
    """Where each column stands in a header row, matched by normalised name (first match, each cell once)."""
    return dict(_positions(tuple(header), tuple(columns)))


@lru_cache(maxsize=4096)
def _positions(header: tuple[str | None, ...], columns: tuple[Column, ...]) -> tuple[tuple[str, int], ...]:
    normalised = [normalise_header(h) if h else "" for h in header]
    positions: dict[str, int] = {}
    for column in columns:
        for index, name in enumerate(normalised):
            if column.matches(name) and index not in positions.values():
                positions[column.name] = index
                break
    return tuple(positions.items())


def parse_cell(parse: Callable[[str | None], Any], text: str | None) -> tuple[Any, str | None]:
    """One cell through a column's parser: its value and None, or None and why the parser refused it."""
    try:
        return parse(text), None
    except ValueError as exc:
        return None, str(exc)


def typed_values(
    cells: Sequence[str | None],
    header: Sequence[str | None],
    positions: dict[str, int],
    columns: Sequence[Column],
) -> tuple[dict[str, Any], str]:
    """Parse one row's cells column by column; return the typed values, or the reason they cannot be read."""
    row: dict[str, Any] = {}
    for column in columns:
        index = positions.get(column.name)
        raw = cells[index] if index is not None and index < len(cells) else None
        label = header[index] if index is not None else column.name
        value, refusal = parse_cell(column.parse, raw)
        if refusal is not None:
            return {}, f"column '{label}': {refusal}"
        if column.required and value is None:
            return {}, f"column '{label}' is empty"
        row[column.name] = value
    return row, ""


def _checked_fields(
    record: Record,
    width: int,
    positions: dict[str, int],
    columns: Sequence[Column],
    delimiter: str = ",",
) -> tuple[list[str], str]:
    """A record's fields when they are as many as the header's (a split date made one again, blank
    extra fields allowed), else the reason they are not."""
    fields = _rejoin_split_dates(record.fields, width, positions, columns, delimiter)
    if len(fields) > width and any(f.strip() for f in fields[width:]):
        return [], f"expected {width} fields, found {len(fields)} (extra values or broken quoting)"
    if len(fields) < width:
        return [], _short_row_reason(record, width, delimiter)
    return fields, ""


def _rejoin_split_dates(
    fields: list[str], width: int, positions: dict[str, int], columns: Sequence[Column], delimiter: str
) -> list[str]:
    """A row one field too long because a date column's ``1/8/18, 6:14 PM`` was written unquoted in a
    comma-separated file, with that date made one field again; any other row unchanged."""
    if len(fields) != width + 1 or delimiter != ",":
        return fields
    for column in columns:
        index = positions.get(column.name)
        if column.ordered and index is not None and split_numeric_date(fields[index], fields[index + 1]):
            return [*fields[:index], f"{fields[index]},{fields[index + 1]}", *fields[index + 2 :]]
    return fields


def _short_row_reason(record: Record, expected: int, delimiter: str) -> str:
    """Why a row has fewer fields than its header: broken quoting, another delimiter, or truncation."""
    found = len(record.fields)
    if record.last_line > record.first_line:
        return (
            f"broken quoting: a quoted field opened here runs to line {record.last_line} "
            f"({found} of {expected} fields)"
        )
    other = other_delimiter(record.fields, delimiter, expected)
    if other is not None:
        return (
            f"expected {expected} fields separated by {delimiter_name(delimiter)} as in the header, "
            f"found {found}: this row is separated by {delimiter_name(other)} (wrong delimiter)"
        )
    return f"expected {expected} fields, found {found} (truncated row)"
