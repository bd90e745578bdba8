"""Spreadsheet exports: sheets read as grids of text, localised labels, dates, and which export a workbook is.

LinkedIn's spreadsheets come in the interface language of whoever exported them. Sheet names and
labels are therefore matched through alias tables (one tuple of labels per language, compared after
``normalise_header``), cells are read as text with the spreadsheet's row numbers kept, and header
rows are found by scanning. ``detect_workbook`` tells the exports apart by sheet names and first
cells, never by the file name. Dates are read in an explicit order (``MDY`` or ``DMY``) because the
French interface writes them day first.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

import polars as pl

from relais.ledger import FileRejected, RowProblem
from relais.sources.io.dates import read_day
from relais.sources.io.sheets import (
    cells_at,
    count_form,
    day_form,
    grid_of,
    header_labels,
    rows_below,
    sheet_frame,
    text_form,
)
from relais.sources.io.tables import Column, column_positions
from relais.sources.io.text import normalise_header
from relais.sources.io.typed_batch import BatchForm, type_columns
from relais.sources.io.values import parse_count

Labels = dict[str, tuple[str, ...]]
"""Labels of one thing by interface language: ``{"en": ("Post URL",), "fr": ("URL du post",)}``."""

Grid = list[list[str | None]]
"""A sheet as text cells; ``grid[i]`` is spreadsheet row ``i + 1``."""

CREATOR_SHEETS: tuple[Labels, ...] = (
    {"en": ("DISCOVERY",), "fr": ("DÉCOUVERTE",)},
    {"en": ("ENGAGEMENT",), "fr": ("ENGAGEMENT", "INTERACTIONS")},
    {"en": ("TOP POSTS",), "fr": ("POSTS LES PLUS PERFORMANTS", "MEILLEURS POSTS", "PRINCIPAUX POSTS")},
    {"en": ("FOLLOWERS",), "fr": ("ABONNÉS",)},
    {"en": ("DEMOGRAPHICS",), "fr": ("DONNÉES DÉMOGRAPHIQUES", "DÉMOGRAPHIE")},
)
"""Sheet names of a creator analytics export, in LinkedIn's order (``CREATOR_ROLES``, one each).

Sheets are recognised by their content (``creator_sheet_role``); a name only gives the role of a
sheet whose content says nothing, in a workbook where another sheet was recognised by content.
"""
CREATOR_ROLES = ("discovery", "engagement", "top_posts", "followers", "demographics")

OVERALL_PERFORMANCE: Labels = {
    "en": ("Overall Performance",),
    "fr": ("Performances globales", "Performance globale", "Performances générales"),
}
POST_PERFORMANCE_SHEET: Labels = {"en": ("PERFORMANCE",), "fr": ("PERFORMANCES", "PERFORMANCE")}
POST_URL: Labels = {"en": ("Post URL",), "fr": ("URL du post", "URL de la publication")}
DATE: Labels = {"en": ("Date",), "fr": ("Date",)}
IMPRESSIONS: Labels = {"en": ("Impressions",), "fr": ("Impressions",)}
ENGAGEMENTS: Labels = {"en": ("Engagements",), "fr": ("Interactions", "Engagements")}
PUBLISH_DATE: Labels = {
    "en": ("Post publish date",),
    "fr": ("Date de publication du post", "Date de publication de la publication", "Date de publication"),
}
NEW_FOLLOWERS: Labels = {"en": ("New followers",), "fr": ("Nouveaux abonnés",)}
TOTAL_FOLLOWERS_ON: Labels = {
    "en": ("Total followers on",),
    "fr": (
        "Nombre total d'abonnés au",
        "Nombre total d'abonnés le",
        "Total des abonnés au",
        "Total d'abonnés au",
    ),
}
TOP_DEMOGRAPHICS: Labels = {
    "en": ("Top Demographics",),
    "fr": ("Principales données démographiques", "Données démographiques principales"),
}
"""Labels of the creator sheets' headers; the French ones are unverified guesses."""

DATE_TEXT = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}")

