"""The review workbook a person can work in, and the round trip of their decisions (matching/review.py)."""

from __future__ import annotations

import datetime
import shutil

import openpyxl
import pandas as pd
import pytest

import matching
import warehouse
from matching.reasons import describe_levels, plain_reasons
from matching.review import PAIR_COLUMNS, read_reviews
from matching.train import load_model
from tests.ui.conftest import LAST

pytestmark = pytest.mark.slow


def _weights(model: dict, levels: dict[str, int]) -> dict[str, float]:
    """mw_<comparison> for the given non-null level index of each comparison (from the model's m and u)."""
    import math
    weights = {}
    for comparison in model["comparisons"]:
        name = comparison["output_column_name"]
        if name not in levels:
            continue
        non_null = [level for level in comparison["comparison_levels"] if not level.get("is_null_level")]
        level = non_null[levels[name]] if levels[name] >= 0 else non_null[-1]
        weights[f"mw_{name}"] = math.log2(level["m_probability"] / level["u_probability"])
    return weights


def test_reason_is_plain_english_from_the_comparison_levels():
    _, model = load_model(matching.SHIPPED_MODEL)
    pair = {**_weights(model, {"forename": 0, "surname": 0, "dob": 0, "location": -1, "gender": 0}),
            "mw_id_number": 0.0}
    pairs = pd.DataFrame([pair, {**pair, **_weights(model, {"forename": 1, "dob": 1})}])
    reasons = plain_reasons(pairs, model, pd.Series([2, 0]))
    assert reasons[0] == ("same name, date of birth and gender, different address and postcode, "
                          "UPN or NINO not on both records; 2 other members of the same family matched")
    assert reasons[1].startswith("same surname and gender, forename a nickname of the other, "
                                 "date of birth with day and month swapped")
    assert "All other comparisons" not in " ".join(reasons) and "location" not in " ".join(reasons)


def test_describe_levels_reads_name_when_both_names_agree():
    assert describe_levels({"forename": ("same", "forename"), "surname": ("same", "surname"),
                            "location": ("same", "address and postcode")}) == "same name, address and postcode"


def test_workbook_has_frozen_header_dates_percentages_dropdown_and_agreement_marks(town):
    path = town.paths.output(LAST) / "clerical_review.xlsx"
    sheet = openpyxl.load_workbook(path).active
    header = [cell.value for cell in sheet[1]]
    assert sheet.freeze_panes == "B2"
    for name in ("forename", "surname", "date_of_birth", "postcode", "address"):   # adjacent, field by field
        assert header.index(f"extract_{name}") == header.index(f"register_{name}") + 1
    assert header[-3:] == ["decision", "decided_by", "decided_on"]
    rows = list(sheet.iter_rows(min_row=2))
    assert rows, "the sample town leaves pairs to review"
    probability = rows[0][header.index("match_probability")]
    assert isinstance(probability.value, float) and probability.number_format == "0.0%"
    birth = header.index("register_date_of_birth")
    births = [row[birth] for row in rows if row[birth].value]
    assert births and all(isinstance(cell.value, datetime.datetime) and cell.number_format == "dd/mm/yyyy"
                          for cell in births)
    lists = [rule for rule in sheet.data_validations.dataValidation if rule.type == "list"]
    assert lists and lists[0].formula1 == '"accept,reject"'
    decision_column = openpyxl.utils.get_column_letter(header.index("decision") + 1)
    assert str(lists[0].sqref).startswith(f"{decision_column}2")
    rules = [rule for cf in sheet.conditional_formatting for rule in cf.rules]
    assert len(rules) == len(PAIR_COLUMNS) // 2 and all(rule.type == "expression" for rule in rules)
    widths = {letter: dimension.width for letter, dimension in sheet.column_dimensions.items()}
    assert all(10 <= width <= 42 for width in widths.values() if width)
    reasons = [row[header.index("why_borderline")].value for row in rows]
    assert all(reason and "All other comparisons" not in reason for reason in reasons)


def _fill(path, decisions: dict[int, tuple[str, str, object]], target):
    """Fill rows (1 = first data row) of a review workbook as the analyst would, and save it as `target`."""
    book = openpyxl.load_workbook(path)
    sheet = book.active
    header = [cell.value for cell in sheet[1]]
    for row, (decision, who, when) in decisions.items():
        sheet.cell(row + 1, header.index("decision") + 1, decision)
        sheet.cell(row + 1, header.index("decided_by") + 1, who)
        sheet.cell(row + 1, header.index("decided_on") + 1, when)
    target.parent.mkdir(parents=True, exist_ok=True)
    book.save(target)
    return header


