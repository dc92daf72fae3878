"""The shapes a council sees every month, each as a small hand-built case matched with the shipped model."""

from __future__ import annotations

from itertools import count
from pathlib import Path

import pandas as pd
import pytest

import matching
from settings import Settings
from sources.standardise import (
    formal_forenames_series,
    standardise_address_series,
    standardise_name_series,
    standardise_postcode_series,
)
from warehouse import connect, replace_month

MONTH = "2016-12"
_row = count(1)


def _standardised(frame: pd.DataFrame, address: str) -> pd.DataFrame:
    frame["forename_std"] = standardise_name_series(frame["forename"])
    frame["forename_formal"] = formal_forenames_series(frame["forename_std"])
    frame["surname_std"] = standardise_name_series(frame["surname"])
    frame["postcode_std"] = standardise_postcode_series(frame["postcode"])
    frame["address_std"] = standardise_address_series(frame[address])
    frame["date_of_birth"] = pd.to_datetime(frame["date_of_birth"]).dt.date
    frame["row_number"] = [next(_row) for _ in range(len(frame))]
    return frame.assign(month=MONTH, source_file="test.csv")


def register(*people: tuple[str, str, str, str, str | None, str, str]) -> pd.DataFrame:
    """(family, person, forename, middle names, surname, date of birth, address line 1, postcode)."""
    frame = pd.DataFrame(people, columns=["family_id", "person_id", "forename", "middle_names", "surname",
                                          "date_of_birth", "address_line_1", "postcode"])
    frame = _standardised(frame.assign(town="PETERBOROUGH"), "address_line_1")
    frame["middle_names_std"] = standardise_name_series(frame["middle_names"])
    return frame.assign(snapshot_date=pd.Timestamp("2016-12-31").date(), row_key=frame["person_id"], role="child",
                        identified_needs=[[] for _ in range(len(frame))], csc_status="none",
                        eha_start_date=pd.Timestamp("2016-06-01").date())


def tenancy(ref: str, address: str, postcode: str, *people: tuple[str, str, str | None]) -> pd.DataFrame:
    """Cross Keys Homes rows of one tenancy: (forename, surname, date of birth or None)."""
    frame = pd.DataFrame(people, columns=["forename", "surname", "date_of_birth"])
    frame = _standardised(frame.assign(address=address, postcode=postcode), "address")
    refs = [f"{ref}-P{index}" for index in range(len(frame))]
    return frame.assign(tenancy_ref=ref, person_ref=refs, row_key=[f"{ref}|{r}" for r in refs],
                        person_role="household_member", snapshot_date=pd.Timestamp("2016-12-31").date(),
                        asb_case_open=False)


def police(*people: tuple[str, str, str, str, str, str]) -> pd.DataFrame:
    """(person_ref, forename, surname, date of birth, address, postcode)."""
    frame = pd.DataFrame(people, columns=["person_ref", "forename", "surname", "date_of_birth", "address", "postcode"])
    frame = _standardised(frame, "address")
    return frame.assign(incident_ref="I1", incident_date=pd.Timestamp("2016-12-01").date(), incident_type="crime",
                        person_role="victim", row_key=frame["person_ref"], pnc_id=None)


@pytest.fixture
def town(tmp_path: Path):
    con = connect(tmp_path / "warehouse.duckdb")

    def match(eh: pd.DataFrame, **extracts: pd.DataFrame) -> pd.DataFrame:
        replace_month(con, "staging.early_help", MONTH, eh)
        for source, frame in extracts.items():
            replace_month(con, f"staging.{source}", MONTH, frame)
        result = matching.match_month(con, MONTH, Settings(), model_path=matching.SHIPPED_MODEL)
        return result.matches

    yield match
    con.close()


