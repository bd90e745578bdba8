"""Compare two published snapshots table by table: the proof that a change left every figure as it was.

Usage: ``python bench/compare_snapshots.py BEFORE.duckdb AFTER.duckdb``. Every table of either
snapshot is compared as a multiset of rows (order aside): same columns with the same types, same
row count, no row of one missing from the other. Columns that name the run and not the data
(``run_id``, ``published_at``, ``checked_at``) are left out. It prints one line per table and the
first differing rows, and exits 1 when anything differs.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

VOLATILE = {"run_id", "published_at", "checked_at"}
"""Columns that say when and by which run a table was made, not what it holds."""
SHOWN = 5


def _tables(con: duckdb.DuckDBPyConnection, database: str) -> dict[str, list[tuple[str, str]]]:
    rows = con.execute(
        "SELECT schema_name || '.' || table_name, column_name, data_type FROM duckdb_columns() "
        "WHERE database_name = ? ORDER BY 1, column_index",
        [database],
    ).fetchall()
    tables: dict[str, list[tuple[str, str]]] = {}
    for table, column, kind in rows:
        tables.setdefault(table, []).append((column, kind))
    return tables


def _difference(con: duckdb.DuckDBPyConnection, table: str, columns: list[str], a: str, b: str) -> list:
    listed = ", ".join(f'"{c}"' for c in columns)
    return con.execute(
        f"SELECT {listed} FROM {a}.{table} EXCEPT ALL SELECT {listed} FROM {b}.{table} LIMIT {SHOWN}"
    ).fetchall()


def compare(before: Path, after: Path) -> list[str]:
    """One line per table of either snapshot, and the differing rows; the lines that start with '!' differ."""
    con = duckdb.connect()
    con.execute(f"ATTACH '{before}' AS before (READ_ONLY)")
    con.execute(f"ATTACH '{after}' AS after (READ_ONLY)")
    old, new = _tables(con, "before"), _tables(con, "after")
    lines = []
    for table in sorted(old.keys() | new.keys()):
        if table not in old or table not in new:
            lines.append(f"! {table}: only in {'after' if table not in old else 'before'}")
            continue
        if old[table] != new[table]:
            lines.append(f"! {table}: columns differ: {old[table]} != {new[table]}")
            continue
        columns = [c for c, _ in old[table] if c not in VOLATILE]
        counts = [
            con.execute(f"SELECT count(*) FROM {db}.{table}").fetchone()[0] for db in ("before", "after")
        ]
        missing = _difference(con, table, columns, "before", "after")
        added = _difference(con, table, columns, "after", "before")
        if counts[0] != counts[1] or missing or added:
            lines.append(f"! {table}: {counts[0]} rows before, {counts[1]} after")
            lines += [f"    only before: {row}" for row in missing] + [
                f"    only after: {row}" for row in added
            ]
        else:
            lines.append(f"  {table}: {counts[0]} rows, identical")
    return lines


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    lines = compare(Path(argv[0]), Path(argv[1]))
    print("\n".join(lines))
    return 1 if any(line.startswith("!") for line in lines) else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
