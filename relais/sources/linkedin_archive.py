"""LinkedIn member data archives: which file is which, whose archive it is, and its rows.

An archive is a zip or an unpacked folder of CSV files ("Get a copy of your data"). Files are
recognised by their header line, with or without the ``_<member id>`` suffix some Complete archives
add. Relais reads Shares, InstantReposts, Comments, Reactions, Skills, Endorsement_Received_Info,
Connections and Email Addresses; every other member is recognised and left unread. Third parties
never reach the warehouse: connections and endorsements are reduced to dates (and skill names) as
they are parsed, and e-mail addresses are only used to find the archive's owner. An archive is a
snapshot of the past: a timestamp or date later than now plus one day is an error, and its row is
quarantined with the reason.

Every archive layout since 2018 is read alike: the 2018 one (UTF-16 with BOM, tab-separated,
header names with spaces such as ``Share Link``, more columns) as today's. Every date column is
read by ``relais.sources.io.dates`` in any form LinkedIn or a spreadsheet writes (``2017/06/08 08:15:44 UTC``,
``04 Jul 2023``, ``18-Jun-24``, ``1/8/18, 6:14 PM``, ISO; ``NA`` is no date), numeric dates in one
order per file. Comments.csv written without quotes has its multi-line messages joined back.
Each column also says how Polars types it in a batch of rows (``relais.sources.io.columns``), its
Python parser kept for the cells Polars cannot read; ``with_post_keys`` keys the posts rows name
the same way (``post_key`` for the links in no usual form).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import polars as pl

from relais.sources.io.columns import (
    ASCII_UPPER,
    DROPPED,
    MULTILINE_TEXT,
    PAST_DAY,
    PAST_MOMENT,
    STRIPPED,
)
from relais.sources.io.dates import read_past_day, read_past_moment
from relais.sources.io.owner_index import OwnerIndex
from relais.sources.io.tables import Column, TableSpec, header_names, names_match
from relais.sources.io.text import iter_records, normalise_header, sniff_delimiter
from relais.sources.post_identity import post_key

_QUOTED_LINE_BREAK = re.compile(r'"\r?\n"')


def restore_multiline(text: str | None) -> str | None:
    """Undo LinkedIn's per-line quoting of multi-line post text (``a"\\n"b`` becomes ``a\\nb``)."""
    if text is None or text.strip() == "":
        return None
    return _QUOTED_LINE_BREAK.sub("\n", text)


def _dropped(_: str | None) -> None:
    """Third-party data: recognised in the header, never kept."""
    return None


def _upper(value: str | None) -> str | None:
    return value.strip().upper() if value and value.strip() else None


def _stripped(value: str | None) -> str | None:
    return value.strip() if value and value.strip() else None


def _moment(name: str, aliases: tuple[str, ...], required: bool = False) -> Column:
    """An archive timestamp column: any date form, numeric dates in the file's order, none in the future."""
    return Column(
        name, aliases, read_past_moment, required=required, ordered=read_past_moment, native=PAST_MOMENT
    )


def _day(name: str, aliases: tuple[str, ...], required: bool = False) -> Column:
    """A date column of an archive (Connections.csv ``Connected On``): as ``_moment``, time of day dropped."""
    return Column(name, aliases, read_past_day, required=required, ordered=read_past_day, native=PAST_DAY)


SHARES = TableSpec(
    "li_shares",
    (
        _moment("shared_at", ("date",), required=True),
        Column("share_link", ("sharelink",), _stripped, native=STRIPPED),
        Column("commentary", ("sharecommentary",), restore_multiline, native=MULTILINE_TEXT),
        Column("shared_url", ("sharedurl",), _stripped, native=STRIPPED),
        Column("media_url", ("mediaurl",), _stripped, optional_header=True, native=STRIPPED),
        Column("visibility", ("visibility",), _upper, optional_header=True, native=ASCII_UPPER),
    ),
)
INSTANT_REPOSTS = TableSpec(
    "li_instant_reposts",
    (
        _moment("reposted_at", ("date",), required=True),
        Column("link", ("link",), _stripped, required=True, native=STRIPPED),
    ),
)
COMMENTS = TableSpec(
    "li_comments",
    (
        _moment("commented_at", ("date",)),
        Column("link", ("link",), _stripped, native=STRIPPED),
        Column("message", ("message",), restore_multiline, native=MULTILINE_TEXT),
    ),
    backslash_escapes=True,
    continuation_lines=True,
)
REACTIONS = TableSpec(
    "li_reactions",
    (
        _moment("reacted_at", ("date",), required=True),
        Column("reaction_type", ("type",), _upper, native=ASCII_UPPER),
        Column("link", ("link",), _stripped, native=STRIPPED),
    ),
)
SKILLS = TableSpec("li_skills", (Column("skill_name", ("name",), _stripped, required=True, native=STRIPPED),))
ENDORSEMENTS_RECEIVED = TableSpec(
    "li_endorsements_received",
    (
        _moment("endorsed_at", ("endorsement_date",), required=True),
        Column("skill_name", ("skill_name",), _stripped, native=STRIPPED),
        Column("endorser", ("endorser_first_name",), _dropped, native=DROPPED),
        Column("status", ("endorsement_status",), _upper, optional_header=True, native=ASCII_UPPER),
    ),
)
CONNECTIONS = TableSpec(
    "li_connections",
    (
        Column("person", ("first_name",), _dropped, native=DROPPED),
        Column("company", ("company",), _dropped, native=DROPPED),
        _day("connected_on", ("connected_on",), required=True),
    ),
)
# The output name is the header's own: a column named after a shorter word ("email") would make
# any file with an ``email`` column (a roster missing a column) pass for an archive's addresses.
EMAIL_ADDRESSES = TableSpec(
    "li_email_addresses",
    (
        Column("email_address", ("email_address",), _stripped, required=True, native=STRIPPED),
        Column("primary", ("primary",), _stripped, optional_header=True, native=STRIPPED),
    ),
)

