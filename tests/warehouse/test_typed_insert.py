"""Frames reach DuckDB in the target table's own types, whatever the order or emptiness of their values."""

import pandas as pd
import pytest

import warehouse
from warehouse.db import delete_and_insert

# 2,047 rows reproduced the reported failure: DuckDB's sample of the `fields` column saw only empty values,
# guessed their type NULL, and the first later value failed (VARCHAR -> "NULL").
EMPTY_THEN_NOT = 2_047


def _raw_rows(fields: list[dict]) -> pd.DataFrame:
    return pd.DataFrame({
        "month": "2015-03", "source": "police", "source_file": "police.csv",
        "row_number": range(1, len(fields) + 1), "row_key": None, "outcome": "loaded", "fields": fields,
    })


@pytest.mark.parametrize("rows", [10, 1_000, EMPTY_THEN_NOT, 2_100, 5_000])
def test_a_map_value_empty_for_the_first_rows_then_present_loads(rows):
    con = warehouse.connect(":memory:")
    fields = [{"pnc_id": None, "surname": "A"}] * rows + [{"pnc_id": "12/345", "surname": "B"}]
    assert delete_and_insert(con, "raw.extract_rows", "2015-03", _raw_rows(fields), "police") == rows + 1
    assert con.execute("SELECT fields['pnc_id'] FROM raw.extract_rows WHERE row_number = ?",
                       [rows + 1]).fetchall() == [("12/345",)]
    assert con.execute("SELECT count(*) FROM raw.extract_rows WHERE fields['pnc_id'] IS NULL").fetchall() == [(rows,)]


def test_text_date_number_flag_and_list_columns_empty_until_the_last_row():
    con = warehouse.connect(":memory:")
    rows = EMPTY_THEN_NOT
    frame = pd.DataFrame({
        "month": "2015-03", "snapshot_date": pd.Timestamp("2015-03-31"), "source_file": "cross_keys_homes.csv",
        "row_number": range(1, rows + 2), "row_key": [f"T{i}|H{i}|2015-03-31" for i in range(rows + 1)],
        "tenancy_ref": "T", "person_ref": "H", "person_role": "lead_tenant", "asb_case_open": False,
        "uprn": pd.Series([None] * rows + ["100090000001"], dtype=object),
        "eviction_date": pd.Series([pd.NaT] * rows + [pd.Timestamp("2015-03-02")], dtype="datetime64[ns]"),
        "rent_arrears_gbp": [float("nan")] * rows + [1250.5],
        "weeks_in_arrears": [float("nan")] * rows + [8.5],
    })
    delete_and_insert(con, "staging.cross_keys_homes", "2015-03", frame)
    last = con.execute("SELECT uprn, eviction_date, rent_arrears_gbp::VARCHAR FROM staging.cross_keys_homes "
                       "WHERE row_number = ?", [rows + 1]).fetchall()
    assert last == [("100090000001", pd.Timestamp("2015-03-02").date(), "1250.50")]


def test_a_column_the_table_lacks_is_an_error_and_nothing_is_deleted():
    con = warehouse.connect(":memory:")
    delete_and_insert(con, "raw.extract_rows", "2015-03", _raw_rows([{"a": "1"}]), "police")
    with pytest.raises(ValueError, match="not in the schema"):
        delete_and_insert(con, "raw.extract_rows", "2015-03", _raw_rows([{"a": "1"}]).assign(extra=1), "police")
    assert con.execute("SELECT count(*) FROM raw.extract_rows").fetchall() == [(1,)]
