"""The gate validates what changed: large frames in parts of whole months, results kept for rows
that did not change, uniqueness checked on the whole frame in DuckDB."""

import datetime as dt
import json

import pytest

from relais.quality import runner
from relais.quality.reuse import KeptResults, fingerprint
from relais.quality.runner import month_groups, validate_warehouse
from relais.quality.suites import TABLE_FRAME, Check, Expectation, Suite, key_unique, not_null
from tests.test_end_to_end import key
from tests.test_quality_suites import TODAY, faulty, warehouse  # noqa: F401 (fixtures)

WINDOW = ("2000-01-01T00:00:00", "2026-04-21T23:59:59")


def months(*sizes: int) -> list[tuple[str, int, int]]:
    return [(f"2026-{i + 1:02d}", size, i) for i, size in enumerate(sizes)]


def labels(groups: list[list[tuple]]) -> list[list[str]]:
    return [[m[0] for m in group] for group in groups]


def test_months_are_packed_from_the_oldest_and_a_new_month_leaves_older_groups_alone():
    before = month_groups(months(4, 3, 2, 5, 1), limit=8)
    assert labels(before) == [["2026-01", "2026-02"], ["2026-03", "2026-04", "2026-05"]]
    after = month_groups(months(4, 3, 2, 5, 1, 6), limit=8)
    assert after[0] == before[0]
    assert labels(after)[1:] == [["2026-03", "2026-04", "2026-05"], ["2026-06"]]


def test_a_month_larger_than_the_limit_is_a_part_of_its_own():
    assert labels(month_groups(months(2, 20, 2), limit=8)) == [["2026-01"], ["2026-02"], ["2026-03"]]
    assert month_groups([], limit=8) == []


def dates_check(high: str) -> Check:
    expectation = Expectation(
        "expect_column_values_to_be_between", {"column": "day", "min_value": WINDOW[0], "max_value": high}
    )
    return Check("dates_plausible", "ERROR", f"day between 2000-01-01 and {high[:10]}.", (expectation,))


def test_the_fingerprint_leaves_out_today_but_not_other_bounds():
    later = ("2000-01-01T00:00:00", "2026-04-22T23:59:59")
    assert fingerprint([dates_check(WINDOW[1])], WINDOW) == fingerprint([dates_check(later[1])], later)
    other = Check("non_negative", "ERROR", "x >= 0.", (Expectation("expect_x", {"min_value": 0}),))
    stricter = Check("non_negative", "ERROR", "x >= 0.", (Expectation("expect_x", {"min_value": 1}),))
    assert fingerprint([other], WINDOW) != fingerprint([stricter], WINDOW)


def test_kept_results_are_reused_only_for_the_same_rows_checks_and_a_bound_not_moved_back(tmp_path):
    path = tmp_path / "validated.json"
    kept = KeptResults.load(path)
    kept.keep("t|rows", "print", "10:99", WINDOW[1], {"dates_plausible": " Passed."})
    kept.keep("t|failed", "print", "10:98", WINDOW[1], {})
    kept.save()
    again = KeptResults.load(path)
    assert again.reusable("t|rows", "print", "10:99", WINDOW[1], ["dates_plausible"]) == {
        "dates_plausible": " Passed."
    }
    assert again.reusable("t|rows", "print", "11:99", WINDOW[1], ["dates_plausible"]) is None
    assert again.reusable("t|rows", "other", "10:99", WINDOW[1], ["dates_plausible"]) is None
    assert again.reusable("t|rows", "print", "10:99", WINDOW[1], ["dates_plausible", "new"]) is None
    assert again.reusable("t|rows", "print", "10:99", "2026-04-20T23:59:59", ["dates_plausible"]) is None
    assert again.reusable("t|failed", "print", "10:98", WINDOW[1], []) is None  # a failure is never kept
    again.save()  # only the batches seen in this gate are written again
    assert KeptResults.load(path).labels() == ["t|rows"]
    path.write_text("{not json", encoding="utf-8")
    assert KeptResults.load(path).labels() == []


def outcomes_of(con, kept, tables, today=TODAY):
    found = validate_warehouse(con, None, "test-run", None, tables, today=today, kept=kept)
    return {(o.table_name, o.check_name): o for o in found}


TABLES = {"staging.activities", "marts.agent_month"}


