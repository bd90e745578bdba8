"""Validate the warehouse against the suites with Great Expectations and report the outcomes.

``validate_warehouse`` reads each suite's frames through Arrow (``pandas_frames``) and validates them in ONE
GX context per call: ephemeral, or, given ``docs_dir``, a file context under it whose Data Docs are
rebuilt as static HTML in ``docs_dir/data_docs/index.html``. GX's SQL data source is not used (it
does not work on DuckDB). Great Expectations is imported inside the function: importing this module
stays cheap. ``outcome_rows`` shapes the outcomes for ``marts.quality_checks`` and ``summary_line``
says them in one line.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import math
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from relais.quality.pandas_frames import pandas_frame
from relais.quality.reuse import KeptResults, fingerprint
from relais.quality.suites import (
    ERROR,
    ROW_TABLES_SQL,
    TABLE_FRAME,
    WARN,
    Check,
    Frame,
    Suite,
    build_suites,
    params,
)
from relais.settings import Settings

MAX_EXAMPLES = 5
KEEP_RUNS = 20
"""Validation runs kept in a Data Docs site (older results are removed before it is rebuilt)."""
DOCS_SITE = "relais"
QUALITY_CHECKS_COLUMNS = (
    ("run_id", "VARCHAR"),
    ("checked_at", "TIMESTAMP"),
    ("table_name", "VARCHAR"),
    ("check_name", "VARCHAR"),
    ("severity", "VARCHAR"),
    ("success", "BOOLEAN"),
    ("unexpected_count", "BIGINT"),
    ("details", "VARCHAR"),
)
QUALITY_CHECKS_DDL = (
    "CREATE TABLE IF NOT EXISTS marts.quality_checks ("
    + ", ".join(f"{name} {kind}" for name, kind in QUALITY_CHECKS_COLUMNS)
    + ")"
)


@dataclass
class CheckOutcome:
    """The result of one check: examples name failing rows by pseudonymous keys only."""

    table_name: str
    check_name: str
    severity: str
    success: bool
    unexpected_count: int
    examples: list[str] = field(default_factory=list)
    details: str = ""


@dataclass(frozen=True)
class Unit:
    """Rows of a frame whose results are kept together: all of them (``label`` "all"), one month
    (``2026-10``, ``undated``), one file (``file 3fa8c1d2e4b5``) or one share of a hash of the key
    (``share 1 of 7``).

    They are the rows whose ``expression`` equals ``value`` (is NULL when ``value`` is None; every
    row when ``expression`` is empty); ``digest`` (row count and the sum of the rows' hashes) says
    whether they changed since a gate kept their results.
    """

    label: str
    expression: str
    value: Any
    rows: int
    digest: str


@dataclass(frozen=True)
class Part:
    """Units validated together in one Great Expectations batch (``label`` names it in Data Docs)."""

    label: str
    units: tuple[Unit, ...]

    @property
    def rows(self) -> int:
        return sum(unit.rows for unit in self.units)

    @property
    def where(self) -> str:
        """The condition selecting the part's rows: one ``IN`` list per expression of its units."""
        if any(not unit.expression for unit in self.units):
            return ""
        conditions = []
        for expression in dict.fromkeys(unit.expression for unit in self.units):
            values = [u.value for u in self.units if u.expression == expression and u.value is not None]
            if values:
                conditions.append(f"{expression} IN ({', '.join('?' * len(values))})")
            if any(u.expression == expression and u.value is None for u in self.units):
                conditions.append(f"{expression} IS NULL")
        return " OR ".join(conditions)

    @property
    def parameters(self) -> tuple[Any, ...]:
        return tuple(u.value for u in self.units if u.expression and u.value is not None)


@dataclass
class _Batch:
    """One frame (or part of one) to validate. Its data is read just before validation and dropped
    right after, so the gate holds one frame in memory at a time, not the whole warehouse."""

    suite: Suite
    frame: Frame
    checks: list[Check]
    con: Any
    part: Part
    data: Any = None  # pandas.DataFrame while validated
    rows: int = 0
    outcomes: list[CheckOutcome] = field(default_factory=list)

    def load(self) -> None:
        sql = self.frame.sql
        if self.part.where:
            sql = f"SELECT * FROM ({sql}) WHERE {self.part.where}"
        self.data = pandas_frame(self.con.sql(sql, params=list(self.part.parameters)).to_arrow_table())
        self.rows = len(self.data)

    def release(self) -> None:
        self.data = None

    @property
    def base(self) -> str:
        return self.suite.table if self.frame.name == TABLE_FRAME else f"{self.suite.table}.{self.frame.name}"

    @property
    def name(self) -> str:
        return f"{self.base} ({self.part.label})" if self.part.label else self.base


PART_ROWS = 1_000_000
"""A frame larger than this is validated in parts of about this many rows (bounded memory)."""
MONTH = "strftime(TRY_CAST({column} AS DATE), '%Y-%m')"
DIGEST = "count(*) AS n, coalesce(sum(hash(*COLUMNS(*))::HUGEINT), 0) AS h"
UNIQUE_TYPES = {"expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique"}


def _key_columns(expectation: Any) -> list[str]:
    kwargs = expectation.kwargs
    return [kwargs["column"]] if "column" in kwargs else list(kwargs["column_list"])


def month_groups(
    months: list[Any], limit: int | None = None, size: Callable[[Any], int] = lambda month: month[1]
) -> list[list[Any]]:
    """Consecutive months packed into groups of at most ``limit`` rows (a larger month alone).

    ``months`` are in order, undated rows first; ``size`` gives a month's rows (by default its second
    field). The packing runs from the oldest month, so a new month, or rows added to the newest,
    leaves the older groups as they were.
    """
    limit = PART_ROWS if limit is None else limit
    groups: list[list[Any]] = []
    rows = 0
    for month in months:
        if groups and rows + size(month) <= limit:
            groups[-1].append(month)
            rows += size(month)
        else:
            groups.append([month])
            rows = size(month)
    return groups


def _digest(rows: int, hashes: int) -> str:
    return f"{rows}:{hashes}"


def frame_units(con: Any, frame: Frame, checks: list[Check]) -> list[Unit]:
    """The units of a frame: one per file of its ``by_file`` column, or per month of its ``period``
    (whatever its size); else the whole frame when small, or shares of a hash of its key, so that the
    duplicates of a key fall in one share."""
    sql = frame.sql
    if frame.by_file or frame.period:
        if frame.by_file:
            expression, name = f'"{frame.by_file}"', "file {}"
        else:
            expression, name = MONTH.format(column=f'"{frame.period}"'), "{}"
        found = con.execute(
            f"SELECT {expression} AS __unit, {DIGEST} FROM ({sql}) GROUP BY ALL ORDER BY 1 NULLS FIRST"
        ).fetchall()
        return [
            Unit(
                name.format(value) if value is not None else "undated" if frame.period else "no file",
                expression,
                value,
                rows,
                _digest(rows, hashes),
            )
            for value, rows, hashes in found
        ]
    rows, hashes = con.execute(f"SELECT {DIGEST} FROM ({sql})").fetchall()[0]
    if rows <= PART_ROWS:
        return [Unit("all", "", None, rows, _digest(rows, hashes))]
    key: list[str] = []
    for check in checks:
        for expectation in check.expectations:
            if expectation.type in UNIQUE_TYPES:
                key = _key_columns(expectation)
    quoted = ", ".join(f'"{column}"' for column in key)
    expression = f"hash({quoted})" if key else "hash(*COLUMNS(*))"
    count = -(-rows // PART_ROWS)
    shares = {
        share: (n, h)
        for share, n, h in con.execute(
            f"SELECT {expression} % {count} AS __share, {DIGEST} FROM ({sql}) GROUP BY ALL"
        ).fetchall()
    }
    return [
        Unit(
            f"share {index + 1} of {count}",
            f"{expression} % {count}",
            index,
            shares.get(index, (0, 0))[0],
            _digest(*shares.get(index, (0, 0))),
        )
        for index in range(count)
    ]


def parts_of(units: list[Unit], packed: bool) -> list[Part]:
    """The units to validate, as Great Expectations batches: when ``packed`` (months, files),
    consecutive units packed up to ``PART_ROWS`` rows (``months 2026-09 to 2026-11``, ``614 files``);
    other units (the whole frame, hash shares) one batch each."""
    if not packed:
        return [Part("" if unit.label == "all" else unit.label, (unit,)) for unit in units]
    parts = []
    for group in month_groups(units, size=lambda unit: unit.rows):
        first, last = group[0].label, group[-1].label
        if first.startswith("file ") or first == "no file":
            label = f"{len(group)} files from {first.removeprefix('file ')}" if len(group) > 1 else first
        else:
            label = f"months {first} to {last}" if first != last else f"month {first}"
        parts.append(Part(label, tuple(group)))
    return parts


def combined_digest(units: Iterable[Unit]) -> str:
    """The digest of all the units' rows together (counts and hash sums add up)."""
    pairs = [unit.digest.split(":") for unit in units]
    return _digest(sum(int(n) for n, _ in pairs), sum(int(h) for _, h in pairs))


def _without_uniqueness(checks: list[Check]) -> list[Check]:
    """The checks with their uniqueness expectations taken out (checked on the whole frame in SQL)."""
    kept = []
    for check in checks:
        rest = tuple(e for e in check.expectations if e.type not in UNIQUE_TYPES)
        if rest:
            kept.append(replace(check, expectations=rest))
    return kept


def _uniqueness_checks(checks: list[Check]) -> list[Check]:
    """The uniqueness expectations of the checks, each check keeping its name, severity and description."""
    found = []
    for check in checks:
        unique = tuple(e for e in check.expectations if e.type in UNIQUE_TYPES)
        if unique:
            found.append(replace(check, expectations=unique))
    return found


def unique_outcomes(
    con: Any, suite: Suite, frame: Frame, checks: list[Check], among: Part | None = None
) -> list[CheckOutcome]:
    """The uniqueness expectations of a frame validated in parts, checked on all of it in DuckDB.

    As in Great Expectations: rows whose key is entirely NULL are left out, and every row of a
    duplicated key counts as unexpected; the examples are the most repeated keys. With ``among``,
    only the keys found in those rows are counted (over the whole frame): enough when every other
    row is unchanged since a gate found the key unique, since a duplicate then has a row in ``among``.
    When the key holds the column the units are cut by (a file, a month), the rows of a key share a
    unit, and only the rows of ``among`` are grouped.
    """
    outcomes = []
    for check in checks:
        count, examples = 0, []
        for expectation in check.expectations:
            columns = _key_columns(expectation)
            quoted = ", ".join(f'"{c}"' for c in columns)
            present = " OR ".join(f'"{c}" IS NOT NULL' for c in columns)
            rows, parameters = f"({frame.sql})", []
            if among is not None and among.where:
                parameters = list(among.parameters)
                if (frame.by_file or frame.period) in columns:
                    rows = f"(SELECT * FROM ({frame.sql}) WHERE {among.where})"
                else:  # keys compared by their hash, so that keys holding a NULL are found too (a
                    # collision only adds a key to count, the grouping below is exact)
                    rows = (
                        f"(SELECT * FROM ({frame.sql}) WHERE hash({quoted}) IN "
                        f"(SELECT hash({quoted}) FROM ({frame.sql}) WHERE {among.where}))"
                    )
            duplicates = con.execute(
                f"SELECT {quoted}, count(*) AS n FROM {rows} WHERE {present} "
                f"GROUP BY ALL HAVING count(*) > 1 ORDER BY n DESC, {quoted}",
                parameters,
            ).fetchall()
            count += sum(row[-1] for row in duplicates)
            examples += [
                ", ".join(f"{c}={_value(v)}" for c, v in zip(columns, row[:-1], strict=True))
                for row in duplicates[:MAX_EXAMPLES]
            ]
        status = "Passed" if not count else f"Failed: {count} unexpected (duplicated keys, whole table)"
        outcomes.append(
            CheckOutcome(
                suite.table,
                check.name,
                check.severity,
                count == 0,
                count,
                examples[:MAX_EXAMPLES],
                f"{check.description} {status}.",
            )
        )
    return outcomes


def merge_parts(outcomes: list[CheckOutcome]) -> list[CheckOutcome]:
    """One outcome per (table, check) from the outcomes of a frame's parts: failures and counts add up."""
    merged: dict[tuple[str, str], CheckOutcome] = {}
    for outcome in outcomes:
        key = (outcome.table_name, outcome.check_name)
        seen = merged.get(key)
        if seen is None:
            merged[key] = outcome
            continue
        failed = seen if not seen.success else outcome
        merged[key] = CheckOutcome(
            outcome.table_name,
            outcome.check_name,
            outcome.severity,
            seen.success and outcome.success,
            seen.unexpected_count + outcome.unexpected_count,
            (seen.examples + outcome.examples)[:MAX_EXAMPLES],
            failed.details,
        )
    return list(merged.values())


def failed_outcomes(table: str, checks: Iterable[Check], problem: str) -> list[CheckOutcome]:
    """The outcomes of checks that could not run on their frame: each fails, saying why."""
    return [
        CheckOutcome(table, c.name, c.severity, False, 0, [], f"{c.description} {problem}") for c in checks
    ]


def kept_outcomes(table: str, checks: Iterable[Check], kept: Mapping[str, str]) -> list[CheckOutcome]:
    """The passing outcomes of checks whose results were kept (``kept``: details after the description)."""
    return [
        CheckOutcome(table, c.name, c.severity, True, 0, [], c.description + kept[c.name]) for c in checks
    ]


@dataclass
class _Plan:
    """What the gate validates: the batches to give Great Expectations, and the outcomes reused."""

    con: Any
    kept: KeptResults
    window: tuple[str, str]
    batches: list[_Batch] = field(default_factory=list)
    names: set[str] = field(default_factory=set)
    labels: dict[int, tuple[str, str]] = field(default_factory=dict)
    reused: Counter = field(default_factory=Counter)
    parts: Counter = field(default_factory=Counter)

    def frame(self, suite: Suite, frame: Frame, checks: list[Check]) -> list[CheckOutcome]:
        """Queue the units of ``frame`` that changed; return the outcomes of the others and of its keys.

        A frame validated by units (months, hash shares) has its key's uniqueness checked on all of
        it in DuckDB; its other checks are row by row, so a unit that passed keeps its result.
        """
        try:  # a frame whose rows cannot be counted fails its checks, it does not stop the gate
            units = frame_units(self.con, frame, checks)
        except Exception as exc:
            return failed_outcomes(
                suite.table, checks, f"cannot read frame {frame.name!r}: {type(exc).__name__}: {exc}"
            )
        outcomes = []
        packed = bool(frame.period or frame.by_file)
        unique = _uniqueness_checks(checks) if packed or len(units) > 1 else []
        if unique:
            checks = _without_uniqueness(checks)
        changed, reused = units, []
        if checks:
            changed, reused = self._changed_units(suite, frame, checks, units, packed)
        if unique:
            outcomes += self._whole(suite, frame, unique, units, changed)
        return outcomes + reused

    def _changed_units(
        self, suite: Suite, frame: Frame, checks: list[Check], units: list[Unit], packed: bool
    ) -> tuple[list[Unit], list[CheckOutcome]]:
        """Queue the units whose rows changed since they last passed for validation; those units, and
        the outcomes kept for the others."""
        base = suite.table if frame.name == TABLE_FRAME else f"{suite.table}.{frame.name}"
        print_, names = fingerprint(checks, self.window), [c.name for c in checks]
        changed, kept_details, reused = [], None, []
        for unit in units:
            for name in names:
                self.parts[(suite.table, name)] += 1
            kept = self.kept.reusable(f"{base}|{unit.label}", print_, unit.digest, self.window[1], names)
            if kept is None:
                changed.append(unit)
                continue
            kept_details = kept
            for name in names:
                self.reused[(suite.table, name)] += 1
        if kept_details is not None:
            reused = kept_outcomes(suite.table, checks, kept_details)
        # an empty frame: its checks still run (on no rows), as on any other frame
        to_validate = changed if units else [Unit("all", "", None, 0, _digest(0, 0))]
        for part in parts_of(to_validate, packed):
            batch = _Batch(suite, frame, checks, self.con, part)
            self.names.add(batch.name)
            self.labels[id(batch)] = (base, print_)
            self.batches.append(batch)
        return changed, reused

    def _whole(
        self, suite: Suite, frame: Frame, checks: list[Check], units: list[Unit], changed: list[Unit]
    ) -> list[CheckOutcome]:
        """The uniqueness of a frame in parts, from the results kept or checked now in DuckDB.

        When the last gate found the key unique and only some units changed since (``changed``: the
        units whose rows differ from that gate's, or that it did not keep), only the keys of the
        changed rows are counted; otherwise the whole frame's keys are.
        """
        label = f"{suite.table}.{frame.name}|unique"
        print_, names = fingerprint(checks, self.window), [c.name for c in checks]
        digest = combined_digest(units)
        kept = self.kept.reusable(label, print_, digest, self.window[1], names)
        if kept is not None:
            return kept_outcomes(suite.table, checks, kept)
        among = None
        if changed and len(changed) < len(units) and self.kept.passed_before(label, print_, names):
            among = Part("changed", tuple(changed))
        found = unique_outcomes(self.con, suite, frame, checks, among)
        self.kept.keep(label, print_, digest, self.window[1], _passed(checks, found))
        return found

    def keep_validated(self) -> list[CheckOutcome]:
        """The outcomes of the batches validated now; each unit of a batch whose checks all passed is
        kept for the next gate."""
        outcomes = []
        for batch in self.batches:
            base, print_ = self.labels[id(batch)]
            passed = _passed(batch.checks, batch.outcomes)
            for unit in batch.part.units:
                self.kept.keep(f"{base}|{unit.label}", print_, unit.digest, self.window[1], passed)
            outcomes += batch.outcomes
        return outcomes

    def say_reused(self, outcome: CheckOutcome) -> CheckOutcome:
        """The outcome, its details saying how many of its parts were kept from an earlier gate."""
        key = (outcome.table_name, outcome.check_name)
        reused, parts = self.reused[key], self.parts[key]
        if not reused:
            return outcome
        said = (
            "Rows unchanged since they last passed: result kept."
            if reused == parts
            else f"{reused} of {parts} parts (files, months or shares) unchanged since they last passed: "
            "their results kept."
        )
        return replace(outcome, details=f"{outcome.details} {said}")


def _passed(checks: list[Check], outcomes: list[CheckOutcome]) -> dict[str, str]:
    """Each check's details after its description, when every outcome passed; else nothing to keep."""
    by_name = {o.check_name: o for o in outcomes}
    if len(by_name) != len(checks) or not all(o.success for o in outcomes):
        return {}
    return {c.name: by_name[c.name].details.removeprefix(c.description) for c in checks}


def validate_warehouse(
    con: Any,
    settings: Settings | None,
    run_id: str,
    docs_dir: Path | None,
    tables: set[str] | None = None,
    *,
    today: dt.date | None = None,
    kept: Path | None = None,
) -> list[CheckOutcome]:
    """Run every suite (or the suites of ``tables``) over the warehouse open on ``con``.

    ``settings`` are the home's (``freshness_max_days``, ``anomaly_drop_share``, ``timezone``; the
    defaults when None); ``today`` overrides today's date in that time zone. A suite's table that
    does not exist yields a failed ERROR outcome ``table_exists``; a frame that cannot be read fails
    its checks. ``kept`` is the file of results kept from the last gates: rows unchanged since they
    passed are not validated again (``relais.quality.reuse``); None validates every row.
    """
    existing = {
        f"{schema}.{name}"
        for schema, name in con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() "
            "UNION ALL SELECT schema_name, view_name FROM duckdb_views() WHERE NOT internal"
        ).fetchall()
    }
    row_tables = [row[0] for row in con.execute(ROW_TABLES_SQL).fetchall()]
    p = params(settings, today)
    window = p.window
    suites = build_suites(settings, today=p.today, row_tables=row_tables, docs=p.docs)
    if tables is not None:
        unknown = set(tables) - {s.table for s in suites}
        if unknown:
            raise ValueError(f"no quality suite for {', '.join(sorted(unknown))}")
        suites = [s for s in suites if s.table in tables]

    outcomes: dict[tuple[str, str], CheckOutcome] = {}
    parted: list[CheckOutcome] = []
    plan = _Plan(con, KeptResults.load(kept), window)
    for suite in suites:
        if suite.table not in existing:
            outcomes[(suite.table, "table_exists")] = CheckOutcome(
                suite.table,
                "table_exists",
                ERROR,
                False,
                1,
                [suite.table],
                f"{suite.table} does not exist in the warehouse: none of its checks could run.",
            )
            continue
        outcomes[(suite.table, "table_exists")] = CheckOutcome(
            suite.table, "table_exists", ERROR, True, 0, [], f"{suite.table} exists in the warehouse."
        )
        for frame in suite.frames.values():
            checks = [c for c in suite.checks if c.frame == frame.name]
            missing = [t for t in frame.reads if t not in existing]
            problem = f"cannot read frame {frame.name!r}: {', '.join(missing)} missing" if missing else ""
            if not problem:
                try:  # a frame that cannot even be described fails its checks, it does not stop the run
                    con.execute(f"DESCRIBE {frame.sql}").fetchall()
                except Exception as exc:
                    problem = f"cannot read frame {frame.name!r}: {type(exc).__name__}: {exc}"
            for outcome in failed_outcomes(suite.table, checks, problem) if problem else ():
                outcomes[(suite.table, outcome.check_name)] = outcome
            if not problem and checks:
                parted += plan.frame(suite, frame, checks)

    if plan.batches:
        _run_great_expectations(plan.batches, run_id, docs_dir, tables is None, plan.names)
        parted += plan.keep_validated()
    for outcome in merge_parts(parted):
        outcomes[(outcome.table_name, outcome.check_name)] = plan.say_reused(outcome)
    plan.kept.save()

    order = [(s.table, name) for s in suites for name in ("table_exists", *(c.name for c in s.checks))]
    return [outcomes[k] for k in dict.fromkeys(order) if k in outcomes]


@contextlib.contextmanager
def _quiet() -> Iterator[Any]:
    """GX logging at ERROR and its warnings silenced, for the duration of a validation.

    Yields ``hush``, to call again once GX is imported: some GX modules set their own logger's
    level when imported. Every level changed is restored on exit.
    """
    saved: dict[str, int] = {}

    def hush() -> None:
        for name, logger in list(logging.root.manager.loggerDict.items()):
            if not isinstance(logger, logging.Logger) or name in saved:
                continue
            if name == "great_expectations" or (
                name.startswith("great_expectations.") and logger.level != logging.NOTSET
            ):
                saved[name] = logger.level
                logger.setLevel(logging.ERROR)

    logging.getLogger("great_expectations")
    hush()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield hush
    finally:
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)


