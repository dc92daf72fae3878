"""The address similarity looked up from precomputed scores equals the one computed row by row."""

from __future__ import annotations

import json

import duckdb
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import matching
from matching import udfs
from matching.train import load_model, splink_settings

ADDRESS_WORDS = ["FLAT", "2", "14A", "14", "16", "HIGH", "STREET", "ST", "LINCOLN", "ROAD", "RD", "PETERBOROUGH"]
addresses = st.one_of(st.none(), st.lists(st.sampled_from(ADDRESS_WORDS), min_size=1, max_size=6).map(" ".join))


def _people_tables(con: duckdb.DuckDBPyConnection, left: list[str | None], right: list[str | None]) -> None:
    """Two people tables and the blocked pairs between them (every pair), as Splink lays them out."""
    for name, side, values in (("people_l", "register", left), ("people_r", "extracts", right)):
        con.execute(f"CREATE OR REPLACE TABLE {name} (source_dataset VARCHAR, unique_id VARCHAR, address_std VARCHAR)")
        con.executemany(f"INSERT INTO {name} VALUES (?, ?, ?)",
                        [(side, f"{side[0]}{index}", value) for index, value in enumerate(values)])
    con.execute("""CREATE OR REPLACE TABLE blocked AS
                   SELECT l.source_dataset || '-' || l.unique_id AS join_key_l,
                          r.source_dataset || '-' || r.unique_id AS join_key_r
                   FROM people_l l CROSS JOIN people_r r""")


def _compare(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute("""
        SELECT token_set_ratio_precomputed(hash(l.address_std, r.address_std), l.address_std, r.address_std),
               token_set_ratio(l.address_std, r.address_std)
        FROM people_l l CROSS JOIN people_r r""").fetchall()


@settings(max_examples=40, deadline=None)
@given(left=st.lists(addresses, min_size=1, max_size=6), right=st.lists(addresses, min_size=1, max_size=6),
       extra=st.lists(addresses, max_size=3))
def test_looked_up_scores_equal_computed_scores(left: list[str | None], right: list[str | None],
                                                extra: list[str | None]) -> None:
    con = duckdb.connect()
    udfs.register_udfs(con)
    try:
        _people_tables(con, left, right)
        scored = udfs.precompute_address_similarity(con, "blocked", ("people_l", "people_r"),
                                                    "source_dataset || '-' || unique_id")
        known = {(a, b) for a in left for b in right if a is not None and b is not None}
        assert scored == len(known)
        # addresses added after the precompute are not in it: scored row by row, the same values
        _people_tables(con, left + extra, right + extra)
        for looked_up, computed in _compare(con):
            assert looked_up == computed
    finally:
        udfs.forget_address_similarity()


def test_a_pair_that_shares_a_hash_with_a_precomputed_one_is_scored_itself() -> None:
    con = duckdb.connect()
    udfs.register_udfs(con)
    _people_tables(con, ["14 HIGH STREET"], ["14 HIGH ST"])
    udfs.precompute_address_similarity(con, "blocked", ("people_l", "people_r"), "source_dataset || '-' || unique_id")
    try:
        stored_hash = pa.array(udfs._precomputed.hashes)   # the hash of the stored pair, for other addresses
        other = udfs.token_set_ratio_precomputed(stored_hash, pa.array(["2 LINCOLN ROAD"]), pa.array(["9 ELM RD"]))
        stored = udfs.token_set_ratio_precomputed(stored_hash, pa.array(["14 HIGH STREET"]), pa.array(["14 HIGH ST"]))
    finally:
        udfs.forget_address_similarity()
    def computed(left: str, right: str) -> list:
        return udfs.token_set_ratio_of(pa.array([left]), pa.array([right])).to_pylist()

    assert other.to_pylist() == computed("2 LINCOLN ROAD", "9 ELM RD")
    assert stored.to_pylist() == computed("14 HIGH STREET", "14 HIGH ST")
    assert other.to_pylist() != stored.to_pylist()


def test_the_shipped_model_looks_up_every_address_similarity() -> None:
    _, model = load_model(matching.SHIPPED_MODEL)
    settings_, _ = splink_settings(model)
    original, rewritten = json.dumps(settings_), json.dumps(udfs.with_precomputed_address_similarity(settings_))
    calls = original.count(f"{udfs.TOKEN_SET_RATIO}(")
    assert calls >= 4   # the location comparison's levels
    assert rewritten.count(f"{udfs.PRECOMPUTED_TOKEN_SET_RATIO}(hash(address_std_l, address_std_r)") == calls
    assert rewritten.count(f"{udfs.TOKEN_SET_RATIO}(") == 0


@pytest.mark.parametrize("missing", ["left", "right"])
def test_a_missing_address_has_no_score(missing: str) -> None:
    left, right = pa.array([None if missing == "left" else "1 HIGH ST"]), pa.array([None if missing == "right"
                                                                                      else "1 HIGH ST"])
    assert udfs.token_set_ratio_precomputed(pa.array([0], type=pa.uint64()), left, right).to_pylist() == [None]