def test_a_second_gate_keeps_the_results_of_unchanged_rows_and_validates_changed_months(
    faulty,  # noqa: F811
    monkeypatch,
    tmp_path,
):
    monkeypatch.setattr(runner, "PART_ROWS", 2)
    con = faulty()
    assert con.execute("SELECT count(DISTINCT month) FROM staging.activities").fetchone()[0] >= 3
    kept = tmp_path / "validated.json"
    first = outcomes_of(con, kept, TABLES)
    assert all(o.success for o in first.values())
    assert not any("result kept" in o.details for o in first.values())

    second = outcomes_of(con, kept, TABLES)
    assert {k: (o.success, o.unexpected_count) for k, o in second.items()} == {
        k: (o.success, o.unexpected_count) for k, o in first.items()
    }
    unchanged = second[("staging.activities", "kind_valid")].details
    assert unchanged.endswith("Rows unchanged since they last passed: result kept.")

    # One month changes: its part is validated again and fails; the others keep their results.
    month = con.execute("SELECT max(month) FROM staging.activities").fetchone()[0]
    con.execute(
        "UPDATE staging.activities SET kind = 'like' WHERE rowid = "
        "(SELECT min(rowid) FROM staging.activities WHERE month = ?)",
        [month],
    )
    third = outcomes_of(con, kept, TABLES)
    wrong = third[("staging.activities", "kind_valid")]
    assert not wrong.success and wrong.unexpected_count == 1
    assert "parts (files, months or shares) unchanged since they last passed" in wrong.details
    assert third[("marts.agent_month", "key_unique")].details.endswith("result kept.")
    # A failure is never kept: the next gate validates that month again and fails again.
    fourth = outcomes_of(con, kept, TABLES)
    assert not fourth[("staging.activities", "kind_valid")].success


def test_a_key_duplicated_across_months_of_a_frame_in_parts_is_found(faulty, monkeypatch):  # noqa: F811
    """Parts of whole months cannot see a duplicate whose rows fall in two months: uniqueness is
    checked on the whole frame, in DuckDB, with Great Expectations' counting (every row of the key)."""
    monkeypatch.setattr(runner, "PART_ROWS", 2)
    con = faulty(
        "INSERT INTO staging.activities SELECT * REPLACE (month + INTERVAL 1 MONTH AS month) "
        "FROM staging.activities WHERE rowid = (SELECT min(rowid) FROM staging.activities)"
    )
    found = outcomes_of(con, None, {"staging.activities"})
    unique = found[("staging.activities", "key_unique")]
    assert not unique.success and unique.unexpected_count == 2
    assert unique.examples and unique.examples[0].startswith("file_ref=")
    assert "whole table" in unique.details


def test_a_date_bound_moving_forward_keeps_passing_results_and_moving_back_does_not(
    faulty,  # noqa: F811
    tmp_path,
):
    con = faulty()
    kept = tmp_path / "validated.json"
    outcomes_of(con, kept, {"staging.activities"})
    tomorrow = outcomes_of(con, kept, {"staging.activities"}, today=TODAY + dt.timedelta(days=1))
    dates = tomorrow[("staging.activities", "dates_plausible")]
    assert dates.success and dates.details.endswith("result kept.")
    assert str(TODAY + dt.timedelta(days=2)) in dates.details  # today's bound, not the kept one
    yesterday = outcomes_of(con, kept, {"staging.activities"}, today=TODAY - dt.timedelta(days=1))
    assert "result kept" not in yesterday[("staging.activities", "dates_plausible")].details


@pytest.mark.parametrize("tables", [None])
def test_the_gate_with_kept_results_gives_the_outcomes_of_a_full_validation(
    faulty,  # noqa: F811
    tmp_path,
    tables,
):
    con = faulty(f"UPDATE marts.agent_month SET posts = -1 WHERE agent_key = '{key('A02')}'")
    kept = tmp_path / "validated.json"
    plain = outcomes_of(con, None, tables)
    outcomes_of(con, kept, tables)
    reused = outcomes_of(con, kept, tables)
    assert {k: (o.success, o.unexpected_count, o.examples) for k, o in reused.items()} == {
        k: (o.success, o.unexpected_count, o.examples) for k, o in plain.items()
    }
    assert any("result kept" in o.details for o in reused.values())