def _gx_class_name(expectation_type: str) -> str:
    return "".join(part.capitalize() for part in expectation_type.split("_"))


def _run_great_expectations(
    batches: list[_Batch], run_id: str, docs_dir: Path | None, full_site: bool, names: set[str]
) -> None:
    """Validate each batch with Great Expectations, leaving its outcomes on it (``batch.outcomes``).

    ``names`` are the names of every batch of this gate, the ones whose kept results were reused
    included: Data Docs keep their suites.
    """
    with _quiet() as hush:
        import great_expectations as gx
        import great_expectations.expectations as gxe
        from great_expectations.core.run_identifier import RunIdentifier
        from great_expectations.data_context.types.base import ProgressBarsConfig

        hush()

        if docs_dir is None:
            context = gx.get_context(mode="ephemeral")
        else:
            docs_dir = Path(docs_dir)
            docs_dir.mkdir(parents=True, exist_ok=True)
            context = gx.get_context(mode="file", project_root_dir=docs_dir)
        if (
            not context.variables.progress_bars
            or context.variables.progress_bars.get("globally") is not False
        ):
            context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
        whole = _frame_batch_definition(context)
        run = RunIdentifier(run_name=run_id, run_time=dt.datetime.now(dt.UTC))

        rendered_suites: list[str] = []
        for batch in batches:
            try:
                batch.load()
            except Exception as exc:  # a broken frame fails its checks, it does not stop the run
                problem = f"cannot read frame {batch.frame.name!r}: {type(exc).__name__}: {exc}"
                batch.outcomes = failed_outcomes(batch.suite.table, batch.checks, problem)
                continue
            suite = gx.ExpectationSuite(name=batch.name, expectations=_expectations(gxe, batch.checks))
            summary: dict[str, Any] = {"result_format": "SUMMARY", "partial_unexpected_count": 20}
            ids = [c for c in batch.frame.ids if c in batch.data.columns]
            if ids:
                summary["unexpected_index_column_names"] = ids
            parameters = {"dataframe": batch.data}
            if docs_dir is None:
                # Nothing to store: validate the batch itself, success only first (half the cost of
                # a full result); a frame that fails is validated again for counts and examples.
                data = whole.get_batch(batch_parameters=parameters)
                result = data.validate(suite, result_format={"result_format": "BOOLEAN_ONLY"})
                if not result.success:
                    result = data.validate(suite, result_format=summary)
            else:
                # Stored suites, definitions and results are what Data Docs are built from. Data
                # Docs need BASIC results at least (they read observed values); a failing frame's
                # full result is stored under the same key and replaces the first.
                suite, changed = _stored_suite(context, suite, docs_dir)
                if changed:
                    rendered_suites.append(batch.name)
                definition = _stored_definition(gx, context, batch.name, whole, suite)
                basic = {"result_format": "BASIC", "partial_unexpected_count": 0}
                result = definition.run(batch_parameters=parameters, result_format=basic, run_id=run)
                if not result.success:
                    result = definition.run(batch_parameters=parameters, result_format=summary, run_id=run)
            batch.outcomes = _outcomes(batch, result.results)
            batch.release()

        if docs_dir is not None:
            _build_docs(context, docs_dir, run, names, rendered_suites, full_site)


