"""Models rebuilt only where their inputs changed: the partitions (an ambassador's month) touched.

A model declared ``-- materialised: incremental by agent_key, month of staging.agent_day_inputs``
reads its inputs from that relation (a view) and keeps each partition apart: the output rows of a
partition (one ``agent_key`` and ``month``) come only from the input rows of the same partition, and
the model marks where it reads them with ``WHERE in_scope(agent_key, month)``. Each build keeps a
digest of every input partition (row count and the sum of the rows' hashes, from one DuckDB
aggregate) in ``state.<schema>__<table>``; the next build compares the inputs with it, deletes the
output rows of the partitions that changed, appeared or disappeared (an ambassador who withdrew, a
file removed) and inserts them again from the model run on those partitions only. The model's SQL,
its inputs' definition and the session's macros (the home's settings) make a fingerprint kept in
``state.model_builds``: when any of them changes, when the output or the state is missing, when the
table no longer has the row count its last build left (something else wrote it), or when the home
asks for ``full_refresh = true``, the model is rebuilt whole.

The build is one transaction: a run killed half-way leaves the table and its state as they were.
The state holds only pseudonymous keys, months and hashes; a partition that leaves the inputs
leaves the state at the same build, so an erased ambassador's key leaves it too.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import duckdb

STATE_SCHEMA = "state"
BUILDS = f"{STATE_SCHEMA}.model_builds"
DIRECTIVE = re.compile(r"^--\s*materialised:\s*(.+?)\s*$", re.MULTILINE)
INCREMENTAL = re.compile(r"^incremental by (?P<by>[\w, ]+?) of (?P<inputs>\w+\.\w+)$")
SCOPE_MACRO = "in_scope"
DIGEST = "count(*) AS n, coalesce(sum(hash(*COLUMNS(*)))::HUGEINT, 0) AS h"


@dataclass(frozen=True)
class Materialisation:
    """How a model is kept: ``table`` (rebuilt whole), ``view``, or ``incremental`` by partitions."""

    kind: str = "table"
    by: tuple[str, ...] = ()
    inputs: str = ""


@dataclass(frozen=True)
class IncrementalBuild:
    """What one build of an incremental model did: ``rebuilt`` of ``partitions`` input partitions
    were (re)built (all of them when ``whole``, with the ``reason``), ``rows`` rows in the table."""

    rows: int
    partitions: int
    rebuilt: int
    whole: bool
    reason: str

    def summary(self) -> str:
        if self.whole:
            return f"rebuilt whole ({self.reason}): {self.partitions} partitions, {self.rows} rows"
        return f"{self.rebuilt} of {self.partitions} partitions rebuilt (inputs changed), {self.rows} rows"


def materialisation(sql: str) -> Materialisation:
    """The model's ``-- materialised: ...`` line (a table when it has none); an unknown form raises."""
    found = DIRECTIVE.search(sql)
    if found is None or found.group(1) == "table":
        return Materialisation()
    text = found.group(1)
    if text == "view":
        return Materialisation("view")
    incremental = INCREMENTAL.match(text)
    if incremental is None:
        raise ValueError(
            f"unknown materialisation {text!r}: use 'table', 'view' or "
            "'incremental by <column>, <column> of <schema>.<relation>'"
        )
    by = tuple(column.strip() for column in incremental["by"].split(",") if column.strip())
    return Materialisation("incremental", by, incremental["inputs"])


def scope_macro(by: tuple[str, ...], touched: str | None) -> str:
    """The ``in_scope`` macro: true everywhere for a whole build, else membership of ``touched``.

    The partition is compared as one struct, so the macro's arguments never meet the names of the
    touched table's columns (a correlated comparison would capture them).
    """
    params = ", ".join(f"p{i}" for i in range(len(by)))
    if touched is None:
        body = "true"
    else:
        left = ", ".join(f"'{column}': p{i}" for i, column in enumerate(by))
        right = ", ".join(f"'{column}': {column}" for column in by)
        body = f"{{{left}}} IN (SELECT {{{right}}} FROM {touched})"
    return f"CREATE OR REPLACE TEMP MACRO {SCOPE_MACRO}({params}) AS {body}"


def _exists(con: duckdb.DuckDBPyConnection, relation: str) -> bool:
    schema, name = relation.split(".")
    return bool(
        con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE schema_name = ? AND table_name = ?", [schema, name]
        ).fetchone()[0]
    )


