"""Decisions from scores: thresholds, one Early Help person per source person, and the analyst's overrides."""

from pathlib import Path

import duckdb
import pandas as pd

from matching.decisions import Thresholds, decide
from matching.match import reviewed_pairs
from matching.person_views import SOURCE_ROWS

THRESHOLDS = Thresholds(auto_match=0.99, clerical_lower=0.5)
SOURCE_OF = pd.Series({"s1": "police", "s2": "police", "s3": "dwp", "s4": "dwp", "s5": "school_attendance"})
FAMILY_OF = pd.Series({"e1": "F1", "e2": "F2", "e3": "F3", "e4": "F1"})


def _scored(*rows: tuple[str, str, float, float]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["unique_id", "eh_person_id", "match_probability", "match_weight"])
    return frame.assign(conflict=None)


def _no_exact() -> pd.DataFrame:
    return pd.DataFrame(columns=["unique_id", "eh_person_id"])


def _no_reviews() -> pd.DataFrame:
    return pd.DataFrame(columns=["unique_id", "eh_person_id", "decision"])


def _by_pair(decided: pd.DataFrame) -> dict[tuple[str, str], str]:
    return {(row.unique_id, row.eh_person_id): row.decision for row in decided.itertuples()}


def test_thresholds_and_best_candidate_only():
    scored = _scored(("s1", "e1", 0.995, 9.0), ("s1", "e2", 0.7, 1.0), ("s2", "e2", 0.8, 2.0), ("s2", "e3", 0.3, -1.0))
    decided = decide(scored, _no_exact(), _no_reviews(), SOURCE_OF, FAMILY_OF, THRESHOLDS)
    assert _by_pair(decided) == {("s1", "e1"): "auto_match", ("s2", "e2"): "clerical_review"}
    assert set(decided["method"]) == {"probabilistic"}


def test_tied_best_candidates_all_go_to_review():
    scored = _scored(("s1", "e1", 0.999, 10.0), ("s1", "e2", 0.999, 10.0))
    decided = decide(scored, _no_exact(), _no_reviews(), SOURCE_OF, FAMILY_OF, THRESHOLDS)
    assert _by_pair(decided) == {("s1", "e1"): "clerical_review", ("s1", "e2"): "clerical_review"}
    assert decided["note"].str.contains("same as another").all()


def test_a_conflicting_date_of_birth_is_never_matched_automatically():
    scored = _scored(("s1", "e1", 0.9999, 14.0)).assign(conflict="dates of birth more than a year apart")
    decided = decide(scored, _no_exact(), _no_reviews(), SOURCE_OF, FAMILY_OF, THRESHOLDS)
    assert _by_pair(decided) == {("s1", "e1"): "clerical_review"}
    assert decided["note"].iloc[0] == "dates of birth more than a year apart"


def test_a_weak_pair_below_the_bar_is_not_put_to_review():
    # s1: only the names agree (or another UPN/NINO), so below the bar it is dropped and the next best is reviewed;
    # s2: weak too, but it clears the bar on its own, so it is still decided on its score
    scored = _scored(("s1", "e1", 0.9, 4.0), ("s1", "e2", 0.7, 1.0), ("s2", "e3", 0.999, 10.0)).assign(
        weak=[True, False, True])
    decided = decide(scored, _no_exact(), _no_reviews(), SOURCE_OF, FAMILY_OF, THRESHOLDS)
    assert _by_pair(decided) == {("s1", "e2"): "clerical_review", ("s2", "e3"): "auto_match"}


def test_two_members_of_one_family_above_the_bar_go_to_review():
    # e1 and e4 are twins in family F1; e2 in another family clearing the bar does not make s2 ambiguous
    scored = _scored(("s1", "e1", 0.9999, 14.0), ("s1", "e4", 0.995, 8.0),
                     ("s2", "e1", 0.9999, 14.0), ("s2", "e2", 0.995, 8.0))
    decided = decide(scored, _no_exact(), _no_reviews(), SOURCE_OF, FAMILY_OF, THRESHOLDS)
    assert _by_pair(decided) == {("s1", "e1"): "clerical_review", ("s2", "e1"): "auto_match"}
    assert "same family" in decided.set_index("unique_id").loc["s1", "note"]