def _frame_batch_definition(context: Any) -> Any:
    """The one pandas asset every frame is handed to at validation time (reused in a file context)."""
    try:
        datasource = context.data_sources.get("relais")
    except (KeyError, ValueError, LookupError):
        datasource = context.data_sources.add_pandas("relais")
    try:
        asset = datasource.get_asset("warehouse")
    except LookupError:
        asset = datasource.add_dataframe_asset("warehouse")
    try:
        return asset.get_batch_definition("frame")
    except (KeyError, ValueError, LookupError):
        return asset.add_batch_definition_whole_dataframe("frame")


def _configs(suite: Any) -> list[dict[str, Any]]:
    configs = []
    for expectation in suite.expectations:
        config = expectation.configuration.to_json_dict()
        config.pop("id", None)
        configs.append(config)
    return configs


def _stored_suite(context: Any, suite: Any, docs_dir: Path) -> tuple[Any, bool]:
    """The stored suite, saved again only when the code changed it; ``True`` when it must be rendered."""
    page = docs_dir / "data_docs" / "expectations" / (suite.name.replace(".", "/") + ".html")
    try:
        stored = context.suites.get(suite.name)
    except Exception:  # DataContextError when missing
        return context.suites.add(suite), True
    if _configs(stored) != _configs(suite):
        return context.suites.add_or_update(suite), True
    return stored, not page.exists()


