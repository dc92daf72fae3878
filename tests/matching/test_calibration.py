"""Thresholds from estimated precision: the model's probabilities, updated by the analyst's decisions."""

import numpy as np
import pandas as pd

import matching
from matching.calibration import AUTO_GRID, MARGINAL_PRECISION, MIN_DECISIONS, calibrate, thresholds_in_force
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


def test_decisions_in_a_band_update_the_models_estimate():
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


def _decided(source: str, probabilities: list[float], accepted: list[bool]) -> pd.DataFrame:
    return pd.DataFrame({"source": source, "match_probability": probabilities, "accepted": accepted})


# a model file whose bar for police is 0.9, with a thick band of pairs between 0.9 and 0.99
_POLICE = _best("police", [0.99999] * 800 + [0.93] * 100 + [0.97] * 100 + [0.4] * 50)
_MODEL_BARS = {"police": (0.9, 0.5, "model"), "dwp": (0.99, 0.05, "model")}


def test_decisions_that_say_the_band_below_the_bar_is_mostly_wrong_raise_the_auto_bar():
    wrong = _decided("police", [0.93] * 20 + [0.97] * 20, [True] * 4 + [False] * 16 + [True] * 4 + [False] * 16)
    found = thresholds_in_force(_POLICE, wrong, _MODEL_BARS).set_index("source")
    assert found.loc["police", "origin"] == "decisions" and found.loc["police", "decisions_in_band"] == 40
    assert found.loc["police", "auto_match"] == 0.98   # the lowest bar above both bands the analysts rejected
    assert found.loc["dwp", "origin"] == "model" and found.loc["dwp", "auto_match"] == 0.99


def test_too_few_decisions_in_the_review_band_leave_the_models_thresholds():
    few = MIN_DECISIONS - 1
    # all wrong, but one short of the minimum; decisions below the clerical bar do not count towards it
    wrong = _decided("police", [0.93] * few + [0.2] * 50, [False] * (few + 50))
    found = thresholds_in_force(_POLICE, wrong, _MODEL_BARS).set_index("source")
    assert found.loc["police", "origin"] == "model" and found.loc["police", "decisions_in_band"] == few
    assert (found.loc["police", "auto_match"], found.loc["police", "clerical_lower"]) == (0.9, 0.5)


def test_decisions_that_say_the_band_is_right_lower_the_bar_they_confirm():
    cautious = {"police": (0.99, 0.5, "model")}
    right = _decided("police", [0.93] * 20 + [0.97] * 20, [True] * 40)
    found = thresholds_in_force(_POLICE, right, cautious).set_index("source")
    assert found.loc["police", "origin"] == "decisions" and found.loc["police", "auto_match"] < 0.99
