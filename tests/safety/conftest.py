"""Helpers of the safety tests: a small sample town, the personal data of its truth, and real `cfam` runs."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd

TOWN_FAMILIES = 25


def cfam(data_dir: Path, *args: str, env: dict[str, str] | None = None, **popen) -> subprocess.Popen:
    """`cfam <args>` as a real process on `data_dir` (its own Dagster instance under it)."""
    inherited = {key: value for key, value in os.environ.items()
                 if key not in ("CFAM_TEST_KILL_AT", "CFAM_ENCRYPTION_KEY")}
    environment = {**inherited, "CFAM_DATA_DIR": str(data_dir), "DAGSTER_HOME": str(data_dir / "dagster"),
                   **(env or {})}
    return subprocess.Popen([sys.executable, "-m", "pipelines.cli", *args], env=environment,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)


def run_cfam(data_dir: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    process = cfam(data_dir, *args, env=env)
    out, err = process.communicate(timeout=600)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def personal_data(root: Path) -> dict[str, set[str]]:
    """Every forename, surname, date of birth (ISO and as the extracts write it), NINO and UPN of the
    town's truth, and every postcode in its landing extracts."""
    people = pd.read_csv(root / "truth" / "people.csv", dtype=str).fillna("")
    values: dict[str, set[str]] = {"forename": set(), "surname": set(), "date_of_birth": set(), "nino": set(),
                                   "upn": set(), "postcode": set()}
    for column in ("forename", "surname", "nino", "upn"):
        values[column] |= {value for value in people[column] if value}
    values["surname"] |= {value for value in people["previous_surname"] if value}
    for iso in (value for value in people["date_of_birth"] if value):
        year, month, day = iso.split("-")
        values["date_of_birth"] |= {iso, f"{day}/{month}/{year}"}
    for extract in (root / "landing").rglob("*.csv"):
        with extract.open(encoding="utf-8", errors="replace", newline="") as handle:
            for row in csv.DictReader(handle):
                for column, value in row.items():
                    if column and "postcode" in column.lower() and value and value.strip():
                        values["postcode"].add(value.strip())
    return values


def warehouse_tables(path: Path, month: str, env: dict[str, str] | None = None) -> dict[str, pd.DataFrame]:
    """Every table of the warehouse holding `month`'s rows (all rows of the others), in a total order."""
    import warehouse

    previous = {key: os.environ.get(key) for key in (env or {})}
    os.environ.update(env or {})
    try:
        with warehouse.connect(path) as con:
            tables = con.execute(
                "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database() "
                "ORDER BY ALL").fetchall()
            frames = {}
            for schema, table in tables:
                columns = [row[0] for row in con.execute(f'DESCRIBE "{schema}"."{table}"').fetchall()]
                where = " WHERE month = ?" if "month" in columns else ""
                frames[f"{schema}.{table}"] = con.execute(
                    f'SELECT * FROM "{schema}"."{table}"{where} ORDER BY ALL', [month] if where else []).df()
            return frames
    finally:
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def month_files(root: Path, month: str) -> dict[str, bytes]:
    folder = root / "output" / month
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def leftovers(root: Path) -> list[str]:
    """Staging folders, half-made links and `.part` files anywhere in the outputs."""
    output = root / "output"
    return sorted(str(path.relative_to(output)) for path in
                  [*output.glob(".*.link-*"), *output.glob(".versions/*staging*"), *output.rglob("*.part")])
