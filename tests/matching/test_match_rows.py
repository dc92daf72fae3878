"""Match rows: each person's decisions on every row of theirs, built in DuckDB."""

import duckdb
import pandas as pd

from matching.match import MATCH_COLUMNS, _match_rows
from matching.person_views import SOURCE_ROWS


def test_a_column_empty_for_thousands_of_people_then_present_keeps_its_values_and_order():
    con = duckdb.connect()
    people = 3_000
    # the first 2,500 people are household candidates (no register person, no probability), the rest matched
    candidate = [index < 2_500 for index in range(people)]
    person_level = pd.DataFrame({
        "unique_id": [f"police-{index:05d}" for index in range(people)],
        "eh_person_id": [None if is_candidate else f"P{index:05d}" for index, is_candidate in enumerate(candidate)],
        "eh_family_id": [f"F{index // 4:05d}" for index in range(people)],
        "match_probability": [float("nan") if is_candidate else 0.99 for is_candidate in candidate],
        "match_weight": [float("nan") if is_candidate else 9.5 for is_candidate in candidate],
        "decision": ["household_candidate" if is_candidate else "auto_match" for is_candidate in candidate],
        "method": "probabilistic", "reason": "",
        "note": "",   # columns match_month carries besides the match columns are left out
    })
    # two rows per person, written in reverse so the order must come from the sort
    rows = pd.DataFrame({"source": "police", "row_key": [f"r{index:05d}-{part}" for index in range(people)
                                                         for part in (1, 0)],
                         "unique_id": [f"police-{index:05d}" for index in range(people) for _ in (1, 0)]})[::-1]
    con.register("extract_rows", rows)
    con.execute(f"CREATE TEMP TABLE {SOURCE_ROWS} AS SELECT * FROM extract_rows")

    matches = _match_rows(con, person_level, "2017-01", "model-v1")

    assert list(matches.columns) == MATCH_COLUMNS
    assert len(matches) == 2 * people
    assert matches["row_key"].is_monotonic_increasing
    matched = matches[matches["decision"] == "auto_match"]
    assert len(matched) == 2 * 500 and matched["eh_person_id"].str.startswith("P").all()
    assert matched["match_probability"].eq(0.99).all()
    candidates = matches[matches["decision"] == "household_candidate"]
    assert candidates["eh_person_id"].isna().all() and candidates["match_probability"].isna().all()
    assert (matches["month"] == "2017-01").all() and (matches["model_version"] == "model-v1").all()
