"""The inbox sensor: a refresh starts when the content of the inbox changes.

Its cursor records each file's size, modification time and digest, and the digest of the set of
contents last launched. A new, changed or removed file launches the refresh job; a file renamed,
touched or dropped again with the same content launches nothing, and neither does content a
publication was already built from (``relais.inbox.refreshed``): the first tick of ``dagster dev``
after ``make run`` or a command-line refresh launches nothing. Content whose run was launched and
did not publish (a blocking check failed) is not launched again until it changes.
"""

import json
from datetime import UTC, datetime

from dagster import (
    DefaultSensorStatus,
    ResourceParam,
    RunRequest,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)

from pipelines.jobs import refresh_job
from relais.home import RelaisHome
from relais.inbox.refreshed import Refreshed, last_refreshed
from relais.inbox.scan import content_digest, fingerprint_inbox

INTERVAL_SECONDS = 30


def skip_reason(digest: str, launched: dict | None, refreshed: Refreshed | None) -> str | None:
    """Why the inbox content ``digest`` needs no refresh, or None when a refresh should start.

    ``launched`` is the cursor's last request (``digest``, ``at``); ``refreshed`` what the current
    snapshot was built from. A launch counts only while no later publication replaced what it
    asked for (content reverted after a command-line refresh is launched again).
    """
    if refreshed is not None and digest == refreshed.digest:
        return "the published snapshot was built from this inbox content"
    pending = launched and launched.get("digest") == digest
    if pending and (refreshed is None or refreshed.at < launched.get("at", "")):
        return "a refresh of this content was already launched (running, or failed: see the run)"
    return None


@sensor(
    job=refresh_job,
    minimum_interval_seconds=INTERVAL_SECONDS,
    default_status=DefaultSensorStatus.RUNNING,
    description="Launches a refresh when files with new content appear in (or leave) RELAIS_HOME/inbox.",
)
def inbox_sensor(
    context: SensorEvaluationContext, home: ResourceParam[RelaisHome]
) -> SensorResult | SkipReason:
    """Compare the inbox with what was published and launched; request a refresh for new content."""
    previous = json.loads(context.cursor) if context.cursor else {}
    cursor, run_key, reason = inbox_decision(home, previous)
    if run_key is None:
        return SensorResult(skip_reason=SkipReason(reason), cursor=json.dumps(cursor))
    context.log.info(f"Inbox content changed ({len(cursor['files'])} files): requesting a refresh")
    digest = cursor["launched"]["digest"]
    return SensorResult(
        run_requests=[RunRequest(run_key=run_key, tags={"relais/inbox_digest": digest[:16]})],
        cursor=json.dumps(cursor),
    )


def inbox_decision(home: RelaisHome, previous: dict) -> tuple[dict, str | None, str]:
    """One home's next cursor entry, the run key of the refresh to request (None: none) and why not.

    ``previous`` is the entry of the last evaluation (``files``: the inbox's fingerprint,
    ``launched``: the last request's digest and time).
    """
    fingerprint = fingerprint_inbox(home.inbox, previous.get("files", {}))
    digest = content_digest(fingerprint)
    launched = previous.get("launched")
    if isinstance(launched, str):  # a cursor written before launches were timed
        launched = {"digest": launched, "at": ""}
    reason = skip_reason(digest, launched, last_refreshed(home.root / "state"))
    if reason is not None:
        return {"files": fingerprint, "launched": launched}, None, reason
    at = datetime.now(UTC).isoformat()
    return {"files": fingerprint, "launched": {"digest": digest, "at": at}}, f"{digest[:32]}@{at}", ""
