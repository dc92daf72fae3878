"""A month scores only the people who are new or changed; what it takes from the cache equals a full re-score."""

import pandas as pd

from .conftest import LAST_MONTH

PREVIOUS_MONTH = "2016-11"


def _clear_cache(con) -> None:
    for table in ("scored_pairs", "scored_people"):
        con.execute(f"DELETE FROM matching.{table}").fetchall()


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


def _cache(con) -> pd.DataFrame:
    """The stored pairs and people, without the weights (a list column)."""
    pairs = con.execute("SELECT cache_key, eh_person_id, eh_record_hash, unique_id, source_record_hash, "
                        "match_probability FROM matching.scored_pairs").df()
    return _sorted(pairs), _sorted(con.execute("SELECT * FROM matching.scored_people").df())


def test_second_month_scores_only_new_people_and_equals_a_cold_run(sample):
    _clear_cache(sample.con)
    previous = sample.match(PREVIOUS_MONTH)
    assert previous.stats["pairs_from_cache"] == 0
    assert previous.stats["source_people_new"] == previous.stats["people_scored"]   # a cold run scores everyone

    warm = sample.match(LAST_MONTH)
    warm_cache = _cache(sample.con)
    _clear_cache(sample.con)
    cold = sample.match(LAST_MONTH)
    cold_cache = _cache(sample.con)

    # the second month scored only the people new or changed since the first, and took the rest from the cache
    assert 0 < warm.stats["source_people_new"] < 0.5 * warm.stats["people_scored"]
    assert warm.stats["pairs_scored"] < 0.5 * cold.stats["pairs_scored"]
    assert warm.stats["pairs_from_cache"] > 0.5 * len(warm.matches[warm.matches["method"] == "probabilistic"]
                                                         .drop_duplicates("eh_person_id"))
    assert cold.stats["pairs_from_cache"] == 0
    # ... and its result is exactly a cold run's
    pd.testing.assert_frame_equal(_sorted(warm.matches), _sorted(cold.matches))
    pd.testing.assert_frame_equal(_sorted(warm.clerical_queue), _sorted(cold.clerical_queue))
    # and it left the cache a cold run leaves: the pairs of people who changed or left gone, the new ones stored
    for warm_table, cold_table in zip(warm_cache, cold_cache, strict=True):
        pd.testing.assert_frame_equal(warm_table, cold_table)

    # the same month again scores nothing and still gives the same result
    again = sample.match(LAST_MONTH)
    assert again.stats["pairs_scored"] == 0 and again.stats["source_people_new"] == 0
    assert again.stats["eh_people_new"] == 0
    pd.testing.assert_frame_equal(_sorted(again.matches), _sorted(cold.matches))


def test_a_changed_record_is_scored_again(sample):
    sample.match(LAST_MONTH)   # everything in the cache
    con = sample.con
    # one register person's address corrected in the latest snapshot: only they are scored again
    person = con.execute("SELECT person_id FROM staging.early_help WHERE month = ? AND address_std IS NOT NULL "
                         "ORDER BY person_id LIMIT 1", [LAST_MONTH]).fetchall()[0][0]
    con.execute("UPDATE staging.early_help SET address_std = address_std || ' ANNEXE' "
                "WHERE month = ? AND person_id = ?",
                [LAST_MONTH, person]).fetchall()
    try:
        changed = sample.match(LAST_MONTH)
        assert changed.stats["eh_people_new"] == 1 and changed.stats["source_people_new"] == 0
        assert 0 < changed.stats["pairs_scored"] < 1000
    finally:
        con.execute("UPDATE staging.early_help SET address_std = left(address_std, length(address_std) - 7) "
                    "WHERE month = ? AND person_id = ?", [LAST_MONTH, person]).fetchall()