LOADED_SPECS: tuple[TableSpec, ...] = (
    SHARES,
    INSTANT_REPOSTS,
    COMMENTS,
    REACTIONS,
    SKILLS,
    ENDORSEMENTS_RECEIVED,
    CONNECTIONS,
)
"""Archive members whose rows Relais loads (Email Addresses is read for ownership only)."""


POST_KEY_LINKS: dict[str, dict[str, str]] = {
    "li_shares": {"share_key": "share_link", "target_key": "shared_url"},
    "li_instant_reposts": {"target_key": "link"},
    "li_comments": {"target_key": "link"},
    "li_reactions": {"target_key": "link"},
}
"""For each member kind naming posts, each key column and the link column it keys: the member's own post
(``share_key``) and the post a row targets (``target_key``)."""

_QUERY = r"(?:\?[A-Za-z0-9_=&.-]*)?$"
_FEED_LINK = (
    r"^https://www\.linkedin\.com/feed/update/urn(?::|%3A)li(?::|%3A)(activity|share|ugcPost)(?::|%3A)"
    r"([0-9]+)/?" + _QUERY
)
_SLUG_LINK = r"^https://www\.linkedin\.com/posts/([A-Za-z0-9_-]+)/?" + _QUERY
_SLUG_ACTIVITY = r"(?i)-(activity|share|ugcpost)-([0-9]{6,})(?:-|$)"


def native_post_key(link: pl.Expr) -> pl.Expr:
    """``post_key`` natively for the two usual link forms, null for any other (then read by ``post_key``).

    The forms: a feed URL ``https://www.linkedin.com/feed/update/urn:li:activity:<n>/`` (the URN
    URL-encoded or not, a plain query string allowed) and a post slug
    ``https://www.linkedin.com/posts/<author>_<slug>-activity-<n>-<hash>`` (the first
    ``-activity-<n>`` of the slug, as ``post_key``). Percent signs outside the URN and any other
    character send a link to ``post_key``, whose decoding rules Polars does not repeat.
    """
    slug = link.str.extract(_SLUG_LINK, 1)
    slug_kind = slug.str.extract(_SLUG_ACTIVITY, 1).str.to_lowercase().replace({"ugcpost": "ugcPost"})
    return pl.coalesce(
        pl.concat_str(link.str.extract(_FEED_LINK, 1), pl.lit(":"), link.str.extract(_FEED_LINK, 2)),
        pl.concat_str(slug_kind, pl.lit(":"), slug.str.extract(_SLUG_ACTIVITY, 2)),
    )


def with_post_keys(kind: str, rows: pl.DataFrame) -> pl.DataFrame:
    """The rows of a member kind with the keys (``post_key``) of the posts they name (``POST_KEY_LINKS``)."""
    keys = POST_KEY_LINKS.get(kind, {})
    if not keys:
        return rows
    native = rows.select([native_post_key(pl.col(link)).alias(key) for key, link in keys.items()])
    columns = []
    for key, link in keys.items():
        missing = native[key].is_null() & rows[link].is_not_null()
        texts = rows[link].filter(missing).unique().to_list()
        found = {text: post_key(text) for text in texts}
        fallback = rows[link].replace_strict(found, default=None, return_dtype=pl.String) if found else None
        columns.append(native[key] if fallback is None else native[key].fill_null(fallback))
    return rows.with_columns(columns)


UNUSED_KIND = "li_unused"
"""The kind of an archive member Relais knows and does not use (its rows are never read)."""


def _headers(*names: str) -> TableSpec:
    return TableSpec(UNUSED_KIND, tuple(Column(normalise_header(n), ()) for n in names))


UNUSED_SPECS: tuple[TableSpec, ...] = (
    _headers("Date", "Link", "OptionText"),
    _headers("Endorsement Date", "Skill Name", "Endorsee First Name"),
    _headers("First Name", "Last Name", "Maiden Name", "Headline"),
    _headers("Company Name", "Title", "Started On"),
    _headers("Name", "Url", "Authority"),
    _headers("Content Title", "Content Type"),
    _headers("From", "To", "Sent At", "Direction"),
    _headers("First Name", "Last Name", "Job Title", "Text", "Creation Date"),
)
"""Archive members recognised but not read: Votes, endorsements given, profile, positions, etc."""