def fingerprint(con: duckdb.DuckDBPyConnection, sql: str, spec: Materialisation) -> str:
    """A digest of the model's SQL, its inputs' definition as the warehouse holds it, and the session's
    macros (``relais.warehouse.models.define_macros``: the settings and the time zone the SQL reads)."""
    schema, name = spec.inputs.split(".")
    found = con.execute(
        "SELECT sql FROM duckdb_views() WHERE schema_name = ? AND view_name = ? "
        "UNION ALL SELECT sql FROM duckdb_tables() WHERE schema_name = ? AND table_name = ?",
        [schema, name, schema, name],
    ).fetchone()
    if found is None:
        raise ValueError(f"the inputs {spec.inputs} of an incremental model do not exist")
    macros = con.execute(
        "SELECT function_name || '=' || coalesce(macro_definition, '') FROM duckdb_functions() "
        "WHERE database_name = 'temp' AND function_type LIKE '%macro%' AND function_name <> ? ORDER BY 1",
        [SCOPE_MACRO],
    ).fetchall()
    text = "\x00".join((sql, found[0] or "", *(row[0] for row in macros)))
    return hashlib.sha256(text.encode()).hexdigest()


def build_incremental(
    con: duckdb.DuckDBPyConnection,
    schema: str,
    name: str,
    sql: str,
    spec: Materialisation,
    whole: bool = False,
) -> IncrementalBuild:
    """Build ``schema.name`` from ``sql``, rebuilding only the partitions whose inputs changed (all of
    them when ``whole``: the home's ``full_refresh = true``)."""
    table, state = f"{schema}.{name}", f"{STATE_SCHEMA}.{schema}__{name}"
    keys = ", ".join(spec.by)
    print_ = fingerprint(con, sql, spec)
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {STATE_SCHEMA}")
    con.execute(
        f"CREATE TABLE IF NOT EXISTS {BUILDS} (model VARCHAR PRIMARY KEY, fingerprint VARCHAR, rows BIGINT)"
    )
    kept = con.execute(f"SELECT fingerprint, rows FROM {BUILDS} WHERE model = ?", [table]).fetchone()
    reason = ""
    if whole:
        reason = "full_refresh = true"
    elif not _exists(con, table):
        reason = "no table yet"
    elif not _exists(con, state) or kept is None:
        reason = "no digest of its inputs yet"
    elif kept[0] != print_:
        reason = "its SQL, its inputs' definition or the settings changed"
    elif con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] != kept[1]:
        reason = "the table was changed outside its build"
    con.begin()
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE __inputs AS "
            f"SELECT {keys}, {DIGEST} FROM {spec.inputs} GROUP BY ALL"
        )
        partitions = con.execute("SELECT count(*) FROM __inputs").fetchone()[0]
        if reason:
            con.execute(scope_macro(spec.by, None))
            con.execute(f"CREATE OR REPLACE TABLE {table} AS\n{sql}")
            rebuilt = partitions
        else:
            on = " AND ".join(f"i.{c} IS NOT DISTINCT FROM s.{c}" for c in spec.by)
            picked = ", ".join(f"coalesce(i.{c}, s.{c}) AS {c}" for c in spec.by)
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE __touched AS SELECT {picked} FROM __inputs AS i "
                f"FULL OUTER JOIN {state} AS s ON {on} "
                "WHERE i.n IS DISTINCT FROM s.n OR i.h IS DISTINCT FROM s.h"
            )
            rebuilt = con.execute("SELECT count(*) FROM __touched").fetchone()[0]
            if rebuilt:
                match = " AND ".join(f"{table}.{c} IS NOT DISTINCT FROM t.{c}" for c in spec.by)
                con.execute(f"DELETE FROM {table} USING __touched AS t WHERE {match}")
                con.execute(scope_macro(spec.by, "__touched"))
                con.execute(f"INSERT INTO {table}\n{sql}")
        con.execute(f"CREATE OR REPLACE TABLE {state} AS SELECT * FROM __inputs")
        rows = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        con.execute(f"INSERT OR REPLACE INTO {BUILDS} VALUES (?, ?, ?)", [table, print_, rows])
        con.commit()
    except BaseException:
        con.rollback()
        raise
    finally:
        con.execute(scope_macro(spec.by, None))
        con.execute("DROP TABLE IF EXISTS __inputs")
        con.execute("DROP TABLE IF EXISTS __touched")
    return IncrementalBuild(rows, partitions, rebuilt, bool(reason), reason)
