"""Drop the scored pairs that cannot change a decision, in DuckDB, before the per-pair work in pandas.

The score floor (match.SCORE_FLOOR) keeps every pair family evidence might lift: at county scale millions of
pairs, nearly all of them strangers, so they stay in DuckDB and only the pairs kept come to pandas. A pair can
change a decision only if
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
from matching.person_views import EH_PEOPLE, SOURCE_PEOPLE
from matching.train import THRESHOLDS_KEY


def pairs_that_matter(con: duckdb.DuckDBPyConnection, pairs: str, into: str, model: dict[str, Any],
                      configured: Thresholds, reviewed_people: pd.Series) -> None:
    """The TEMP table `into`: the table `pairs` (unique_id, eh_person_id, match_probability, ...) less the pairs
    that cannot change a decision.

    A source person's household is SOURCE_PEOPLE.household_key, an Early Help person's family EH_PEOPLE.family_id
    (a pair missing either is in no group); reviewed_people: the source people the analyst decided on.

    The clerical bar is the lowest of the configured one and every source's calibrated one; the support floor
    is the configured clerical bar (match_month passes it to with_family_evidence).
    """
    calibrated = (model.get(THRESHOLDS_KEY) or {}).values()
    clerical_bar = min([configured.clerical_lower, *(bars["clerical_lower"] for bars in calibrated)])
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {into} AS
        SELECT p.* FROM {pairs} p
        LEFT JOIN {SOURCE_PEOPLE} s ON s.unique_id = p.unique_id
        LEFT JOIN {EH_PEOPLE} e ON e.unique_id = p.eh_person_id
        WINDOW household_and_family AS (PARTITION BY s.household_key, e.family_id)
        QUALIFY p.match_probability >= $clerical_bar
             OR (s.household_key IS NOT NULL AND e.family_id IS NOT NULL
                 AND count(p.match_probability) OVER household_and_family >= 2
                 AND max(p.match_probability) OVER household_and_family >= $support_floor)
             OR p.unique_id IN (SELECT unnest($reviewed::VARCHAR[]))
    """, {"clerical_bar": clerical_bar, "support_floor": configured.clerical_lower,
          "reviewed": [str(person) for person in reviewed_people]}).fetchall()
