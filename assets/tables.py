"""Reading a CSV export into typed rows, matching columns by name and quarantining bad rows.

A ``TableSpec`` lists the columns an export must or may have, each with the header names it is
known under and a parser for its cells. ``read_table`` finds the header line by scanning (some
exports put a preamble above it), maps columns by normalised name, never by position, and returns
the typed rows with their source line, plus one ``RowProblem`` for each row it could not read:
wrong number of fields, unclosed quote, missing required value, or a cell its parser refused.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from assets.ledger import FileRejected, RowProblem
from assets.textio import (
    Record,
    delimiter_name,
    iter_records,
    normalise_header,
    other_delimiter,
    sniff_delimiter,
)


def _text(value: str | None) -> str | None:
    return value if value is not None and value.strip() != "" else None


@dataclass(frozen=True)
class Column:
    """A column of an export: output name, accepted header names, cell parser, whether it must be filled."""

    name: str
    aliases: tuple[str, ...]
    parse: Callable[[str | None], Any] = _text
    required: bool = False
    optional_header: bool = False

    def matches(self, header: str) -> bool:
        """True when a normalised header names this column."""
        return header in self.aliases or header == self.name


@dataclass(frozen=True)
class TableSpec:
    """The layout of one kind of CSV export."""

    kind: str
    columns: tuple[Column, ...]
    backslash_escapes: bool = False
    header_scan_lines: int = 12

    def header_columns(self) -> tuple[Column, ...]:
        """The columns whose header must be present."""
        return tuple(c for c in self.columns if not c.optional_header)


@dataclass
class TableRead:
    """The outcome of reading one file: typed rows (each with ``_source_row``), problems and rows read."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    rows_read: int = 0
    delimiter: str = ","


def header_matches(fields: list[str], spec: TableSpec) -> bool:
    """True when a line's fields contain every header the spec requires."""
    normalised = [normalise_header(f) for f in fields]
    return all(any(c.matches(h) for h in normalised) for c in spec.header_columns())


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
    for item in iter_table(source_file, source, spec, result):
        if isinstance(item, RowProblem):
            result.problems.append(item)
        else:
            result.rows.append(item)
    return result


def iter_table(
    source_file: str, source: str | Iterable[str], spec: TableSpec, counts: TableRead
) -> Iterator[dict[str, Any] | RowProblem]:
    """Yield typed rows and row problems one at a time (bounded memory); ``counts`` gets rows read.

    Raises ``FileRejected`` (before yielding anything) when no header line of the expected layout
    is found among the first lines.
    """
    lines = iter(io.StringIO(source, newline="") if isinstance(source, str) else source)
    head = list(itertools.islice(lines, spec.header_scan_lines))
    header_index = _find_header(head, spec)
    if header_index is None:
        wanted = ", ".join(c.aliases[0] if c.aliases else c.name for c in spec.header_columns())
        raise FileRejected(f"no header line with the columns of a {spec.kind} export ({wanted})")
    counts.delimiter = sniff_delimiter(head[header_index].rstrip("\r\n"))
    body = itertools.chain(head[header_index:], lines)
    records = iter_records(body, delimiter=counts.delimiter, backslash_escapes=spec.backslash_escapes)
    header = next(records).fields
    positions = column_positions(header, spec.columns)
    for record in records:
        line = record.first_line + header_index
        if record.error:
            counts.rows_read += 1
            yield RowProblem(source_file, line, spec.kind, record.error)
            continue
        if not record.fields or (len(record.fields) == 1 and record.fields[0].strip() == ""):
            continue
        counts.rows_read += 1
        row, reason = _typed_row(record, header, positions, spec, counts.delimiter)
        if reason:
            yield RowProblem(source_file, line, spec.kind, reason)
        else:
            row["_source_row"] = line
            yield row


def _find_header(lines: list[str], spec: TableSpec) -> int | None:
    for index, line in enumerate(lines):
        line = line.rstrip("\r\n")
        if not line.strip():
            continue
        fields = next(iter_records(line, delimiter=sniff_delimiter(line))).fields
        if header_matches(fields, spec):
            return index
    return None


def column_positions(header: Sequence[str | None], columns: Sequence[Column]) -> dict[str, int]:
    """Where each column stands in a header row, matched by normalised name (first match, each cell once)."""
    normalised = [normalise_header(h) if h else "" for h in header]
    positions: dict[str, int] = {}
    for column in columns:
        for index, name in enumerate(normalised):
            if column.matches(name) and index not in positions.values():
                positions[column.name] = index
                break
    return positions


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
        try:
            value = column.parse(raw)
        except ValueError as exc:
            return {}, f"column '{label}': {exc}"
        if column.required and value is None:
            return {}, f"column '{label}' is empty"
        row[column.name] = value
    return row, ""


def _typed_row(
    record: Record, header: list[str], positions: dict[str, int], spec: TableSpec, delimiter: str = ","
) -> tuple[dict[str, Any], str]:
    fields = record.fields
    if len(fields) > len(header) and any(f.strip() for f in fields[len(header) :]):
        return {}, f"expected {len(header)} fields, found {len(fields)} (extra values or broken quoting)"
    if len(fields) < len(header):
        return {}, _short_row_reason(record, len(header), delimiter)
    return typed_values(fields, header, positions, spec.columns)


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
