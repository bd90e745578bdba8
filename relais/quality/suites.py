"""The warehouse's data-quality suites, as code: one suite per checked table.

A suite reads one or more *frames* of its table with SQL (the table itself, or a small derived
frame such as each ambassador's month span) and holds *checks*. A check has a name, a severity and
one or more Great Expectations expectations over one frame, written here as the expectation's
snake-case type and its arguments, so that building the suites needs no GX import (the runner turns
them into GX objects).

Severities: ``ERROR`` blocks publication (integrity: keys, counts, rates, dates, referential
integrity, the documented schema, row conservation); ``WARN`` does not (freshness, volume
anomalies).

Privacy: a frame selects only pseudonymous or non-personal columns (``agent_key``, months, counts,
post keys); files are named by ``file_ref`` = the first 12 hexadecimal digits of the SHA-256 of
their inbox path (``SELECT path FROM raw.inbox_files WHERE sha256(path) LIKE '<file_ref>%'``),
never by their path, which may hold a person's name. Examples of failing rows are drawn from these
frames only.

Settings (the home's ``relais.toml``, defaults in ``relais.settings.Settings``): ``freshness_max_days``:
the newest month of ``marts.programme_month`` must end no more than that many days before today;
``anomaly_drop_share``: a month whose active ambassadors, or posts + reshares, fall by more than
that share below the average of the three complete months before it is flagged (partial months,
``marts.programme_month.is_complete`` false, are left out); ``timezone`` says what "today" is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from relais.settings import Settings
from relais.warehouse.metric_docs import TableDoc, load_metric_docs

ERROR = "ERROR"
WARN = "WARN"
TABLE_FRAME = "table"
EARLIEST = dt.date(2000, 1, 1)
FILE_REF = "left(sha256({column}), 12) AS file_ref"


@dataclass(frozen=True)
class Expectation:
    """One GX expectation: its snake-case type (``expect_column_values_to_be_between``) and arguments."""

    type: str
    kwargs: Mapping[str, Any]


@dataclass(frozen=True)
class Check:
    """A named check of one frame: all of its expectations must hold."""

    name: str
    severity: str
    description: str
    expectations: tuple[Expectation, ...]
    frame: str = TABLE_FRAME


@dataclass(frozen=True)
class Frame:
    """A pandas frame read with SQL; ``ids`` are the pseudonymous columns that name a row in examples."""

    name: str
    sql: str
    ids: tuple[str, ...] = ()
    reads: tuple[str, ...] = ()
    period: str = ""
    """A date column of the frame: it is validated in parts of whole months (see runner)."""
    by_file: str = ""
    """A column naming each row's file (``file_ref``): the frame is validated file by file, so only
    the rows of new or changed files are validated again (a new archive, which repeats its author's
    history, adds rows to every month but changes no earlier file)."""


@dataclass
class Suite:
    """The checks of one table, over its frames (``table`` is the table itself)."""

    table: str
    frames: dict[str, Frame] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)

    @property
    def expectation_count(self) -> int:
        return sum(len(c.expectations) for c in self.checks)

    def frame(
        self,
        name: str,
        sql: str,
        ids: Sequence[str] = (),
        reads: Sequence[str] = (),
        period: str = "",
        by_file: str = "",
    ) -> str:
        reads = tuple(dict.fromkeys((self.table, *reads)))
        self.frames[name] = Frame(name, sql, tuple(ids), reads, period, by_file)
        return name

    def add(
        self,
        name: str,
        severity: str,
        description: str,
        expectations: Iterable[Expectation],
        frame: str = TABLE_FRAME,
    ) -> None:
        expectations = tuple(expectations)
        if expectations:
            self.checks.append(Check(name, severity, description, expectations, frame))


@dataclass(frozen=True)
class Params:
    """What the suites depend on besides the code: today, the thresholds and the documentation."""

    today: dt.date
    freshness_max_days: int
    anomaly_drop_share: float
    docs: Mapping[str, TableDoc]

    @property
    def window(self) -> tuple[str, str]:
        """The plausible dates, as ISO timestamps GX compares with pandas datetimes."""
        latest = self.today + dt.timedelta(days=1)
        return f"{EARLIEST.isoformat()}T00:00:00", f"{latest.isoformat()}T23:59:59"


def today_in(timezone: str) -> dt.date:
    """Today's date in the organisation's time zone."""
    return dt.datetime.now(ZoneInfo(timezone)).date()


def params(
    settings: Settings | None,
    today: dt.date | None = None,
    docs: Mapping[str, TableDoc] | None = None,
) -> Params:
    """The suites' parameters from the home's settings (the defaults when None) and today's date."""
    settings = settings or Settings()
    return Params(
        today=today or today_in(settings.timezone),
        freshness_max_days=settings.freshness_max_days,
        anomaly_drop_share=float(settings.anomaly_drop_share),
        docs=load_metric_docs() if docs is None else docs,
    )