def _spy(monkeypatch) -> list[tuple[str, int]]:
    """The batches Great Expectations is given, by name and rows."""
    validated: list[tuple[str, int]] = []
    original = runner._run_great_expectations

    def spy(batches, *args, **kwargs):
        validated.extend((batch.name, batch.part.rows) for batch in batches)
        return original(batches, *args, **kwargs)

    monkeypatch.setattr(runner, "_run_great_expectations", spy)
    return validated


def test_only_the_months_that_changed_are_validated_again(faulty, tmp_path, monkeypatch):  # noqa: F811
    """A frame with a period is kept month by month whatever its size: a month that changed is the
    only rows Great Expectations reads again."""
    con = faulty()
    kept = tmp_path / "validated.json"
    outcomes_of(con, kept, {"marts.agent_month"})
    month = con.execute("SELECT max(month) FROM marts.agent_month").fetchone()[0]
    rows = con.execute("SELECT count(*) FROM marts.agent_month WHERE month = ?", [month]).fetchone()[0]
    con.execute(
        "UPDATE marts.agent_month SET tier = 'famous' WHERE rowid = "
        "(SELECT min(rowid) FROM marts.agent_month WHERE month = ?)",
        [month],
    )
    validated = _spy(monkeypatch)
    found = outcomes_of(con, kept, {"marts.agent_month"})
    assert validated == [(f"marts.agent_month (month {month:%Y-%m})", rows)]
    wrong = found[("marts.agent_month", "tier_valid")]
    assert not wrong.success and wrong.unexpected_count == 1
    assert found[("marts.agent_month", "agent_key_known")].details.endswith("result kept.")


def test_only_new_files_are_validated_in_a_frame_kept_file_by_file(faulty, tmp_path, monkeypatch):  # noqa: F811
    """A newer archive repeats its author's history: its rows fall in every month, but only its own
    rows are validated again; the rows of the files seen before keep their results."""
    con = faulty()
    kept = tmp_path / "validated.json"
    outcomes_of(con, kept, {"raw.li_shares"})
    source, rows = con.execute(
        "SELECT _source_file, count(*) FROM raw.li_shares GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1"
    ).fetchone()
    newer = source.replace(".zip", "_newer.zip") if ".zip" in source else f"{source}.newer"
    con.execute(
        "INSERT INTO raw.li_shares SELECT * REPLACE (? AS _source_file) FROM raw.li_shares WHERE _source_file = ?",
        [newer, source],
    )
    con.execute(
        "UPDATE raw.li_shares SET shared_at = NULL WHERE rowid = "
        "(SELECT min(rowid) FROM raw.li_shares WHERE _source_file = ?)",
        [newer],
    )
    ref = con.execute("SELECT left(sha256(?), 12)", [newer]).fetchone()[0]
    validated = _spy(monkeypatch)
    found = outcomes_of(con, kept, {"raw.li_shares"})
    assert sorted(validated) == [
        (f"raw.li_shares (file {ref})", rows),
        (f"raw.li_shares.link_keys (file {ref})", rows),
    ]
    missing = found[("raw.li_shares", "required_not_null")]
    assert not missing.success and missing.unexpected_count == 1
    assert (
        "parts (files, months or shares) unchanged" in missing.details or "result kept" not in missing.details
    )
    assert found[("raw.li_shares", "key_unique")].success  # checked on the whole table, in DuckDB
    assert json.loads(kept.read_text())["version"] == 2


def _among_spy(monkeypatch) -> list[tuple[str, object]]:
    """The uniqueness queries of the gate, by table and the units they were narrowed to (None: all)."""
    calls: list[tuple[str, object]] = []
    original = runner.unique_outcomes

    def spy(con, suite, frame, checks, among=None):
        calls.append((suite.table, None if among is None else [u.label for u in among.units]))
        return original(con, suite, frame, checks, among)

    monkeypatch.setattr(runner, "unique_outcomes", spy)
    return calls


def _events_suite() -> Suite:
    """A suite over ``main.events``, kept month by month, whose key does not hold the month."""
    suite = Suite("main.events")
    suite.frame(TABLE_FRAME, "SELECT event_id, day, month FROM main.events", period="month")
    key_unique(suite, ("event_id", "day"))
    not_null(suite, ("day",))
    return suite


