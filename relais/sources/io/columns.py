"""Typing CSV rows column-wise with Polars, the Python parsers kept for the cells Polars cannot read.

A ``Column`` (``relais.sources.io.tables``) parses one cell at a time in Python; its ``native`` cast
says how Polars reads the same column in a whole batch of rows: an expression over the column's
text giving the value the parser gives, or null where the text is not in a form the expression
knows (``native_forms`` hands them to ``relais.sources.io.typed_batch.type_columns``, which the
workbook readers share: only the cells that came out null go through the column's parser, each
distinct text once, so every form the parser knows stays read and every refused cell keeps its
exact reason; a row's reason is that of its first failing column, as ``typed_values`` gives it).
Native forms are gated by exact patterns because Polars' own parsers
accept more than the Python ones (``2026-1-1``) and strip other whitespace: a cell is typed natively
only where the parser would give the same value. The Python parsers stay for what a native cast
cannot express: dates written in another form (``1/8/18, 6:14 PM`` in the file's order, month
names in French, ``NA``), non-ASCII text to upper-case, and every reason a refused cell is given.

``RowBatch`` gathers the rows of many files of one kind (archive members of a few dozen rows each)
so that they are typed in one go, deciding the order of each file's numeric dates first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from relais.ledger import RowProblem
from relais.sources.io.dates import OrderDecision, OrderVote
from relais.sources.io.tables import (
    Column,
    OpenTable,
    TableRead,
    TableSpec,
    columns_in_order,
    iter_rows,
    open_table,
    order_notes,
    voting_positions,
)
from relais.sources.io.typed_batch import PYTHON_WHITESPACE, ROW, BatchForm, type_columns
from relais.sources.io.values import latest_past_moment


@dataclass(frozen=True)
class NativeCast:
    """How Polars reads a column: ``expr`` turns the text expression into the typed value, null where
    it cannot say what the Python parser would; ``total`` when it always can (no cell falls back)."""

    expr: Callable[[pl.Expr], pl.Expr]
    total: bool = False


def _stripped(text: pl.Expr) -> pl.Expr:
    return text.str.strip_chars(PYTHON_WHITESPACE)


def _unless_blank(text: pl.Expr, value: pl.Expr) -> pl.Expr:
    """``value`` where ``text`` is not blank (Python's ``text.strip() == ""``), else null."""
    return pl.when(_stripped(text) != "").then(value)


STRIPPED = NativeCast(lambda text: _unless_blank(text, _stripped(text)), total=True)
"""The text without surrounding whitespace; a blank cell is null."""
TEXT = NativeCast(lambda text: _unless_blank(text, text), total=True)
"""The text as written; a blank cell is null."""
MULTILINE_TEXT = NativeCast(
    lambda text: _unless_blank(text, text.str.replace_all(r'"\r?\n"', "\n")), total=True
)
"""The text with LinkedIn's per-line quoting undone (``a"\\n"b`` is ``a\\nb``); a blank cell is null."""
ASCII_UPPER = NativeCast(
    lambda text: pl.when(text.str.contains(r"^[\x00-\x7F]*$")).then(
        _unless_blank(text, _stripped(text).str.to_uppercase())
    )
)
"""The stripped text in upper case, natively for ASCII text only (Unicode case rules differ by version)."""
DROPPED = NativeCast(lambda text: pl.lit(None, dtype=pl.String), total=True)
"""Third-party data: never kept."""

_MONTH = "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
MOMENT_FORMS: tuple[tuple[str, int, str], ...] = (
    (r"^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$", 19, "%Y-%m-%d %H:%M:%S"),
    (r"^[0-9]{4}/[0-9]{2}/[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} UTC$", 19, "%Y/%m/%d %H:%M:%S"),
    (r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", 10, "%Y-%m-%d"),
    (rf"^[0-9]{{2}} {_MONTH} [0-9]{{4}}$", 11, "%d %b %Y"),
)
"""The date forms read natively: a gate the whole text must match exactly, the length of the part to
parse and its format (``2026-04-02 22:25:49``, ``2017/06/08 08:15:44 UTC``, ``2026-04-02``,
``04 Jul 2023``); every other form, and a date that is not real, goes to ``read_moment``."""


def native_moment(text: pl.Expr) -> pl.Expr:
    """The moment a cell names when it is in one of ``MOMENT_FORMS`` and real, else null."""
    moments = []
    for gate, length, form in MOMENT_FORMS:
        dtype = pl.Datetime("us") if "%H" in form else pl.Date()
        parsed = text.str.slice(0, length).str.strptime(dtype, form, strict=False).cast(pl.Datetime("us"))
        moments.append(pl.when(text.str.contains(gate)).then(parsed))
    return pl.coalesce(moments)


def _past_moment(text: pl.Expr) -> pl.Expr:
    moment = native_moment(text)
    return pl.when(moment <= latest_past_moment()).then(moment)


def _past_day(text: pl.Expr) -> pl.Expr:
    day = native_moment(text).dt.date()
    return pl.when(day.cast(pl.Datetime("us")) <= latest_past_moment()).then(day)


PAST_MOMENT = NativeCast(_past_moment)
"""``read_past_moment`` natively: a moment in a usual form and not after now plus one day, else null
(the parser then reads the other forms and refuses a moment in the future with its reason)."""
PAST_DAY = NativeCast(_past_day)
"""``read_past_day`` natively, as ``PAST_MOMENT`` with the time of day dropped."""


def native_forms(columns: Sequence[Column]) -> tuple[dict[str, BatchForm | None], set[str]]:
    """The batch forms of ``relais.sources.io.typed_batch.type_columns`` for columns with native casts,
    and the names of those whose cast is total (no cell of them goes to the Python parser)."""
    forms = {c.name: c.native.expr if c.native is not None else None for c in columns}
    return forms, {c.name for c in columns if c.native is not None and c.native.total}


NUMERIC_DATE_START = rf"^[{PYTHON_WHITESPACE}]*\d{{1,2}}[/.-]"
"""How every numeric date (``dates.numeric_parts``) begins: the cells that may vote on a file's order."""


def decide_orders_natively(cells: Mapping[Any, Sequence[str]]) -> dict[Any, OrderDecision]:
    """``OrderVote.decide`` for each key's cells, Polars setting aside the cells that are no numeric date."""
    keys = list(cells)
    frame = pl.DataFrame(
        {
            "key": [index for index, key in enumerate(keys) for _ in cells[key]],
            "text": [text for key in keys for text in cells[key]],
        },
        schema={"key": pl.Int64(), "text": pl.String()},
    )
    votes = {index: OrderVote() for index in range(len(keys))}
    candidates = frame.filter(pl.col("text").str.contains(NUMERIC_DATE_START))
    for index, text in candidates.iter_rows():
        votes[index].add(text)
    return {key: votes[index].decide() for index, key in enumerate(keys)}


@dataclass
class FileRows:
    """One file's rows waiting in a ``RowBatch``, and what its outcome needs once they are typed.

    ``orders`` are its date orders, decided from ``votes`` when the batch is typed unless given;
    ``problems`` counts its quarantined rows, ``counts`` its rows read and reading notes.
    """

    source_file: str
    spec: TableSpec
    table: OpenTable
    constants: dict[str, Any]
    orders: dict[str, OrderDecision] | None
    counts: TableRead = field(default_factory=TableRead)
    votes: dict[str, list[str]] = field(default_factory=dict)
    lines: list[int] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    problems: int = 0

    @property
    def notes(self) -> list[str]:
        """What the ledger should know of how the file was read: its date orders first, then the rest."""
        orders = order_notes(self.table.header, self.spec, self.orders) if self.orders else []
        return [*orders, *self.counts.notes]


class RowBatch:
    """The rows of many files of one spec, typed together column-wise once enough are gathered.

    ``open`` finds a file's header (raising ``FileRejected``), ``read`` gathers its rows (row
    problems go to ``write_problem`` at once); typed rows go to ``write_rows`` as one frame per layout
    (header and date orders) with the files' ``constants`` and ``_source_row``, and the rows the
    typing refuses go to ``write_problem`` and count in their file's ``problems``. A file whose date
    orders are not given is typed whole once read (its dates vote first); a file given its orders
    (one streamed from disk) is typed as its rows come, ``max_rows`` at a time.
    """

    def __init__(
        self,
        spec: TableSpec,
        write_rows: Callable[[pl.DataFrame], None],
        write_problem: Callable[[RowProblem], None],
        max_rows: int = 100_000,
    ) -> None:
        self.spec, self.write_rows, self.write_problem = spec, write_rows, write_problem
        self.max_rows = max_rows
        self.waiting: list[FileRows] = []
        self.reading: FileRows | None = None
        self.rows = 0

    def open(
        self,
        source_file: str,
        source: str | Iterable[str],
        constants: Mapping[str, Any],
        orders: dict[str, OrderDecision] | None = None,
    ) -> FileRows:
        """Open a file past its header (``FileRejected`` when it has none); its rows are read by ``read``."""
        table = open_table(source, self.spec)
        if not voting_positions(table.header, self.spec):
            orders = orders or {}
        file = FileRows(source_file, self.spec, table, dict(constants), orders)
        file.counts.delimiter = table.delimiter
        return file

    def read(self, file: FileRows) -> None:
        """Gather every row of an opened file; an error reading it propagates, its rows so far stay."""
        self.waiting.append(file)
        self.reading = file
        votes = file.votes if file.orders is None else None
        try:
            for entry in iter_rows(file.source_file, file.table, self.spec, file.counts, votes):
                if isinstance(entry, RowProblem):
                    file.problems += 1
                    self.write_problem(entry)
                    continue
                file.lines.append(entry[0])
                file.rows.append(entry[1])
                self.rows += 1
                if file.orders is not None and self.rows >= self.max_rows:
                    self.flush()
        finally:
            self.reading = None
        if self.rows >= self.max_rows:
            self.flush()

    def flush(self) -> None:
        """Type every waiting row and write it (the file being read, if any, goes on gathering)."""
        self._decide_orders()
        groups: dict[tuple, list[FileRows]] = {}
        for file in self.waiting:
            if file.rows:
                groups.setdefault(_layout(file), []).append(file)
        for files in groups.values():
            self._type_group(files)
        for file in self.waiting:
            file.lines, file.rows = [], []
        self.waiting = [self.reading] if self.reading is not None else []
        self.rows = 0

    def _decide_orders(self) -> None:
        """Decide the date orders of the waiting files that have none, from their votes."""
        undecided = [file for file in self.waiting if file.orders is None]
        cells = {
            (number, name): votes
            for number, file in enumerate(undecided)
            for name, votes in file.votes.items()
        }
        decisions = decide_orders_natively(cells) if cells else {}
        for number, file in enumerate(undecided):
            file.orders = {name: decisions[(number, name)] for name in file.votes}
            file.votes = {}

    def _type_group(self, files: list[FileRows]) -> None:
        """Type the rows of files sharing one layout; write them and their problems."""
        first = files[0]
        header, positions = first.table.header, first.table.positions
        width = len(header)
        columns = columns_in_order(self.spec.columns, first.orders or {})
        present = [c.name for c in columns if c.name in positions]
        rows = [row if len(row) == width else row[:width] for file in files for row in file.rows]
        raw = pl.DataFrame(rows, schema={f"f{i}": pl.String() for i in range(width)}, orient="row")
        owner = pl.Series(
            OWNER, [number for number, file in enumerate(files) for _ in file.rows], dtype=pl.Int64
        )
        lines = pl.Series(ROW, [line for file in files for line in file.lines], dtype=pl.Int64)
        raw = raw.select([pl.col(f"f{positions[name]}").alias(name) for name in present]).with_columns(
            owner, lines
        )
        forms, exact = native_forms(columns)
        labels = {name: header[positions[name]] for name in present}
        typed, refused = type_columns(raw, columns, forms, labels, (OWNER, ROW), exact)
        for number, line, why in refused.iter_rows():
            files[number].problems += 1
            self.write_problem(RowProblem(files[number].source_file, line, self.spec.kind, why))
        constants = [
            pl.Series(name, [file.constants.get(name) for file in files]).gather(typed[OWNER])
            for name in first.constants
        ]
        self.write_rows(typed.drop(OWNER).with_columns(*constants))


OWNER = "_owner"
"""The column holding each row's file, by its number among the files typed together."""


def _layout(file: FileRows) -> tuple:
    """What rows must share to be typed together: the header as written, the date orders, the constants."""
    orders = tuple(sorted((name, decision.order) for name, decision in (file.orders or {}).items()))
    return (tuple(file.table.header), orders, tuple(sorted(file.constants)))