def _decision(matches: pd.DataFrame, row_key: str) -> tuple[str | None, str | None]:
    """(decision, Early Help person) of the row's person-level decision, or (None, None)."""
    rows = matches[(matches["row_key"] == row_key) & matches["eh_person_id"].notna()]
    if rows.empty:
        return None, None
    best = rows.sort_values("decision").iloc[0]
    return best["decision"], best["eh_person_id"]


JONES = [("F1", "E1", "Sarah", None, "Jones", "1984-03-12", "14 High Street", "PE1 2AB"),
         ("F1", "E2", "Jack", None, "Jones", "2010-05-05", "14 High Street", "PE1 2AB"),
         ("F1", "E3", "Emily", None, "Jones", "2012-07-07", "14 High Street", "PE1 2AB")]


def test_a_family_that_moved_together_is_matched_through_family_evidence(town):
    moved = tenancy("T1", "9 Mill Road", "PE3 6XY",
                    ("Sarah", "Jones", "1984-03-12"), ("Jack", "Jones", None), ("Emily", "Jones", None))
    matches = town(register(*JONES), cross_keys_homes=moved)
    assert _decision(matches, "T1|T1-P1") == ("auto_match", "E2")
    assert _decision(matches, "T1|T1-P2") == ("auto_match", "E3")
    assert _decision(matches, "T1|T1-P0") == ("auto_match", "E1")
    child = matches[matches["row_key"] == "T1|T1-P1"].iloc[0]
    assert child["reason"].startswith("family evidence: 2 co-members of this household match members of this family")


def test_the_same_names_in_an_unrelated_household_are_not_matched(town):
    # the mother's date of birth is years apart: nothing anchors the children's names to the Jones family
    unrelated = tenancy("T2", "5 Oak Road", "PE4 7QR",
                        ("Sarah", "Jones", "1990-01-01"), ("Jack", "Jones", None), ("Emily", "Jones", None))
    matches = town(register(*JONES), cross_keys_homes=unrelated)
    for person in ("T2|T2-P0", "T2|T2-P1", "T2|T2-P2"):
        assert _decision(matches, person)[0] in (None, "clerical_review"), person
    assert not matches["reason"].fillna("").str.startswith("family evidence").any()


O_NEILL = [("F7", "E10", "Claire", None, "O'Neill", "1978-02-18", "29 Bishops Lane", "PE7 4GT"),
           ("F7", "E11", "Lily", "Florence", "O'Neill", "2012-07-07", "29 Bishops Lane", "PE7 4GT"),
           ("F7", "E12", "Lily", None, "O'Neill", "2014-08-31", "29 Bishops Lane", "PE7 4GT"),
           ("F7", "E13", "Noah", None, "O'Neill", "2010-10-25", "29 Bishops Lane", "PE7 4GT")]


def test_a_child_without_a_date_of_birth_is_not_lifted_onto_a_sibling_of_the_same_name(town):
    # the family moved; the tenancy holds one Lily and no dates of birth for the children: either register
    # Lily could be her, so family evidence must not pick one
    moved = tenancy("T3", "10 Scotney Road", "PE3 6AE", ("Claire", "O'Neill", "1978-02-18"),
                    ("Lily", "O'Neill", None), ("Noah", "O'Neill", None))
    matches = town(register(*O_NEILL), cross_keys_homes=moved)
    assert _decision(matches, "T3|T3-P0") == ("auto_match", "E10")
    assert _decision(matches, "T3|T3-P2") == ("auto_match", "E13")
    lily = matches[(matches["row_key"] == "T3|T3-P1") & matches["eh_person_id"].notna()]
    assert set(lily["decision"]) == {"clerical_review"}, lily
    assert "nothing tells them apart" in lily["reason"].iloc[0]


def test_two_children_of_one_name_on_a_tenancy_are_not_auto_matched(town):
    moved = tenancy("T4", "10 Scotney Road", "PE3 6AE", ("Claire", "O'Neill", "1978-02-18"),
                    ("Lily", "O'Neill", None), ("Lily", "ONeill", None), ("Noah", "O'Neill", None))
    matches = town(register(*O_NEILL), cross_keys_homes=moved)
    for child in ("T4|T4-P1", "T4|T4-P2"):
        assert _decision(matches, child)[0] in (None, "clerical_review"), child


