"""DuckDB functions the matching SQL needs that DuckDB lacks: rapidfuzz token-set similarity of addresses."""

from __future__ import annotations

import threading

import duckdb
import numpy as np
import pyarrow as pa
from duckdb.func import FunctionNullHandling, PythonUDFType
from rapidfuzz import fuzz, process

TOKEN_SET_RATIO = "token_set_ratio"

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