# ---------------------------------------------------------------- expectation helpers


def _names(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _e(type_: str, **kwargs: Any) -> Expectation:
    return Expectation(type_, kwargs)


def key_unique(
    suite: Suite, columns: Sequence[str], frame: str = TABLE_FRAME, name: str = "key_unique"
) -> None:
    """The key is unique and never NULL."""
    unique = (
        _e("expect_column_values_to_be_unique", column=columns[0])
        if len(columns) == 1
        else _e("expect_compound_columns_to_be_unique", column_list=list(columns))
    )
    suite.add(
        name,
        ERROR,
        f"({', '.join(columns)}) is unique and never NULL in {suite.table}.",
        [unique, *(_e("expect_column_values_to_not_be_null", column=c) for c in columns)],
        frame,
    )


def not_null(suite: Suite, columns: Sequence[str], frame: str = TABLE_FRAME) -> None:
    suite.add(
        "required_not_null",
        ERROR,
        f"{', '.join(columns)} never NULL.",
        [_e("expect_column_values_to_not_be_null", column=c) for c in columns],
        frame,
    )


def non_negative(suite: Suite, columns: Sequence[str], frame: str = TABLE_FRAME) -> None:
    suite.add(
        "non_negative",
        ERROR,
        f"Counts and sums are >= 0: {', '.join(columns)}.",
        [_e("expect_column_values_to_be_between", column=c, min_value=0) for c in columns],
        frame,
    )


def within_bounds(suite: Suite, bounds: Sequence[tuple[Sequence[str], float, float]]) -> None:
    """Rates within [0, 1], scores within [0, 100]: each (columns, low, high)."""
    suite.add(
        "within_bounds",
        ERROR,
        "; ".join(f"{', '.join(columns)} within [{low:g}, {high:g}]" for columns, low, high in bounds)
        + " (NULL allowed).",
        [
            _e("expect_column_values_to_be_between", column=c, min_value=low, max_value=high)
            for columns, low, high in bounds
            for c in columns
        ],
    )


def ratios_at_most_one(suite: Suite, columns: Sequence[str]) -> None:
    """Ratios of two figures that different sources or days give, usually within [0, 1].

    Engagements received per impression can exceed 1 (reactions on a day without impressions, API
    engagements against export impressions): worth a look, not a reason to stop publication.
    """
    suite.add(
        "ratios_at_most_1",
        WARN,
        f"{', '.join(columns)} at most 1 (NULL allowed; above 1 is possible but unusual).",
        [_e("expect_column_values_to_be_between", column=c, max_value=1) for c in columns],
    )


def dates_plausible(suite: Suite, p: Params, columns: Sequence[str], frame: str = TABLE_FRAME) -> None:
    low, high = p.window
    suite.add(
        "dates_plausible",
        ERROR,
        f"{', '.join(columns)} between {low[:10]} and {high[:10]} (today + 1 day).",
        [_e("expect_column_values_to_be_between", column=c, min_value=low, max_value=high) for c in columns],
        frame,
    )


def in_set(suite: Suite, name: str, column: str, values: Sequence[Any], frame: str = TABLE_FRAME) -> None:
    suite.add(
        name,
        ERROR,
        f"{column} is one of {', '.join(map(str, values))} (NULL allowed).",
        [_e("expect_column_values_to_be_in_set", column=column, value_set=list(values))],
        frame,
    )


def parts_within_wholes(suite: Suite, pairs: Sequence[tuple[str, str]]) -> None:
    """Each (whole, part) pair: part <= whole on every row."""
    suite.add(
        "parts_within_wholes",
        ERROR,
        "; ".join(f"{part} <= {whole}" for whole, part in pairs) + ".",
        [
            _e(
                "expect_column_pair_values_a_to_be_greater_than_b",
                column_A=whole,
                column_B=part,
                or_equal=True,
            )
            for whole, part in pairs
        ],
    )


def agent_key_known(suite: Suite, nullable: bool = False) -> None:
    """Every agent_key of the table is an ambassador of staging.agents (one frame row per distinct key)."""
    where = "WHERE agent_key IS NOT NULL" if nullable else ""
    frame = suite.frame(
        "agent_keys",
        "SELECT DISTINCT agent_key, "
        "coalesce(agent_key IN (SELECT agent_key FROM staging.agents), false) AS known "
        f"FROM {suite.table} {where}",
        ids=("agent_key",),
        reads=("staging.agents",),
    )
    suite.add(
        "agent_key_known",
        ERROR,
        f"Every {'non-NULL ' if nullable else ''}agent_key of {suite.table} is in staging.agents "
        "(unexpected_count: distinct unknown keys).",
        [_e("expect_column_values_to_be_in_set", column="known", value_set=[True])],
        frame,
    )


def contract(suite: Suite, p: Params) -> None:
    documented = p.docs.get(suite.table)
    columns = list(documented.columns) if documented else []
    suite.add(
        "schema_contract",
        ERROR,
        f"The columns of {suite.table}, in order, are those documented in docs/metrics.md.",
        [_e("expect_table_columns_to_match_ordered_list", column_list=columns)],
    )


# ---------------------------------------------------------------- marts

AGENT_COUNTS = _names(
    "posts reshares institution_reshares comments_given reactions_given new_connections "
    "endorsements_received impressions engagements_received followers_gained clicks"
)
GROUP_COUNTS = _names(
    "headcount enrolled active posts reshares institution_reshares impressions engagements_received "
    "followers_gained clicks emv tier_champion tier_active tier_occasional tier_dormant "
    "new_enrolments lapsed"
)
GROUP_RATES = ("participation_rate", "adoption_rate", "institution_share", "reshare_attribution_coverage")
GROUP_PARTS = (("enrolled", "active"), ("reshares", "institution_reshares"))
TIERS = ("champion", "active", "occasional", "dormant")

MARTS: dict[str, dict[str, Any]] = {
    "marts.agent_month": {
        "key": ("agent_key", "month"),
        "counts": (*AGENT_COUNTS, "emv", "active_streak", "active_months_last_6", "skills_showcased"),
        "rates": ("showcase_coverage", "reshare_attribution_coverage"),
        "ratios": ("engagement_rate",),
        "scores": ("ambassador_score",),
        "dates": ("month",),
        "parts": (("reshares", "institution_reshares"),),
        "sets": {"tier": TIERS},
        "agents": True,
    },
    "marts.department_month": {
        "key": ("department", "month"),
        "counts": GROUP_COUNTS,
        "rates": GROUP_RATES,
        "ratios": ("engagement_rate",),
        "scores": ("median_score",),
        "dates": ("month",),
        "parts": GROUP_PARTS,
    },
    "marts.programme_month": {
        "key": ("month",),
        "counts": (*GROUP_COUNTS, "page_impressions"),
        "rates": GROUP_RATES,
        "ratios": ("engagement_rate",),
        "scores": ("median_score",),
        "dates": ("month",),
        "parts": GROUP_PARTS,
    },
    "marts.agent_skill": {
        "key": ("agent_key", "skill_id"),
        "counts": ("endorsements", "showcased_posts"),
        "dates": ("first_showcased_on", "last_showcased_on"),
        "parts": (("last_showcased_on", "first_showcased_on"),),
        "agents": True,
    },
    "marts.skill_month": {
        "key": ("skill_id", "month"),
        "counts": ("ambassadors_showcasing", "showcased_posts"),
        "dates": ("month",),
    },
    "marts.department_skill": {
        "key": ("department", "skill_id"),
        "counts": (
            "ambassadors_declaring",
            "ambassadors_showcasing",
            "showcased_posts",
            "ambassadors_showcasing_not_declaring",
        ),
    },
    "marts.agent_reach": {
        "key": ("agent_key", "period_start", "period_end"),
        "counts": ("impressions", "members_reached", "engagements", "followers_total"),
        "dates": ("period_start", "period_end", "followers_total_on"),
        "parts": (("period_end", "period_start"),),
        "agents": True,
    },
    "marts.post_metrics": {
        "key": ("post_key",),
        "counts": _names(
            "impressions members_reached reactions comments reposts saves sends clicks engagements"
        ),
        "agents": "nullable",
    },
    "marts.cohort_retention": {
        "key": ("cohort_month", "months_since_enrolment"),
        "counts": ("months_since_enrolment", "cohort_size", "active"),
        "rates": ("retention_rate",),
        "dates": ("cohort_month", "cohort_last_month"),
        "parts": (("cohort_size", "active"), ("cohort_last_month", "cohort_month")),
    },
    "marts.enrolment_uplift": {
        "key": ("agent_key",),
        "counts": _names(
            "months_before months_after activity_per_month_before activity_per_month_after "
            "impressions_per_month_before impressions_per_month_after impressions_known_before"
        ),
        "dates": ("enrolled_month",),
        "agents": True,
    },
    "marts.institution_post": {
        "key": ("post_key",),
        "counts": _names(
            "impressions clicks reactions comments reposts relaying_ambassadors reshares "
            "reshare_impressions reshares_with_impressions amplification_ratio"
        ),
        "rates": ("ambassador_repost_share",),
        "dates": ("created_on",),
        "parts": (("reshares", "relaying_ambassadors"), ("reshares", "reshares_with_impressions")),
    },
    "marts.metric_settings": {"key": ("setting",)},
}


def mart_suite(table: str, p: Params) -> Suite:
    spec = MARTS.get(table, {})
    suite = Suite(table)
    ids = tuple(spec.get("key", ()))
    period = "month" if "month" in spec.get("dates", ()) else ""  # every check of this frame is row-wise
    suite.frame(TABLE_FRAME, f"SELECT * FROM {table}", ids=ids, period=period)
    if ids:
        key_unique(suite, ids)
    contract(suite, p)
    if spec.get("counts") or spec.get("ratios"):
        non_negative(suite, (*spec.get("counts", ()), *spec.get("ratios", ())))
    bounds = [(spec[k], low, high) for k, low, high in (("rates", 0, 1), ("scores", 0, 100)) if spec.get(k)]
    if bounds:
        within_bounds(suite, bounds)
    if spec.get("ratios"):
        ratios_at_most_one(suite, spec["ratios"])
    if spec.get("dates"):
        dates_plausible(suite, p, spec["dates"])
    if spec.get("parts"):
        parts_within_wholes(suite, spec["parts"])
    for column, values in spec.get("sets", {}).items():
        in_set(suite, f"{column}_valid", column, values)
    if spec.get("agents"):
        agent_key_known(suite, nullable=spec["agents"] == "nullable")
    return suite


def agent_month_suite(p: Params) -> Suite:
    suite = mart_suite("marts.agent_month", p)
    frame = suite.frame(
        "month_spans",
        "SELECT agent_key, count(*) AS months, "
        "date_diff('month', min(month), max(month)) + 1 - count(*) AS missing_months "
        "FROM marts.agent_month GROUP BY agent_key",
        ids=("agent_key",),
    )
    suite.add(
        "months_contiguous",
        ERROR,
        "No month missing between an ambassador's first and last month "
        "(missing_months = month span - rows; unexpected_count: ambassadors).",
        [_e("expect_column_values_to_be_between", column="missing_months", min_value=0, max_value=0)],
        frame,
    )
    return suite


def programme_month_suite(p: Params) -> Suite:
    suite = mart_suite("marts.programme_month", p)
    today = f"DATE '{p.today.isoformat()}'"
    calendar = suite.frame(
        "calendar",
        f"SELECT max(month) AS newest_month, date_diff('day', last_day(max(month)), {today}) AS age_days, "
        "date_diff('month', min(month), max(month)) + 1 - count(*) AS missing_months "
        "FROM marts.programme_month",
        ids=("newest_month",),
    )
    suite.add(
        "months_contiguous",
        ERROR,
        "No month missing between the programme's first and last month.",
        [_e("expect_column_values_to_be_between", column="missing_months", min_value=0, max_value=0)],
        calendar,
    )
    suite.add(
        "freshness",
        WARN,
        f"The newest month ends no more than {p.freshness_max_days} days before today ({p.today}).",
        [
            _e("expect_column_values_to_not_be_null", column="newest_month"),
            _e("expect_column_values_to_be_between", column="age_days", max_value=p.freshness_max_days),
        ],
        calendar,
    )
    volumes = suite.frame(
        "volumes",
        """
        WITH months AS (
            SELECT month, active, posts + reshares AS published,
                   avg(active) OVER previous AS active_before,
                   avg(posts + reshares) OVER previous AS published_before,
                   count(*) OVER previous AS months_before
            FROM marts.programme_month
            WHERE is_complete
            WINDOW previous AS (ORDER BY month ROWS BETWEEN 3 PRECEDING AND 1 PRECEDING)
        )
        SELECT month, active, round(active_before, 2) AS active_before, published,
               round(published_before, 2) AS published_before,
               CASE WHEN months_before = 3 AND active_before > 0
                    THEN round(1 - active / active_before, 4) END AS active_drop,
               CASE WHEN months_before = 3 AND published_before > 0
                    THEN round(1 - published / published_before, 4) END AS published_drop
        FROM months
        """,
        ids=("month",),
    )
    share = p.anomaly_drop_share
    suite.add(
        "volume_anomaly",
        WARN,
        f"No complete month's active ambassadors or posts + reshares fall more than {share:.0%} below "
        "the average of the three complete months before (partial months, whose data does not reach "
        "their last day, are left out).",
        [
            _e("expect_column_values_to_be_between", column="active_drop", max_value=share),
            _e("expect_column_values_to_be_between", column="published_drop", max_value=share),
        ],
        volumes,
    )
    return suite


NOT_CHECKED = {"marts.quality_checks", "marts.meta"}
"""Published tables without a suite: the check outcomes themselves, written after the checks ran, and
the snapshot's ``meta`` row, written at publication (after the gate) into the snapshot only."""


def marts_suites(p: Params) -> list[Suite]:
    """A suite for every documented mart (and every mart of ``MARTS``) but ``NOT_CHECKED``."""
    special = {"marts.agent_month": agent_month_suite, "marts.programme_month": programme_month_suite}
    tables = sorted({*p.docs, *MARTS} - NOT_CHECKED)
    return [special[t](p) if t in special else mart_suite(t, p) for t in tables if t.startswith("marts.")]


# ---------------------------------------------------------------- staging


def _staging(table: str, columns: str, ids: Sequence[str], period: str = "", by_file: str = "") -> Suite:
    suite = Suite(table)
    suite.frame(TABLE_FRAME, f"SELECT {columns} FROM {table}", ids=ids, period=period, by_file=by_file)
    return suite


def staging_suites(p: Params) -> list[Suite]:
    suites = []

    s = _staging("staging.agents", "agent_key, department, enrolled_on", ("agent_key",))
    key_unique(s, ("agent_key",))
    dates_plausible(s, p, ("enrolled_on",))
    suites.append(s)

    s = _staging(
        "staging.activities",
        "agent_key, kind, source, occurred_at, local_day, month, "
        f"{FILE_REF.format(column='source_file')}, source_row",
        ("agent_key", "month"),
        by_file="file_ref",
    )
    key_unique(s, ("file_ref", "source_row"))
    not_null(s, ("agent_key", "kind", "occurred_at", "month"))
    in_set(s, "kind_valid", "kind", ("post", "reshare"))
    in_set(
        s,
        "source_valid",
        "source",
        ("archive_shares", "archive_instant_reposts", "api_posts", "api_changelog"),
    )
    dates_plausible(s, p, ("occurred_at", "local_day", "month"))
    agent_key_known(s)
    suites.append(s)

    s = _staging("staging.agent_month_base", "*", ("agent_key", "month"), period="month")
    key_unique(s, ("agent_key", "month"))
    non_negative(s, AGENT_COUNTS)
    dates_plausible(s, p, ("month",))
    agent_key_known(s)
    suites.append(s)

    s = _staging(
        "staging.agent_day_metrics", "agent_key, day, month, metric, value", ("agent_key", "day"), "month"
    )
    key_unique(s, ("agent_key", "day", "metric"))
    non_negative(s, ("value",))
    in_set(s, "metric_valid", "metric", ("impressions", "engagements", "followers_gained"))
    dates_plausible(s, p, ("day", "month"))
    agent_key_known(s)
    suites.append(s)

    s = _staging("staging.page_day_metrics", "day, month, metric, value", ("day", "metric"), "month")
    key_unique(s, ("day", "metric"))
    non_negative(s, ("value",))
    in_set(s, "metric_valid", "metric", ("page_impressions", "page_clicks"))
    dates_plausible(s, p, ("day", "month"))
    suites.append(s)

    s = _staging(
        "staging.post_metrics", "post_key, agent_key, is_institution_post, metric, value", ("post_key",)
    )
    key_unique(s, ("post_key", "metric"))
    non_negative(s, ("value",))
    agent_key_known(s, nullable=True)
    suites.append(s)

    s = _staging(
        "staging.institution_posts",
        "post_key, created_on, impressions, clicks, likes, comments, reposts, follows",
        ("post_key",),
    )
    key_unique(s, ("post_key",))
    non_negative(s, ("impressions", "clicks", "likes", "comments", "reposts", "follows"))
    dates_plausible(s, p, ("created_on",))
    suites.append(s)

    s = _staging(
        "staging.skill_mentions",
        "agent_key, item_key, skill_id, occurred_at, local_day, month",
        ("agent_key", "month"),
        period="month",
    )
    key_unique(s, ("agent_key", "item_key", "skill_id"))
    dates_plausible(s, p, ("occurred_at", "local_day", "month"))
    agent_key_known(s)
    suites.append(s)
    return suites


# ---------------------------------------------------------------- raw

RAW: dict[str, dict[str, Any]] = {
    "raw.roster": {"columns": ("agent_key",)},
    "raw.li_shares": {"columns": ("shared_at",), "required": ("shared_at",), "dates": ("shared_at",)},
    "raw.li_instant_reposts": {
        "columns": ("reposted_at",),
        "required": ("reposted_at",),
        "dates": ("reposted_at",),
    },
    "raw.li_comments": {"columns": ("commented_at",), "dates": ("commented_at",)},
    "raw.li_reactions": {"columns": ("reacted_at",), "required": ("reacted_at",), "dates": ("reacted_at",)},
    "raw.creator_daily": {
        "columns": ("day", "impressions", "engagements"),
        "required": ("day",),
        "dates": ("day",),
        "counts": ("impressions", "engagements"),
    },
    "raw.page_posts": {
        "columns": _names("post_key created_on impressions clicks likes comments reposts follows"),
        "required": ("post_key",),
        "dates": ("created_on",),
        "counts": ("impressions", "clicks", "likes", "comments", "reposts", "follows"),
    },
    "raw.page_metrics_daily": {
        "columns": ("*",),
        "required": ("day",),
        "dates": ("day",),
        "counts": (
            *(
                f"{metric}_{kind}"
                for metric in ("impressions", "clicks", "reactions", "comments", "reposts")
                for kind in ("organic", "sponsored", "total")
            ),
            "unique_impressions_organic",
        ),
    },
}


LINK_KEYS: dict[str, tuple[tuple[str, str], ...]] = {
    "raw.li_shares": (("share_link", "share_key"), ("shared_url", "target_key")),
    "raw.li_instant_reposts": (("link", "target_key"),),
    "raw.li_comments": (("link", "target_key"),),
    "raw.li_reactions": (("link", "target_key"),),
}
"""The link columns of the archive tables and the key column ``post_identity.post_key`` fills."""
LINKEDIN_LINK = r"^\s*(https?://)?([^/?#\s]*\.)?linkedin\.com([/?#:]|\s*$)"
"""A linkedin.com link (any subdomain), once URL-decoded; bare ``urn:li:`` values are not links."""


def linkedin_links_keyed(suite: Suite, pairs: Sequence[tuple[str, str]]) -> None:
    """Every linkedin.com link of the table has a key (``url:linkedin.com/<path>`` at the least)."""
    linkedin = "regexp_matches(url_decode(coalesce({link}, '')), '{pattern}', 'i')"
    keyless = " + ".join(
        f"CAST({key} IS NULL AND {linkedin.format(link=link, pattern=LINKEDIN_LINK)} AS INTEGER)"
        for link, key in pairs
    )
    frame = suite.frame(
        "link_keys",
        f"SELECT {FILE_REF.format(column='_source_file')}, _source_row, {keyless} AS keyless_links "
        f"FROM {suite.table}",
        ids=("file_ref", "_source_row"),
        by_file="file_ref",
    )
    suite.add(
        "linkedin_links_keyed",
        ERROR,
        f"No linkedin.com link of {suite.table} ({', '.join(link for link, _ in pairs)}) is left without a "
        "key (unexpected_count: rows with a keyless link).",
        [_e("expect_column_values_to_be_between", column="keyless_links", min_value=0, max_value=0)],
        frame,
    )


def raw_suite(table: str, p: Params) -> Suite:
    spec = RAW[table]
    suite = Suite(table)
    if spec["columns"] == ("*",):
        select = f"* EXCLUDE (_source_file), {FILE_REF.format(column='_source_file')}"
    else:
        select = f"{FILE_REF.format(column='_source_file')}, _source_row, {', '.join(spec['columns'])}"
    ids = ("file_ref", "_source_row")
    suite.frame(TABLE_FRAME, f"SELECT {select} FROM {table}", ids=ids, by_file="file_ref")
    key_unique(suite, ("file_ref", "_source_row"))
    if spec.get("required"):
        not_null(suite, spec["required"])
    if spec.get("counts"):
        non_negative(suite, spec["counts"])
    if spec.get("dates"):
        dates_plausible(suite, p, spec["dates"])
    if table in LINK_KEYS:
        linkedin_links_keyed(suite, LINK_KEYS[table])
    return suite


def roster_suite(p: Params) -> Suite:
    suite = raw_suite("raw.roster", p)
    frame = suite.frame(
        "ambassadors",
        "SELECT agent_key FROM raw.roster WHERE is_current AND is_ambassador",
        ids=("agent_key",),
    )
    key_unique(suite, ("agent_key",), frame=frame, name="ambassador_key_unique")
    return suite


def conservation_sql(row_tables: Sequence[str]) -> str:
    """Every inbox file with its ledger and raw counts and its conservation ``problem`` (NULL when none).

    The frame form of ``assets.quality_checks.CONSERVATION_SQL`` (which lists the failing files
    only): the same joins and the same problems, over every file, naming files by ``file_ref``.
    """
    loaded = (
        " UNION ALL ".join(
            f"SELECT _source_file AS source_file, count(*) AS n FROM {t} GROUP BY 1" for t in row_tables
        )
        or "SELECT NULL::VARCHAR AS source_file, 0::BIGINT AS n WHERE false"
    )
    return f"""
WITH loaded AS (
    SELECT source_file, sum(n) AS n FROM ({loaded}) GROUP BY 1
),
quarantined AS (
    SELECT source_file, count(*) AS n FROM quarantine.rows GROUP BY 1
),
entries AS (
    SELECT source_file, count(*) AS entries, sum(rows_read) AS rows_read, sum(rows_loaded) AS rows_loaded,
           sum(rows_quarantined) AS rows_quarantined, sum(rows_withheld) AS rows_withheld
    FROM raw.file_ledger GROUP BY 1
)
SELECT {FILE_REF.format(column="f.path")}, f.kind, coalesce(e.entries, 0) AS entries,
       e.rows_read, e.rows_loaded, e.rows_quarantined, e.rows_withheld,
       coalesce(l.n, 0) AS rows_in_raw, coalesce(q.n, 0) AS rows_in_quarantine,
       CASE
           WHEN e.entries IS NULL THEN 'no ledger entry'
           WHEN e.entries > 1 THEN 'several ledger entries'
           WHEN e.rows_read <> e.rows_loaded + e.rows_quarantined + e.rows_withheld
               THEN 'rows read <> loaded + quarantined + withheld'
           WHEN e.rows_loaded <> coalesce(l.n, 0)
               THEN 'ledger says ' || e.rows_loaded || ' loaded, raw tables hold ' || coalesce(l.n, 0)
           WHEN e.rows_quarantined <> coalesce(q.n, 0)
               THEN 'ledger: ' || e.rows_quarantined || ' quarantined, quarantine.rows: ' || coalesce(q.n, 0)
       END AS problem
FROM raw.inbox_files AS f
LEFT JOIN entries AS e ON e.source_file = f.path
LEFT JOIN loaded AS l ON l.source_file = f.path
LEFT JOIN quarantined AS q ON q.source_file = f.path
ORDER BY f.path
"""


ROW_TABLES_SQL = (
    "SELECT DISTINCT table_schema || '.' || table_name FROM information_schema.columns "
    "WHERE table_schema = 'raw' AND column_name = '_source_file' ORDER BY 1"
)
"""The raw tables whose rows carry ``_source_file`` (what row conservation counts), found in the warehouse."""


def conservation_suite(row_tables: Sequence[str]) -> Suite:
    suite = Suite("raw.file_ledger")
    frame = suite.frame(
        "conservation",
        conservation_sql(row_tables),
        ids=("file_ref", "kind"),
        reads=("raw.inbox_files", "quarantine.rows", *row_tables),
    )
    suite.add(
        "row_conservation",
        ERROR,
        "Each inbox file has exactly one ledger entry; rows read = loaded + quarantined + withheld; "
        "rows loaded = rows in the raw tables; rows quarantined = rows in quarantine.rows "
        "(unexpected_count: files).",
        [_e("expect_column_values_to_be_null", column="problem")],
        frame,
    )
    return suite


def build_suites(
    settings: Settings | None = None,
    today: dt.date | None = None,
    row_tables: Sequence[str] = (),
    docs: Mapping[str, TableDoc] | None = None,
) -> list[Suite]:
    """Every suite: marts, main staging tables, the raw tables feeding them, and row conservation.

    ``row_tables`` are the raw tables row conservation counts (``ROW_TABLES_SQL`` finds them).
    """
    p = params(settings, today, docs)
    raw = [roster_suite(p), *(raw_suite(t, p) for t in RAW if t != "raw.roster")]
    return [*marts_suites(p), *staging_suites(p), *raw, conservation_suite(row_tables)]
