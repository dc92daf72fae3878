"""History (people who join Early Help get their past matched) and the analyst's decisions read back."""

import pandas as pd

import matching
from benchmarks.evaluate import true_pairs
from matching.person_views import SOURCE_ROWS
from matching.quality_report import match_quality_html
from matching.train import load_model
from settings import Settings
from warehouse import replace_month

from .conftest import LAST_MONTH

EARLIER = "2016-06"


def test_people_who_join_early_help_later_get_their_past_rows_matched(sample, last_month_result):
    joined_later = sample.register(LAST_MONTH) - sample.register(EARLIER)
    old_rows = true_pairs(sample.links, EARLIER, joined_later)   # their rows from months up to EARLIER
    assert len(old_rows) > 20
    matched = last_month_result.matches
    auto = matched[matched["decision"] == "auto_match"]
    matched = set(zip(*auto[["source", "row_key", "eh_person_id"]].to_numpy().T, strict=True))
    found = sum((source, key, person) in matched for source, key, person in old_rows.to_numpy())
    assert found / len(old_rows) >= 0.95
    # and the earlier month's run could not have matched them: they were not on the register yet
    earlier = sample.match(EARLIER).matches
    assert not set(earlier["eh_person_id"].dropna()) & joined_later


def _decisions(rows: pd.DataFrame, decision: str) -> pd.DataFrame:
    return rows[["source", "row_key", "eh_person_id"]].assign(decision=decision, month=LAST_MONTH)


def test_accept_and_reject_override_the_model_for_every_row_of_the_person(sample, last_month_result):
    queue, matches = last_month_result.clerical_queue, last_month_result.matches
    accepted = queue.iloc[[0]]
    rejected_review = queue.iloc[[1]]
    # an automatic match the analyst says is wrong, on a person with several rows
    auto = matches[(matches["decision"] == "auto_match") & (matches["method"] == "probabilistic")]
    multi = auto[auto.duplicated(["source", "eh_person_id"], keep=False)]
    rejected_auto = multi.iloc[[0]]
    decisions = pd.concat([_decisions(accepted, "accept"), _decisions(rejected_review, "reject"),
                           _decisions(rejected_auto, "reject")])

    rerun = sample.match(LAST_MONTH, decisions).matches
    rows = sample.con.execute(f"SELECT source, row_key, unique_id FROM {SOURCE_ROWS}").df()

    def person_rows(pick: pd.DataFrame) -> pd.DataFrame:
        person = pick[["source", "row_key"]].merge(rows)["unique_id"].iloc[0]
        keys = rows[rows["unique_id"] == person]
        return rerun.merge(keys[["source", "row_key"]])

    accepted_rows = person_rows(accepted)
    assert (accepted_rows["decision"] == "clerical_accept").all() and (accepted_rows["method"] == "clerical").all()
    assert set(accepted_rows["eh_person_id"]) == set(accepted["eh_person_id"])
    for pick in (rejected_review, rejected_auto):
        person = person_rows(pick)
        pair = person[person["eh_person_id"] == pick["eh_person_id"].iloc[0]]
        assert set(pair["row_key"]) == set(person["row_key"])   # every row of the person carries the rejection
        assert (pair["decision"] == "clerical_reject").all()
    # the rejection covers every row of that person: none of them is matched to that Early Help person again
    assert len(person_rows(rejected_auto)) >= 2
    # the accepted and rejected pairs leave the review queue
    queue_after = sample.match(LAST_MONTH, decisions).clerical_queue
    assert not set(queue_after["review_id"]) & (set(accepted["review_id"]) | set(rejected_review["review_id"]))


def test_review_ids_are_stable_from_month_to_month(sample, last_month_result):
    earlier = sample.match("2016-11").clerical_queue
    later = last_month_result.clerical_queue
    both = earlier.merge(later, on=["source", "eh_person_id", "src_forename", "src_surname", "src_date_of_birth"])
    assert len(both) > 10
    assert (both["review_id_x"] == both["review_id_y"]).mean() >= 0.95


def test_enough_decisions_recalibrate_that_sources_thresholds_and_the_run_says_so(sample, last_month_result):
    from matching.calibration import MIN_DECISIONS

    stats = last_month_result.stats
    sources = ("school_attendance", "police", "dwp", "cross_keys_homes")
    assert all(stats[f"thresholds_from_{source}"] == "model" for source in sources)
    # the analyst rejects what the queue shows of one source, and auto-matches of it they checked
    queue = last_month_result.clerical_queue
    busiest = queue["source"].value_counts().index[0]
    matches = last_month_result.matches
    auto = matches[(matches["source"] == busiest) & (matches["decision"] == "auto_match")
                   & (matches["method"] == "probabilistic")].drop_duplicates("eh_person_id")
    picked = pd.concat([queue[queue["source"] == busiest], auto]).drop_duplicates("eh_person_id")
    picked = picked.head(MIN_DECISIONS + 10)
    assert len(picked) >= MIN_DECISIONS + 10
    result = sample.match(LAST_MONTH, _decisions(picked, "reject"))
    rerun = result.stats
    assert rerun[f"thresholds_from_{busiest}"] == "decisions"
    assert rerun[f"decisions_in_band_{busiest}"] >= MIN_DECISIONS
    # every pair the analyst checked was wrong: the bars can only move up
    assert rerun[f"auto_match_{busiest}"] >= stats[f"auto_match_{busiest}"]
    assert rerun[f"clerical_lower_{busiest}"] >= stats[f"clerical_lower_{busiest}"]
    assert all(rerun[f"thresholds_from_{source}"] == "model" for source in sources if source != busiest)

    # the match quality report says which bars were used and where they came from
    replace_month(sample.con, "matching.matches", LAST_MONTH, result.matches)
    version, model = load_model(matching.SHIPPED_MODEL)
    page, figures = match_quality_html(sample.con, LAST_MONTH, Settings(), model, version, result.thresholds)
    shown = figures.thresholds.set_index("source")
    assert shown.loc[busiest, "origin"] == "decisions"
    assert shown.loc[busiest, "auto_match"] == rerun[f"auto_match_{busiest}"]
    assert "Thresholds in force" in page and "<td>decisions</td>" in page
