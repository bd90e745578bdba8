"""An incremental model rebuilds only the partitions whose inputs changed, and always ends equal to a
model rebuilt whole from the same inputs (``relais.warehouse.incremental``)."""

import duckdb
import pytest

from relais.shipped import SQL_ROOT
from relais.warehouse.incremental import (
    BUILDS,
    Materialisation,
    build_incremental,
    materialisation,
)
from relais.warehouse.models import build_model, model_description

INPUTS = """-- The facts of each ambassador and day, with their month.
-- materialised: view
SELECT agent_key, day, CAST(date_trunc('month', day) AS DATE) AS month, value, src
FROM raw.facts WHERE agent_key IN (SELECT agent_key FROM raw.people WHERE consent)
"""
MODEL = """-- The last value given for each ambassador and day, and how many sources gave one.
-- materialised: incremental by agent_key, month of staging.inputs
SELECT agent_key, day, month, arg_max(value, src) AS value, count(*) AS sources
FROM staging.inputs WHERE in_scope(agent_key, month)
GROUP BY ALL
"""
SPEC = materialisation(MODEL)


def _warehouse() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for schema in ("raw", "staging"):
        con.execute(f"CREATE SCHEMA {schema}")
    con.execute("CREATE TABLE raw.people (agent_key VARCHAR, consent BOOLEAN)")
    con.execute("INSERT INTO raw.people VALUES ('a', true), ('b', true), ('c', true)")
    con.execute("CREATE TABLE raw.facts (agent_key VARCHAR, day DATE, value INTEGER, src VARCHAR)")
    con.execute(
        "INSERT INTO raw.facts SELECT k, DATE '2026-01-01' + INTERVAL (d) DAY, d, 'f1' "
        "FROM (VALUES ('a'), ('b'), ('c')) AS t(k), range(90) AS r(d)"
    )
    build_model(con, "staging", "inputs", INPUTS)
    return con


def _rows(con, sql: str = "SELECT * FROM staging.model") -> list:
    return sorted(con.execute(sql).fetchall(), key=repr)


def _whole(con) -> list:
    """What the model gives rebuilt whole from today's inputs, in a table of its own."""
    con.execute("CREATE OR REPLACE TEMP MACRO in_scope(a, b) AS true")
    return _rows(con, MODEL)


def test_directive_read_from_the_sql():
    assert Materialisation("incremental", ("agent_key", "month"), "staging.inputs") == SPEC
    assert materialisation("SELECT 1") == Materialisation()
    assert materialisation("-- materialised: view\nSELECT 1").kind == "view"
    assert materialisation("-- materialised: table\nSELECT 1").kind == "table"
    with pytest.raises(ValueError, match="unknown materialisation 'sometimes'"):
        materialisation("-- materialised: sometimes\nSELECT 1")
    assert (
        model_description(MODEL)
        == "The last value given for each ambassador and day, and how many sources gave one."
    )


def test_first_build_is_whole_then_nothing_to_do():
    con = _warehouse()
    first = build_incremental(con, "staging", "model", MODEL, SPEC)
    assert first.whole and first.reason == "no table yet"
    assert first.partitions == first.rebuilt == 9 and first.rows == 270
    again = build_incremental(con, "staging", "model", MODEL, SPEC)
    assert not again.whole and again.rebuilt == 0 and again.rows == 270
    assert "0 of 9 partitions rebuilt" in again.summary()
    assert _rows(con) == _whole(con)


@pytest.mark.parametrize(
    ("change", "rebuilt"),
    [
        # a new month for two ambassadors
        (
            "INSERT INTO raw.facts VALUES ('a', DATE '2026-04-02', 7, 'f2'), ('b', DATE '2026-04-09', 8, 'f2')",
            2,
        ),
        # a newer file restating one old day
        ("INSERT INTO raw.facts VALUES ('c', DATE '2026-02-10', 700, 'f9')", 1),
        # an old value corrected in place
        ("UPDATE raw.facts SET value = -1 WHERE agent_key = 'a' AND day = DATE '2026-03-05'", 1),
        # a file removed: its rows gone from three months of one ambassador
        ("DELETE FROM raw.facts WHERE agent_key = 'b'", 3),
        # an ambassador withdraws consent: every month of theirs leaves the table
        ("UPDATE raw.people SET consent = false WHERE agent_key = 'c'", 3),
        # a new ambassador
        (
            "INSERT INTO raw.people VALUES ('d', true); "
            "INSERT INTO raw.facts VALUES ('d', DATE '2026-01-05', 1, 'f3')",
            1,
        ),
    ],
    ids=["new-month", "restated-day", "corrected", "file-removed", "withdrawn", "new-ambassador"],
)
def test_only_changed_partitions_rebuilt_and_the_result_equals_a_whole_build(change, rebuilt):
    con = _warehouse()
    build_incremental(con, "staging", "model", MODEL, SPEC)
    con.execute(change)
    built = build_incremental(con, "staging", "model", MODEL, SPEC)
    assert not built.whole
    assert built.rebuilt == rebuilt
    assert _rows(con) == _whole(con)
    state = _rows(con, "SELECT agent_key, month FROM state.staging__model")
    assert state == _rows(con, "SELECT DISTINCT agent_key, month FROM staging.inputs")


