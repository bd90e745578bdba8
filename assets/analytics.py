"""Dagster assets that read analytics exports into ``raw.*`` (thin wrappers around ``analytics_ingest``).

``raw/page_*``: the institution's Page exports (posts, daily metrics, followers, visitors);
``raw/creator_*`` and ``raw/post_analytics``: ambassadors' creator analytics exports;
``raw/advocacy_users``: advocacy platform reports. Each asset replaces its tables whole and its
slice of the file ledger and quarantine, like the other ingestion assets.
"""

import polars as pl
from dagster import AssetExecutionContext, AssetSpec, MaterializeResult, ResourceParam, multi_asset
from dagster_duckdb import DuckDBResource

from assets.ingest import GROUP, inbox_files, load_inventory, report, roster
from relais.home import RelaisHome
from relais.inbox.ingest_analytics import (
    Person,
    ingest_advocacy,
    ingest_api_files,
    ingest_creator_exports,
    ingest_page_exports,
    parse_workers,
)
from relais.inbox.reuse import previous_reads, record_reads, reuse_enabled
from relais.warehouse.database import DuckDBWriter, replace_ledger, replace_table

ASSET_CREATOR = "raw/creator_exports"

STR, INT, FLOAT, DATE, TS = pl.String(), pl.Int64(), pl.Float64(), pl.Date(), pl.Datetime("us")
LINEAGE = {"_source_file": STR, "_source_row": INT, "_obtained_at": TS, "_file_modified_at": FLOAT}
AGENT_LINEAGE = {"agent_id": STR, **LINEAGE}

PAGE_SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "page_posts": {
        "post_key": STR,
        "post_link": STR,
        "title": STR,
        "post_type": STR,
        "content_type": STR,
        "created_on": DATE,
        "impressions": INT,
        "clicks": INT,
        "likes": INT,
        "comments": INT,
        "reposts": INT,
        "follows": INT,
        "engagement_rate": FLOAT,
        **LINEAGE,
    },
    "page_metrics_daily": {
        "day": DATE,
        **{
            f"{m}_{a}": INT
            for m in ("impressions", "clicks", "reactions", "comments", "reposts")
            for a in ("organic", "sponsored", "total")
        },
        "unique_impressions_organic": INT,
        **{f"engagement_rate_{a}": FLOAT for a in ("organic", "sponsored", "total")},
        **LINEAGE,
    },
    "page_followers_daily": {
        "day": DATE,
        "sponsored_followers": INT,
        "organic_followers": INT,
        "auto_invited_followers": INT,
        "total_followers": INT,
        **LINEAGE,
    },
    "page_visitors_daily": {
        "day": DATE,
        **{
            f"{m}_{d}": INT for m in ("page_views", "unique_visitors") for d in ("desktop", "mobile", "total")
        },
        **LINEAGE,
    },
}
PAGE_DESCRIPTIONS = {
    "page_posts": "The institution's posts with their lifetime figures (Page content exports, all layouts).",
    "page_metrics_daily": "The Page per day: impressions, clicks, reactions, comments, reposts.",
    "page_followers_daily": "The Page's new followers per day (organic, sponsored, auto-invited).",
    "page_visitors_daily": "Page views and unique visitors of the institution's Page per day.",
}
CREATOR_SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "creator_daily": {"day": DATE, "impressions": INT, "engagements": INT, **AGENT_LINEAGE},
    "creator_followers_daily": {"day": DATE, "new_followers": INT, **AGENT_LINEAGE},
    "creator_top_posts": {
        "post_key": STR,
        "post_url": STR,
        "published_on": DATE,
        "metric": STR,
        "value": INT,
        "rank": INT,
        **AGENT_LINEAGE,
    },
    "creator_periods": {
        "period_start": DATE,
        "period_end": DATE,
        "impressions": INT,
        "members_reached": INT,
        "engagements": INT,
        "followers_total": INT,
        "followers_total_on": DATE,
        "language": STR,
        "date_order": STR,
        **AGENT_LINEAGE,
    },
    "post_analytics": {
        "post_key": STR,
        "post_url": STR,
        "post_date": DATE,
        "impressions": INT,
        "members_reached": INT,
        "reactions": INT,
        "comments": INT,
        "reposts": INT,
        "saves": INT,
        "sends": INT,
        **AGENT_LINEAGE,
    },
}
CREATOR_DESCRIPTIONS = {
    "creator_daily": "Ambassadors' daily impressions and engagements (creator analytics ENGAGEMENT sheet).",
    "creator_followers_daily": "Ambassadors' new followers per day (creator analytics FOLLOWERS sheet).",
    "creator_top_posts": "Ambassadors' top posts by engagements and by impressions (TOP POSTS).",
    "creator_periods": (
        "Per export: its period, impressions, members reached, engagements (older layout) and follower total."
    ),
    "post_analytics": "Single-post analytics exports: one post's impressions, reach and engagement.",
}
OWNERS_SCHEMA = {"source_file": STR, "kind": STR, "agent_id": STR, "matched_by": STR, "reason": STR}
ADVOCACY_SCHEMA = {
    "platform": STR,
    "report_month": DATE,
    "user_type": STR,
    "created_on": DATE,
    "onboarded_on": DATE,
    "last_active_on": DATE,
    "potential_reach": INT,
    "posts": INT,
    "shares": INT,
    "clicks": INT,
    "post_views": INT,
    "platform_impressions": INT,
    "conversions": INT,
    "total_reactions": INT,
    "likes": INT,
    "comments": INT,
    "reshares": INT,
    "earned_media_value": FLOAT,
    **AGENT_LINEAGE,
}
PAGE_KINDS = {"page_content", "page_content_legacy", "page_followers", "page_visitors"}
CREATOR_KINDS = {"creator_analytics", "post_analytics"}
ADVOCACY_KINDS = {"everyonesocial_users", "firstup_sources"}


