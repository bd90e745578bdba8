"""The inbox sensor: a refresh starts when the content of the inbox changes.

Its cursor records each file's size, modification time and digest, and the digest of the set of
contents last launched. A new, changed or removed file launches the refresh job; a file renamed,
touched or dropped again with the same content launches nothing.
"""

import json

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
from relais.inbox.scan import content_digest, fingerprint_inbox

INTERVAL_SECONDS = 30


@sensor(
    job=refresh_job,
    minimum_interval_seconds=INTERVAL_SECONDS,
    default_status=DefaultSensorStatus.RUNNING,
    description="Launches a refresh when files with new content appear in (or leave) RELAIS_HOME/inbox.",
)
def inbox_sensor(
    context: SensorEvaluationContext, home: ResourceParam[RelaisHome]
) -> SensorResult | SkipReason:
    """Compare the inbox with the cursor and request a refresh when its set of contents changed."""
    previous = json.loads(context.cursor) if context.cursor else {}
    fingerprint = fingerprint_inbox(home.inbox, previous.get("files", {}))
    digest = content_digest(fingerprint)
    cursor = json.dumps({"files": fingerprint, "launched": previous.get("launched")})
    if digest == previous.get("launched"):
        return SensorResult(
            skip_reason=SkipReason("no new, changed or removed content in the inbox"), cursor=cursor
        )
    context.log.info(f"Inbox content changed ({len(fingerprint)} files): requesting a refresh")
    return SensorResult(
        run_requests=[RunRequest(run_key=digest, tags={"relais/inbox_digest": digest[:16]})],
        cursor=json.dumps({"files": fingerprint, "launched": digest}),
    )
