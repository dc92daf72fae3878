"""why_borderline names each comparison's level from its weight, a comparison at a time over every pair: held to
the one-pair-at-a-time version it replaced (tests/matching/loop_reference.py) on drawn models and pairs, and on
the shipped model."""

from __future__ import annotations

import json
import math

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import matching
from matching.explain import _level_weights, why_borderline
from tests.matching import loop_reference

_probability = st.one_of(st.none(), st.floats(0.001, 0.999))


@st.composite
def _model_and_pairs(draw):
    comparisons = []
    for index in range(draw(st.integers(1, 3))):
        levels = [{"is_null_level": True, "sql_condition": "x IS NULL"}]
        levels += [{"m_probability": draw(_probability), "u_probability": draw(_probability),
                    "label_for_charts": f"Level {index}.{level} Agrees", "sql_condition": "c"}
                   for level in range(draw(st.integers(1, 4)))]
        comparisons.append({"output_column_name": f"field{index}", "comparison_levels": levels})
    model = {"comparisons": comparisons}
    levels = _level_weights(model)
    rows = draw(st.integers(0, 12))
    frame = {}
    for name, weights in levels.items():
        exact = [weight for weight, _ in weights if not math.isnan(weight)]
        choice = st.one_of(st.just(0.0), st.just(float("nan")), st.floats(-20, 20),
                           *([st.sampled_from(exact)] if exact else []))
        frame[f"mw_{name}"] = draw(st.lists(choice, min_size=rows, max_size=rows))
    frame["note"] = draw(st.lists(st.one_of(st.none(), st.just(""), st.just("family evidence: 2 co-members")),
                                  min_size=rows, max_size=rows))
    return model, pd.DataFrame(frame)


@settings(max_examples=300, deadline=None)
@given(_model_and_pairs())
def test_the_same_reasons_as_one_pair_at_a_time(model_and_pairs):
    model, pairs = model_and_pairs
    assert why_borderline(pairs, model).tolist() == loop_reference.why_borderline(pairs, model).tolist()


def test_the_shipped_models_levels_read_as_before():
    model = json.loads(matching.SHIPPED_MODEL.read_text(encoding="utf-8"))
    levels = _level_weights(model)
    rows = max(len(weights) for weights in levels.values()) + 2
    # every level of every comparison (the top level again where a comparison has fewer), missing, and unknown
    pairs = pd.DataFrame({f"mw_{name}": [weight for weight, _ in weights] + [weights[0][0]] * (rows - 2 - len(weights))
                          + [0.0, float("nan")] for name, weights in levels.items()})
    expected = loop_reference.why_borderline(pairs, model)
    assert why_borderline(pairs, model).tolist() == expected.tolist()
    assert any("missing" in reason for reason in expected) and expected.nunique() == rows - 1   # all top = all unknown