def test_withdrawn_ambassador_leaves_the_table_and_the_state():
    con = _warehouse()
    build_incremental(con, "staging", "model", MODEL, SPEC)
    con.execute("UPDATE raw.people SET consent = false WHERE agent_key = 'c'")
    build_incremental(con, "staging", "model", MODEL, SPEC)
    for table in ("staging.model", "state.staging__model"):
        assert con.execute(f"SELECT count(*) FROM {table} WHERE agent_key = 'c'").fetchone()[0] == 0


@pytest.mark.parametrize(
    "change",
    ["model", "inputs", "settings", "outside", "full_refresh"],
)
def test_rebuilt_whole_when_what_it_depends_on_changes(change):
    con = _warehouse()
    con.execute("CREATE TEMP MACRO cfg_weight() AS 1.0")
    build_incremental(con, "staging", "model", MODEL, SPEC)
    model, whole = MODEL, False
    if change == "model":
        model = MODEL.replace("count(*) AS sources", "count(DISTINCT src) AS sources")
    elif change == "inputs":
        build_model(con, "staging", "inputs", INPUTS.replace("WHERE consent", "WHERE consent OR true"))
    elif change == "settings":
        con.execute("CREATE OR REPLACE TEMP MACRO cfg_weight() AS 2.0")
    elif change == "outside":
        con.execute("DELETE FROM staging.model WHERE day = DATE '2026-01-01'")
    else:
        whole = True
    built = build_incremental(con, "staging", "model", model, SPEC, whole=whole)
    assert built.whole and built.rebuilt == built.partitions == 9, built
    expected = {
        "model": "its SQL, its inputs' definition or the settings changed",
        "inputs": "its SQL, its inputs' definition or the settings changed",
        "settings": "its SQL, its inputs' definition or the settings changed",
        "outside": "the table was changed outside its build",
        "full_refresh": "full_refresh = true",
    }
    assert built.reason == expected[change]
    assert _rows(con) == _rows(con, model.replace("in_scope(agent_key, month)", "true"))


@pytest.mark.parametrize("path", ["incremental", "whole"])
def test_a_failed_build_leaves_the_table_and_its_state_as_they_were(path):
    fragile = MODEL.replace(
        "arg_max(value, src)", "arg_max(CASE WHEN value = -999 THEN error('disk full') END, src)"
    )
    con = _warehouse()
    build_incremental(con, "staging", "model", fragile, SPEC)

    def saved() -> tuple:
        return tuple(
            _rows(con, f"SELECT * FROM {t}") for t in ("staging.model", "state.staging__model", BUILDS)
        )

    before = saved()
    con.execute("INSERT INTO raw.facts VALUES ('a', DATE '2026-04-02', -999, 'f2')")
    with pytest.raises(duckdb.Error, match="disk full"):
        build_incremental(con, "staging", "model", fragile, SPEC, whole=path == "whole")
    assert saved() == before
    con.execute("DELETE FROM raw.facts WHERE value = -999")
    assert build_incremental(con, "staging", "model", fragile, SPEC).rebuilt == 0
    assert saved() == before


def test_agent_day_metrics_is_incremental_on_its_inputs_view():
    inputs = (SQL_ROOT / "staging" / "agent_day_inputs.sql").read_text(encoding="utf-8")
    metrics = (SQL_ROOT / "staging" / "agent_day_metrics.sql").read_text(encoding="utf-8")
    assert materialisation(inputs).kind == "view"
    spec = materialisation(metrics)
    assert spec == Materialisation("incremental", ("agent_key", "month"), "staging.agent_day_inputs")
    assert "in_scope(agent_key, month)" in metrics


