"""Thresholds from estimated precision: the model's probabilities, corrected by the analyst's decisions."""

import numpy as np
import pandas as pd

import matching
from matching.calibration import AUTO_GRID, MARGINAL_PRECISION, calibrate
from matching.train import THRESHOLDS_KEY, load_model


def _best(source: str, probabilities: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"source": source, "match_probability": probabilities})


def test_the_auto_bar_stops_where_the_marginal_band_is_no_longer_precise_enough():
    # a clean source: almost everything near-certain; a noisy one: a thick band around 0.96
    clean = _best("clean", [0.99999] * 950 + [0.9995] * 40 + [0.3] * 10)
    noisy = _best("noisy", [0.99999] * 800 + [0.96] * 150 + [0.6] * 50)
    found = {item.source: item for item in calibrate(pd.concat([clean, noisy]))}
    assert found["clean"].auto_match <= 0.99   # every band is precise enough: the lowest bar on the grid
    assert found["noisy"].auto_match == 0.98   # the [0.95, 0.98) band is estimated 0.96 precise
    assert found["noisy"].estimated_precision >= 0.998
    for item in found.values():
        assert item.clerical_lower < item.auto_match and item.estimated_recall >= 0.995


def test_decisions_in_a_band_replace_the_models_estimate():
    best = _best("police", [0.99999] * 900 + [0.992] * 100)
    assert calibrate(best)[0].auto_match <= 0.99
    # the analysts rejected a third of the pairs they saw around 0.992: that band is not for auto-matching
    reviewed = pd.DataFrame({"match_probability": np.full(30, 0.992), "accepted": [True] * 20 + [False] * 10})
    assert calibrate(best, reviewed)[0].auto_match == 0.995


def test_the_shipped_model_carries_thresholds_for_every_source():
    _, model = load_model(matching.SHIPPED_MODEL)
    thresholds = model[THRESHOLDS_KEY]
    assert set(thresholds) == {"school_attendance", "police", "dwp", "cross_keys_homes"}
    for bars in thresholds.values():
        assert bars["clerical_lower"] < bars["auto_match"] and bars["auto_match"] in AUTO_GRID
        assert bars["estimated_precision"] >= MARGINAL_PRECISION and bars["pairs"] > 1000
