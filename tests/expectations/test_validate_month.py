"""The suite on a large month runs on a fixed sample, never a second full copy; key checks still see every row."""

import pandas as pd

import warehouse
from expectations import validate_month
from warehouse.db import insert_frame

MONTH = "2015-03"


def _police(con, rows: int, duplicate_key: bool = False) -> None:
    keys = [f"INC{n}|P{n}" for n in range(rows)]
    if duplicate_key:
        keys[-1] = keys[0]
    insert_frame(con, "staging.police", pd.DataFrame({
        "month": MONTH, "source_file": "police.csv", "row_number": range(1, rows + 1), "row_key": keys,
        "incident_ref": "INC", "person_ref": "P", "incident_date": pd.Timestamp("2015-03-05"),
        "incident_type": "crime", "person_role": "offender", "date_of_birth": pd.Timestamp("1985-02-14"),
        "postcode": "PE1 2AB", "postcode_std": "PE1 2AB",
    }))


def test_a_month_above_the_limit_is_sampled_the_same_way_each_run():
    con = warehouse.connect(":memory:")
    _police(con, 50)
    first = validate_month(con, "police", MONTH, rows_read=50, rows_quarantined=0, sample_rows=20)
    second = validate_month(con, "police", MONTH, rows_read=50, rows_quarantined=0, sample_rows=20)
    assert first == second and first.passed
    details = {outcome.name: outcome.detail for outcome in first.outcomes}
    assert details["row_key unique"] == "all 50 rows pass (every row, in SQL)"
    assert details["incident_type allowed values"] == "all 20 rows pass (a sample of 20 of 50 rows)"
    whole = validate_month(con, "police", MONTH, rows_read=50, rows_quarantined=0)
    assert {outcome.name: outcome.detail for outcome in whole.outcomes}["row_key unique"] == "all 50 rows pass"


def test_a_duplicate_key_outside_the_sample_still_fails():
    con = warehouse.connect(":memory:")
    _police(con, 50, duplicate_key=True)
    result = validate_month(con, "police", MONTH, rows_read=50, rows_quarantined=0, sample_rows=20)
    assert [outcome.name for outcome in result.blocking_failures] == ["row_key unique"]
    assert result.blocking_failures[0].detail == "1 of 50 rows fail (every row, in SQL)"