def _engagements_warehouse() -> duckdb.DuckDBPyConnection:
    """The tables ``staging.engagements_given`` reads, for three ambassadors and one other member."""
    from relais.settings import Settings
    from relais.warehouse.models import define_macros

    con = duckdb.connect()
    for schema in ("raw", "staging"):
        con.execute(f"CREATE SCHEMA {schema}")
    define_macros(con, Settings())
    con.execute(
        "CREATE TABLE raw.roster AS SELECT * FROM (VALUES ('A1', 'k1', true, true), ('A2', 'k2', true, true), "
        "('A3', 'k3', true, true), ('X9', 'k9', true, false)) AS t(agent_id, agent_key, is_current, is_ambassador)"
    )
    con.execute(
        "CREATE TABLE raw.li_comments AS SELECT agent_id, TIMESTAMP '2026-01-01 08:00' + INTERVAL (d) DAY "
        "AS commented_at, 'activity:' || d AS target_key, 'https://www.linkedin.com/feed/update/' || d AS link, "
        "'merci ' || d AS message, 'a_' || agent_id || '.zip!Comments.csv' AS _source_file, d + 2 AS _source_row "
        "FROM (VALUES ('A1'), ('A2'), ('A3'), ('X9')) AS a(agent_id), range(40) AS r(d)"
    )
    con.execute(
        "CREATE TABLE raw.li_reactions AS SELECT agent_id, TIMESTAMP '2026-01-02 09:30' + INTERVAL (d) DAY "
        "AS reacted_at, 'LIKE' AS reaction_type, 'activity:' || d AS target_key, "
        "'https://www.linkedin.com/feed/update/' || d AS link, 'a_' || agent_id || '.zip!Reactions.csv' "
        "AS _source_file, d + 2 AS _source_row FROM (VALUES ('A1'), ('A2'), ('A3')) AS a(agent_id), range(40) AS r(d)"
    )
    con.execute(
        "CREATE TABLE staging.member_changelog AS SELECT * FROM (VALUES "
        "('k2', 'comment', TIMESTAMP '2026-01-04 08:00', 'activity:3', true, 'api/k2.json', 1), "
        "('k2', 'reaction', TIMESTAMP '2026-03-01 10:00', 'activity:77', false, 'api/k2.json', 2)) "
        "AS t(agent_key, kind, occurred_at, target_key, is_deleted, source_file, source_row)"
    )
    for name in ("engagement_inputs", "engagements_given"):
        build_model(con, "staging", name, (SQL_ROOT / "staging" / f"{name}.sql").read_text(encoding="utf-8"))
    return con


def _engagements_whole(con) -> list:
    sql = (SQL_ROOT / "staging" / "engagements_given.sql").read_text(encoding="utf-8")
    con.execute("CREATE OR REPLACE TEMP MACRO in_scope(p0) AS true")
    return _rows(con, sql)


@pytest.mark.parametrize(
    ("change", "rebuilt"),
    [
        # a newer archive of A1 repeating its history and adding a month: the repeats count once
        (
            "INSERT INTO raw.li_comments SELECT * REPLACE ('b_A1.zip!Comments.csv' AS _source_file) "
            "FROM raw.li_comments WHERE agent_id = 'A1'; INSERT INTO raw.li_comments VALUES "
            "('A1', TIMESTAMP '2026-03-20 12:00', 'activity:99', 'l99', 'new', 'b_A1.zip!Comments.csv', 50)",
            1,
        ),
        # the changelog says A3 deleted a reaction the archive holds
        (
            "INSERT INTO staging.member_changelog VALUES "
            "('k3', 'reaction', TIMESTAMP '2026-01-03 09:30', 'activity:1', true, 'api/k3.json', 1)",
            1,
        ),
        # an archive removed: its rows leave
        ("DELETE FROM raw.li_reactions WHERE agent_id = 'A2'", 1),
        # A1 withdraws consent, the other member becomes an ambassador
        ("UPDATE raw.roster SET is_ambassador = NOT is_ambassador WHERE agent_id IN ('A1', 'X9')", 2),
    ],
    ids=["newer-archive", "deleted-in-changelog", "archive-removed", "withdrawn-and-enrolled"],
)
def test_engagements_given_rebuilds_only_the_ambassadors_whose_inputs_changed(change, rebuilt):
    con = _engagements_warehouse()
    before = _rows(con, "SELECT * FROM staging.engagements_given")
    assert _rows(con, "SELECT * FROM staging.engagements_given") == _engagements_whole(con) == before
    con.execute(change)
    sql = (SQL_ROOT / "staging" / "engagements_given.sql").read_text(encoding="utf-8")
    built = build_model(con, "staging", "engagements_given", sql)
    assert built is not None and not built.whole and built.rebuilt == rebuilt
    assert _rows(con, "SELECT * FROM staging.engagements_given") == _engagements_whole(con) != before


def test_engagements_given_is_incremental_on_its_inputs_view():
    inputs = (SQL_ROOT / "staging" / "engagement_inputs.sql").read_text(encoding="utf-8")
    given = (SQL_ROOT / "staging" / "engagements_given.sql").read_text(encoding="utf-8")
    assert materialisation(inputs).kind == "view"
    assert materialisation(given) == Materialisation(
        "incremental", ("agent_key",), "staging.engagement_inputs"
    )
