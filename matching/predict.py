"""Score person pairs with a saved model (no training here): Splink 5 on the caller's DuckDB connection."""

from __future__ import annotations

import logging
from typing import Any

import duckdb
import pandas as pd
from splink import DuckDBAPI, Linker

from matching.train import TF_KEYS_HASHED, splink_settings, tf_key_sql
from matching.udfs import register_udfs
from warehouse.db import registered


def score_pairs(con: duckdb.DuckDBPyConnection, left_table: str, right_table: str, model: dict[str, Any],
                threshold_match_probability: float, into: str) -> int:
    """Every blocked pair of (left, right) records scoring at least the threshold, into the TEMP table `into`
    (replaced; the pairs stay in DuckDB: at county scale they are millions); returns how many pairs were scored.

    Columns: unique_id_l (from `left_table`), unique_id_r, match_weight, match_probability,
    mw_<comparison> (each comparison's match weight).
    """
    register_udfs(con)
    hashed = bool(model.get(TF_KEYS_HASHED))
    model, term_frequencies = splink_settings(model)
    model = {**model, "retain_intermediate_calculation_columns": True, "retain_matching_columns": False}
    db_api = DuckDBAPI(connection=con)
    left = db_api.register(left_table, dataset_display_name=left_table)
    right = db_api.register(right_table, dataset_display_name=right_table)
    linker = Linker([left, right], model, log_level=logging.WARNING)
    try:
        # Frozen at training; without them Splink computes term frequencies from these two tables.
        for column, frequencies in (term_frequencies or {}).items():
            lookup = tf_lookup(con, column, frequencies, hashed, (left_table, right_table))
            linker.table_management.register_term_frequency_lookup(db_api.register(lookup), column)
        # Count the blocked pairs, then materialise only the pairs above the threshold (Splink reuses the
        # blocked pairs it keeps in its cache): every scored pair with its intermediate columns is gigabytes.
        blocked = linker.inference.compute_blocked_pairs_for_predict()
        pairs_scored = con.execute(f"SELECT count(*) FROM {blocked.physical_name}").fetchall()[0][0]
        predictions = linker.inference.predict(threshold_match_probability=threshold_match_probability)
        gammas = [f"mw_{comparison['output_column_name']}" for comparison in model["comparisons"]]
        columns = ", ".join(["unique_id_l", "unique_id_r", "match_weight", "match_probability", *gammas])
        swapped = ", ".join(["unique_id_r AS unique_id_l", "unique_id_l AS unique_id_r", "match_weight",
                             "match_probability", *gammas])
        # Splink orders each pair by source_dataset; put the left table's record on the left whatever the names.
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE {into} AS
            WITH left_name AS (SELECT any_value(source_dataset) AS name FROM {left_table})
            SELECT {columns} FROM {predictions.physical_name}
            WHERE source_dataset_l = (FROM left_name)
            UNION ALL
            SELECT {swapped} FROM {predictions.physical_name}
            WHERE source_dataset_l <> (FROM left_name)
        """).fetchall()
    finally:
        linker.table_management.delete_tables_created_by_splink_from_db()
    return int(pairs_scored)


def tf_lookup(con: duckdb.DuckDBPyConnection, column: str, frequencies: dict[str, float], hashed: bool,
               tables: tuple[str, str]) -> pd.DataFrame:
    """The frozen term frequencies as Splink's lookup ({column}, tf_{column}), for the values in `tables`.

    A model file keys its tables by a hash of each value: the values of this run's two tables are hashed and
    looked up, so the lookup with the names in it exists only in memory, for this run.
    """
    frozen = pd.DataFrame({"key": list(frequencies), "tf": list(frequencies.values())})
    key = tf_key_sql("value") if hashed else "value"
    with registered(con, "_cf_tf_frozen", frozen):
        return con.execute(f"""
            WITH present AS (SELECT DISTINCT {column} AS value FROM {tables[0]} WHERE {column} IS NOT NULL
                             UNION SELECT DISTINCT {column} FROM {tables[1]} WHERE {column} IS NOT NULL)
            SELECT value AS {column}, tf AS tf_{column}
            FROM present JOIN _cf_tf_frozen f ON f.key = {key} ORDER BY 1
        """).df()
