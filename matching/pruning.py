"""Drop the scored pairs that cannot change a decision, before the per-pair work in pandas.

The score floor (match.SCORE_FLOOR) keeps every pair family evidence might lift: at county scale millions of
pairs, nearly all of them strangers. A pair can change a decision only if
- it clears the lowest clerical bar on its own (decide() drops every other pair), or
- family evidence could lift it: its source household and Early Help family hold another scored pair, and one of
  the group's pairs clears the support floor (with_family_evidence needs two pairs and an anchor), or
- the analyst has decided on its source person (an accepted or rejected pair keeps its score).
Every other pair is dropped; the decisions are the same (tests/matching/test_pruning.py).
"""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd

from matching.decisions import Thresholds
from matching.person_views import EH_PEOPLE, SOURCE_PEOPLE, SOURCE_ROWS
from matching.train import THRESHOLDS_KEY


def pairs_that_matter(con: duckdb.DuckDBPyConnection, scored: pd.DataFrame, model: dict[str, Any],
                      configured: Thresholds, decisions: pd.DataFrame | None) -> pd.DataFrame:
    """`scored` (unique_id, eh_person_id, match_probability, ...) less the pairs that cannot change a decision.

    The clerical bar is the lowest of the configured one and every source's calibrated one; the support floor
    is the configured clerical bar (match_month passes it to with_family_evidence).
    """
    calibrated = (model.get(THRESHOLDS_KEY) or {}).values()
    clerical_bar = min([configured.clerical_lower, *(bars["clerical_lower"] for bars in calibrated)])
    support_floor = configured.clerical_lower
    household_of = con.execute(f"SELECT unique_id, household_key FROM {SOURCE_PEOPLE}").df()
    family_of = con.execute(f"SELECT unique_id, family_id FROM {EH_PEOPLE}").df()
    household = scored["unique_id"].map(household_of.set_index("unique_id")["household_key"])
    family = scored["eh_person_id"].map(family_of.set_index("unique_id")["family_id"])
    group = scored["match_probability"].groupby([household, family], dropna=True)
    liftable = (group.transform("count") >= 2) & (group.transform("max") >= support_floor)
    keep = (scored["match_probability"] >= clerical_bar) | liftable.reindex(scored.index, fill_value=False)
    if decisions is not None and not decisions.empty:
        rows = con.execute(f"SELECT source, row_key, unique_id FROM {SOURCE_ROWS}").df()
        reviewed = decisions[["source", "row_key"]].merge(rows, on=["source", "row_key"])["unique_id"]
        keep |= scored["unique_id"].isin(reviewed)
    return scored[keep.to_numpy()]
