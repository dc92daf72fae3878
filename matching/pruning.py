"""Drop the scored pairs that cannot change a decision, in DuckDB, before the per-pair work in pandas.

The score floor (match.SCORE_FLOOR) keeps every pair family evidence might lift: at county scale millions of
pairs, nearly all of them strangers, so they stay in DuckDB and only the pairs kept come to pandas. A pair can
change a decision only if
- it clears the lowest clerical bar on its own (decide() drops every other pair) and its dates of birth are not
  years apart (match_month never puts such a pair to the analyst), or the lowest auto-match bar, or
- family evidence could lift it: its source household and Early Help family hold another scored pair, and one of
  the group's pairs clears the support floor (with_family_evidence needs two pairs and an anchor), and neither
  its identifiers nor its dates of birth conflict (a conflicting pair takes no part in family evidence: at county
  scale a third of the pairs in such groups were someone born years apart), or
- the analyst has decided on its source person (an accepted or rejected pair keeps its score).
Every other pair is dropped; the decisions are the same (tests/matching/test_pruning.py).
"""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd

from matching.calibration import AUTO_GRID, CLERICAL_GRID
from matching.decisions import Thresholds
from matching.person_views import EH_PEOPLE, SOURCE_PEOPLE
from matching.train import THRESHOLDS_KEY
from warehouse.db import registered

# Two of conflicts_sql's conflicts, told from the identifiers and dates of birth alone (e: the register person,
# s: the source person); NULL where a field is missing on either side.
IDS_DIFFER = "e.upn <> s.upn OR e.nino <> s.nino"
DOBS_APART = ("abs(date_diff('day', e.dob, s.dob)) > 365"
              " AND NOT (month(e.dob) = day(s.dob) AND day(e.dob) = month(s.dob))"   # day and month swapped
              " AND NOT (month(e.dob) = month(s.dob) AND day(e.dob) = day(s.dob))")  # one birthday: a year mistyped


def pairs_that_matter(con: duckdb.DuckDBPyConnection, pairs: str, into: str, model: dict[str, Any],
                      configured: Thresholds, reviewed_people: pd.Series) -> None:
    """The TEMP table `into`: the table `pairs` (unique_id, eh_person_id, match_probability, ...) less the pairs
    that cannot change a decision (pairs_that_matter_sql); reviewed_people: the source people the analyst
    decided on."""
    reviewed = pd.DataFrame({"unique_id": reviewed_people.astype(str).unique()})
    with registered(con, "_cf_reviewed_people", reviewed):
        con.execute(f"CREATE OR REPLACE TEMP TABLE {into} AS "
                    f"{pairs_that_matter_sql(pairs, '_cf_reviewed_people', model, configured)}").fetchall()


def pairs_that_matter_sql(pairs: str, reviewed: str, model: dict[str, Any], configured: Thresholds) -> str:
    """The pairs of the table `pairs` that can change a decision (DuckDB SQL; the Spark backend renders the same
    string). reviewed: a table of the unique_id of the source people the analyst decided on.

    A source person's household is SOURCE_PEOPLE.household_key, an Early Help person's family EH_PEOPLE.family_id
    (a pair missing either is in no group).

    Each bar is the lowest any source can have in force: the configured one, every source's calibrated one, or
    the lowest the analyst's decisions can move one to (calibration's grids); the support floor is the configured
    clerical bar (match_month passes it to with_family_evidence).
    """
    calibrated = list((model.get(THRESHOLDS_KEY) or {}).values())
    clerical_bar = min([configured.clerical_lower, CLERICAL_GRID[0], *(bars["clerical_lower"] for bars in calibrated)])
    auto_bar = min([configured.auto_match, AUTO_GRID[0], *(bars["auto_match"] for bars in calibrated)])
    conflicting = f"(coalesce({IDS_DIFFER}, false) OR coalesce({DOBS_APART}, false))"
    people = f"""LEFT JOIN {SOURCE_PEOPLE} s ON s.unique_id = p.unique_id
                 LEFT JOIN {EH_PEOPLE} e ON e.unique_id = p.eh_person_id"""
    # The groups come from the keys and probabilities alone (a window over the pairs' every column took half as
    # long again at county scale); a missing household or family is in no group: NULL keys never join.
    return f"""
        WITH liftable AS (
            SELECT s.household_key, e.family_id FROM {pairs} p {people}
            WHERE NOT {conflicting}
            GROUP BY s.household_key, e.family_id
            HAVING count(p.match_probability) >= 2
               AND max(p.match_probability) >= CAST({float(configured.clerical_lower)!r} AS DOUBLE))
        SELECT p.* FROM {pairs} p {people}
        LEFT JOIN liftable l ON l.household_key = s.household_key AND l.family_id = e.family_id
        WHERE p.match_probability >= CAST({float(auto_bar)!r} AS DOUBLE)
           OR (p.match_probability >= CAST({float(clerical_bar)!r} AS DOUBLE) AND NOT coalesce({DOBS_APART}, false))
           OR (l.household_key IS NOT NULL AND NOT {conflicting})
           OR p.unique_id IN (SELECT unique_id FROM {reviewed})
    """