def _stored_definition(gx: Any, context: Any, name: str, whole: Any, suite: Any) -> Any:
    try:
        definition = context.validation_definitions.get(name)
        if definition.suite.id == suite.id and definition.batch_definition.id == whole.id:
            return definition
    except Exception:  # DataContextError when missing, or a definition its context cannot resolve
        pass
    return context.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=name, data=whole, suite=suite)
    )


def _expectations(gxe: Any, checks: Iterable[Check]) -> list[Any]:
    """The GX expectations of the checks, each carrying its check's name and severity in ``meta``."""
    expectations = []
    for check in checks:
        for expectation in check.expectations:
            kwargs = dict(expectation.kwargs)
            if expectation.type == "expect_column_pair_values_a_to_be_greater_than_b":
                kwargs.setdefault("ignore_row_if", "either_value_is_missing")
            expectations.append(
                getattr(gxe, _gx_class_name(expectation.type))(
                    **kwargs,
                    meta={"check": check.name, "severity": check.severity},
                    notes=f"[{check.severity}] {check.name}: {check.description}",
                )
            )
    return expectations


def _outcomes(batch: _Batch, results: Iterable[Any]) -> list[CheckOutcome]:
    by_check: dict[str, list[Any]] = {}
    for result in results:
        by_check.setdefault(result.expectation_config.meta["check"], []).append(result)
    outcomes = []
    for check in batch.checks:
        check_results = by_check.get(check.name, [])
        success = len(check_results) == len(check.expectations) and all(r.success for r in check_results)
        count, examples, notes = 0, [], []
        for r in check_results:
            if r.success:
                continue
            n, found, note = _failure(r, batch.frame.ids)
            count += n
            examples.extend(e for e in found if e not in examples)
            if note:
                notes.append(note)
        if len(check_results) != len(check.expectations):
            notes.append(f"{len(check.expectations) - len(check_results)} expectation(s) gave no result")
        rows = batch.rows
        status = "Passed" if success else f"Failed: {count} unexpected (frame of {rows} rows)"
        details = f"{check.description} {status}" + (f" ({'; '.join(notes)})" if notes else "") + "."
        outcomes.append(
            CheckOutcome(
                batch.suite.table,
                check.name,
                check.severity,
                success,
                count,
                examples[:MAX_EXAMPLES],
                details,
            )
        )
    return outcomes