def test_a_father_identified_by_his_date_of_birth_leaves_the_son_of_his_name(town):
    # father and son share a name; on the tenancy only the father has a date of birth: the son is the son
    eh = register(("F8", "E14", "Jonas", None, "Kazlauskas", "1971-06-18", "27 Bourges Close", "PE4 6ZX"),
                  ("F8", "E15", "Ruta", None, "Kazlauskiene", "1979-10-19", "27 Bourges Close", "PE4 6ZX"),
                  ("F8", "E16", "Jonas", None, "Kazlauskas", "2014-03-23", "27 Bourges Close", "PE4 6ZX"))
    moved = tenancy("T5", "3 Crown Street", "PE1 3DF", ("Jonas", "Kazlauskas", "1971-06-18"),
                    ("Ruta", "Kazlauskiene", "1979-10-19"), ("Jonas", "Kazlauskas", None))
    matches = town(eh, cross_keys_homes=moved)
    assert _decision(matches, "T5|T5-P0") == ("auto_match", "E14")
    assert _decision(matches, "T5|T5-P2") == ("auto_match", "E16")


def test_a_middle_name_used_as_the_forename(town):
    eh = register(("F2", "E4", "Mark", "Stephen", "Taylor", "1980-02-03", "3 Park Lane", "PE2 5DD"))
    seen = police(("P1", "Stephen", "Taylor", "1980-02-03", "3 Park Lane", "PE2 5DD"))
    assert _decision(town(eh, police=seen), "P1") == ("auto_match", "E4")


def test_forename_and_surname_swapped(town):
    eh = register(("F3", "E5", "Usman", None, "Khan", "1979-11-21", "22 Eastfield Road", "PE1 4AN"))
    seen = police(("P2", "Khan", "Usman", "1979-11-21", "22 Eastfield Road", "PE1 4AN"))
    assert _decision(town(eh, police=seen), "P2") == ("auto_match", "E5")


def test_a_tie_with_a_relative_is_broken_by_the_forename(town):
    # twins share a date of birth and an address: the forename that agrees decides, not the review queue
    eh = register(("F4", "E6", "Jack", None, "Smith", "2012-01-01", "7 Lincoln Road", "PE1 2RL"),
                  ("F4", "E7", "James", None, "Smith", "2012-01-01", "7 Lincoln Road", "PE1 2RL"))
    seen = police(("P3", "Jack", "Smith", "2012-01-01", "7 Lincoln Road", "PE1 2RL"))
    matches = town(eh, police=seen)
    assert _decision(matches, "P3") == ("auto_match", "E6")
    assert (matches["row_key"] == "P3").sum() == 1   # the relative is not queued as well


def _namesakes_register() -> pd.DataFrame:
    """A register where Jack and Smith are common, with one Jack Smith and one Zbigniew Wieczorek."""
    people = [("F5", "E8", "Jack", None, "Smith", "2009-04-04", "1 Elm Close", "PE2 8AA"),
              ("F6", "E9", "Zbigniew", None, "Wieczorek", "1975-09-30", "2 Elm Close", "PE2 8AA")]
    # 5 Jacks and 5 Smiths among 10 people: the register is expected to hold 2.5 Jack Smiths
    others = [("Jack", "Brown"), ("Jack", "Wilson"), ("Jack", "Evans"), ("Jack", "Hall"), ("Amy", "Smith"),
              ("Tom", "Smith"), ("Lucy", "Smith"), ("Ella", "Smith")]
    for index, (forename, surname) in enumerate(others):
        people.append((f"G{index}", f"X{index}", forename, None, surname, f"19{80 + index}-01-15",
                       f"{index + 10} Ash Road", "PE3 9BB"))
    return register(*people)


