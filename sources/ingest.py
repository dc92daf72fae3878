"""Load one source's extract for one month into the warehouse (pure: no Dagster).

Snapshots (a source declared `snapshot=True`: early_help, dwp, cross_keys_homes): a month without a file reuses
the latest earlier snapshot and says so in the load summary; nothing is copied, since the rules read the snapshot
history. A snapshot older than `loading.max_snapshot_age_months` fails. Increments (police, school_attendance): a
month without a file had none. A month without a landing folder fails unless snapshots are carried forward.
A file that cannot be read fails with a one-line reason (file, row, column) recorded in the load summary.
Every table is replaced for (month, source) in one transaction, so a re-run leaves identical tables; rows
older than the source's retention are purged in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from settings import DataDir, Settings, months_before, months_between
from sources import ExtractError, find_extract, sort_landing_folder
from sources.landing import EXTENSIONS
from sources.loading import load_extract_chunks
from sources.reading import CHUNK_ROWS
from sources.registry import check_source_settings, get_source
from warehouse.db import delete_and_insert, ensure_staging_table, insert_frame
from warehouse.files import write_csv_atomic

# contracts/outputs.md's columns first, then what the co-ordinator needs besides.
LOAD_SUMMARY_COLUMNS = [
    "source", "file", "rows_read", "rows_loaded", "rows_quarantined", "duplicates_removed", "used_from_month",
    "status", "note", "rows_purged",
]
QUARANTINE_COLUMNS = ["source", "file", "row_number", "column", "reason", "row_key"]
PURGED_TABLES = ("raw.extract_rows", "ops.quarantine")  # with staging.<source>
LOAD_MEMORY_LIMIT = "1GB"


@dataclass(frozen=True)
class SourceLoad:
    source: str
    month: str
    file: str | None
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    duplicates_removed: int
    used_from_month: str | None
    status: str = "loaded"     # loaded | no extract | carried forward | failed
    note: str | None = None    # one line, no personal data: why it failed, or what else to know
    rows_purged: int = 0       # rows older than the source's retention, removed this run

    @property
    def failed(self) -> bool:
        return self.status == "failed"

    def as_metadata(self) -> dict[str, str | int]:
        return {key: value for key, value in self.__dict__.items() if value is not None}


def _latest_snapshot_month(con: duckdb.DuckDBPyConnection, source: str, month: str) -> str | None:
    row = con.execute(
        f"SELECT max(month) FROM staging.{source} WHERE month < ?", [month]
    ).fetchall()
    return row[0][0] if row else None


def _without_file(con: duckdb.DuckDBPyConnection, source: str, month: str, settings: Settings) -> SourceLoad:
    if not get_source(source).snapshot:
        return SourceLoad(source, month, None, 0, 0, 0, 0, None, status="no extract")
    used_from = _latest_snapshot_month(con, source, month)
    if used_from is None:
        return SourceLoad(source, month, None, 0, 0, 0, 0, None, status="no extract", note="no earlier snapshot")
    age = len(months_between(used_from, month)) - 1
    maximum = settings.loading.max_snapshot_age_months
    if age > maximum:
        return SourceLoad(source, month, None, 0, 0, 0, 0, used_from, status="failed",
                          note=f"latest snapshot is {used_from}, {age} months old; maximum {maximum}")
    return SourceLoad(source, month, None, 0, 0, 0, 0, used_from, status="carried forward")


def _purge(con: duckdb.DuckDBPyConnection, source: str, month: str, settings: Settings) -> int:
    """Delete the source's months older than its retention, counted back from the latest month loaded;
    return the rows read that were purged (raw.extract_rows holds one per row read)."""
    keep = settings.loading.retention_months.get(source)
    if keep is None:
        return 0
    latest = max(month, con.execute("SELECT max(month) FROM ops.load_summary").fetchall()[0][0] or month)
    first_kept = months_before(latest, keep - 1)
    purged = con.execute("SELECT count(*) FROM raw.extract_rows WHERE month < ? AND source = ?",
                         [first_kept, source]).fetchall()[0][0]
    con.execute(f"DELETE FROM staging.{source} WHERE month < ?", [first_kept])
    for table in PURGED_TABLES:
        con.execute(f"DELETE FROM {table} WHERE month < ? AND source = ?", [first_kept, source])
    return int(purged)


def ingest_month(con: duckdb.DuckDBPyConnection, paths: DataDir, source: str, month: str,
                 settings: Settings, *, carry_forward: bool | None = None,
                 chunk_rows: int = CHUNK_ROWS) -> SourceLoad:
    """Read the source's file in `landing/<month>/`, validate and standardise it, and replace the month's rows.

    The file is read and written a chunk at a time inside one transaction, so memory stays bounded and a file
    that fails part-way leaves the warehouse as it was. `carry_forward` (default: the `loading.carry_forward`
    setting) lets a month without a landing folder carry every snapshot forward. A file that cannot be read
    is a failed load, never an exception.
    """
    carry_forward = settings.loading.carry_forward if carry_forward is None else carry_forward
    check_source_settings(settings)
    declared = get_source(source)
    ensure_staging_table(con, declared.staging_table, declared.staging)   # a source schema.sql does not hold
    try:
        return _replace_month(con, paths, source, month, settings, carry_forward, chunk_rows)
    except ExtractError as error:
        failed = SourceLoad(source, month, error.file if error.file.endswith(EXTENSIONS) else None,
                            0, 0, 0, 0, None, status="failed", note=str(error))
        return _replace_month(con, paths, source, month, settings, carry_forward, chunk_rows, failed)


def _replace_month(con: duckdb.DuckDBPyConnection, paths: DataDir, source: str, month: str, settings: Settings,
                   carry_forward: bool, chunk_rows: int, failed: SourceLoad | None = None) -> SourceLoad:
    """The file's chunks go to scratch tables, each chunk committed (DuckDB holds a transaction's uncommitted
    rows in memory); then one transaction replaces the month's rows of the source with the scratch tables'
    (none when `failed`), writes the summary row and purges older rows. A crash leaves only scratch tables,
    which the next load replaces."""
    previous_limit = con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
    con.execute(f"SET memory_limit = '{LOAD_MEMORY_LIMIT}'")
    targets = (f"staging.{source}", *PURGED_TABLES)
    scratch = {table: f"loading.{table.replace('.', '__')}" for table in targets}
    try:
        con.execute("CREATE SCHEMA IF NOT EXISTS loading")
        for table in targets:
            con.execute(f"CREATE OR REPLACE TABLE {scratch[table]} AS SELECT * FROM {table} LIMIT 0")
        load = failed or _load_file(con, paths, source, month, settings, carry_forward, chunk_rows, scratch)
        con.execute("BEGIN TRANSACTION")
        try:
            for table in targets:
                delete_and_insert(con, table, month, pd.DataFrame(), None if table.startswith("staging.") else source)
                con.execute(f"INSERT INTO {table} SELECT * FROM {scratch[table]}")
            purged = _purge(con, source, month, settings)
            load = SourceLoad(**{**load.__dict__, "rows_purged": purged})
            delete_and_insert(con, "ops.load_summary", month, _summary_row(load), source)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    finally:
        for table in targets:
            con.execute(f"DROP TABLE IF EXISTS {scratch[table]}")
        con.execute(f"SET memory_limit = '{previous_limit}'")
    return load


def _load_file(con: duckdb.DuckDBPyConnection, paths: DataDir, source: str, month: str, settings: Settings,
               carry_forward: bool, chunk_rows: int, scratch: dict[str, str]) -> SourceLoad:
    folder = paths.landing_month(month)
    if not folder.is_dir() and not carry_forward:
        raise ExtractError(f"landing/{month}", "no landing folder for the month; put the month's files there, "
                           "or run with --carry-forward to use the latest snapshots")
    path = find_extract(folder, source)
    if path is None:
        return _without_file(con, source, month, settings)
    mapping = paths.mapping(source)
    read = loaded = quarantined = repeats = 0
    for chunk in load_extract_chunks(path, source, month, mapping_path=mapping if mapping.exists() else None,
                                     settings=settings, towns=settings.towns, chunk_rows=chunk_rows):
        insert_frame(con, scratch[f"staging.{source}"], chunk.staged)
        insert_frame(con, scratch["raw.extract_rows"], chunk.raw)
        insert_frame(con, scratch["ops.quarantine"], chunk.quarantine)
        read, loaded = read + chunk.rows_read, loaded + chunk.rows_loaded
        quarantined, repeats = quarantined + chunk.rows_quarantined, repeats + chunk.duplicates_removed
    return SourceLoad(source, month, path.name, read, loaded, quarantined, repeats,
                      used_from_month=month if get_source(source).snapshot else None)


def _summary_row(load: SourceLoad) -> pd.DataFrame:
    return pd.DataFrame([{
        "month": load.month, "source": load.source, "source_file": load.file, "rows_read": load.rows_read,
        "rows_loaded": load.rows_loaded, "rows_quarantined": load.rows_quarantined,
        "duplicates_removed": load.duplicates_removed, "used_from_month": load.used_from_month,
        "status": load.status, "note": load.note, "rows_purged": load.rows_purged,
    }])


def unrecognised_files(paths: DataDir, month: str) -> dict[str, str]:
    """Files in the month's landing folder that no source reads, and why: for the load summary and a warning."""
    return sort_landing_folder(paths.landing_month(month), month).unrecognised


