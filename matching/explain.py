"""Why a pair is borderline, in words: which comparisons did not agree fully, from the model's own levels."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd


def _level_weights(model: dict[str, Any]) -> dict[str, list[tuple[float, str]]]:
    """Per comparison: (match weight, label) of each non-null level, top level first."""
    levels: dict[str, list[tuple[float, str]]] = {}
    for comparison in model["comparisons"]:
        weights = []
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            m, u = level.get("m_probability"), level.get("u_probability")
            weight = math.log2(m / u) if m and u else float("nan")
            weights.append((weight, level.get("label_for_charts", level["sql_condition"])))
        levels[comparison["output_column_name"]] = weights
    return levels


def why_borderline(pairs: pd.DataFrame, model: dict[str, Any]) -> pd.Series:
    """For each pair (with mw_<comparison> columns): e.g. "forename: same formal name (nickname); postcode: missing"."""
    levels = _level_weights(model)

    def describe(pair: pd.Series) -> str:
        reasons = []
        for name, weights in levels.items():
            weight = pair.get(f"mw_{name}")
            if weight is None or pd.isna(weight):
                continue
            if weight == 0:
                reasons.append(f"{name}: missing")
                continue
            nearest = min(range(len(weights)), key=lambda index: abs(weights[index][0] - weight)
                          if not math.isnan(weights[index][0]) else math.inf)
            if nearest > 0:
                reasons.append(f"{name}: {weights[nearest][1].lower()}")
        note = pair.get("note") or ""
        return "; ".join(([note] if note else []) + reasons) or "every field agrees but the score is below the bar"

    return pairs.apply(describe, axis=1) if len(pairs) else pd.Series([], dtype=str)
