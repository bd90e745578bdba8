"""The gate's frames read through Arrow equal those DuckDB's ``.df()`` gave, type by type."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from relais.quality.pandas_frames import arrow_for_pandas, pandas_frame, vectorisable

ROWS = """
SELECT * FROM (VALUES
  (1::BIGINT, 2::BIGINT, DATE '2026-01-02', 1.5::DOUBLE, TIMESTAMP '2026-01-02 03:04:05.123456',
   true, true, 3::INTEGER, 5::HUGEINT, 'x', 'é', DATE '9999-12-31', 1.25::DECIMAL(10, 2)),
  (NULL, 3, NULL, NULL, NULL, NULL, false, NULL, NULL, NULL, 'y', DATE '0001-01-01', NULL)
) AS v(big_null, big, day, ratio, moment, flag_null, flag, small_null, huge, text_null, text,
       far_day, amount)
"""


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    return duckdb.connect()


def test_every_warehouse_type_reads_as_df_then_vectorisable_gave_it(con: duckdb.DuckDBPyConnection) -> None:
    expected = vectorisable(con.execute(ROWS).df())
    got = pandas_frame(con.sql(ROWS).to_arrow_table())
    assert dict(got.dtypes) == dict(expected.dtypes)
    pd.testing.assert_frame_equal(got, expected)


def test_vectorisable_dtypes(con: duckdb.DuckDBPyConnection) -> None:
    got = pandas_frame(con.sql(ROWS).to_arrow_table())
    assert str(got["big_null"].dtype) == "float64"  # nullable integers become floats
    assert str(got["day"].dtype) == "datetime64[ns]"  # dates within range, at nanoseconds
    assert str(got["far_day"].dtype) == "datetime64[us]"  # out of the nanosecond range: kept
    assert str(got["flag_null"].dtype) == "boolean"
    assert str(got["flag"].dtype) == "bool"
    assert got["huge"].tolist()[0] == 5.0


def test_arrow_for_pandas_only_touches_dates_and_decimals(con: duckdb.DuckDBPyConnection) -> None:
    table = con.sql(ROWS).to_arrow_table()
    changed = {
        name
        for name, before, after in zip(
            table.schema.names, table.schema.types, arrow_for_pandas(table).schema.types, strict=True
        )
        if before != after
    }
    assert changed == {"day", "far_day", "amount", "huge"}  # HUGEINT reaches Arrow as a decimal


def test_an_empty_result_keeps_its_columns(con: duckdb.DuckDBPyConnection) -> None:
    got = pandas_frame(con.sql(f"SELECT * FROM ({ROWS}) WHERE false").to_arrow_table())
    assert list(got.columns) == list(con.execute(ROWS).df().columns)
    assert len(got) == 0
