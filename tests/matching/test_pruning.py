"""Dropping the scored pairs that cannot change a decision leaves every decision, score and queue row as it was."""

import duckdb
import pandas as pd
import pytest

import matching.match
from matching import pruning
from matching.decisions import Thresholds
from matching.person_views import EH_PEOPLE, SOURCE_PEOPLE, SOURCE_ROWS
from matching.train import THRESHOLDS_KEY

from .conftest import LAST_MONTH


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


def test_the_rule_keeps_pairs_over_the_bar_liftable_groups_and_reviewed_people():
    con = duckdb.connect()
    # source people -> household, date of birth, NINO (S9's household unknown; S10 not among the people);
    # register people -> family, date of birth, NINO
    con.execute(f"""CREATE TEMP TABLE {SOURCE_PEOPLE} AS
                    SELECT unique_id, household_key, CAST(dob AS DATE) AS dob, NULL AS upn, nino FROM (VALUES
                    ('S1', 'H1', NULL, NULL), ('S2', 'H2', NULL, NULL), ('S3', 'H2', NULL, NULL),
                    ('S4', 'H3', NULL, NULL), ('S5', 'H3', NULL, NULL), ('S6', 'H4', NULL, NULL),
                    ('S7', 'H5', NULL, NULL), ('S8', 'H2', NULL, NULL), ('S9', NULL, NULL, NULL),
                    ('S11', 'H6', NULL, NULL), ('S12', 'H7', '2010-05-01', NULL), ('S13', 'H7', '1990-01-01', NULL),
                    ('S14', 'H7', NULL, 'AB123456C'), ('S15', 'H8', '1980-03-04', NULL), ('S16', 'H8', NULL, NULL),
                    ('S17', 'H7', '2013-04-02', NULL), ('S18', 'H9', '1970-01-01', NULL))
                    t(unique_id, household_key, dob, nino)""").fetchall()
    con.execute(f"""CREATE TEMP TABLE {EH_PEOPLE} AS
                    SELECT unique_id, family_id, CAST(dob AS DATE) AS dob, NULL AS upn, nino FROM (VALUES
                    ('E1', 'F1', NULL, NULL), ('E2', 'F2', NULL, NULL), ('E3', 'F2', NULL, NULL),
                    ('E4', 'F3', NULL, NULL), ('E5', 'F4', NULL, NULL), ('E6', 'F5', NULL, NULL),
                    ('E7', 'F6', '2010-05-01', NULL), ('E8', 'F6', '1975-06-20', NULL), ('E9', 'F6', NULL, 'ZZ999999Z'),
                    ('E10', 'F7', '1990-07-15', NULL), ('E11', 'F7', NULL, NULL), ('E12', 'F6', '2013-02-04', NULL),
                    ('E13', 'F8', '1999-09-09', NULL))
                    t(unique_id, family_id, dob, nino)""").fetchall()
    pairs = pd.DataFrame([
        ("S1", "E1", 0.45, "alone, over the lowest calibrated bar"),
        ("S11", "E1", 0.06, "alone, over the lowest bar the analyst's decisions can move a source to"),
        ("S2", "E2", 0.55, "a household and family with two pairs, one over the support floor"),
        ("S3", "E3", 0.01, "a household and family with two pairs, one over the support floor"),
        ("S8", "E4", 0.01, "dropped: the household of S2 and S3, another family"),
        ("S4", "E4", 0.03, "dropped: a group of two, neither over the support floor"),
        ("S5", "E4", 0.01, "dropped: a group of two, neither over the support floor"),
        ("S6", "E5", 0.01, "dropped: alone, below the bar"),
        ("S7", "E6", 0.001, "the analyst decided on this source person"),
        ("S9", "E2", 0.01, "dropped: no household, so no group"),
        ("S10", "E2", 0.01, "dropped: not among the source people, so no group"),
        ("S12", "E7", 0.9, "the anchor of a liftable group"),
        ("S17", "E12", 0.01, "in the liftable group: the day and month of its date of birth swapped"),
        ("S13", "E8", 0.01, "dropped: in a liftable group, but born years apart"),
        ("S14", "E9", 0.01, "dropped: in a liftable group, but the NINO differs"),
        ("S15", "E10", 0.6, "dropped: over the clerical bar, but born years apart (never put to the analyst)"),
        ("S18", "E13", 0.92, "over the lowest auto-match bar, though born years apart"),
        ("S16", "E11", 0.01, "dropped: the group's only other pair is born years apart"),
    ], columns=["unique_id", "eh_person_id", "match_probability", "why"]).assign(mw_name=1.5)
    con.register("pairs_frame", pairs)
    con.execute("CREATE TEMP TABLE pairs AS FROM pairs_frame").fetchall()
    model = {THRESHOLDS_KEY: {"a": {"auto_match": 0.9, "clerical_lower": 0.4},
                              "b": {"auto_match": 0.95, "clerical_lower": 0.6}}}

    pruning.pairs_that_matter(con, "pairs", "kept", model, Thresholds(0.9, 0.5), pd.Series(["S7"]))

    kept = con.execute("FROM kept").df()
    assert list(kept.columns) == list(pairs.columns)   # every column of the pairs goes on
    expected = pairs[~pairs["why"].str.startswith("dropped")]
    pd.testing.assert_frame_equal(_sorted(kept), _sorted(expected))


@pytest.mark.slow
def test_pruned_pairs_give_the_same_month_as_all_pairs(sample, monkeypatch):
    sample.match(LAST_MONTH)   # fills the score cache the low-scoring pair comes from
    decisions = _low_scoring_pair(sample.con).assign(decision="accept", month=LAST_MONTH)

    kept = []
    real = pruning.pairs_that_matter

    def counting(con, pairs, into, *args):
        real(con, pairs, into, *args)
        kept.append(tuple(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0] for table in (pairs, into)))

    def everything(con, pairs, into, *args):
        con.execute(f"CREATE OR REPLACE TEMP TABLE {into} AS FROM {pairs}").fetchall()

    monkeypatch.setattr(matching.match, "pairs_that_matter", counting)
    pruned = sample.match(LAST_MONTH, decisions)
    monkeypatch.setattr(matching.match, "pairs_that_matter", everything)
    unpruned = sample.match(LAST_MONTH, decisions)

    scored, left = kept[0]
    assert left < scored   # strangers below the bar, alone in their household and family, are dropped
    pd.testing.assert_frame_equal(_sorted(pruned.matches), _sorted(unpruned.matches))
    pd.testing.assert_frame_equal(_sorted(pruned.clerical_queue), _sorted(unpruned.clerical_queue))
    # the accepted low-scoring pair keeps its score
    accepted = pruned.matches[pruned.matches["decision"] == "clerical_accept"]
    assert len(accepted) >= 1 and (accepted["match_probability"] < 0.01).all()


def _low_scoring_pair(con) -> pd.DataFrame:
    """A (source, row_key, eh_person_id) the model scored far below the clerical bar: kept only as a decision."""
    pair = con.execute(f"""
        SELECT r.source, r.row_key, c.eh_person_id
        FROM matching.scored_pairs c JOIN {SOURCE_ROWS} r USING (unique_id)
        WHERE c.match_probability < 0.01
        ORDER BY c.match_probability, r.source, r.row_key, c.eh_person_id LIMIT 1""").df()
    assert len(pair) == 1
    return pair
