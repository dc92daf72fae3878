"""Calibration: the auto-match and clerical thresholds of each source, chosen from estimated precision.

No ground truth: the model's own match probabilities (from Splink's m and u) estimate how many of a band of
pairs are true, and the analyst's decisions update that estimate band by band (a beta update: the model's
estimate for the band counts as PRIOR_DECISIONS decisions, to which the accepted and rejected pairs are added,
so a few decisions nudge it and many outweigh it). For each source, over each source person's best candidate:

- auto: the lowest bar on AUTO_GRID at which the pairs matched automatically are estimated at least
  PRECISION_TARGET precise overall and the last band admitted (between this bar and the next one up) at
  least MARGINAL_PRECISION: a band where one pair in a hundred is someone else is for an analyst, however good
  the rest are;
- clerical: the highest bar on CLERICAL_GRID below auto at which auto plus the queue are estimated to hold
  RECALL_TARGET of the expected true matches.

When: at training, from the model alone (the thresholds in the model file); and in every monthly run for each
source with at least MIN_DECISIONS of the analyst's decisions at or above its clerical bar
(`thresholds_in_force`), so what the analysts find in the queue moves the bars of that source.
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
PRIOR_DECISIONS = 10          # what the model's own estimate of a band is worth, in decisions
MIN_DECISIONS = 30            # decisions in a source's review band before a monthly run recalibrates it


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
    """Each pair's chance of being true: its probability, or in a band the analysts decided pairs in, the band's
    posterior mean: (PRIOR_DECISIONS x the band's mean probability + accepted) / (PRIOR_DECISIONS + decided)."""
    truth = probability.copy()
    if reviewed is None or reviewed.empty:
        return truth
    edges = (0.0, *CLERICAL_GRID, *AUTO_GRID, 1.0 + 1e-12)
    decided_probability = reviewed["match_probability"].to_numpy(dtype=float)
    decided_band = np.digitize(decided_probability, edges)
    band = np.digitize(probability, edges)
    accepted = reviewed["accepted"].to_numpy(dtype=bool)
    for index in np.unique(decided_band):
        mine, members = decided_band == index, band == index
        prior = probability[members].mean() if members.any() else decided_probability[mine].mean()
        truth[members] = (PRIOR_DECISIONS * prior + accepted[mine].sum()) / (PRIOR_DECISIONS + mine.sum())
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


def thresholds_in_force(best: pd.DataFrame, reviewed: pd.DataFrame,
                        model_bars: dict[str, tuple[float, float, str]]) -> pd.DataFrame:
    """The thresholds a monthly run uses, per source, and where they came from.

    best: source, match_probability (each source person's best candidate this run). reviewed: source,
    match_probability, accepted (the analyst's decisions on pairs scored this run). model_bars: source ->
    (auto, clerical, origin) from the model file ("model") or the settings ("settings"). A source with at least
    MIN_DECISIONS decisions at or above its clerical bar (on the queue, or on auto-matches an analyst checked)
    is calibrated again with them ("decisions"); the others keep model_bars.
    Columns: source, auto_match, clerical_lower, origin, decisions_in_band.
    """
    rows = []
    for source, (auto, clerical, origin) in sorted(model_bars.items()):
        decided = reviewed[reviewed["source"] == source]
        probability = decided["match_probability"]
        in_band = int((probability >= clerical).sum())   # the queue, and auto-matches an analyst checked
        if in_band >= MIN_DECISIONS:
            # the source's best candidates, only for a source recalibrated (a million rows at county scale)
            mine = best[best["source"] == source]
            if len(mine):
                found = calibrate(mine[["source", "match_probability"]], decided)[0]
                auto, clerical, origin = found.auto_match, found.clerical_lower, "decisions"
        rows.append({"source": source, "auto_match": auto, "clerical_lower": clerical, "origin": origin,
                     "decisions_in_band": in_band})
    return pd.DataFrame(rows, columns=["source", "auto_match", "clerical_lower", "origin", "decisions_in_band"])
