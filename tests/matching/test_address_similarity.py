"""The address similarity DuckDB calls (matching/udfs.py) gives rapidfuzz's token-set ratio for every pair, and
NULL where either address is missing, however its memo was filled by earlier calls."""

import duckdb
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from matching.udfs import TOKEN_SET_RATIO, register_udfs, token_set_ratio_of

# Few words, so pairs repeat and the memo is used; the unit separator, which the memo's keys are joined by.
WORDS = ["14A", "FLAT", "2", "HIGH", "STREET", "ST", "PETERBOROUGH", "\x1f", ""]
ADDRESS = st.one_of(st.none(), st.lists(st.sampled_from(WORDS), max_size=5).map(" ".join))


def _expected(left: list[str | None], right: list[str | None]) -> list[float | None]:
    return [None if a is None or b is None else float(fuzz.token_set_ratio(a, b))
            for a, b in zip(left, right, strict=True)]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(ADDRESS, ADDRESS), max_size=60), st.lists(st.tuples(ADDRESS, ADDRESS), max_size=60))
def test_each_pair_scores_as_rapidfuzz_does_after_any_earlier_call(earlier, pairs):
    for chunk in (earlier, pairs, pairs):   # the second time, every pair comes from the memo
        left, right = [a for a, _ in chunk], [b for _, b in chunk]
        scores = token_set_ratio_of(pa.chunked_array([pa.array(left, pa.string())]), pa.array(right, pa.string()))
        assert scores.to_pylist() == _expected(left, right)


def test_pairs_whose_addresses_join_to_the_same_text_keep_their_own_scores():
    # "1 HIGH\x1fST" + "ST" and "1 HIGH" + "ST\x1fST" are the same text joined by the separator, not the same pair
    first = token_set_ratio_of(pa.array(["1 HIGH\x1fST"]), pa.array(["ST"])).to_pylist()
    second = token_set_ratio_of(pa.array(["1 HIGH"]), pa.array(["ST\x1fST"])).to_pylist()
    assert (first, second) == ([100.0], [0.0])


def test_duckdb_levels_calling_it_on_the_rows_left_get_the_same_scores():
    con = duckdb.connect()
    register_udfs(con)
    # 20,000 pairs (ten chunks) at every level: the same words in another order (100), a typo (97), a street
    # written short (88), another road (80-81), another street (62), and no address (NULL)
    con.execute("""
        CREATE TABLE pairs AS
        SELECT i, CASE WHEN i % 11 = 0 THEN NULL ELSE 'FLAT ' || (i % 7) || ' HIGH STREET' END AS a,
               CASE i % 5 WHEN 0 THEN 'HIGH STREET FLAT ' || (i % 7) WHEN 1 THEN 'FLAT ' || (i % 7) || ' HIGH STRET'
                          WHEN 2 THEN 'FLAT ' || (i % 7) || ' HIGH ST' WHEN 3 THEN 'FLAT ' || (i % 7) || ' HIGH ROAD'
                          ELSE (i % 5) || ' HIGH ST' END AS b
        FROM range(20000) t(i)""")
    levels = con.execute(f"""
        SELECT i, a, b, CASE WHEN {TOKEN_SET_RATIO}(a, b) >= 95 THEN 3 WHEN {TOKEN_SET_RATIO}(a, b) >= 85 THEN 2
                             WHEN {TOKEN_SET_RATIO}(a, b) >= 70 THEN 1 WHEN a IS NULL THEN -1 ELSE 0 END AS level
        FROM pairs ORDER BY i""").fetchall()
    for _, a, b, level in levels:
        score = None if a is None else fuzz.token_set_ratio(a, b)
        assert level == (-1 if score is None else 3 if score >= 95 else 2 if score >= 85 else 1 if score >= 70 else 0)
    assert {level for *_, level in levels} == {-1, 0, 1, 2, 3}
