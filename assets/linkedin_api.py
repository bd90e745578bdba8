"""Dagster wrappers of the LinkedIn API connector: the pull before each refresh, and the daily op.

The pull is an asset upstream of the inbox scan, so a whole refresh (``--select '*'``) first asks
the API for what is new since its cursor, then reads the answers like any other export. The daily
op fetches exactly one day (a partition of the ``linkedin_api_daily`` job, for schedules and
backfills); the inbox sensor then starts the refresh. Members are fetched only while the roster
last loaded says they are consenting ambassadors.
"""

from datetime import date

import duckdb
from dagster import AssetExecutionContext, MaterializeResult, OpExecutionContext, ResourceParam, asset, op

from relais.home import RelaisHome
from relais.sources.linkedin_api.fetch import SyncReport
from relais.sources.linkedin_api.portability import PortabilityReport
from relais.sources.linkedin_api.pull import pull_home, pull_portability_home


def consenting_ambassadors(home: RelaisHome) -> set[str]:
    """Agent ids of the consenting ambassadors of the roster last loaded (none before the first run)."""
    if not home.warehouse.exists():
        return set()
    try:
        with duckdb.connect(str(home.warehouse), read_only=True) as con:
            rows = con.execute(
                "SELECT agent_id FROM raw.roster WHERE is_current AND is_ambassador"
            ).fetchall()
    except duckdb.CatalogException:
        return set()
    return {r[0] for r in rows}


def _metadata(report: SyncReport | None) -> dict:
    if report is None:
        return {"configured": False}
    statuses = {o.owner: o.status for o in report.owners}
    return {
        "configured": True,
        "requests": report.requests,
        "owners": statuses,
        "files_written": sum(len(o.files_written) for o in report.owners),
    }


def _portability_metadata(report: PortabilityReport | None) -> dict:
    """The portability pull's figures: members pulled, pending domains, gaps, revocations."""
    if report is None:
        return {"portability_members": 0}
    return {
        "portability_members": len(report.members),
        "portability_pulled": report.pulled,
        "portability_pending_domains": report.pending,
        "portability_gaps": report.gaps,
        "portability_revoked": report.revoked,
        "portability_requests": report.requests,
        "portability_files_written": sum(len(m.files_written) for m in report.members),
    }


@asset(key=["raw", "linkedin_api_pull"], kinds={"python"}, group_name="ingest")
def linkedin_api_pull(context: AssetExecutionContext, home: ResourceParam[RelaisHome]) -> MaterializeResult:
    """Answers of the LinkedIn REST API saved into the inbox: what is new since the connector's cursor.

    The institution's posts and share statistics, and for each consenting ambassador who stored a
    token: posts, social metadata, daily creator analytics and followers; then, for each consenting
    ambassador who gave the data-portability consent, the member snapshot's domains and the
    changelog's new events. Does nothing without a token store; a member's expired token or
    LinkedIn's DAY limit stops that member only.
    """
    ambassadors = consenting_ambassadors(home)
    report = pull_home(home, ambassadors, context.log.info)
    for line in report.lines() if report else []:
        context.log.info(line)
    portability = pull_portability_home(home, ambassadors, context.log.info)
    return MaterializeResult(metadata={**_metadata(report), **_portability_metadata(portability)})


@op(description="Fetch one day of LinkedIn API figures (the partition's day) into the inbox.")
def fetch_linkedin_api_day(context: OpExecutionContext, home: ResourceParam[RelaisHome]) -> None:
    """Fetch exactly the partition's day for every owner, whatever the cursor (backfills too)."""
    day = date.fromisoformat(context.partition_key)
    report = pull_home(home, consenting_ambassadors(home), context.log.info, until=day, days=(day, day))
    for line in report.lines() if report else []:
        context.log.info(line)
