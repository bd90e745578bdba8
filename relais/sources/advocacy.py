"""Reports of employee-advocacy platforms: EveryoneSocial users and Firstup (Dynamic Signal) sources.

Both are CSV files read through ``TableSpec`` and ``read_table``, so the inbox recognises them by
their header line with ``header_matches``. What these vendors call reach is potential reach
(connections times shares), never measured, so it is named ``potential_reach``; Firstup's
``Impression`` is the platform's own count, named ``platform_impressions``: neither may be mixed
with LinkedIn impressions. Dates come ISO, ``M/D/YYYY`` or ``Mar 4, 2026``; money comes with its
currency sign in either the English or the French way (``€1,234.50``, ``1 234,50 €``).
"""

from __future__ import annotations

import re
from datetime import date

from relais.sources.io.tables import Column, TableRead, TableSpec, read_table
from relais.sources.io.values import is_blank, parse_count
from relais.sources.io.workbooks import parse_day_in_order

_CURRENCY = re.compile(r"(?i)(?:eur|usd|gbp|chf|[€$£])")
_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+$")


def _text(value: str | None) -> str | None:
    return " ".join(value.split()) if value and value.strip() else None


def parse_vendor_day(text: str | None) -> date | None:
    """A date written ISO, month first (``3/4/2026``, with or without a time) or ``Mar 4, 2026``."""
    return parse_day_in_order(text, "MDY")


def parse_money(text: str | None) -> float | None:
    """A non-negative amount, currency optional: ``€1,234.50``, ``1 234,50 €``, ``$12.3``, ``1.234,5``."""
    if is_blank(text):
        return None
    value = _CURRENCY.sub("", text.strip())
    value = re.sub(r"[\s\xa0\u202f']", "", value)
    if "," in value and "." in value:
        decimal = "," if value.rfind(",") > value.rfind(".") else "."
        value = value.replace("." if decimal == "," else ",", "").replace(",", ".")
    elif "," in value:
        value = value.replace(",", "") if _THOUSANDS.match(value) else value.replace(",", ".")
    elif value.count(".") > 1:
        value = value.replace(".", "")
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"'{text.strip()}' is not an amount of money") from None
    if number < 0:
        raise ValueError(f"'{text.strip()}' is not a non-negative amount")
    return number


EVERYONESOCIAL_USERS = TableSpec(
    "everyonesocial_users",
    (
        Column("name", ("name",), _text, required=True),
        Column("user_type", ("type", "user_type"), _text, optional_header=True),
        Column("created_on", ("created_on", "created"), parse_vendor_day, optional_header=True),
        Column("onboarded_on", ("onboarded", "onboarded_on"), parse_vendor_day, optional_header=True),
        Column("last_active_on", ("last_active", "last_active_on"), parse_vendor_day),
        Column("potential_reach", ("reach", "potential_reach"), parse_count),
        Column("posts", ("posts",), parse_count),
        Column("shares", ("shares",), parse_count),
        Column("clicks", ("clicks",), parse_count),
    ),
)
"""EveryoneSocial users report: ``Name, Type, Created On, Onboarded, Last Active, Reach, Posts, ...``."""

FIRSTUP_SOURCES = TableSpec(
    "firstup_sources",
    (
        Column("post_source", ("post_source",), _text, required=True),
        Column("post_source_url", ("post_source_url",), _text),
        Column("post_source_type", ("post_source_type",), _text, optional_header=True),
        Column("post_views", ("post_views",), parse_count),
        Column("shares", ("shares",), parse_count),
        Column("platform_impressions", ("impression", "impressions"), parse_count),
        Column("clicks", ("clicks",), parse_count),
        Column("conversions", ("conversions",), parse_count, optional_header=True),
        Column("total_reactions", ("total_reactions",), parse_count, optional_header=True),
        Column("likes", ("likes",), parse_count, optional_header=True),
        Column("comments", ("comments",), parse_count, optional_header=True),
        Column("reshares", ("re_shares", "reshares"), parse_count, optional_header=True),
        Column("points_subtotal", ("points_subtotal",), parse_count, optional_header=True),
        Column("member_actions", ("member_actions",), parse_count, optional_header=True),
        Column("member_likes", ("member_likes",), parse_count, optional_header=True),
        Column("member_comments", ("member_comments",), parse_count, optional_header=True),
        Column("member_shares", ("member_shares",), parse_count, optional_header=True),
        Column("earned_media_value", ("earned_media_value",), parse_money, optional_header=True),
    ),
)
"""Firstup (Dynamic Signal) source report, one row per content source."""

ADVOCACY_SPECS: tuple[TableSpec, ...] = (EVERYONESOCIAL_USERS, FIRSTUP_SOURCES)


def read_everyonesocial_users(source_file: str, text: str) -> TableRead:
    """Rows ``name, user_type, created_on, onboarded_on, last_active_on, potential_reach, posts, shares,
    clicks``."""
    return read_table(source_file, text, EVERYONESOCIAL_USERS)


def read_firstup_sources(source_file: str, text: str) -> TableRead:
    """Rows of the Firstup source report with snake_case names, ``Impression`` as ``platform_impressions``."""
    return read_table(source_file, text, FIRSTUP_SOURCES)
