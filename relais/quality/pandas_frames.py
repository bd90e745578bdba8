"""Rows of the warehouse as the pandas frames Great Expectations validates, read through Arrow.

DuckDB's own ``.df()`` builds a Python object for every text cell, then pandas turns them into
Arrow-backed strings again: 1.39 s for a million rows of ``staging.agent_day_metrics``, against
0.24 s through ``to_arrow_table().to_pandas()``. ``pandas_frame`` takes that faster path and gives
each column the dtype ``.df()`` would have given it once made vectorisable (``vectorisable``):
dates as microsecond datetimes, HUGEINT and DECIMAL as floats, booleans with NULLs as pandas'
nullable ``boolean``; so every check sees the same values as before, only sooner.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pyarrow is imported when a frame is read: importing the gate stays cheap
    import pyarrow as pa


def arrow_for_pandas(table: pa.Table) -> pa.Table:
    """``table`` with its dates as microsecond timestamps and its decimals as doubles (as ``.df()``)."""
    import pyarrow as pa

    for index, column in enumerate(table.schema):
        kind = column.type
        if pa.types.is_date(kind):
            target: pa.DataType = pa.timestamp("us")
        elif pa.types.is_decimal(kind):
            target = pa.float64()
        else:
            continue
        table = table.set_column(index, column.name, table.column(index).cast(target))
    return table


def pandas_frame(table: pa.Table) -> Any:
    """The pandas frame of ``table``, dtypes as DuckDB's ``.df()`` then ``vectorisable`` give them."""
    import pyarrow as pa

    table = arrow_for_pandas(table)
    frame = table.to_pandas()
    for column in table.schema:
        if pa.types.is_boolean(column.type) and table.column(column.name).null_count:
            frame[column.name] = frame[column.name].astype("boolean")
    return vectorisable(frame)


def vectorisable(data: Any) -> Any:
    """The frame with dtypes GX compares in vectorised form rather than value by value.

    GX compares numbers vectorised only for numpy int and float columns, and datetimes only at
    nanosecond resolution: nullable integers (DuckDB BIGINT with NULLs) become floats (exact below
    2**53), microsecond datetimes nanosecond ones (unless out of that range: they stay as they are).
    """
    import pandas as pd

    for column in data.columns:
        dtype = data[column].dtype
        if isinstance(dtype, pd.api.extensions.ExtensionDtype) and pd.api.types.is_integer_dtype(dtype):
            data[column] = data[column].astype("float64")
        elif pd.api.types.is_datetime64_dtype(dtype) and not pd.api.types.is_datetime64_ns_dtype(dtype):
            with contextlib.suppress(ValueError, OverflowError):
                data[column] = data[column].astype("datetime64[ns]")
    return data
