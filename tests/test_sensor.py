import json
import os

from dagster import build_sensor_context

from pipelines.sensors import inbox_sensor
from pipelines.settings import load_home
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
    assert not result.run_requests and "no new" in result.skip_reason.skip_message
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