PAGE_SHEETS: dict[str, Labels] = {
    "all_posts": {
        "en": ("All posts",),
        "fr": ("Toutes les publications", "Tous les posts"),
        "de": ("Alle Beiträge",),
        "es": ("Todas las publicaciones",),
    },
    "metrics": {
        "en": ("Metrics",),
        "fr": ("Statistiques", "Métriques", "Indicateurs"),
        "de": ("Kennzahlen", "Metriken"),
        "es": ("Métricas",),
    },
    "legacy_posts": {"en": ("Update engagement",)},
    "legacy_metrics": {"en": ("Update metrics (aggregated)",)},
    "new_followers": {
        "en": ("New followers",),
        "fr": ("Nouveaux abonnés",),
        "de": ("Neue Follower",),
        "es": ("Nuevos seguidores",),
    },
    "visitor_metrics": {
        "en": ("Visitor metrics",),
        "fr": ("Statistiques des visiteurs", "Métriques des visiteurs", "Indicateurs des visiteurs"),
        "de": ("Besucherkennzahlen", "Besucher-Kennzahlen"),
        "es": ("Métricas de visitantes",),
    },
}
"""Sheet names of the Page exports; the French, German and Spanish ones are unverified guesses."""

ORDERS = ("MDY", "DMY")
LANGUAGE_DATE_ORDER = {"en": "MDY", "fr": "DMY", "de": "DMY", "es": "DMY"}
DETECTION_ROWS = 8


_FOLDED: dict[int, tuple[Labels, dict[str, frozenset[str]], frozenset[str]]] = {}


def _folded(labels: Labels) -> tuple[dict[str, frozenset[str]], frozenset[str]]:
    """A table's labels normalised, by language and all together; kept for the tables met last (the
    same few module constants are asked about for every cell of every workbook)."""
    cached = _FOLDED.get(id(labels))
    if cached is None or cached[0] is not labels:
        if len(_FOLDED) > 256:
            _FOLDED.clear()
        by_language = {lang: frozenset(normalise_header(n) for n in names) for lang, names in labels.items()}
        cached = (labels, by_language, frozenset().union(*by_language.values()))
        _FOLDED[id(labels)] = cached
    return cached[1], cached[2]


def aliases(labels: Labels) -> frozenset[str]:
    """Every label of a table, normalised for comparison."""
    return _folded(labels)[1]


def label_is(text: str | None, labels: Labels) -> bool:
    """True when a cell's text is one of the labels (case, accents and punctuation ignored)."""
    return bool(text) and normalise_header(text) in aliases(labels)


def languages_of(text: str | None, labels: Labels) -> set[str]:
    """The interface languages in which a cell's text is one of the labels."""
    if not text:
        return set()
    folded = normalise_header(text)
    return {lang for lang, names in _folded(labels)[0].items() if folded in names}


def vote_language(evidence: Iterable[tuple[str | None, Labels]]) -> str | None:
    """The language most texts are written in; a text shared by every language of its table is no evidence."""
    votes: Counter[str] = Counter()
    for text, labels in evidence:
        found = languages_of(text, labels)
        if found and found != set(labels):
            votes.update(found)
    ranked = votes.most_common(2)
    if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
        return None
    return ranked[0][0]


def column(name: str, labels: Labels, parse: Any, required: bool = False) -> Column:
    """A ``Column`` whose header may be any label of the table, in any language."""
    return Column(name, tuple(sorted(aliases(labels))), parse, required=required)


def find_sheet(sheet_names: Sequence[str], labels: Labels) -> str | None:
    """The first sheet whose name is one of the labels."""
    return next((name for name in sheet_names if label_is(name, labels)), None)


def open_workbook(path: Path) -> Any:
    """Open a spreadsheet with fastexcel; an unreadable file is rejected with the library's reason."""
    import fastexcel

    try:
        return fastexcel.read_excel(str(path))
    except Exception as exc:  # fastexcel raises its own error types for corrupt files
        raise FileRejected(f"unreadable spreadsheet: {exc}") from None