def _people(con) -> list[Person]:
    rows = con.execute(
        "SELECT agent_id, first_name, last_name FROM raw.roster WHERE is_current AND is_ambassador ORDER BY 1"
    ).fetchall()
    return [Person(*row) for row in rows]


def _spec(table: str, description: str, deps: list) -> AssetSpec:
    return AssetSpec(["raw", table], deps=deps, kinds={"duckdb"}, group_name=GROUP, description=description)


@multi_asset(specs=[_spec(t, PAGE_DESCRIPTIONS[t], [inbox_files]) for t in PAGE_SCHEMAS])
def page_exports(context: AssetExecutionContext, home: ResourceParam[RelaisHome], warehouse: DuckDBResource):
    """Read the institution's Page exports: posts, daily metrics, followers and visitors.

    Sheets are found by their English or localised names, headers by scanning below the note row.
    """
    with warehouse.get_connection() as con:
        items = load_inventory(con, PAGE_KINDS)
        tables, ledger = ingest_page_exports(home.inbox, items)
        counts = {t: replace_table(con, f"raw.{t}", tables[t], schema) for t, schema in PAGE_SCHEMAS.items()}
        replace_ledger(con, "raw/page_exports", ledger.files, ledger.problems)
    metadata = report(context, ledger)
    context.log.info(f"Page exports: {len(items)} file(s), rows {counts}")
    for table, count in counts.items():
        yield MaterializeResult(asset_key=["raw", table], metadata={"dagster/row_count": count, **metadata})


@multi_asset(
    specs=[
        *(_spec(t, CREATOR_DESCRIPTIONS[t], [inbox_files, roster]) for t in CREATOR_SCHEMAS),
        _spec(
            "analytics_owners",
            "One row per creator analytics file: whose it is, or why nobody's.",
            [inbox_files, roster],
        ),
    ],
)
def creator_exports(
    context: AssetExecutionContext, home: ResourceParam[RelaisHome], warehouse: DuckDBResource
):
    """Read consenting ambassadors' creator analytics exports (aggregate and single-post, English or French).

    A file is an ambassador's when their agent id is a token of its name or folders, else when the
    member name in its file name is theirs; other files are reported and left unread.
    """
    with warehouse.get_connection() as con:
        items = load_inventory(con, CREATOR_KINDS)
        tables = {t: (f"raw.{t}", s) for t, s in CREATOR_SCHEMAS.items()}
        previous = previous_reads(con, ASSET_CREATOR, tables.values(), reuse_enabled(home.settings))
        writer = DuckDBWriter(con, ASSET_CREATOR, tables, keep=previous.kept)
        _, owners, ledger = ingest_creator_exports(
            home.inbox,
            items,
            _people(con),
            writer.frame,
            parse_workers(home.settings),
            CREATOR_SCHEMAS,
            previous=previous,
        )
        counts = writer.close()
        replace_table(con, "raw.analytics_owners", owners, OWNERS_SCHEMA)
        replace_ledger(con, ASSET_CREATOR, ledger.files, ledger.problems, keep=previous.kept)
        record_reads(con, ASSET_CREATOR, ledger.loaded)
    context.log.info(
        f"Creator analytics: {len(previous.kept)} file(s) unchanged since the last run (rows kept), "
        f"{len(ledger.loaded) - len(previous.kept)} read"
    )
    for owner in owners:
        if owner["agent_id"] is None:
            context.log.warning(f"Analytics file {owner['source_file']} not loaded: {owner['reason']}")
    metadata = report(context, ledger)
    context.log.info(f"Creator analytics: {len(items)} file(s), rows {counts}")
    for table, count in counts.items():
        yield MaterializeResult(asset_key=["raw", table], metadata={"dagster/row_count": count})
    loaded = sum(1 for o in owners if o["agent_id"])
    yield MaterializeResult(
        asset_key=["raw", "analytics_owners"],
        metadata={
            "dagster/row_count": len(owners),
            "loaded": loaded,
            "files_kept_from_last_run": len(previous.kept),
            **metadata,
        },
    )


