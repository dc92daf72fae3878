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

import pandas as pd

from matching.decisions import Thresholds
from matching.train import THRESHOLDS_KEY


def pairs_that_matter(scored: pd.DataFrame, household_of: pd.Series, family_of: pd.Series, model: dict[str, Any],
                      configured: Thresholds, reviewed_people: pd.Series) -> pd.DataFrame:
    """`scored` (unique_id, eh_person_id, match_probability, ...) less the pairs that cannot change a decision.

    household_of: source person -> household_key; family_of: Early Help person -> family; reviewed_people: the
    source people the analyst decided on.

    The clerical bar is the lowest of the configured one and every source's calibrated one; the support floor
    is the configured clerical bar (match_month passes it to with_family_evidence).
    """
    calibrated = (model.get(THRESHOLDS_KEY) or {}).values()
    clerical_bar = min([configured.clerical_lower, *(bars["clerical_lower"] for bars in calibrated)])
    support_floor = configured.clerical_lower
    household = scored["unique_id"].map(household_of)
    family = scored["eh_person_id"].map(family_of)
    group = scored["match_probability"].groupby([household, family], dropna=True)
    liftable = (group.transform("count") >= 2) & (group.transform("max") >= support_floor)
    keep = (scored["match_probability"] >= clerical_bar) | liftable.reindex(scored.index, fill_value=False)
    keep |= scored["unique_id"].isin(reviewed_people)
    return scored[keep.to_numpy()]
