import json
import os

from dagster import build_sensor_context

from pipelines.sensors import inbox_sensor, skip_reason
from pipelines.settings import load_home
from relais.inbox.refreshed import Refreshed, last_refreshed, note_published, note_scanned
from relais.inbox.scan import content_digest, fingerprint_inbox
from tests.builders import write_text


def _tick(home, cursor):
    context = build_sensor_context(cursor=cursor, resources={"home": home})
    result = inbox_sensor(context)
    return result, result.cursor


def test_sensor_launches_on_new_content_only(tmp_path):
    home = load_home(tmp_path / "home")
    write_text(home.inbox / "a.csv", ["x,y", "1,2"])
    result, cursor = _tick(home, None)
    assert len(result.run_requests) == 1
    result, cursor = _tick(home, cursor)
    assert not result.run_requests and "already launched" in result.skip_reason.skip_message
    write_text(home.inbox / "copy" / "a-again.csv", ["x,y", "1,2"])
    os.utime(home.inbox / "a.csv", None)
    result, cursor = _tick(home, cursor)
    assert not result.run_requests, "same content dropped again or touched: nothing to do"
    assert set(json.loads(cursor)["files"]) == {"a.csv", "copy/a-again.csv"}
    write_text(home.inbox / "b.csv", ["x,y", "3,4"])
    result, cursor = _tick(home, cursor)
    assert len(result.run_requests) == 1
    (home.inbox / "b.csv").unlink()
    result, cursor = _tick(home, cursor)
    assert len(result.run_requests) == 1, "a removed file changes what is published"


def _publish(home, run_id="run-1"):
    """What a refresh does to the markers: its scan notes the content, its publication promotes it."""
    fingerprint = fingerprint_inbox(home.inbox, {})
    note_scanned(home.root / "state", run_id, content_digest(fingerprint))
    assert note_published(home.root / "state", run_id) is not None


def test_first_tick_after_a_command_line_refresh_launches_nothing(tmp_path):
    home = load_home(tmp_path / "home")
    write_text(home.inbox / "a.csv", ["x,y", "1,2"])
    _publish(home)
    result, cursor = _tick(home, None)
    assert not result.run_requests
    assert "built from this inbox content" in result.skip_reason.skip_message
    write_text(home.inbox / "b.csv", ["x,y", "3,4"])
    result, cursor = _tick(home, cursor)
    assert len(result.run_requests) == 1, "new content after the refresh launches"


def test_a_launch_that_did_not_publish_is_not_repeated_but_reverted_content_is(tmp_path):
    home = load_home(tmp_path / "home")
    write_text(home.inbox / "a.csv", ["x,y", "1,2"])
    _publish(home)
    write_text(home.inbox / "b.csv", ["x,y", "3,4"])
    result, cursor = _tick(home, None)
    assert len(result.run_requests) == 1
    result, cursor = _tick(home, cursor)
    assert not result.run_requests and "already launched" in result.skip_reason.skip_message
    _publish(home, "run-2")  # a command-line refresh of a.csv + b.csv
    (home.inbox / "b.csv").unlink()  # back to what an older snapshot was built from
    result, cursor = _tick(home, cursor)
    assert len(result.run_requests) == 1, "the snapshot holds b.csv: its removal must be refreshed"


def test_publication_promotes_only_its_own_runs_scan(tmp_path):
    state = tmp_path / "state"
    note_scanned(state, "run-1", "d1")
    assert note_published(state, "run-2") is None
    assert last_refreshed(state) is None
    refreshed = note_published(state, "run-1")
    assert last_refreshed(state) == refreshed and refreshed.digest == "d1"


def test_skip_reason_weighs_the_launch_against_the_last_publication():
    old, new = (
        Refreshed("other", "2026-12-01T00:00:00+00:00"),
        Refreshed("other", "2026-12-03T00:00:00+00:00"),
    )
    launched = {"digest": "d", "at": "2026-12-02T00:00:00+00:00"}
    assert skip_reason("d", None, Refreshed("d", "2026-12-01T00:00:00+00:00"))
    assert skip_reason("d", launched, old), "launched after the last publication: pending or failed"
    assert skip_reason("d", launched, new) is None, "published something else since: launch again"
    assert skip_reason("d", None, None) is None
