"""Connections and month-scoped writes.

DuckDB allows one writing process per file; a run holds the data folder's run lock (runtime/run_lock.py)
for its whole length, so writes of two runs never interleave.

With `CFAM_ENCRYPTION_KEY` set, the warehouse is a DuckDB encrypted database (AES-GCM): every connection
is an in-memory DuckDB with the file attached under the key and made the default catalog, so callers'
SQL is unchanged. A plain warehouse is converted on first use.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from warehouse.migrations import migrate

ENCRYPTION_KEY_VARIABLE = "CFAM_ENCRYPTION_KEY"
CATALOG = "cfam"


class WarehouseKeyError(ValueError):
    """The warehouse cannot be opened with the key given (or without one): a configuration error."""


def schema_sql() -> str:
    return resources.files("warehouse").joinpath("schema.sql").read_text(encoding="utf-8")


@cache
def table_columns(table: str) -> tuple[tuple[str, str, bool], ...]:
    """(name, DuckDB type, nullable) of a warehouse table, read from the schema itself: the one contract that
    the loaders and the validation suites derive their columns from."""
    con = duckdb.connect(":memory:")
    try:
        con.execute(schema_sql())
        rows = con.execute(f"DESCRIBE {table}").fetchall()
    finally:
        con.close()
    return tuple((name, column_type, null == "YES") for name, column_type, null, *_ in rows)


def ensure_staging_table(con: duckdb.DuckDBPyConnection, table: str, columns: Mapping[str, str]) -> None:
    """Create `table` (schema.table) from the column declaration handed to it, name -> DuckDB type (with NOT NULL
    where it applies), unless it exists: a partner extract declared in sources/ whose table schema.sql lacks.
    The warehouse stores what it is given and knows no extract layout."""
    definition = ", ".join(f'"{name}" {column_type}' for name, column_type in columns.items())
    con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({definition})").fetchall()


def declared_columns(columns: Mapping[str, str]) -> tuple[tuple[str, str, bool], ...]:
    """(name, DuckDB type, nullable) of a table declared as `ensure_staging_table` takes it, as DuckDB spells
    the types (`DECIMAL(12,2)`), so a declaration compares with `table_columns`."""
    return _declared_columns(tuple(columns.items()))


@cache
def _declared_columns(columns: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str, bool], ...]:
    con = duckdb.connect(":memory:")
    try:
        con.execute("CREATE SCHEMA declared")
        ensure_staging_table(con, "declared.columns", dict(columns))
        rows = con.execute("DESCRIBE declared.columns").fetchall()
    finally:
        con.close()
    return tuple((name, column_type, null == "YES") for name, column_type, null, *_ in rows)


def connect(path: Path | str, memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the warehouse file with its schema applied, encrypted when a key is set.

    The warehouse folder and file are owner-only: they hold personal data. memory_limit (e.g. "2GB", the setting
    duckdb_memory_limit): what DuckDB may hold before it writes intermediate data to `<warehouse>.tmp`, a folder
    beside the file, owner-only, its files encrypted when the warehouse is.
    """
    if str(path) == ":memory:":
        con = duckdb.connect(":memory:")
    else:
        path = Path(path)
        if not path.parent.exists():   # a folder of its own: owner-only (mkdir's mode is masked by the umask)
            path.parent.mkdir(mode=0o700, parents=True)
            os.chmod(path.parent, 0o700)
        # an existing folder is left as it is: it may be shared (a warehouse opened in /tmp once made /tmp
        # owner-only, and apt and every other user's programs failed); the files below are owner-only
        key = os.environ.get(ENCRYPTION_KEY_VARIABLE)
        con = _connect_encrypted(path, key) if key else _connect_plain(path)
        for file in (path, path.with_name(path.name + ".wal")):
            if file.exists():
                os.chmod(file, 0o600)
        _spill_beside(con, path, encrypted=bool(key))
    if memory_limit:
        con.execute(f"SET memory_limit = '{memory_limit}'")   # the setting's pattern admits only a size
    con.execute(schema_sql())
    migrate(con)
    return con


def _spill_beside(con: duckdb.DuckDBPyConnection, path: Path, encrypted: bool) -> None:
    """Where DuckDB writes what does not fit in memory: beside the warehouse (an encrypted warehouse's connection
    is in memory, and would otherwise spill to the working directory, in the clear). DuckDB creates the folder
    when it first needs it, under the run's owner-only umask (runtime/resources.py), and removes it on close."""
    con.execute(f"SET temp_directory = '{_sql_path(path.with_name(path.name + '.tmp'))}'")
    if encrypted:
        con.execute("SET temp_file_encryption = true")