@multi_asset(
    specs=[
        _spec(
            "advocacy_users",
            "Advocacy platforms' per-ambassador figures: shares, clicks, potential reach "
            "(vendor reach, not LinkedIn impressions).",
            [inbox_files, roster],
        )
    ],
)
def advocacy_reports(
    context: AssetExecutionContext, home: ResourceParam[RelaisHome], warehouse: DuckDBResource
):
    """Read EveryoneSocial and Firstup reports; rows naming no ambassador are withheld."""
    with warehouse.get_connection() as con:
        items = load_inventory(con, ADVOCACY_KINDS)
        rows, ledger = ingest_advocacy(home.inbox, items, _people(con))
        count = replace_table(con, "raw.advocacy_users", rows, ADVOCACY_SCHEMA)
        replace_ledger(con, "raw/advocacy_reports", ledger.files, ledger.problems)
    metadata = report(context, ledger)
    context.log.info(f"Advocacy reports: {len(items)} file(s), {count} ambassador rows")
    yield MaterializeResult(
        asset_key=["raw", "advocacy_users"], metadata={"dagster/row_count": count, **metadata}
    )


API_SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "api_posts": {
        "post_urn": STR,
        "post_key": STR,
        "created_at": TS,
        "published_at": TS,
        "visibility": STR,
        "lifecycle_state": STR,
        "reshare_parent_urn": STR,
        "reshare_parent_key": STR,
        "commentary": STR,
        **AGENT_LINEAGE,
    },
    "api_social_metadata": {
        "post_urn": STR,
        "post_key": STR,
        "comments": INT,
        "top_level_comments": INT,
        "reactions": INT,
        **{t: INT for t in ("like", "praise", "empathy", "interest", "appreciation", "entertainment")},
        **AGENT_LINEAGE,
    },
    "api_member_daily": {"day": DATE, "metric": STR, "value": INT, "post_urn": STR, **AGENT_LINEAGE},
    "api_member_followers": {"day": DATE, "followers_total": INT, "new_followers": INT, **AGENT_LINEAGE},
    "api_org_share_stats": {
        "day": DATE,
        "impressions": INT,
        "unique_impressions": INT,
        "clicks": INT,
        "likes": INT,
        "comments": INT,
        "shares": INT,
        "engagement": FLOAT,
        **LINEAGE,
    },
}
API_DESCRIPTIONS = {
    "api_posts": "Posts from the LinkedIn API: the institution's and consenting ambassadors'.",
    "api_social_metadata": "Reactions and comments per post, from the LinkedIn API (socialMetadata).",
    "api_member_daily": "Ambassadors' daily analytics from the LinkedIn API (impressions, reactions...).",
    "api_member_followers": "Ambassadors' daily new followers from the LinkedIn API.",
    "api_org_share_stats": "The institution's daily share statistics from the LinkedIn API.",
}


@multi_asset(specs=[_spec(t, API_DESCRIPTIONS[t], [inbox_files, roster]) for t in API_SCHEMAS])
def linkedin_api_files(
    context: AssetExecutionContext, home: ResourceParam[RelaisHome], warehouse: DuckDBResource
):
    """Read the LinkedIn API answers saved in the inbox by the connector (one JSON envelope per call)."""
    with warehouse.get_connection() as con:
        items = load_inventory(con, {"linkedin_api"})
        ambassadors = {p.agent_id for p in _people(con)}
        tables, ledger = ingest_api_files(home.inbox, items, ambassadors)
        counts = {t: replace_table(con, f"raw.{t}", tables[t], s) for t, s in API_SCHEMAS.items()}
        replace_ledger(con, "raw/linkedin_api_files", ledger.files, ledger.problems)
    metadata = report(context, ledger)
    context.log.info(f"LinkedIn API answers: {len(items)} file(s), rows {counts}")
    for table, count in counts.items():
        yield MaterializeResult(asset_key=["raw", table], metadata={"dagster/row_count": count, **metadata})


ANALYTICS_ASSETS = [page_exports, creator_exports, advocacy_reports, linkedin_api_files]
ROW_TABLES = [
    *(f"raw.{t}" for t in PAGE_SCHEMAS),
    *(f"raw.{t}" for t in CREATOR_SCHEMAS),
    "raw.advocacy_users",
    *(f"raw.{t}" for t in API_SCHEMAS),
]
"""Raw tables whose rows carry ``_source_file``: what row conservation counts."""
