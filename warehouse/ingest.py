"""Load one source's extract for one month into the warehouse (pure: no Dagster).

Snapshots (early_help, dwp, cross_keys_homes): a month without a file reuses the latest earlier
snapshot and says so in the load summary; nothing is copied, since the rules read the snapshot history.
Increments (police, school_attendance): a month without a file had none.
Every table is replaced for (month, source) in one transaction, so a re-run leaves identical tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from settings import DataDir, Settings
from sources import SNAPSHOT_SOURCES, find_extract, load_extract
from warehouse.db import delete_and_insert
from warehouse.files import write_csv_atomic

LOAD_SUMMARY_COLUMNS = [
    "source", "file", "rows_read", "rows_loaded", "rows_quarantined", "duplicates_removed", "used_from_month",
]
QUARANTINE_COLUMNS = ["source", "file", "row_number", "column", "reason", "row_key"]


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

    def as_metadata(self) -> dict[str, str | int]:
        return {key: value for key, value in self.__dict__.items() if value is not None}


def _latest_snapshot_month(con: duckdb.DuckDBPyConnection, source: str, month: str) -> str | None:
    row = con.execute(
        f"SELECT max(month) FROM staging.{source} WHERE month < ?", [month]
    ).fetchall()
    return row[0][0] if row else None


def ingest_month(con: duckdb.DuckDBPyConnection, paths: DataDir, source: str, month: str,
                 settings: Settings) -> SourceLoad:
    """Read `landing/<month>/<source>.*`, validate and standardise it, and replace the month's rows."""
    path = find_extract(paths.landing_month(month), source)
    mapping = paths.mapping(source)
    result = load_extract(path, source, month, mapping_path=mapping if mapping.exists() else None,
                          settings=settings, towns=settings.towns) if path else None

    used_from = month if result else (_latest_snapshot_month(con, source, month) if source in SNAPSHOT_SOURCES else None)
    load = SourceLoad(
        source=source, month=month, file=result.file if result else None,
        rows_read=result.rows_read if result else 0, rows_loaded=result.rows_loaded if result else 0,
        rows_quarantined=result.rows_quarantined if result else 0,
        duplicates_removed=result.duplicates_removed if result else 0,
        used_from_month=used_from if source in SNAPSHOT_SOURCES else None,
    )
    summary = pd.DataFrame([{
        "month": month, "source": source, "source_file": load.file, "rows_read": load.rows_read,
        "rows_loaded": load.rows_loaded, "rows_quarantined": load.rows_quarantined,
        "duplicates_removed": load.duplicates_removed, "used_from_month": load.used_from_month,
    }])
    empty = pd.DataFrame()
    con.execute("BEGIN TRANSACTION")
    try:
        delete_and_insert(con, f"staging.{source}", month, result.staged if result else empty)
        delete_and_insert(con, "raw.extract_rows", month, result.raw if result else empty, source)
        delete_and_insert(con, "ops.quarantine", month, result.quarantine if result else empty, source)
        delete_and_insert(con, "ops.load_summary", month, summary, source)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return load


def write_load_files(con: duckdb.DuckDBPyConnection, paths: DataDir, month: str, out: Path | None = None) -> None:
    """`load_summary.csv` and `quarantine.csv` for the month, from what the warehouse holds now, into `out`
    (a `warehouse.files.month_files` staging folder) or else straight into the month's output folder."""
    summary = con.execute(
        """SELECT source, source_file AS file, rows_read, rows_loaded, rows_quarantined, duplicates_removed,
                  used_from_month
           FROM ops.load_summary WHERE month = ? ORDER BY source""", [month]).df()
    quarantine = con.execute(
        """SELECT source, source_file AS file, row_number, "column", reason, row_key
           FROM ops.quarantine WHERE month = ? ORDER BY source, row_number, "column" NULLS FIRST, reason""",
        [month]).df()
    out = out or paths.output(month)
    write_csv_atomic(summary[LOAD_SUMMARY_COLUMNS], out / "load_summary.csv")
    write_csv_atomic(quarantine[QUARANTINE_COLUMNS], out / "quarantine.csv")
