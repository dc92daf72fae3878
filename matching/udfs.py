"""DuckDB functions the matching SQL needs that DuckDB lacks: rapidfuzz token-set similarity of addresses.

Scoring a county month compares millions of blocked pairs' addresses. Called from DuckDB's threads, the Python
function holds the GIL row chunk by row chunk, so the threads take turns. score_pairs therefore scores each
distinct address pair of the blocked pairs once beforehand, on every core (rapidfuzz releases the GIL), and
the model's SQL looks the scores up by the pair's hash (PRECOMPUTED_TOKEN_SET_RATIO): numpy, no Python per
row. A lookup is checked against the two addresses themselves, and anything not found is scored as before:
the scores are the same either way (tests/matching/test_udfs.py).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from duckdb.func import FunctionNullHandling, PythonUDFType
from rapidfuzz import fuzz, process

TOKEN_SET_RATIO = "token_set_ratio"
PRECOMPUTED_TOKEN_SET_RATIO = "token_set_ratio_precomputed"
_ADDRESS_PAIR = "(address_std_l, address_std_r)"

# A comparison's levels call the function once per level on the same chunk of pairs (CASE WHEN >=95 ...
# WHEN >=85 ...), each time on the rows earlier levels left, so the chunk's scores are kept and looked up
# instead of scored again. DuckDB runs chunks on several threads at once: one memo per thread.
_memo = threading.local()
_MEMO_LIMIT = 16_384   # a few chunks (DuckDB's chunks are 2,048 rows)


def token_set_ratio_of(left: pa.Array, right: pa.Array) -> pa.Array:
    """0-100 similarity that ignores word order and repeated words
    ("FLAT 2 14A HIGH STREET" = "14A HIGH STREET FLAT 2").

    Vectorised over one DuckDB chunk; NULL in either argument gives NULL (a missing address is not a mismatch).
    """
    known: dict[tuple[str, str], float] = getattr(_memo, "scores", None) or {}
    if len(known) > _MEMO_LIMIT:
        known = {}
    pairs = list(zip(left.to_pylist(), right.to_pylist(), strict=True))
    scores = [known.get(pair) for pair in pairs]
    todo = [index for index, (score, (a, b)) in enumerate(zip(scores, pairs, strict=True))
            if score is None and a is not None and b is not None]
    if todo:
        computed = process.cpdist([pairs[index][0] for index in todo], [pairs[index][1] for index in todo],
                                  scorer=fuzz.token_set_ratio, dtype=np.float64, workers=1).tolist()
        for index, score in zip(todo, computed, strict=True):
            scores[index] = score
            known[pairs[index]] = score
    _memo.scores = known
    return pa.array(scores, type=pa.float64())


@dataclass(frozen=True)
class _Precomputed:
    """Scores of distinct address pairs, sorted by the pairs' hashes (DuckDB's hash(left, right))."""
    hashes: np.ndarray          # uint64, ascending
    left: pa.DictionaryArray    # the pairs' addresses, in the same order
    right: pa.DictionaryArray
    scores: np.ndarray          # float64


_precomputed: _Precomputed | None = None


def precompute_address_similarity(con: duckdb.DuckDBPyConnection, blocked_pairs: str, tables: tuple[str, ...],
                                  join_key: str, workers: int = -1) -> int:
    """Score every distinct (left, right) address pair of `blocked_pairs` once, for
    token_set_ratio_precomputed to look up; returns how many pairs were scored.

    blocked_pairs: a table of (join_key_l, join_key_r) (Splink's blocked pairs); tables: the people on either
    side, with address_std; join_key: the SQL that gives a person's join key in those tables.
    """
    global _precomputed
    addresses = " UNION ALL ".join(
        f"SELECT {join_key} AS join_key, address_std FROM {table} WHERE address_std IS NOT NULL" for table in tables)
    pairs = con.sql(f"""
        WITH addresses AS ({addresses}),
             pairs AS (SELECT DISTINCT l.address_std AS left_address, r.address_std AS right_address
                       FROM {blocked_pairs} b JOIN addresses l ON l.join_key = b.join_key_l
                       JOIN addresses r ON r.join_key = b.join_key_r)
        SELECT hash(left_address, right_address) AS pair_hash, left_address, right_address FROM pairs
        ORDER BY pair_hash
    """).to_arrow_table()
    scores = process.cpdist(pairs["left_address"].to_pylist(), pairs["right_address"].to_pylist(),
                            scorer=fuzz.token_set_ratio, dtype=np.float64, workers=workers)
    left, right = (pc.dictionary_encode(pairs[column].combine_chunks()) for column in ("left_address", "right_address"))
    _precomputed = _Precomputed(pairs["pair_hash"].to_numpy(), left, right, np.asarray(scores))
    return pairs.num_rows


def forget_address_similarity() -> None:
    global _precomputed
    _precomputed = None


def token_set_ratio_precomputed(pair_hash: pa.Array, left: pa.Array, right: pa.Array) -> pa.Array:
    """token_set_ratio_of(left, right), looked up where precompute_address_similarity scored the pair."""
    known = _precomputed
    missing = pc.or_(pc.is_null(left), pc.is_null(right)).to_numpy(zero_copy_only=False)
    scores = np.full(len(left), np.nan)
    found = np.zeros(len(left), dtype=bool)
    if known is not None and len(known.hashes):
        hashes = pair_hash.to_numpy(zero_copy_only=False)
        position = np.searchsorted(known.hashes, hashes).clip(max=len(known.hashes) - 1)
        take = pa.array(position)
        # the hash finds the pair; the addresses themselves confirm it (two pairs can share a hash)
        same = pc.and_(pc.equal(known.left.take(take).cast(pa.string()), left),
                       pc.equal(known.right.take(take).cast(pa.string()), right))
        found = (known.hashes[position] == hashes) & pc.fill_null(same, False).to_numpy(zero_copy_only=False)
        scores[found] = known.scores[position[found]]
    unknown = ~found & ~missing
    if unknown.any():
        mask = pa.array(unknown)
        scores[unknown] = token_set_ratio_of(left.filter(mask), right.filter(mask)).to_numpy(zero_copy_only=False)
    return pa.array(scores, type=pa.float64(), mask=missing)


def with_precomputed_address_similarity(settings: dict[str, Any]) -> dict[str, Any]:
    """Splink settings whose address comparisons look the scores up (token_set_ratio_precomputed) instead of
    computing them row by row: the same values (see the module docstring)."""
    lookup = f"{PRECOMPUTED_TOKEN_SET_RATIO}(hash{_ADDRESS_PAIR}, address_std_l, address_std_r)"
    return json.loads(json.dumps(settings).replace(f"{TOKEN_SET_RATIO}{_ADDRESS_PAIR}", lookup))


def register_udfs(con: duckdb.DuckDBPyConnection) -> None:
    """Register the functions on `con` once (a saved model's SQL calls them by name)."""
    existing = {name for (name,) in con.execute(
        "SELECT DISTINCT function_name FROM duckdb_functions() WHERE function_name IN (?, ?)",
        [TOKEN_SET_RATIO, PRECOMPUTED_TOKEN_SET_RATIO]).fetchall()}
    varchar, double = duckdb.sqltype("VARCHAR"), duckdb.sqltype("DOUBLE")
    options: dict[str, Any] = {"type": PythonUDFType.ARROW, "null_handling": FunctionNullHandling.SPECIAL,
                               "side_effects": False}
    if TOKEN_SET_RATIO not in existing:
        con.create_function(TOKEN_SET_RATIO, token_set_ratio_of, [varchar, varchar], double, **options)
    if PRECOMPUTED_TOKEN_SET_RATIO not in existing:
        con.create_function(PRECOMPUTED_TOKEN_SET_RATIO, token_set_ratio_precomputed,
                            [duckdb.sqltype("UBIGINT"), varchar, varchar], double, **options)