def load_grid(reader: Any, sheet_name: str, n_rows: int | None = None) -> Grid:
    """A sheet's cells as text, blank cells as None, row ``i`` of the list being spreadsheet row ``i + 1``.

    Dates arrive as ISO text (``2026-01-10 00:00:00``) and whole numbers without decimals
    (``relais.sources.io.sheets.sheet_frame``, as lists).
    """
    return grid_of(sheet_frame(reader, sheet_name, n_rows, blanks=False))


def cell(row: Sequence[str | None], index: int) -> str | None:
    """The cell at ``index`` of a row, None past its end."""
    return row[index] if 0 <= index < len(row) else None


def first_filled(row: Sequence[str | None]) -> int | None:
    """Index of a row's first non-blank cell."""
    return next((i for i, value in enumerate(row) if value is not None and value.strip()), None)


def is_blank_row(row: Sequence[str | None]) -> bool:
    """True when every cell of a row is empty."""
    return first_filled(row) is None


def find_header_row(
    grid: Grid, columns: Sequence[Column], required: Sequence[str], scan_rows: int = 12
) -> int | None:
    """Index of the first row naming every required column and at least two known columns."""
    for index, row in enumerate(grid[:scan_rows]):
        positions = column_positions(row, columns)
        if all(name in positions for name in required) and len(positions) >= 2:
            return index
    return None


@dataclass
class SheetRows:
    """The typed rows of one sheet as a frame (each with ``_source_row`` and ``_sheet``), its refused
    rows as problems, and the rows read (``len(rows) + len(problems)``)."""

    rows: pl.DataFrame
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        """Rows typed plus rows refused."""
        return self.rows.height + len(self.problems)


def read_sheet_rows(
    frame: pl.DataFrame,
    header_index: int,
    columns: Sequence[Column],
    sheet: str,
    source_file: str,
    kind: str,
) -> SheetRows:
    """Type every non-blank row below a header row, column-wise; a row that cannot be read becomes a problem.

    ``frame`` is the sheet (``relais.sources.io.sheets.sheet_frame``); columns are typed by their batch
    forms (``batch_form``), their other cells by their parsers (``relais.sources.io.sheets.type_columns``).
    Rows carry ``_source_row`` (as the spreadsheet numbers it) and ``_sheet``.
    """
    header = grid_of(frame.slice(header_index, 1))[0]
    positions = column_positions(header, columns)
    forms = {column.name: batch_form(column.parse) for column in columns}
    cells = cells_at(rows_below(frame, header_index), positions)
    typed, refused = type_columns(cells, columns, forms, header_labels(header, positions))
    problems = [
        RowProblem(source_file, row, kind, f"sheet '{sheet}': {reason}")
        for row, reason in refused.iter_rows()
    ]
    return SheetRows(typed.with_columns(pl.lit(sheet).alias("_sheet")), problems)


TEXT_PARSE = Column("text", ()).parse
"""The parser of a ``Column`` given none: its text as it is, a blank cell as None."""


def batch_form(parse: Callable[[str | None], Any]) -> BatchForm | None:
    """The batch form (``relais.sources.io.sheets``) of the spreadsheet parsers that have one, else None:
    counts (``parse_count``), days in an order (``day_parser``) and text as it is."""
    if parse is parse_count:
        return count_form
    if isinstance(parse, DayParser):
        return partial(day_form, order=parse.order)
    if parse is TEXT_PARSE:
        return text_form
    return None


def order_for_language(language: str | None) -> str:
    """The date order an interface language writes (``MDY`` when the language is unknown)."""
    return LANGUAGE_DATE_ORDER.get(language or "", "MDY")


@lru_cache(maxsize=65536)
def parse_day_in_order(text: str | None, order: str = "MDY") -> date | None:
    """The day a workbook cell names, numeric dates read in ``order`` (decided per file): ``read_day``.

    Every file family reads its dates with the one reader of ``relais.sources.io.dates``; this cached entry
    point serves the spreadsheet readers, whose columns repeat the same few days.
    """
    return read_day(text, order)