def write_load_files(con: duckdb.DuckDBPyConnection, paths: DataDir, month: str, out: Path | None = None) -> None:
    """`load_summary.csv` and `quarantine.csv` for the month, from what the warehouse holds now, into `out`
    (a `warehouse.files.month_files` staging folder) or else straight into the month's output folder.

    The summary also lists each landing file no source reads, with status `not read` and why.
    """
    summary = con.execute(
        """SELECT source, source_file AS file, rows_read, rows_loaded, rows_quarantined, duplicates_removed,
                  used_from_month, status, note, rows_purged
           FROM ops.load_summary WHERE month = ? ORDER BY source""", [month]).df()
    ignored = pd.DataFrame([{"file": name, "rows_read": 0, "rows_loaded": 0, "rows_quarantined": 0,
                             "duplicates_removed": 0, "status": "not read", "note": why, "rows_purged": 0}
                            for name, why in unrecognised_files(paths, month).items()],
                           columns=LOAD_SUMMARY_COLUMNS)
    if len(ignored):
        summary = pd.concat([summary, ignored], ignore_index=True)
    quarantine = con.execute(
        """SELECT source, source_file AS file, row_number, "column", reason, row_key
           FROM ops.quarantine WHERE month = ? ORDER BY source, row_number, "column" NULLS FIRST, reason""",
        [month]).df()
    out = out or paths.output(month)
    write_csv_atomic(summary[LOAD_SUMMARY_COLUMNS], out / "load_summary.csv")
    write_csv_atomic(quarantine[QUARANTINE_COLUMNS], out / "quarantine.csv")
