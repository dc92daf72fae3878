"""Connections and month-scoped writes.

DuckDB allows one writing process per file; within the process the Dagster assets that write take the
`duckdb` concurrency pool (limit 1), so writes never interleave.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa


def schema_sql() -> str:
    return resources.files("warehouse").joinpath("schema.sql").read_text(encoding="utf-8")


def connect(path: Path | str) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the warehouse file with its schema applied."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    con.execute(schema_sql())
    return con


def delete_and_insert(con: duckdb.DuckDBPyConnection, table: str, month: str, frame: pd.DataFrame,
                      source: str | None = None) -> int:
    """Delete `month`'s rows of `table` (only `source`'s where given), then insert `frame`.

    No transaction of its own: callers that replace several tables together wrap them in one. Columns are
    matched by name; a column the table lacks is an error rather than silently dropped. The frame reaches
    DuckDB as Arrow in the table's own column types, so no order or emptiness of values can change a type.
    """
    target = con.sql(f"SELECT * FROM {table} LIMIT 0").to_arrow_table().schema
    unknown = [column for column in frame.columns if column not in target.names]
    if unknown:
        raise ValueError(f"{table}: columns not in the schema: {unknown}")
    if source is None:
        con.execute(f"DELETE FROM {table} WHERE month = ?", [month])
    else:
        con.execute(f"DELETE FROM {table} WHERE month = ? AND source = ?", [month, source])
    return insert_frame(con, table, frame, target)


def insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame,
                 target: pa.Schema | None = None) -> int:
    """Append `frame`'s rows to `table`, converted to the table's own column types (see `as_arrow`)."""
    if not len(frame):
        return 0
    target = target or con.sql(f"SELECT * FROM {table} LIMIT 0").to_arrow_table().schema
    quoted = ", ".join(f'"{column}"' for column in frame.columns)
    con.register("_month_frame", as_arrow(frame, target))
    try:
        con.execute(f"INSERT INTO {table} ({quoted}) SELECT {quoted} FROM _month_frame")
    finally:
        con.unregister("_month_frame")
    return len(frame)


def as_arrow(frame: pd.DataFrame, target: pa.Schema) -> pa.Table:
    """`frame`'s columns converted to the types of the same-named fields of `target`.

    DuckDB would otherwise guess an object column's type from a sample of its values: a column filled only
    in rows the sample skipped was guessed NULL, and its first value failed to load.
    """
    return pa.table({column: _arrow_column(frame[column], target.field(column).type) for column in frame.columns})


def _arrow_column(values: pd.Series, arrow_type: pa.DataType) -> pa.Array:
    try:
        return pa.array(values, type=arrow_type, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        # Floats into DECIMAL, timestamps into DATE: convert by the column's own dtype, then cast exactly.
        return pa.array(values, from_pandas=True).cast(arrow_type)


def replace_month(con: duckdb.DuckDBPyConnection, table: str, month: str, frame: pd.DataFrame) -> int:
    """Replace `month`'s rows of `table` with `frame` in one transaction; return the rows written."""
    con.execute("BEGIN TRANSACTION")
    try:
        written = delete_and_insert(con, table, month, frame)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return written
