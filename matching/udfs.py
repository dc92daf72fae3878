"""DuckDB functions the matching SQL needs that DuckDB lacks: rapidfuzz token-set similarity of addresses."""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa
from rapidfuzz import fuzz, process

TOKEN_SET_RATIO = "token_set_ratio"

# A comparison's levels call the function once per level on the same chunk of pairs (CASE WHEN >=95 ...
# WHEN >=85 ...), so the previous chunk's scores are kept and looked up instead of scored again.
_previous_chunk: dict[tuple[str, str], float] = {}


def _token_set_ratio(left: pa.Array, right: pa.Array) -> pa.Array:
    """0-100 similarity that ignores word order and repeated words ("FLAT 2 14A HIGH STREET" = "14A HIGH STREET FLAT 2").

    Vectorised over one DuckDB chunk; NULL in either argument gives NULL (a missing address is not a mismatch).
    """
    global _previous_chunk
    pairs = list(zip(left.to_pylist(), right.to_pylist(), strict=True))
    known = _previous_chunk
    missing = np.fromiter((a is None or b is None for a, b in pairs), dtype=bool, count=len(pairs))
    scores = np.fromiter((known.get(pair, -1.0) for pair in pairs), dtype=np.float64, count=len(pairs))
    todo = np.flatnonzero((scores < 0) & ~missing)
    if len(todo):
        scores[todo] = process.cpdist([pairs[i][0] for i in todo], [pairs[i][1] for i in todo],
                                      scorer=fuzz.token_set_ratio, dtype=np.float64, workers=1)
    _previous_chunk = {pair: score for pair, score, gap in zip(pairs, scores, missing, strict=True) if not gap}
    return pa.array(scores, type=pa.float64(), mask=missing)


def register_udfs(con: duckdb.DuckDBPyConnection) -> None:
    """Register the functions on `con` once (a saved model's SQL calls them by name)."""
    existing = con.execute(
        "SELECT count(*) FROM duckdb_functions() WHERE function_name = ?", [TOKEN_SET_RATIO]
    ).fetchall()[0][0]
    if existing:
        return
    varchar, double = duckdb.sqltype("VARCHAR"), duckdb.sqltype("DOUBLE")
    con.create_function(TOKEN_SET_RATIO, _token_set_ratio, [varchar, varchar], double,
                        type="arrow", null_handling="special", side_effects=False)
