"""DuckDB functions the matching SQL needs that DuckDB lacks: rapidfuzz token-set similarity of addresses."""

from __future__ import annotations

import threading

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from duckdb.func import FunctionNullHandling, PythonUDFType
from rapidfuzz import fuzz, process

TOKEN_SET_RATIO = "token_set_ratio"

# A comparison's levels call the function once per level on the same chunk of pairs (CASE WHEN >=95 ...
# WHEN >=85 ...), each time on the rows earlier levels left, so the chunk's scores are kept and looked up
# instead of scored again. DuckDB runs chunks on several threads at once: one memo per thread.
_memo = threading.local()
_MEMO_LIMIT = 16_384   # a few chunks (DuckDB's chunks are 2,048 rows): a larger memo saved little at county scale


def _pair_keys(left: pa.Array, right: pa.Array) -> pa.Array:
    """One string per pair, built in Arrow: the left address's length, the left and the right address, joined by
    the unit separator (the length makes it unambiguous whatever the addresses hold); NULL where either is NULL.
    Looking up one such string costs about half what a tuple of two Python strings did."""
    length = pc.cast(pc.utf8_length(left), pa.string())
    return pc.binary_join_element_wise(length, left, right, "\x1f")


def token_set_ratio_of(left: pa.Array, right: pa.Array) -> pa.Array:
    """0-100 similarity that ignores word order and repeated words
    ("FLAT 2 14A HIGH STREET" = "14A HIGH STREET FLAT 2").

    Vectorised over one DuckDB chunk; NULL in either argument gives NULL (a missing address is not a mismatch).
    """
    known: dict[str, float] = getattr(_memo, "scores", None) or {}
    if len(known) > _MEMO_LIMIT:
        known = {}
    keyed = _pair_keys(left, right)
    keys = keyed.to_pylist()
    scores = np.array(list(map(known.get, keys)), dtype=np.float64)   # not yet known: NaN
    present = keyed.is_valid().to_numpy(zero_copy_only=False)
    todo = np.flatnonzero(np.isnan(scores) & present)
    if len(todo):
        computed = process.cpdist(left.take(todo).to_pylist(), right.take(todo).to_pylist(),
                                  scorer=fuzz.token_set_ratio, dtype=np.float64, workers=1)
        scores[todo] = computed
        known.update(zip([keys[index] for index in todo], computed.tolist(), strict=True))
    _memo.scores = known
    return pa.array(scores, mask=~present)


def register_udfs(con: duckdb.DuckDBPyConnection) -> None:
    """Register the functions on `con` once (a saved model's SQL calls them by name)."""
    existing = con.execute(
        "SELECT count(*) FROM duckdb_functions() WHERE function_name = ?", [TOKEN_SET_RATIO]
    ).fetchall()[0][0]
    if existing:
        return
    varchar, double = duckdb.sqltype("VARCHAR"), duckdb.sqltype("DOUBLE")
    con.create_function(TOKEN_SET_RATIO, token_set_ratio_of, [varchar, varchar], double,
                        type=PythonUDFType.ARROW, null_handling=FunctionNullHandling.SPECIAL, side_effects=False)
