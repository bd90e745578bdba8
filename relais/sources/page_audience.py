"""The institution's LinkedIn Page exports other than the per-post sheet: daily metrics, followers, visitors.

Each is one sheet of daily rows below a note: ``Metrics`` (or ``Update metrics (aggregated)`` in
the layout of around 2020) in the content export, ``New followers`` in the followers export and
``Visitor metrics`` in the visitors export. The header row is found by scanning and columns are
matched by name through alias tables, so older names (``Shares (total)`` for ``Reposts (total)``),
missing columns (read as None) and localised headers are handled the same way; only the date is
required. Dates are read month first as formats.md says, unless only the day-first reading makes
sense of every date in the sheet. French, German and Spanish labels below are unverified guesses:
add new ones to the tables as real files show them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from itertools import product
from pathlib import Path
from typing import Any

from relais.ledger import FileRejected, RowProblem
from relais.sources.io.sheets import grid_of, rows_below, sheet_frame
from relais.sources.io.tables import Column, column_positions
from relais.sources.io.text import normalise_header
from relais.sources.io.values import is_blank, parse_count
from relais.sources.io.workbooks import (
    PAGE_SHEETS,
    Labels,
    day_parser,
    find_header_row,
    find_sheet,
    open_workbook,
    read_sheet_rows,
    readable_in,
)

DATE_HEADERS = ("Date", "Datum", "Fecha", "Jour")

METRIC_NAMES: dict[str, tuple[str, ...]] = {
    "impressions": ("Impressions", "Impressionen", "Impresiones"),
    "unique_impressions": (
        "Unique impressions",
        "Impressions uniques",
        "Eindeutige Impressionen",
        "Impresiones únicas",
    ),
    "clicks": ("Clicks", "Clics", "Klicks"),
    "reactions": ("Reactions", "Réactions", "Reaktionen", "Reacciones"),
    "comments": ("Comments", "Commentaires", "Kommentare", "Comentarios"),
    "reposts": (
        "Reposts",
        "Shares",
        "Republications",
        "Partages",
        "Geteilte Inhalte",
        "Republicaciones",
        "Veces compartido",
        "Contenido compartido",
    ),
    "engagement_rate": (
        "Engagement rate",
        "Taux d'engagement",
        "Interaktionsrate",
        "Engagement-Rate",
        "Tasa de interacción",
    ),
}
"""Page metric names (before the audience in brackets) in English, French, German and Spanish."""

AUDIENCES: dict[str, tuple[str, ...]] = {
    "organic": ("organic", "organique", "organiques", "organisch", "orgánico", "orgánicos", "orgánicas"),
    "sponsored": (
        "sponsored",
        "sponsorisé",
        "sponsorisés",
        "sponsorisée",
        "sponsorisées",
        "gesponsert",
        "patrocinado",
        "patrocinados",
        "patrocinadas",
    ),
    "total": ("total", "totale", "totales", "totaux", "gesamt", "insgesamt"),
}
"""Audience suffixes: ``Impressions (organic)``, ``Clics (total)``, ``Réactions (sponsorisées)``."""

METRIC_COLUMNS: tuple[tuple[str, str], ...] = (
    *((metric, audience) for metric in ("impressions",) for audience in ("organic", "sponsored", "total")),
    ("unique_impressions", "organic"),
    *(
        (metric, audience)
        for metric in ("clicks", "reactions", "comments", "reposts", "engagement_rate")
        for audience in ("organic", "sponsored", "total")
    ),
)
"""The (metric, audience) pairs of the Metrics sheet, in output order."""

FOLLOWER_HEADERS: dict[str, tuple[str, ...]] = {
    "sponsored_followers": (
        "Sponsored followers",
        "Abonnés sponsorisés",
        "Gesponserte Follower",
        "Seguidores patrocinados",
    ),
    "organic_followers": (
        "Organic followers",
        "Abonnés organiques",
        "Organische Follower",
        "Seguidores orgánicos",
    ),
    "auto_invited_followers": (
        "Auto-invited followers",
        "Abonnés invités automatiquement",
        "Abonnés auto-invités",
        "Automatisch eingeladene Follower",
        "Seguidores invitados automáticamente",
    ),
    "total_followers": (
        "Total followers",
        "Total des abonnés",
        "Nombre total d'abonnés",
        "Total des nouveaux abonnés",
        "Nouveaux abonnés",
        "Follower insgesamt",
        "Seguidores totales",
        "Total de seguidores",
    ),
}
"""Headers of the New followers sheet (daily gains by source; ``Total followers`` is the day's total gain)."""

VISITOR_NAMES: dict[str, tuple[str, ...]] = {
    "page_views": (
        "Total page views",
        "Nombre total de vues de page",
        "Nombre total de vues de la page",
        "Total des vues de la page",
        "Seitenaufrufe insgesamt",
        "Visualizaciones de página totales",
        "Total de visualizaciones de la página",
    ),
    "unique_visitors": (
        "Total unique visitors",
        "Nombre total de visiteurs uniques",
        "Total des visiteurs uniques",
        "Eindeutige Besucher insgesamt",
        "Visitantes únicos totales",
        "Total de visitantes únicos",
    ),
}
"""Visitor measures (before the device in brackets); only the all-pages totals are read."""

HEADER_SCAN_ROWS = 12
"""Rows scanned for a daily sheet's header (``find_header_row``'s default)."""

DEVICES: dict[str, tuple[str, ...]] = {
    "desktop": ("desktop", "ordinateur", "ordinateur de bureau", "bureau", "ordenador", "escritorio"),
    "mobile": ("mobile", "mobil", "móvil"),
    "total": ("total", "gesamt", "insgesamt"),
}


@dataclass
class SheetRead:
    """Daily rows of one Page sheet (each with ``_source_row`` and ``_sheet``), problems, and rows read."""

    sheet: str
    date_order: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    rows_read: int = 0


def parse_rate(text: str | None) -> float | None:
    """A non-negative rate written as a fraction (``0.034``) or a percentage (``3,4 %``), as a fraction."""
    if is_blank(text):
        return None
    value = text.strip().replace("\xa0", "").replace("\u202f", "").replace(" ", "")
    percent = value.endswith("%")
    try:
        number = float(value.rstrip("%").replace(",", "."))
    except ValueError:
        raise ValueError(f"'{text.strip()}' is not a rate") from None
    if number < 0:
        raise ValueError(f"'{text.strip()}' is not a rate (negative)")
    return number / 100 if percent else number


def bracketed(names: tuple[str, ...], variants: tuple[str, ...]) -> tuple[str, ...]:
    """Every ``name (variant)`` header, normalised: ``Clics (total)`` becomes ``clics_total``."""
    return tuple(sorted({normalise_header(f"{n} ({v})") for n, v in product(names, variants)}))


def _date_column(parse: Callable[[str | None], date | None]) -> Column:
    return Column("day", tuple(normalise_header(h) for h in DATE_HEADERS), parse, required=True)


def _metric_columns() -> tuple[Column, ...]:
    columns = []
    for metric, audience in METRIC_COLUMNS:
        parse = parse_rate if metric == "engagement_rate" else parse_count
        names = bracketed(METRIC_NAMES[metric], AUDIENCES[audience])
        columns.append(Column(f"{metric}_{audience}", names, parse))
    return tuple(columns)


def _follower_columns() -> tuple[Column, ...]:
    return tuple(
        Column(name, tuple(normalise_header(h) for h in headers), parse_count)
        for name, headers in FOLLOWER_HEADERS.items()
    )


def _visitor_columns() -> tuple[Column, ...]:
    return tuple(
        Column(f"{measure}_{device}", bracketed(VISITOR_NAMES[measure], DEVICES[device]), parse_count)
        for measure in VISITOR_NAMES
        for device in DEVICES
    )


def read_page_metrics(path: Path, source_file: str) -> SheetRead:
    """Read the daily ``Metrics`` sheet of a Page content export (or ``Update metrics (aggregated)``).

    Rows: ``day``, ``impressions_organic|sponsored|total``, ``unique_impressions_organic``,
    ``clicks_*``, ``reactions_*``, ``comments_*``, ``reposts_*`` (counts) and ``engagement_rate_*``
    (fractions); a column the file lacks gives None.
    """
    sheets = {
        **PAGE_SHEETS["metrics"],
        "en": PAGE_SHEETS["metrics"]["en"] + PAGE_SHEETS["legacy_metrics"]["en"],
    }
    return _read_daily_sheet(path, source_file, sheets, _metric_columns(), "page_metrics")


def read_page_followers(path: Path, source_file: str) -> SheetRead:
    """Read the ``New followers`` sheet: ``day``, ``sponsored_followers``, ``organic_followers``,
    ``auto_invited_followers`` and ``total_followers`` (the day's gains)."""
    return _read_daily_sheet(
        path, source_file, PAGE_SHEETS["new_followers"], _follower_columns(), "page_followers"
    )


def read_page_visitors(path: Path, source_file: str) -> SheetRead:
    """Read the ``Visitor metrics`` sheet: ``day`` and ``page_views_*`` / ``unique_visitors_*`` for
    ``desktop``, ``mobile`` and ``total``, over all the Page's tabs."""
    return _read_daily_sheet(
        path, source_file, PAGE_SHEETS["visitor_metrics"], _visitor_columns(), "page_visitors"
    )


def _read_daily_sheet(
    path: Path, source_file: str, sheet_names: Labels, measures: tuple[Column, ...], kind: str
) -> SheetRead:
    reader = open_workbook(path)
    sheet = find_sheet(list(reader.sheet_names), sheet_names)
    if sheet is None:
        wanted = ", ".join(f"'{n}'" for names in sheet_names.values() for n in names)
        raise FileRejected(f"no sheet named {wanted} among {list(reader.sheet_names)}")
    frame = sheet_frame(reader, sheet)
    head = grid_of(frame, HEADER_SCAN_ROWS)
    columns = (_date_column(day_parser("MDY")), *measures)
    header = find_header_row(head, columns, required=("day",))
    if header is None:
        raise FileRejected(f"sheet '{sheet}' has no header row with a date and known measure columns")
    position = column_positions(head[header], columns)["day"]
    days = rows_below(frame, header).get_column(f"c{position}").drop_nulls().unique().to_list()
    order = "MDY" if readable_in(days, "MDY") or not readable_in(days, "DMY") else "DMY"
    read = read_sheet_rows(
        frame, header, (_date_column(day_parser(order)), *measures), sheet, source_file, kind
    )
    return SheetRead(sheet, order, read.rows.to_dicts(), read.problems, read.rows_read)