def test_exact_id_beats_the_model_and_one_claimant_per_register_person():
    exact = pd.DataFrame({"unique_id": ["s3"], "eh_person_id": ["e1"]})
    scored = _scored(("s4", "e1", 0.999, 11.0), ("s5", "e2", 0.999, 11.0))
    decided = decide(scored, exact, _no_reviews(), SOURCE_OF, FAMILY_OF, THRESHOLDS)
    assert _by_pair(decided) == {("s3", "e1"): "auto_match", ("s4", "e1"): "clerical_review",
                                 ("s5", "e2"): "auto_match"}
    assert decided.set_index("unique_id").loc["s3", "method"] == "exact_id"


def test_accept_and_reject_override_the_model():
    scored = _scored(("s1", "e1", 0.999, 10.0), ("s1", "e2", 0.9, 3.0), ("s2", "e2", 0.6, 0.5))
    reviews = pd.DataFrame({"unique_id": ["s1", "s2"], "eh_person_id": ["e1", "e3"], "decision": ["reject", "accept"]})
    decided = decide(scored, _no_exact(), reviews, SOURCE_OF, FAMILY_OF, THRESHOLDS)
    assert _by_pair(decided) == {("s1", "e1"): "clerical_reject", ("s1", "e2"): "clerical_review",
                                 ("s2", "e3"): "clerical_accept"}
    accepted = decided[decided["decision"] == "clerical_accept"].iloc[0]
    assert accepted["method"] == "clerical" and pd.isna(accepted["match_probability"])


def test_accept_of_someone_no_longer_on_the_register_is_ignored():
    reviews = pd.DataFrame({"unique_id": ["s1"], "eh_person_id": ["gone"], "decision": ["accept"]})
    decided = decide(_scored(("s1", "e1", 0.999, 10.0)), _no_exact(), reviews, SOURCE_OF, FAMILY_OF, THRESHOLDS)
    assert _by_pair(decided) == {("s1", "e1"): "auto_match"}


def _write(root: Path, month: str, rows: list[tuple[str, str, str, str]]) -> None:
    folder = root / month
    folder.mkdir(parents=True)
    frame = pd.DataFrame(rows, columns=["source", "row_key", "eh_person_id", "decision"])
    frame.insert(0, "review_id", range(len(frame)))
    frame.to_csv(folder / "decisions.csv", index=False)


def test_the_analysts_latest_decision_on_a_person_stands_whichever_of_their_rows_it_was_made_on():
    con = duckdb.connect()
    con.execute(f"""CREATE TEMP TABLE {SOURCE_ROWS} AS SELECT * FROM (VALUES
                    ('police', 'r1', 's1'), ('police', 'r2', 's1'), ('dwp', 'r1', 's3'))
                    t(source, row_key, unique_id)""")
    decisions = pd.DataFrame([
        ("police", "r1", "e1", "accept", "2016-10"),
        ("police", "r2", "e1", "reject", "2016-12"),    # the same person on another row, later: stands
        ("police", "r1", "e1", "accept", "2016-11"),
        ("dwp", "r1", "e3", "reject", "2016-11"),
        ("dwp", "r1", "e3", "accept", "2016-11"),        # the same month: the last given stands
        ("dwp", "r9", "e3", "accept", "2016-12"),        # a row no longer in the extracts: nobody
    ], columns=["source", "row_key", "eh_person_id", "decision", "month"])

    reviewed = reviewed_pairs(con, decisions)

    assert _by_pair(reviewed) == {("s1", "e1"): "reject", ("s3", "e3"): "accept"}
    assert reviewed_pairs(con, None).empty and reviewed_pairs(con, decisions.iloc[:0]).empty