def _connect_plain(path: Path) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(str(path))
    except duckdb.CatalogException as error:
        if "encrypted" in str(error):
            raise WarehouseKeyError(f"{path}: the warehouse is encrypted: set {ENCRYPTION_KEY_VARIABLE}") from None
        raise


def _crypto(con: duckdb.DuckDBPyConnection) -> None:
    """DuckDB writes encrypted files with OpenSSL from its httpfs extension; without it (an offline install)
    only its built-in mbedtls is there, which DuckDB marks as weaker (its nonces): we use it, and say so."""
    try:
        con.execute("LOAD httpfs")
    except duckdb.Error:
        warnings.warn("DuckDB's httpfs extension is not installed: the warehouse is encrypted with DuckDB's "
                      "built-in mbedtls; install httpfs (INSTALL httpfs) for OpenSSL", stacklevel=3)
        con.execute("SET force_mbedtls_unsafe = true")


def _attach_encrypted(path: Path, key: str, alias: str = CATALOG) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    _crypto(con)
    try:
        con.execute(f"ATTACH '{_sql_path(path)}' AS {alias} (ENCRYPTION_KEY ?)", [key])
    except BaseException:
        con.close()
        raise
    return con


def _connect_encrypted(path: Path, key: str) -> duckdb.DuckDBPyConnection:
    try:
        con = _attach_encrypted(path, key)
    except duckdb.CatalogException as error:
        if "not encrypted" not in str(error):
            raise
        encrypt_plain_warehouse(path, key)
        con = _attach_encrypted(path, key)
    except duckdb.InvalidInputException as error:
        if "key" in str(error).lower():
            raise WarehouseKeyError(
                f"{path}: {ENCRYPTION_KEY_VARIABLE} does not open this warehouse (wrong key); nothing was changed"
            ) from None
        raise
    con.execute(f"USE {CATALOG}")
    return con


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def _table_counts(con: duckdb.DuckDBPyConnection, catalog: str) -> dict[str, int]:
    tables = con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = ? ORDER BY ALL", [catalog]
    ).fetchall()
    return {f"{schema}.{table}": con.execute(f'SELECT count(*) FROM {catalog}."{schema}"."{table}"').fetchall()[0][0]
            for schema, table in tables}


def encrypt_plain_warehouse(path: Path, key: str) -> None:
    """Copy a plain warehouse into an encrypted one, verify the copy (every table, row for row by count),
    then swap it in. The plain file is kept as `<name>.plain-backup` until the encrypted copy is in
    place, then removed (a plain copy left behind would defeat the encryption)."""
    encrypted = path.with_name(path.name + ".encrypting")
    backup = path.with_name(path.name + ".plain-backup")
    for leftover in (encrypted, encrypted.with_name(encrypted.name + ".wal")):
        leftover.unlink(missing_ok=True)
    con = duckdb.connect(":memory:")
    try:
        _crypto(con)
        con.execute(f"ATTACH '{_sql_path(path)}' AS plain")  # read-write: replays a left-over WAL first
        con.execute("CHECKPOINT plain")
        con.execute(f"ATTACH '{_sql_path(encrypted)}' AS encrypted (ENCRYPTION_KEY ?)", [key])
        con.execute("COPY FROM DATABASE plain TO encrypted")
        con.execute("CHECKPOINT encrypted")
        if _table_counts(con, "plain") != _table_counts(con, "encrypted"):
            raise RuntimeError(f"{path}: the encrypted copy does not match the plain warehouse; nothing was changed")
    finally:
        con.close()
    os.chmod(encrypted, 0o600)
    os.replace(path, backup)
    os.replace(encrypted, path)
    backup.unlink()


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame | pa.Table) -> Iterator[str]:
    """`frame` as the view `name` of `con` while the block runs; unregistered after, whatever happens."""
    con.register(name, frame)
    try:
        yield name
    finally:
        con.unregister(name)


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
    with registered(con, "_month_frame", as_arrow(frame, target)):
        con.execute(f"INSERT INTO {table} ({quoted}) SELECT {quoted} FROM _month_frame")
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
