"""The claims ledger and the returns files on small programme scenarios, month by month as the assets run them:
the programme (with the ledger of earlier months), the claim decision and ledger write, then the files."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import programme
from programme.claims import (
    DoubleClaimError,
    claimed_before,
    decide_claims,
    ledger,
    record_claims,
)
from programme.refs import References
from programme.returns import build_returns
from settings import months_between
from tests.programme.scenarios import Scenario, fresh_warehouse
from tests.programme.test_progress import attached_family
from warehouse import outputs
from warehouse.outputs import write_returns_files

LA = "874"


def run_months(con, months, out: Path, plan=None, refs=None, run_id="test"):
    """Each month as the assets run it; returns {month: programme result}."""
    plan = plan or programme.load_plan(None)
    refs = refs or References()
    results = {}
    for month in months:
        results[month] = programme.run_month(con, month, plan, claimed=claimed_before(con, month))
        decided = decide_claims(con, month, plan)
        record_claims(con, decided, run_id)
        write_returns_files(out / month, build_returns(con, decided, plan, LA, refs),
                            programme.programme_html(con, month, plan))
    return results


def two_families(first="2015-01", last="2015-12") -> Scenario:
    """F1 and F2 both show significant and sustained progress from 2015-09 (attached 2015-03-31); F3 is
    eligible but never attached (no family plan); F4 is on the register with no problem."""
    scenario = Scenario(first, last)
    attached_family(scenario, "F1")
    attached_family(scenario, "F2")
    scenario.family("F3", needs=("debt", "mental_health"), family_plan_date=None)
    scenario.adult("F3")
    scenario.child("F3")
    scenario.family("F4")
    scenario.adult("F4")
    return scenario


def loaded(scenario: Scenario):
    con = fresh_warehouse()
    scenario.load(con)
    return con


def claim_file(out: Path, month: str) -> pd.DataFrame:
    return pd.read_csv(out / month / f"pbr_claim_{LA}_{month}.csv", dtype=str)


def files_of(out: Path) -> dict[str, bytes]:
    return {str(path.relative_to(out)): path.read_bytes() for path in sorted(out.rglob("*")) if path.is_file()}


def test_a_claimed_family_is_in_no_later_claim_file_and_has_no_later_progress_rows(tmp_path):
    con = loaded(two_families())
    results = run_months(con, months_between("2015-08", "2015-12"), tmp_path)
    assert claim_file(tmp_path, "2015-08").empty
    september = claim_file(tmp_path, "2015-09")
    assert september[["family_ref", "result_route", "result_date", "claim_month", "amount_gbp"]].values.tolist() == [
        ["F1", "significant_sustained_progress", "2015-09-30", "2015-09", "800"],
        ["F2", "significant_sustained_progress", "2015-09-30", "2015-09", "800"]]
    assert september["problems_at_attachment"].tolist() == ["4 worklessness/financial exclusion; 5 domestic abuse"] * 2
    assert set(results["2015-09"].progress["family_id"]) == {"F1", "F2"}   # rows up to the claim month
    for month in months_between("2015-10", "2015-12"):
        assert claim_file(tmp_path, month).empty, month
        assert results[month].progress.empty and results[month].drift.empty, month
    book = ledger(con)
    assert book[["month", "family_id", "amount_gbp"]].values.tolist() == [
        ["2015-09", "F1", 800], ["2015-09", "F2", 800]]
    assert str(book["amount_gbp"].dtype) == "int32"                       # whole pounds, never a float
    summary = pd.read_excel(tmp_path / "2015-12" / f"pbr_claim_{LA}_2015-12.xlsx", sheet_name="summary")
    figures = summary.set_index("measure")
    assert figures.loc["families claimed", ["this_month", "to_date"]].tolist() == [0, 2]
    assert figures.loc["money claimed (GBP)", "to_date"] == 1600
    assert figures.loc["families attached", "to_date"] == 2 and figures.loc["attachment fees (GBP)", "to_date"] == 2000
    assert figures.loc["commitment left (families)", "to_date"] == 1638


def test_the_commitment_caps_claims_and_the_rest_are_held_back_with_why(tmp_path):
    con = loaded(two_families())
    plan = programme.load_plan(None)
    capped = plan.model_copy(update={"money": replace_money(plan, commitment_families=1)})
    run_months(con, ["2015-09", "2015-10"], tmp_path, plan=capped)
    assert ledger(con)["family_id"].tolist() == ["F1"]
    for month in ("2015-09", "2015-10"):
        held = pd.read_excel(tmp_path / month / f"pbr_claim_{LA}_{month}.xlsx", sheet_name="held_back")
        assert held[["family_ref", "reason"]].values.tolist() == [["F2", "past the commitment of 1 families"]]
        summary = pd.read_excel(tmp_path / month / f"pbr_claim_{LA}_{month}.xlsx", sheet_name="summary")
        assert summary.set_index("measure").loc["families held back: past the commitment", "this_month"] == 1
    assert claim_file(tmp_path, "2015-10").empty


def test_nothing_is_claimed_after_the_programme_end(tmp_path):
    con = loaded(two_families())
    plan = programme.load_plan(None)
    ended = plan.model_copy(update={"money": replace_money(plan, programme_end=date(2015, 9, 29))})
    run_months(con, ["2015-09"], tmp_path, plan=ended)
    assert ledger(con).empty and claim_file(tmp_path, "2015-09").empty
    held = pd.read_excel(tmp_path / "2015-09" / f"pbr_claim_{LA}_2015-09.xlsx", sheet_name="held_back")
    assert held["reason"].tolist() == ["result after the programme end (2015-09-29)"] * 2


def test_continuous_employment_is_a_route_and_both_results_in_one_month_claim_as_progress(tmp_path):
    """Problems 4 and 6 through ESA (13 of 15 weeks); attached 2015-01-31, so the wait is over on 2015-07-31.
    F2 works from March: continuous employment in May (13 weeks from 2015-03-02), before the wait is over.
    F1 works from May: 13 weeks on 2015-07-31, the month its wait ends with every problem progressing."""
    scenario = Scenario("2015-01", "2015-08")
    for family_id, benefit_end in (("F1", date(2015, 4, 30)), ("F2", date(2015, 2, 28))):
        scenario.family(family_id, family_plan_date=date(2015, 1, 10))
        mum = scenario.adult(family_id)
        scenario.spell(mum, "benefit", date(2014, 6, 1), benefit_end, benefit="ESA")
        scenario.spell(mum, "employment", benefit_end + pd.Timedelta(days=1))
    con = loaded(scenario)
    results = run_months(con, months_between("2015-05", "2015-08"), tmp_path)
    july = results["2015-07"].progress
    assert set(july["continuous_employment"]) == {"Y"} and set(july["family_progress"]) == {"Y"}   # both
    assert ledger(con)[["month", "family_id", "result_route"]].values.tolist() == [
        ["2015-05", "F2", "continuous_employment"], ["2015-07", "F1", "significant_sustained_progress"]]
    audit = pd.read_csv(tmp_path / "2015-05" / "audit_evidence_2015-05.csv")
    employment = audit[audit["kind"] == "employment"]
    assert set(employment["family_ref"]) == {"F2"}
    assert employment["detail"].str.contains("in work 13 of the last 15 weeks").any()
    assert employment["row_key"].dropna().str.contains(r"\|employment\|2015-03-01").any()


def test_the_audit_evidence_covers_attachment_and_each_progress_measure(tmp_path):
    scenario = two_families()
    con = loaded(scenario)
    run_months(con, ["2015-09"], tmp_path)
    audit = pd.read_csv(tmp_path / "2015-09" / "audit_evidence_2015-09.csv")
    f1 = audit[audit["family_ref"] == "F1"]
    eligibility = f1[f1["kind"] == "eligibility"]
    assert sorted(eligibility["problem"]) == [4, 5] and set(eligibility["source"]) == {"dwp", "police"}
    measures = f1[(f1["kind"] == "progress") & (f1["source"] == "programme")]
    assert sorted(measures["problem"]) == [4, 5] and measures["detail"].str.startswith("progress Y").all()
    assert set(f1["problem_name"].dropna()) == {"worklessness/financial exclusion", "domestic abuse"}
    assert "F3" not in set(audit["family_ref"])


@pytest.mark.slow
def test_rerunning_months_and_running_them_again_out_of_order_changes_nothing(tmp_path):
    con = loaded(two_families())
    months = months_between("2015-08", "2015-10")                          # claims in 2015-09
    run_months(con, months, tmp_path / "a", run_id="first")
    book, files = ledger(con), files_of(tmp_path / "a")
    assert len(book) == 2
    run_months(con, ["2015-10", "2015-08", "2015-09"], tmp_path / "a", run_id="second")
    pd.testing.assert_frame_equal(ledger(con), book)                      # same rows, the first run's id kept
    assert files_of(tmp_path / "a") == files
    # A fresh warehouse run in order writes the same bytes.
    other = loaded(two_families())
    run_months(other, months, tmp_path / "b")
    assert files_of(tmp_path / "b") == files


def test_a_failure_between_the_ledger_and_the_files_is_made_good_by_the_next_run(tmp_path, monkeypatch):
    con = loaded(two_families())
    run_months(con, ["2015-08"], tmp_path)
    real = outputs.write_csv_atomic

    def failing(frame, path):
        if path.name.startswith("audit_evidence"):
            raise OSError("disk full")
        return real(frame, path)

    monkeypatch.setattr(outputs, "write_csv_atomic", failing)
    with pytest.raises(OSError):
        run_months(con, ["2015-09"], tmp_path)
    assert ledger(con)["family_id"].tolist() == ["F1", "F2"]             # the ledger was written
    assert not (tmp_path / "2015-09" / "audit_evidence_2015-09.csv").exists()
    monkeypatch.setattr(outputs, "write_csv_atomic", real)
    run_months(con, ["2015-09"], tmp_path)
    assert ledger(con)["family_id"].tolist() == ["F1", "F2"]             # not claimed twice
    assert claim_file(tmp_path, "2015-09")["family_ref"].tolist() == ["F1", "F2"]
    audit = pd.read_csv(tmp_path / "2015-09" / "audit_evidence_2015-09.csv")
    assert set(audit["family_ref"]) == {"F1", "F2"}


def test_the_ledger_refuses_a_family_claimed_in_another_month():
    con = loaded(two_families())
    plan = programme.load_plan(None)
    programme.run_month(con, "2015-09", plan)
    decided = decide_claims(con, "2015-09", plan)
    record_claims(con, replace(decided, month="2015-08"), "hand-made")    # as if F1, F2 were claimed in August
    con.execute("DELETE FROM programme.claims WHERE month = '2015-08' AND family_id = 'F2'")
    with pytest.raises(DoubleClaimError, match="1 families are already in the claims ledger"):
        record_claims(con, decided, "second")
    assert ledger(con)[["month", "family_id"]].values.tolist() == [["2015-08", "F1"]]   # rolled back
    # Read from the ledger, August's claim takes F1 out of September's.
    programme.run_month(con, "2015-09", plan, claimed=claimed_before(con, "2015-09"))
    assert decide_claims(con, "2015-09", plan).claims["family_id"].tolist() == ["F2"]


def test_a_cell_beginning_with_an_equals_sign_is_text_in_the_csv_and_the_xlsx(tmp_path):
    scenario = Scenario("2015-01", "2015-09")
    attached_family(scenario, "=1+2")
    con = loaded(scenario)
    con.execute("UPDATE staging.early_help SET forename = '=HYPERLINK(\"http://x\")'")
    run_months(con, ["2015-09"], tmp_path)
    claim_csv = (tmp_path / "2015-09" / f"pbr_claim_{LA}_2015-09.csv").read_text(encoding="utf-8")
    assert "\n874,'=1+2," in claim_csv
    sheet = openpyxl.load_workbook(tmp_path / "2015-09" / f"pbr_claim_{LA}_2015-09.xlsx")["claim"]
    cell = sheet["B2"]
    assert (cell.value, cell.data_type) == ("'=1+2", "s")
    nis = pd.read_csv(tmp_path / "2015-09" / f"nis_{LA}_2015-09.csv", dtype=str)
    assert set(nis["forename"]) == {"'=HYPERLINK(\"http://x\")"}


def test_the_nis_file_holds_exactly_the_people_of_attached_and_eligible_not_attached_families(tmp_path):
    scenario = two_families()
    con = loaded(scenario)
    run_months(con, ["2015-06"], tmp_path)
    nis = pd.read_csv(tmp_path / "2015-06" / f"nis_{LA}_2015-06.csv", dtype=str)
    expected = {(person.person.person_id, "intervention" if family_id in ("F1", "F2") else "comparison")
                for family_id in ("F1", "F2", "F3") for person in scenario.families[family_id].members}
    assert set(zip(nis["person_ref"], nis["group"], strict=True)) == expected and len(nis) == len(expected)
    first = nis[nis["person_ref"] == scenario.families["F1"].members[0].person.person_id].iloc[0]
    assert (first["la_code"], first["support_start"], first["nino"]) == ("874", "2015-03-31", "QQ000001A")
    assert first["problems_met"] == "4 worklessness/financial exclusion; 5 domestic abuse"


PERSONAL = {"forename", "surname", "name", "date_of_birth", "dob", "address", "address_line_1", "postcode",
            "nino", "upn", "pnc_id", "person_ref"}


def test_family_progress_data_in_a_quarters_last_month_holds_no_personal_data(tmp_path):
    scenario = two_families()
    con = loaded(scenario)
    run_months(con, ["2015-08", "2015-09"], tmp_path)
    assert not list((tmp_path / "2015-08").glob("family_progress_*"))
    frame = pd.read_csv(tmp_path / "2015-09" / f"family_progress_{LA}_2015Q3.csv", dtype=str)
    assert not PERSONAL & {column.lower() for column in frame.columns}
    people = [member.person for family in scenario.families.values() for member in family.members]
    personal_values = {value for person in people for value in (
        person.forename, person.surname, str(person.date_of_birth), person.postcode, person.nino, person.upn,
        person.address) if value}
    assert not personal_values & set(frame.to_numpy().ravel())
    assert frame[["family_ref", "quarter", "at_attachment_problem_4", "status_problem_4", "status_problem_1",
                  "result_route", "claimed"]].values.tolist() == [
        ["F1", "2015Q3", "Y", "progress", "not a problem", "significant_sustained_progress", "Y"],
        ["F2", "2015Q3", "Y", "progress", "not a problem", "significant_sustained_progress", "Y"]]


def test_pseudonymised_references_are_stable_across_runs_and_differ_with_another_key(tmp_path):
    scenario = two_families()

    def refs_with(key: bytes, folder: str) -> pd.DataFrame:
        con = loaded(scenario)
        run_months(con, ["2015-09"], tmp_path / folder, refs=References(key))
        return pd.read_csv(tmp_path / folder / "2015-09" / f"nis_{LA}_2015-09.csv", dtype=str)

    first, again, other = refs_with(b"key one", "a"), refs_with(b"key one", "b"), refs_with(b"key two", "c")
    assert first[["family_ref", "person_ref"]].equals(again[["family_ref", "person_ref"]])
    assert not set(first["family_ref"]) & set(other["family_ref"])
    assert not set(first["person_ref"]) & set(other["person_ref"])
    ids = {"F1", "F2", "F3"} | {m.person.person_id for f in scenario.families.values() for m in f.members}
    assert not ids & (set(first["family_ref"]) | set(first["person_ref"]))
    assert first["family_ref"].str.fullmatch(r"[0-9a-f]{32}").all()
    claim = pd.read_csv(tmp_path / "a" / "2015-09" / f"pbr_claim_{LA}_2015-09.csv", dtype=str)
    assert set(claim["family_ref"]) <= set(first["family_ref"])


def replace_money(plan, **changes):
    return plan.money.model_copy(update=changes)
