"""Calibration: the auto-match and clerical thresholds of each source, chosen from estimated precision.

No ground truth: the model's own match probabilities (from Splink's m and u) estimate how many of a band of
pairs are true, and the analyst's decisions, where a band has enough of them, replace the estimate with what
was observed. For each source, over each source person's best candidate:

- auto: the lowest bar on AUTO_GRID at which the pairs matched automatically are estimated at least
  PRECISION_TARGET precise overall and the last band admitted (between this bar and the next one up) at
  least MARGINAL_PRECISION: a band where one pair in a hundred is someone else is for an analyst, however good
  the rest are;
- clerical: the highest bar on CLERICAL_GRID below auto at which auto plus the queue are estimated to hold
  RECALL_TARGET of the expected true matches.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

AUTO_GRID = (0.9, 0.95, 0.98, 0.99, 0.995, 0.999, 0.9999)
CLERICAL_GRID = (0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.8)
PRECISION_TARGET = 0.998      # above the 0.995 goal: Splink's probabilities are known to be overconfident
MARGINAL_PRECISION = 0.99
RECALL_TARGET = 0.999       # estimated, of auto + queue: the model overestimates what it finds
MIN_REVIEWED = 20             # decisions a band needs before they replace the model's estimate


@dataclass(frozen=True)
class SourceThresholds:
    source: str
    auto_match: float
    clerical_lower: float
    estimated_precision: float       # of auto-matches at auto_match
    estimated_recall: float          # of auto-matches + the queue at clerical_lower
    pairs: int                       # best candidates the estimate rests on


def calibrate(best: pd.DataFrame, reviewed: pd.DataFrame | None = None) -> list[SourceThresholds]:
    """best: source, match_probability (each source person's best candidate). reviewed: match_probability,
    accepted (bool), for pairs an analyst decided; optional."""
    result = []
    for source, pairs in best.groupby("source", sort=True):
        probability = pairs["match_probability"].to_numpy(dtype=float)
        truth = _estimated_truth(probability, reviewed)
        auto = _auto_bar(probability, truth)
        clerical = _clerical_bar(probability, truth, auto)
        admitted = probability >= auto
        precision = float(truth[admitted].mean()) if admitted.any() else 1.0
        recall = float(truth[probability >= clerical].sum() / truth.sum()) if truth.sum() else 1.0
        result.append(SourceThresholds(str(source), auto, clerical, round(precision, 5), round(recall, 5),
                                       len(pairs)))
    return result


def _estimated_truth(probability: np.ndarray, reviewed: pd.DataFrame | None) -> np.ndarray:
    """Each pair's chance of being true: its probability, or its band's accept rate where analysts decided enough."""
    truth = probability.copy()
    if reviewed is None or reviewed.empty:
        return truth
    edges = (0.0, *CLERICAL_GRID, *AUTO_GRID, 1.0 + 1e-12)
    decided_band = np.digitize(reviewed["match_probability"].to_numpy(dtype=float), edges)
    band = np.digitize(probability, edges)
    accepted = reviewed["accepted"].to_numpy(dtype=bool)
    for index in np.unique(decided_band):
        mine = decided_band == index
        if mine.sum() >= MIN_REVIEWED:
            truth[band == index] = accepted[mine].mean()
    return truth


def _auto_bar(probability: np.ndarray, truth: np.ndarray) -> float:
    upper = 1.0 + 1e-12
    for bar in reversed(AUTO_GRID):   # from the top down: stop at the first band that is not good enough
        band = (probability >= bar) & (probability < upper)
        above = probability >= bar
        if (band.any() and truth[band].mean() < MARGINAL_PRECISION) or truth[above].mean() < PRECISION_TARGET:
            return upper if upper <= 1.0 else AUTO_GRID[-1]
        upper = bar
    return AUTO_GRID[0]


def _clerical_bar(probability: np.ndarray, truth: np.ndarray, auto: float) -> float:
    total = truth.sum()
    for bar in reversed([bar for bar in CLERICAL_GRID if bar < auto]):
        if total == 0 or truth[probability >= bar].sum() / total >= RECALL_TARGET:
            return bar
    return CLERICAL_GRID[0]


def as_model_entry(thresholds: list[SourceThresholds]) -> dict[str, dict[str, float]]:
    """{source: {auto_match, clerical_lower, estimated_precision, estimated_recall, pairs}} for the model file."""
    return {item.source: {"auto_match": item.auto_match, "clerical_lower": item.clerical_lower,
                          "estimated_precision": item.estimated_precision,
                          "estimated_recall": item.estimated_recall, "pairs": item.pairs} for item in thresholds}
