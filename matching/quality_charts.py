"""The vega-lite charts of match_quality.html that Splink does not draw: rates, their trend, the weights."""

from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd

from settings import Settings

OUTCOMES = ["auto-matched", "accepted by analyst", "queued for review", "household candidate", "unmatched"]
_OUTCOME_COLOURS = ["#1b7837", "#7fbf7b", "#f1a340", "#998ec3", "#bdbdbd"]


def probability_to_weight(probability: float) -> float:
    return math.log2(probability / (1 - probability))


def rates_chart(rates: pd.DataFrame, month: str) -> dict[str, Any]:
    now = rates[rates["month"] == month]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json", "width": 520, "height": 160,
        "data": {"values": now.to_dict("records")},
        "mark": "bar",
        "encoding": {
            "y": {"field": "source", "type": "nominal", "title": None},
            "x": {"field": "share", "type": "quantitative", "stack": "normalize", "axis": {"format": "%"},
                  "title": "share of extract rows"},
            "color": {"field": "outcome", "type": "nominal", "scale": {"domain": OUTCOMES, "range": _OUTCOME_COLOURS}},
            "order": {"field": "order", "type": "quantitative"},
            "tooltip": [{"field": "source"}, {"field": "outcome"}, {"field": "rows", "type": "quantitative"},
                        {"field": "share", "type": "quantitative", "format": ".1%"}]},
        "transform": [{"calculate": f"indexof({json.dumps(OUTCOMES)}, datum.outcome)", "as": "order"}],
    }


def trend_chart(matched: pd.DataFrame) -> dict[str, Any]:
    """matched: month, source, matched (match_rates)."""
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json", "width": 520, "height": 200,
        "data": {"values": matched.to_dict("records")},
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": {"field": "month", "type": "ordinal", "title": "run month"},
            "y": {"field": "matched", "type": "quantitative", "axis": {"format": "%"},
                  "title": "share of rows matched"},
            "color": {"field": "source", "type": "nominal"},
            "tooltip": [{"field": "month"}, {"field": "source"},
                        {"field": "matched", "type": "quantitative", "format": ".1%"}]},
    }


def weights_chart(weights: pd.DataFrame, settings: Settings) -> dict[str, Any]:
    bars = [
        {"a": probability_to_weight(settings.matching.auto_match_probability), "label": "auto-match bar"},
        {"a": probability_to_weight(settings.matching.clerical_lower_probability), "label": "review floor"},
    ]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json", "width": 520, "height": 220,
        "layer": [
            {"data": {"values": weights.to_dict("records")}, "mark": "bar",
             "encoding": {"x": {"field": "match_weight", "bin": {"maxbins": 40}, "title": "match weight"},
                          "y": {"aggregate": "sum", "field": "pairs", "title": "pairs"},
                          "color": {"field": "decision", "type": "nominal"}}},
            {"data": {"values": bars}, "mark": {"type": "rule", "color": "#b2182b", "strokeWidth": 2},
             "encoding": {"x": {"field": "a", "type": "quantitative"}}},
            {"data": {"values": bars}, "mark": {"type": "text", "align": "left", "dx": 4, "dy": -4, "color": "#b2182b"},
             "encoding": {"x": {"field": "a", "type": "quantitative"}, "y": {"value": 10},
                          "text": {"field": "label"}}},
        ],
    }


def bar_chart(frame: pd.DataFrame, x: str, y: str, colour: str | None, x_title: str,
              in_order: bool = False) -> dict[str, Any]:
    """Horizontal bars, longest first, or in the frame's order (in_order)."""
    encoding: dict[str, Any] = {"x": {"field": x, "type": "quantitative", "title": x_title},
                                "y": {"field": y, "type": "nominal", "title": None,
                                      "sort": list(frame[y]) if in_order else "-x"}}
    if colour:
        encoding["color"] = {"field": colour, "type": "nominal"}
    return {"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "width": 420,
            "data": {"values": frame.to_dict("records")}, "mark": "bar", "encoding": encoding}
