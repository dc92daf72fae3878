"""Connections and month-scoped writes.

DuckDB allows one writing process per file; within the process the Dagster assets that write take the
`duckdb` concurrency pool (limit 1), so writes never interleave.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd


def schema_sql() -> str:
    return resources.files("warehouse").joinpath("schema.sql").read_text(encoding="utf-8")


def connect(path: Path | str) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the warehouse file with its schema applied."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    con.execute(schema_sql())
    return con


def replace_month(con: duckdb.DuckDBPyConnection, table: str, month: str, frame: pd.DataFrame,
                  extra_where: str = "", params: list | None = None) -> int:
    """Replace `month`'s rows of `table` with `frame` in one transaction; return the rows written.

    Columns are matched by name, so the frame's column order does not matter; a column the table lacks
    is an error rather than silently dropped. `extra_where` narrows the delete (e.g. one source's rows).
    """
    table_columns = [row[0] for row in con.execute(f"DESCRIBE {table}").fetchall()]
    unknown = [column for column in frame.columns if column not in table_columns]
    if unknown:
        raise ValueError(f"{table}: columns not in the schema: {unknown}")
    columns = [column for column in table_columns if column in frame.columns]
    quoted = ", ".join(f'"{column}"' for column in columns)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f"DELETE FROM {table} WHERE month = ? {extra_where}", [month, *(params or [])])
        if len(frame):
            con.register("_replace_month_frame", frame)
            con.execute(f"INSERT INTO {table} ({quoted}) SELECT {quoted} FROM _replace_month_frame")
            con.unregister("_replace_month_frame")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return len(frame)