ANCHOR_KINDS = frozenset(
    {
        "li_shares",
        "li_instant_reposts",
        "li_comments",
        "li_reactions",
        "li_connections",
        "li_email_addresses",
        "li_endorsements_received",
    }
)
"""Member kinds whose presence makes a folder or zip a LinkedIn archive."""

_ALL_SPECS: tuple[TableSpec, ...] = (*LOADED_SPECS, EMAIL_ADDRESSES, *UNUSED_SPECS)
_SKILLS_FILE = re.compile(r"(^|/)skills(_\d+)?\.csv$", re.IGNORECASE)


def candidate_header_lines(text: str, limit: int = 12) -> Iterable[list[str]]:
    """The first non-empty lines of a text, each split into fields, where a header may stand."""
    for line in text.split("\n", limit)[:limit]:  # the first lines only, not the whole text
        line = line.rstrip("\r")
        if line.strip():
            yield _line_fields(line)


def candidate_header_names(text: str, limit: int = 12) -> Iterable[frozenset[str]]:
    """``header_names`` of each of ``candidate_header_lines``, remembered by line: thousands of
    archive members share one header line, so each is split and normalised once."""
    for line in text.split("\n", limit)[:limit]:  # the first lines only, not the whole text
        line = line.rstrip("\r")
        if line.strip():
            yield _line_names(line)


def _line_fields(line: str) -> list[str]:
    return next(iter_records(line, delimiter=sniff_delimiter(line))).fields


@lru_cache(maxsize=4096)
def _line_names(line: str) -> frozenset[str]:
    return header_names(_line_fields(line))


def classify_member(name: str, text: str) -> TableSpec | None:
    """The spec of an archive member recognised by its header, or None.

    The most specific layout wins: a ``Date,Link,Message`` header is Comments, not
    InstantReposts. Skills.csv has the one-word header ``Name``, so it is recognised by its header
    together with its file name.
    """
    skills_named = bool(_SKILLS_FILE.search(name))
    for present in candidate_header_names(text):
        best = _spec_of_names(present, skills_named)
        if best is not None:
            return best
    return None


@lru_cache(maxsize=1024)
def _spec_of_names(present: frozenset[str], skills_named: bool) -> TableSpec | None:
    """The widest spec whose required headers ``present`` holds (Skills only for a skills file)."""
    best: TableSpec | None = None
    for spec in _ALL_SPECS:
        if spec is SKILLS and not skills_named:
            continue
        if names_match(present, spec) and (best is None or _width(spec) > _width(best)):
            best = spec
    return best


def _width(spec: TableSpec) -> int:
    return len(spec.header_columns())


@dataclass(frozen=True)
class Ambassador:
    """What ownership matching needs to know of an ambassador."""

    agent_id: str
    email: str | None


@dataclass(frozen=True)
class Ownership:
    """Whose archive it is (``agent_id``) and how that was found, or why nobody's."""

    agent_id: str | None
    matched_by: str
    reason: str = ""


def agent_id_in_name(agent_id: str, name: str) -> bool:
    """True when ``agent_id`` appears as a whole token in a file or folder name (case ignored)."""
    pattern = r"(?<![0-9a-z])" + re.escape(agent_id.lower()) + r"(?![0-9a-z])"
    return re.search(pattern, name.lower()) is not None


def find_owner(
    emails: list[str],
    names: list[str],
    ambassadors: list[Ambassador],
    other_email_matched: bool = False,
    index: OwnerIndex | None = None,
) -> Ownership:
    """Find the ambassador an archive belongs to.

    First by e-mail: an address of the archive equal (case ignored) to an ambassador's roster
    e-mail. If an address belongs to a roster person who is not a consenting ambassador
    (``other_email_matched``), the archive is nobody's. Otherwise by name: the agent id as a token of
    the zip's or folder's name, then of the folders above it (``names`` from nearest to farthest).
    Several candidates at the same step make the archive ambiguous: it is reported, not guessed.
    ``index`` (built once from ``ambassadors`` for a whole run) makes each lookup constant-time; when it
    is given, ``ambassadors`` is not read.
    """
    if index is None:
        index = OwnerIndex((a.agent_id, a.email, None, None) for a in ambassadors)
    by_email = sorted(index.by_emails(emails))
    if len(by_email) == 1:
        return Ownership(by_email[0], "email")
    if len(by_email) > 1:
        return Ownership(None, "", f"its e-mail addresses match several ambassadors ({len(by_email)})")
    if other_email_matched:
        return Ownership(
            None, "", "its e-mail address belongs to a roster member who is not a consenting ambassador"
        )
    for name in names:
        by_name = sorted(index.ids_in_name(name))
        if len(by_name) == 1:
            return Ownership(by_name[0], "name")
        if len(by_name) > 1:
            return Ownership(None, "", f"the name '{name}' holds several ambassadors' ids ({len(by_name)})")
    return Ownership(
        None,
        "",
        "matches no consenting ambassador (no roster e-mail in Email Addresses.csv, no agent id in its name)",
    )
