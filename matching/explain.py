"""Why a pair is borderline, in words: which comparisons did not agree fully, from the model's own levels."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
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
    """For each pair (with mw_<comparison> columns): e.g. "forename: same formal name (nickname); postcode: missing".

    A comparison's weight names its level: 0 is a missing value, otherwise the level whose weight is nearest
    (the first of equals); the top level (full agreement) says nothing. Worked out a comparison at a time over
    every pair (a county month queues tens of thousands)."""
    parts_per_comparison = []
    for name, weights in _level_weights(model).items():
        column = f"mw_{name}"
        if column not in pairs or not weights:
            continue
        weight = pairs[column].to_numpy(dtype=float)
        level_weights = np.array([level_weight for level_weight, _ in weights], dtype=float)
        distance = np.abs(level_weights[None, :] - weight[:, None])
        distance[:, np.isnan(level_weights)] = np.inf
        nearest = distance.argmin(axis=1)
        labels = np.array([""] + [f"{name}: {label.lower()}" for _, label in weights[1:]], dtype=object)
        part = labels[nearest]
        part[weight == 0] = f"{name}: missing"
        part[np.isnan(weight)] = ""
        parts_per_comparison.append(part)
    notes = [note if isinstance(note, str) else "" for note in pairs.get("note", pd.Series([""] * len(pairs)))]
    reasons = ["; ".join(part for part in (note, *parts) if part)
               or "every field agrees but the score is below the bar"
               for note, *parts in zip(notes, *parts_per_comparison, strict=True)]
    return pd.Series(reasons, index=pairs.index, dtype=object)