def _failure(result: Any, ids: tuple[str, ...]) -> tuple[int, list[str], str]:
    """(unexpected count, examples, note) of one failed expectation result."""
    config = result.expectation_config
    info = result.exception_info or {}
    errors = [info] if "raised_exception" in info else [v for v in info.values() if isinstance(v, dict)]
    raised = [e.get("exception_message") for e in errors if e.get("raised_exception")]
    if raised:
        return 1, [], f"{config.type} raised {raised[0]}"
    details = result.result or {}
    if config.type == "expect_table_columns_to_match_ordered_list":
        expected = list(config.kwargs.get("column_list") or [])
        observed = list(details.get("observed_value") or [])
        missing = [c for c in expected if c not in observed]
        extra = [c for c in observed if c not in expected]
        examples = [f"missing: {c}" for c in missing] + [f"not documented: {c}" for c in extra]
        if not examples:
            examples = [f"order: {', '.join(observed)}"]
        return max(len(missing) + len(extra), 1), examples, "published columns differ from docs/metrics.md"
    count = int(details.get("unexpected_count") or 0)
    column = config.kwargs.get("column")
    listed = details.get("partial_unexpected_index_list") or []
    if listed and isinstance(listed[0], dict):
        examples = [_describe(entry, ids) for entry in listed]
    else:
        examples = [
            f"{column}={_value(v)}" if column else _value(v)
            for v in details.get("partial_unexpected_list") or []
        ]
    if not count and not result.success:
        count = 1
        if "observed_value" in details:
            examples = [f"observed {_value(details['observed_value'])}"]
    return count, list(dict.fromkeys(examples)), ""