@dataclass(frozen=True)
class DayParser:
    """A one-argument date parser for ``order`` (``parse_day_in_order``), for use as a ``Column`` parser."""

    order: str

    def __call__(self, text: str | None) -> date | None:
        """The day ``text`` names read in this order, None when blank; ``ValueError`` says why not."""
        return parse_day_in_order(text, self.order)


def day_parser(order: str) -> DayParser:
    """A one-argument date parser for ``order``, for a ``Column`` (its batch form is ``day_form``)."""
    return DayParser(order)


def readable_in(texts: Iterable[str | None], order: str) -> bool:
    """True when every text reads as a date in ``order``."""
    try:
        for text in texts:
            parse_day_in_order(text, order)
    except ValueError:
        return False
    return True


def _named(row: Sequence[str | None], *tables: Labels) -> bool:
    """True when a row holds a cell of each table (a header row naming those columns)."""
    texts = {normalise_header(value) for value in row if value}
    return all(texts & aliases(labels) for labels in tables)


def _is_period(text: str | None) -> bool:
    return bool(text) and len(DATE_TEXT.findall(text or "")) == 2


def creator_sheet_role(grid: Grid) -> str | None:
    """Which sheet of a creator analytics export a sheet is, from its first rows, or None.

    - ``discovery``: ``Overall Performance`` opening one of the first three rows (today's layout,
      the period beside it; the older one, ``Overall Performance | Value | Time Period``), or a
      period cell (``start - end``) in those rows and a row labelled ``Impressions``;
    - ``engagement``: a header row naming ``Date``, ``Impressions`` and ``Engagements``;
    - ``top_posts``: a header row naming ``Post URL`` and ``Post publish date`` (a single-post
      export writes ``Post URL`` as a label beside its link, never beside a date column);
    - ``followers``: ``Total followers on <date>`` in row 1, or a header row ``Date | New followers``;
    - ``demographics``: a header row ``Top Demographics | Value | Percentage``.
    """
    head = grid[:12]
    firsts = [row[i] if (i := first_filled(row)) is not None else None for row in head]
    if any(label_is(text, OVERALL_PERFORMANCE) for text in firsts[:3]):
        return "discovery"
    if firsts and firsts[0] and label_is(DATE_TEXT.split(firsts[0])[0], TOTAL_FOLLOWERS_ON):
        return "followers"
    periods = any(_is_period(value) for row in head[:3] for value in row)
    if periods and any(label_is(text, IMPRESSIONS) for text in firsts):
        return "discovery"
    for row in head:
        if _named(row, POST_URL, PUBLISH_DATE):
            return "top_posts"
        if _named(row, DATE, IMPRESSIONS, ENGAGEMENTS):
            return "engagement"
        if _named(row, DATE, NEW_FOLLOWERS) and sum(1 for value in row if value) == 2:
            return "followers"
        if _named(row, TOP_DEMOGRAPHICS):
            return "demographics"
    return None


def creator_sheets(sheet_names: Sequence[str], grids: dict[str, Grid]) -> dict[str, str]:
    """The sheets of a creator analytics export (whole, or some sheets saved apart): role -> sheet name.

    Each sheet is recognised by its content (``creator_sheet_role``); the first sheet of a role
    wins. When at least one sheet was so recognised, a sheet whose content says nothing takes the
    role its name gives (``CREATOR_SHEETS``), so that an empty TOP POSTS sheet, or one whose
    header was damaged, is still reported as that sheet. No sheet recognised by content: ``{}``.
    """
    roles: dict[str, str] = {}
    for name in sheet_names:
        role = creator_sheet_role(grids.get(name, []))
        if role is not None and role not in roles:
            roles[role] = name
    if not roles:
        return {}
    for name in sheet_names:
        if name in roles.values() or creator_sheet_role(grids.get(name, [])) is not None:
            continue
        role = next(
            (r for r, labels in zip(CREATOR_ROLES, CREATOR_SHEETS, strict=True) if label_is(name, labels)),
            None,
        )
        if role is not None and role not in roles:
            roles[role] = name
    return {role: roles[role] for role in CREATOR_ROLES if role in roles}