def test_after_a_passing_gate_uniqueness_counts_only_the_keys_of_changed_months(
    faulty,  # noqa: F811
    tmp_path,
    monkeypatch,
):
    """A key repeated in a changed month and an unchanged one is found, with the whole table's count,
    although only the keys of the changed month are counted: every other row is unchanged since a gate
    found the key unique, so any duplicate has a row among the changed ones."""
    con = faulty()
    con.execute(
        "CREATE TABLE main.events AS SELECT i AS event_id, DATE '2026-01-01' + i::INTEGER AS day, "
        "date_trunc('month', DATE '2026-01-01' + i::INTEGER)::DATE AS month FROM range(90) AS r(i)"
    )
    monkeypatch.setattr(runner, "build_suites", lambda *args, **kwargs: [_events_suite()])
    kept = tmp_path / "validated.json"
    first = outcomes_of(con, kept, None)
    assert (
        first[("main.events", "key_unique")].success and first[("main.events", "required_not_null")].success
    )
    con.execute(  # January's first event, again, filed under March (which changes)
        "INSERT INTO main.events SELECT event_id, day, DATE '2026-03-01' FROM main.events WHERE event_id = 0"
    )
    calls = _among_spy(monkeypatch)
    found = outcomes_of(con, kept, None)[("main.events", "key_unique")]
    assert calls == [("main.events", ["2026-03"])]
    whole = outcomes_of(con, None, None)[("main.events", "key_unique")]
    assert calls[-1] == ("main.events", None)  # without kept results: every key
    assert not found.success and found.unexpected_count == whole.unexpected_count == 2
    assert found.examples == whole.examples == ["event_id=0, day=2026-01-01"]
    # A failure is never kept: the next gate counts every key again, and fails again.
    again = outcomes_of(con, kept, None)[("main.events", "key_unique")]
    assert calls[-1] == ("main.events", None) and again.unexpected_count == 2


def test_after_a_passing_gate_a_key_holding_the_file_is_counted_in_changed_files_only(
    faulty,  # noqa: F811
    tmp_path,
    monkeypatch,
):
    """The rows of a key holding ``file_ref`` all fall in one file: a row repeated in a changed file is
    found by counting that file's keys only."""
    con = faulty()
    kept = tmp_path / "validated.json"
    assert outcomes_of(con, kept, {"raw.li_shares"})[("raw.li_shares", "key_unique")].success
    source = con.execute("SELECT min(_source_file) FROM raw.li_shares").fetchone()[0]
    con.execute(
        "INSERT INTO raw.li_shares SELECT * FROM raw.li_shares WHERE rowid = "
        "(SELECT min(rowid) FROM raw.li_shares WHERE _source_file = ?)",
        [source],
    )
    ref = con.execute("SELECT left(sha256(?), 12)", [source]).fetchone()[0]
    calls = _among_spy(monkeypatch)
    found = outcomes_of(con, kept, {"raw.li_shares"})[("raw.li_shares", "key_unique")]
    whole = outcomes_of(con, None, {"raw.li_shares"})[("raw.li_shares", "key_unique")]
    assert calls == [("raw.li_shares", [f"file {ref}"]), ("raw.li_shares", None)]
    assert not found.success and found.unexpected_count == whole.unexpected_count == 2
    assert found.examples == whole.examples


def test_uniqueness_narrowed_to_changed_rows_finds_keys_holding_a_null(faulty):  # noqa: F811
    """Keys are matched by their hash, so a compound key with a NULL part is compared too."""
    con = faulty()
    con.execute(
        "CREATE TABLE main.pairs AS SELECT * FROM (VALUES (1, 'a', NULL, 'old'), (2, 'b', 'x', 'old'), "
        "(3, 'a', NULL, 'new'), (4, 'c', 'y', 'new')) AS t(id, left_key, right_key, part)"
    )
    suite = runner.Suite("main.pairs")
    frame = runner.Frame("table", "SELECT * FROM main.pairs")
    unique = Expectation("expect_compound_columns_to_be_unique", {"column_list": ["left_key", "right_key"]})
    checks = [Check("key_unique", "ERROR", "(left_key, right_key) unique.", (unique,))]
    changed = runner.Part("changed", (runner.Unit("new", '"part"', "new", 2, "2:0"),))
    narrowed = runner.unique_outcomes(con, suite, frame, checks, changed)[0]
    whole = runner.unique_outcomes(con, suite, frame, checks)[0]
    assert (narrowed.success, narrowed.unexpected_count, narrowed.examples) == (
        whole.success,
        whole.unexpected_count,
        whole.examples,
    )
    assert narrowed.unexpected_count == 2 and narrowed.examples == ["left_key=a, right_key=NULL"]