def test_round_trip_applies_a_good_workbook_and_refuses_a_bad_one_whole(town):
    queue = pd.read_csv(town.paths.output(LAST) / "clerical_review.csv", dtype=str, keep_default_na=False)
    assert len(queue) >= 2
    review = town.paths.review(LAST)
    shutil.rmtree(review, ignore_errors=True)
    _fill(town.paths.output(LAST) / "clerical_review.xlsx",
          {1: ("accept", "A. Analyst", datetime.datetime(2015, 3, 5)), 2: ("reject", "A. Analyst", "05/03/2015")},
          review / "clerical_review.xlsx")
    # A second file whose first row is good and second row names a pair never put to review: refused whole.
    bad = queue.iloc[[0, 1]].copy()
    bad["decision"] = ["reject", "accept"]
    bad["decided_by"], bad["decided_on"] = "B. Analyst", "2015-03-06"
    bad.loc[bad.index[1], "review_id"] = "0000000000000000"
    bad.to_csv(review / "second_look.csv", index=False)

    run = town.run(LAST)

    metadata = run.metadata["matching/matches"]
    assert metadata["review_files_read"] == 2 and metadata["review_files_refused"] == 1
    assert metadata["decisions_applied"] == 2
    with warehouse.connect(town.paths.warehouse) as con:
        decided = con.execute("SELECT review_id, decision, decided_by, decided_on, review_file FROM "
                              "matching.review_decisions WHERE month = ? ORDER BY row_number", [LAST]).df()
        matches = con.execute("SELECT source, row_key, eh_person_id, decision FROM matching.matches WHERE month = ?",
                              [LAST]).df()
    assert list(decided["decision"]) == ["accept", "reject"]
    assert set(decided["decided_by"]) == {"A. Analyst"} and set(decided["review_file"]) == {"clerical_review.xlsx"}
    assert list(decided["decided_on"].astype(str)) == ["2015-03-05", "2015-03-05"]
    first, second = queue.iloc[0], queue.iloc[1]

    def decision_of(pair):
        hit = matches[(matches["source"] == pair["source"]) & (matches["row_key"] == pair["row_key"])
                      & (matches["eh_person_id"] == pair["eh_person_id"])]
        return set(hit["decision"])

    assert decision_of(first) == {"clerical_accept"}
    assert "clerical_review" not in decision_of(second) and "clerical_accept" not in decision_of(second)
    page = (town.paths.output(LAST) / "match_quality.html").read_text(encoding="utf-8")
    assert "Decisions applied in this run: 2 (1 accepted, 1 rejected)" in page
    shutil.rmtree(review)


def test_a_bad_value_names_file_row_and_column_never_the_value(tmp_path):
    known = pd.DataFrame({"review_id": ["r1", "r2"], "source": ["dwp", "dwp"], "row_key": ["k1", "k2"],
                          "eh_person_id": ["e1", "e2"]})
    folder = tmp_path / "2015-02"
    folder.mkdir()
    rows = pd.DataFrame({"review_id": ["r1", "r2"], "decision": ["accept", "Jane Smith"],
                         "decided_by": ["A", "A"], "decided_on": ["2015-03-01", "2015-03-01"]})
    rows.to_csv(folder / "decisions.csv", index=False)
    gone = folder.parent / "2015-01"
    gone.mkdir()
    rows.assign(decision="accept").iloc[[1]].to_csv(gone / "decisions.csv", index=False)

    read = read_reviews(tmp_path, "2015-02", known, register={"e1"})
    assert read.decisions.empty and read.files_refused == 2
    older, newer = read.problems
    assert "2015-01/decisions.csv: data row 1" in older and "no longer on the register" in older
    assert "2015-02/decisions.csv: data row 2, column decision" in newer and "Jane" not in newer
    assert all("nothing in this file was applied" in problem for problem in read.problems)


def test_csv_without_review_ids_is_read_by_its_pair_and_needs_who_and_when(tmp_path):
    from matching.match import review_id
    known = pd.DataFrame({"review_id": [review_id("police", "I1|P1", "e1")], "source": ["police"],
                          "row_key": ["I1|P1"], "eh_person_id": ["e1"]})
    folder = tmp_path / "2015-02"
    folder.mkdir()
    frame = pd.DataFrame({"source": ["police"], "row_key": ["I1|P1"], "eh_person_id": ["e1"], "decision": [" Accept "],
                          "decided_by": ["A"], "decided_on": ["01/03/2015"]})
    frame.to_csv(folder / "decisions.csv", index=False)
    read = read_reviews(tmp_path, "2015-02", known, register={"e1"})
    assert read.problems == [] and list(read.for_matching()["decision"]) == ["accept"]

    frame.assign(decided_by="").to_csv(folder / "decisions.csv", index=False)
    read = read_reviews(tmp_path, "2015-02", known, register={"e1"})
    assert read.decisions.empty and "column decided_by" in read.problems[0]

    for when in ("", "31/02/2015", "next week"):
        frame.assign(decided_on=when).to_csv(folder / "decisions.csv", index=False)
        read = read_reviews(tmp_path, "2015-02", known, register={"e1"})
        assert read.decisions.empty and "column decided_on" in read.problems[0], when