def test_a_common_name_and_date_of_birth_at_another_address_goes_to_review_a_rare_one_does_not(town):
    seen = police(("P4", "Jack", "Smith", "2009-04-04", "40 Bourges Boulevard", "PE1 1NT"),
                  ("P5", "Zbigniew", "Wieczorek", "1975-09-30", "40 Bourges Boulevard", "PE1 1NT"))
    matches = town(_namesakes_register(), police=seen)
    decision, person = _decision(matches, "P4")
    assert (decision, person) == ("clerical_review", "E8")
    assert "common name" in matches.loc[matches["row_key"] == "P4", "reason"].iloc[0]
    assert _decision(matches, "P5") == ("auto_match", "E9")


def test_a_name_the_nickname_list_does_not_know_with_everything_else_agreeing(town):
    # Tally for Natalie: same surname, date of birth and address, and no twin on the register
    eh = register(("F9", "E17", "Natalie", None, "Holmes", "1984-06-02", "23 Lime Way", "PE3 1EP"),
                  ("F9", "E18", "Sam", None, "Holmes", "2010-01-05", "23 Lime Way", "PE3 1EP"))
    seen = police(("P6", "Tally", "Holmes", "1984-06-02", "23 Lime Way", "PE3 1EP"))
    assert _decision(town(eh, police=seen), "P6") == ("auto_match", "E17")


def test_with_a_twin_on_the_register_a_forename_that_differs_is_never_auto_matched(town):
    eh = register(("F10", "E19", "Natalie", None, "Holmes", "2012-06-02", "23 Lime Way", "PE3 1EP"),
                  ("F10", "E20", "Sophie", None, "Holmes", "2012-06-02", "23 Lime Way", "PE3 1EP"))
    seen = police(("P7", "Tally", "Holmes", "2012-06-02", "23 Lime Way", "PE3 1EP"))
    assert _decision(town(eh, police=seen), "P7")[0] in (None, "clerical_review")


def test_an_initial_that_a_twin_without_a_date_of_birth_shares_is_not_auto_matched(town):
    # M. Toma with Mihai's date of birth: but Mihaela, his twin, has no date of birth on the register
    eh = register(("F11", "E21", "Andreea", None, "Toma", "1974-06-26", "85 Castor Avenue", "PE1 8BE"),
                  ("F11", "E22", "Mihaela", None, "Toma", None, "85 Castor Avenue", "PE1 8BE"),
                  ("F11", "E23", "Mihai", None, "Toma", "2010-01-20", "85 Castor Avenue", "PE1 8BE"))
    seen = police(("P8", "M", "Toma", "2010-01-20", "85 Castor Avenue", "PE1 8BE"))
    assert _decision(town(eh, police=seen), "P8")[0] in (None, "clerical_review")


def test_two_people_of_one_name_on_a_tenancy_and_one_on_the_register_are_not_auto_matched(town):
    # the family at its register address; two children named Ines on the tenancy, only one on the register
    eh = register(("F12", "E24", "Sofia", None, "Costa", "1991-06-09", "Flat 4, 71 Orton Drive", "PE4 8PT"),
                  ("F12", "E25", "Inês", None, "Lopes", "2014-10-10", "Flat 4, 71 Orton Drive", "PE4 8PT"),
                  ("F12", "E26", "Diogo", None, "Lopes", "2015-11-25", "Flat 4, 71 Orton Drive", "PE4 8PT"))
    listed = tenancy("T6", "Flat 4, 71 Orton Drive", "PE4 8PT", ("Sofia", "Costa", "1991-06-09"),
                     ("Inês", "Lopes", None), ("Ines", "Lopes", None), ("Diogo", "Lopes", "2015-11-25"))
    matches = town(eh, cross_keys_homes=listed)
    assert _decision(matches, "T6|T6-P0") == ("auto_match", "E24")
    for child in ("T6|T6-P1", "T6|T6-P2"):
        assert _decision(matches, child)[0] in (None, "clerical_review"), child