def _describe(entry: Mapping[str, Any], ids: tuple[str, ...]) -> str:
    """``id=value, ..., column=value`` with the frame's id columns first."""
    ordered = [k for k in ids if k in entry] + [k for k in entry if k not in ids]
    return ", ".join(f"{k}={_value(entry[k])}" for k in ordered)


def _value(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "NULL"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    if text in {"NaT", "nan", "None", "<NA>"}:
        return "NULL"
    if text.endswith(" 00:00:00"):
        text = text[: -len(" 00:00:00")]
    return text


def _build_docs(
    context: Any, docs_dir: Path, run: Any, names: set[str], rendered_suites: list[str], full_site: bool
) -> None:
    """Point the site at ``docs_dir/data_docs``, keep the last ``KEEP_RUNS`` runs, render this run.

    Only this run's validation pages and the suites new or changed are rendered (other pages stay as
    they were rendered); the index is rebuilt over every run kept.
    """
    from great_expectations.data_context.types.resource_identifiers import ExpectationSuiteIdentifier

    site = {
        "class_name": "SiteBuilder",
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        "store_backend": {
            "class_name": "TupleFilesystemStoreBackend",
            "base_directory": str((docs_dir / "data_docs").resolve()),
        },
    }
    sites = context.list_data_docs_sites()
    for other in [s for s in sites if s != DOCS_SITE]:
        context.delete_data_docs_site(other)
    if DOCS_SITE in sites:
        context.update_data_docs_site(DOCS_SITE, site)
    else:
        context.add_data_docs_site(DOCS_SITE, site)
    if full_site:  # suites no longer in the code leave the site
        for suite in list(context.suites.all()):
            if suite.name not in names:
                context.suites.delete(suite.name)
    store = context.validation_results_store
    keys = store.list_keys()
    times = sorted({k.run_id.run_time for k in keys}, reverse=True)
    kept = set(times[:KEEP_RUNS])
    for key in keys:
        if key.run_id.run_time not in kept:
            store.remove_key(key)
    fresh = [k for k in keys if k.run_id.run_name == run.run_name and k.run_id.run_time == run.run_time]
    suites = [ExpectationSuiteIdentifier(name=name) for name in rendered_suites]
    context.build_data_docs(site_names=[DOCS_SITE], resource_identifiers=[*suites, *fresh])


def outcome_rows(
    outcomes: Iterable[CheckOutcome], run_id: str, checked_at: dt.datetime
) -> list[tuple[str, dt.datetime, str, str, str, bool, int, str]]:
    """Rows of ``marts.quality_checks`` (``QUALITY_CHECKS_COLUMNS``); the examples end the details."""
    rows = []
    for o in outcomes:
        details = o.details + (f" Examples: {'; '.join(o.examples)}" if o.examples else "")
        rows.append(
            (
                run_id,
                checked_at,
                o.table_name,
                o.check_name,
                o.severity,
                o.success,
                o.unexpected_count,
                details,
            )
        )
    return rows


def summary_line(outcomes: Iterable[CheckOutcome]) -> str:
    """E.g. ``Quality: 142 checks, 140 passed, 1 warning failed (freshness), 1 blocking failed (...)``."""
    outcomes = list(outcomes)
    passed = sum(o.success for o in outcomes)
    warned = [o for o in outcomes if not o.success and o.severity == WARN]
    blocked = [o for o in outcomes if not o.success and o.severity != WARN]
    parts = [f"Quality: {len(outcomes)} checks", f"{passed} passed"]

    def listed(failed: list[CheckOutcome], label: str) -> str:
        names = [f"{o.table_name} {o.check_name}" for o in failed]
        shown = ", ".join(names[:4]) + (f", and {len(names) - 4} more" if len(names) > 4 else "")
        return f"{len(failed)} {label} failed ({shown})"

    if warned:
        parts.append(listed(warned, "warning" if len(warned) == 1 else "warnings"))
    if blocked:
        parts.append(listed(blocked, "blocking"))
    return ", ".join(parts)