def creator_workbook_kind(sheet_names: list[str], first_cells: dict[str, Grid]) -> tuple[str, str] | None:
    """``creator_analytics`` or ``post_analytics`` and the evidence, from sheet names and first rows, or None.

    A creator analytics export is recognised by the content of its sheets, whole or some of its
    sheets saved apart (a TOP POSTS sheet alone is a creator export, not a single-post one).
    """
    roles = creator_sheets(sheet_names, first_cells)
    if roles:
        evidence: list[tuple[str | None, Labels]] = [
            (name, CREATOR_SHEETS[CREATOR_ROLES.index(role)]) for role, name in roles.items()
        ]
        discovery = first_cells.get(roles.get("discovery", ""), [])
        if discovery and discovery[0]:
            evidence.append((cell(discovery[0], first_filled(discovery[0]) or 0), OVERALL_PERFORMANCE))
        language = vote_language(evidence)
        shown = ", ".join(f"'{name}'" for name in roles.values())
        return (
            "creator_analytics",
            f"creator analytics export ({len(roles)} of its 5 sheets: {shown}; language {language})",
        )
    performance = find_sheet(sheet_names, POST_PERFORMANCE_SHEET)
    labelled = next((n for n in sheet_names if _has_label(first_cells.get(n, []), POST_URL)), None)
    if performance or labelled:
        return "post_analytics", f"single-post analytics export (sheet '{performance or labelled}')"
    return None


def page_workbook_kind(sheet_names: list[str], first_cells: dict[str, Grid]) -> tuple[str, str] | None:
    """The kind of a LinkedIn Page export (content, older content, followers, visitors), or None."""
    for kind, sheet_kinds in (
        ("page_content", ("all_posts", "metrics")),
        ("page_content_legacy", ("legacy_posts", "legacy_metrics")),
        ("page_followers", ("new_followers",)),
        ("page_visitors", ("visitor_metrics",)),
    ):
        for sheet_kind in sheet_kinds:
            found = find_sheet(sheet_names, PAGE_SHEETS[sheet_kind])
            if found:
                return kind, f"Page export (sheet '{found}')"
    return None


WorkbookKind = Callable[[list[str], dict[str, Grid]], "tuple[str, str] | None"]
LINKEDIN_WORKBOOKS: tuple[WorkbookKind, ...] = (creator_workbook_kind, page_workbook_kind)
"""The workbooks LinkedIn exports, tried in this order (the registry's sources use the same)."""


def detect_workbook_kind(
    sheet_names: list[str], first_cells: dict[str, Grid], kinds: Sequence[WorkbookKind] = LINKEDIN_WORKBOOKS
) -> tuple[str, str]:
    """The kind of export a workbook is and why, from its sheet names and first rows: the first of
    ``kinds`` that knows it, else ``unknown`` with the sheets it has."""
    for kind_of in kinds:
        found = kind_of(sheet_names, first_cells)
        if found is not None:
            return found
    return "unknown", f"spreadsheet with sheets {sorted(sheet_names)} matches no known export"


def _has_label(grid: Grid, labels: Labels) -> bool:
    return any(label_is(cell(row, first_filled(row) or 0), labels) for row in grid)


def detect_workbook(path: Path, kinds: Sequence[WorkbookKind] = LINKEDIN_WORKBOOKS) -> tuple[str, str]:
    """Open a workbook and tell which export it is (see ``detect_workbook_kind``)."""
    try:
        reader = open_workbook(path)
        names = list(reader.sheet_names)
        first_cells = {name: load_grid(reader, name, n_rows=DETECTION_ROWS) for name in names[:12]}
    except FileRejected as exc:
        return "unknown", str(exc)
    except Exception as exc:  # a sheet fastexcel cannot decode
        return "unknown", f"unreadable spreadsheet: {exc}"
    return detect_workbook_kind(names, first_cells, kinds)
