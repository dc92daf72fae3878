"""The drift list, programme.html and the scenario extract files."""

import csv
from datetime import date

import programme
from tests.programme.scenarios import EXTRACT_COLUMNS, Scenario, fresh_warehouse, run_scenario


def drifting_scenario() -> Scenario:
    scenario = Scenario("2015-01", "2015-12")
    scenario.family("F1", family_plan_date=date(2015, 3, 10), lead_professional="Sam Worker",
                    lead_agency="School Nursing", needs=("domestic_abuse",))
    mum = scenario.adult("F1")
    scenario.spell(mum, "benefit", date(2014, 6, 1), benefit="JSA")                 # still claiming
    scenario.family("F2", needs=("debt", "mental_health"), family_plan_date=None)  # eligible, not attached
    scenario.adult("F2")
    return scenario


def test_drift_lists_each_problem_not_progressing_by_lead_professional():
    result = run_scenario(drifting_scenario(), "2015-12")
    drift = result.drift
    assert list(drift.columns) == ["lead_professional", "lead_agency", "family_id", "problem",
                                   "months_since_attachment", "what_is_missing"]
    assert drift[["lead_professional", "lead_agency", "family_id", "problem", "months_since_attachment"]] \
        .values.tolist() == [["Sam Worker", "School Nursing", "F1", 4, 9], ["Sam Worker", "School Nursing", "F1", 5, 9]]
    assert drift.iloc[0]["what_is_missing"].startswith("worklessness/financial exclusion: adults on an out-of-work")
    assert result.stats["families_attached"] == 1 and result.stats["families_eligible_not_attached"] == 1


def test_claimed_families_leave_the_programme():
    scenario = drifting_scenario()
    con = fresh_warehouse()
    scenario.load(con)
    plan = programme.load_plan(None)
    assert len(programme.run_month(con, "2015-12", plan, claimed={"F1": "2015-12"}).progress) == 2
    left = programme.run_month(con, "2015-12", plan, claimed={"F1": "2015-11"})
    assert left.progress.empty and left.drift.empty and left.employment_rag.empty


def test_programme_html_is_standalone_and_counts_by_month():
    scenario = drifting_scenario()
    con = fresh_warehouse()
    scenario.load(con)
    plan = programme.load_plan(None)
    for month in ("2015-06", "2015-12"):
        programme.run_month(con, month, plan)
    html = programme.programme_html(con, "2015-12", plan)
    assert html.startswith("<!DOCTYPE html>") and "<svg" in html
    assert "<script" not in html and "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "Families attached: 1 of the commitment of 1,640" in html
    assert "Families identified (first eligible): 2, against a target of 600 (50 a month)" in html
    assert "Attachment fees: £1,000 (£1,000 a family attached)" in html
    assert "Families eligible this month: 2. This differs from the families identified to date" in html
    assert "<td>4 worklessness/financial exclusion</td><td>2</td><td>1</td>" in html      # by problem
    assert "Families claimed: 0, £0 at £800 a family; 1,640 of the commitment of 1,640 left" in html
    assert "<h2>Drift: families past the 6-month wait with a problem not progressing (2 problems)</h2>" in html
    figures = programme.reports.monthly_figures(con, "2015-12", plan).set_index("month")
    assert figures.loc["2015-03", "attached"] == 1 and figures.loc["2015-01", "identified"] == 2


def test_programme_html_shows_claims_and_money_by_month_in_pounds():
    scenario = drifting_scenario()
    con = fresh_warehouse()
    scenario.load(con)
    plan = programme.load_plan(None)
    programme.run_month(con, "2015-12", plan)
    rows = [("2015-10", f"C{n:03d}", "continuous_employment") for n in range(40)] + \
           [("2015-12", f"S{n:03d}", "significant_sustained_progress") for n in range(9)]
    for month, family_id, route in rows:
        con.execute("INSERT INTO programme.claims VALUES (?, ?, DATE '2015-01-31', ?, DATE '2015-10-31', 800, 'v', "
                    "NULL, 'test')", [month, family_id, route])
    html = programme.programme_html(con, "2015-12", plan)
    assert "Families claimed: 49, £39,200 at £800 a family; 1,591 of the commitment of 1,640 left" in html
    assert "<td>continuous_employment</td><td>0</td><td>40</td><td>£32,000</td>" in html
    assert "<td>2015-10</td>" in html and "<td>£32,000</td><td>£32,000</td>" in html   # month, cumulative


def test_families_inside_the_six_month_wait_are_not_drift():
    result = run_scenario(drifting_scenario(), "2015-08")                  # attached 2015-03-31: 5 months
    assert result.drift.empty and len(result.progress) == 2


def test_scenario_extract_files_use_the_default_layouts(tmp_path):
    scenario = drifting_scenario()
    child = scenario.child("F1")
    scenario.school(child, "2015/16", "autumn", unauthorised=12)
    scenario.police(child, date(2015, 7, 1))
    written = scenario.write_extracts(tmp_path)
    sources = {path.stem for path in written}
    assert sources == {"early_help", "dwp", "school_attendance", "police"}
    for path in written:
        with path.open(encoding="utf-8") as handle:
            header = next(csv.reader(handle))
        assert header == EXTRACT_COLUMNS[path.stem]
    school = (tmp_path / "landing" / "2015-12" / "school_attendance.csv").read_text(encoding="utf-8")
    assert child.upn in school and ",12,0,N,N" in school
    early_help = (tmp_path / "landing" / "2015-12" / "early_help.csv").read_text(encoding="utf-8")
    assert "domestic_abuse" in early_help and early_help.count("\n") == 4
