"""Progress measures at their boundaries, the 6-month wait, the whole-family rule and practitioner-only problems.

The base family is attached on 2015-03-31 with problems 4 (the mother's JSA, open until 2015-04-15) and 5 (a
domestic abuse incident on 2015-01-15); both show progress from then on unless a test adds otherwise.
"""

from datetime import date

from tests.programme.scenarios import Person, Scenario, problems, run_scenario

ATTACHED = date(2015, 3, 31)


def attached_family(scenario: Scenario, family_id: str = "F1", needs: tuple[str, ...] = ()) -> tuple[Person, Person]:
    scenario.family(family_id, family_plan_date=date(2015, 3, 10), needs=needs)
    mum, child = scenario.adult(family_id), scenario.child(family_id)
    scenario.spell(mum, "benefit", date(2014, 6, 1), date(2015, 4, 15), benefit="JSA")
    scenario.police(mum, date(2015, 1, 15), incident_type="domestic_abuse", role="victim", outcome=None)
    return mum, child


def progress_row(result, family_id: str, problem: int):
    rows = result.progress
    return rows[(rows["family_id"] == family_id) & (rows["problem"] == problem)].iloc[0]


def test_the_six_month_wait():
    scenario = Scenario("2015-01", "2015-09")
    attached_family(scenario)
    before = run_scenario(scenario, "2015-08")
    assert problems(before) == {4: "Y", 5: "Y"}
    assert set(before.progress["wait_over"]) == {"N"} and before.progress["result_route"].isna().all()
    after = run_scenario(scenario, "2015-09")                  # 2015-03-31 + 6 months = 2015-09-30
    assert set(after.progress["result_route"]) == {"significant_sustained_progress"}
    assert set(after.progress["result_date"]) == {date(2015, 9, 30)}
    assert set(after.progress["attachment_date"].dt.date) == {ATTACHED}
    assert after.stats["families_showing_progress"] == 1


def test_asb_must_fall_by_60_percent():
    scenario = Scenario("2014-09", "2015-10")
    for family_id, incidents_now in (("F1", 2), ("F2", 3)):
        mum, child = attached_family(scenario, family_id)
        for month in range(10, 13):                              # 5 incidents in the 6 months before attachment
            scenario.police(child, date(2014, month, 5), incident_type="asb", role="suspect",
                            outcome="asb_warning" if month == 10 else None)
        for month in (1, 2):
            scenario.police(mum, date(2015, month, 20), incident_type="asb", role="offender", outcome=None)
        for day in range(incidents_now):
            scenario.police(child, date(2015, 8, day + 1), incident_type="asb", role="offender", outcome=None)
    result = run_scenario(scenario, "2015-10")
    assert progress_row(result, "F1", 1)["progress"] == "Y"
    assert progress_row(result, "F2", 1)["progress"] == "N"
    assert "ASB incidents: 3 (the 6 months before attachment: 5)" in progress_row(result, "F2", 1)["measure_details"]


def test_an_offence_in_the_last_6_months_blocks_crime_progress_and_the_family_result():
    scenario = Scenario("2015-01", "2015-12")
    _, child = attached_family(scenario)
    scenario.police(child, date(2015, 6, 30), outcome="youth_caution")
    result = run_scenario(scenario, "2015-12")                  # window from 2015-06-30: inside
    row = progress_row(result, "F1", 1)
    assert (row["at_attachment"], row["progress"]) == ("N", "N")
    assert set(result.progress["family_progress"]) == {"N"} and result.progress["result_route"].isna().all()


def test_school_three_terms_after_attachment_below_10_percent():
    scenario = Scenario("2014-09", "2016-04")
    cases = {"F1": (10, 10, 9, "summer"), "F2": (10, 10, 10, "summer"), "F3": (0, 0, 0, "spring")}
    for family_id, (a, b, c, first_term) in cases.items():
        _, child = attached_family(scenario, family_id)
        scenario.school(child, "2014/15", "autumn", unauthorised=30)    # 2a at attachment
        scenario.school(child, "2014/15", first_term, authorised=a)      # spring starts before attachment
        scenario.school(child, "2015/16", "autumn", authorised=b)
        scenario.school(child, "2015/16", "spring", authorised=c)
    result = run_scenario(scenario, "2016-04")
    assert {f: progress_row(result, f, 2)["progress"] for f in cases} == {"F1": "Y", "F2": "N", "F3": "N"}
    assert progress_row(result, "F1", 2)["at_attachment"] == "Y"


def test_a_second_child_who_starts_missing_school_after_attachment_blocks_progress():
    scenario = Scenario("2015-01", "2016-04")
    attached_family(scenario)
    second = scenario.child("F1", dob=date(2008, 1, 1))
    scenario.school(second, "2015/16", "autumn", unauthorised=30)
    scenario.school(second, "2015/16", "spring", unauthorised=0)
    result = run_scenario(scenario, "2016-04")
    row = progress_row(result, "F1", 2)
    assert (row["at_attachment"], row["progress"]) == ("N", "N")
    assert set(result.progress["family_progress"]) == {"N"} and result.progress["result_route"].isna().all()
    assert problems(result) == {2: "N", 4: "Y", 5: "Y"}


def test_a_child_who_left_school_does_not_block_school_progress():
    scenario = Scenario("2014-09", "2015-12")
    _, child = attached_family(scenario)
    scenario.school(child, "2014/15", "autumn", unauthorised=30)
    result = run_scenario(scenario, "2015-12")
    assert progress_row(result, "F1", 2)["progress"] == "Y"


def test_social_care_status_in_any_snapshot_of_the_last_6_months():
    scenario = Scenario("2015-01", "2016-02")
    _, child = attached_family(scenario)
    scenario.social_care(child, "2015-05", "cin")
    scenario.social_care(child, "2015-08", "none")               # last cin snapshot: 2015-07-31
    # The last 6 snapshots as of D are (D − 6 months, D]: as of 2016-01-31 the 2015-07-31 one is outside.
    assert progress_row(run_scenario(scenario, "2015-12"), "F1", 3)["progress"] == "N"
    assert progress_row(run_scenario(scenario, "2016-01"), "F1", 3)["progress"] == "Y"


def test_arrears_exactly_4_weeks_in_the_window_blocks_and_3_9_does_not():
    scenario = Scenario("2015-01", "2015-10")
    for family_id, weeks in (("F1", 4.0), ("F2", 3.9)):
        mum, _ = attached_family(scenario, family_id)
        scenario.tenancy(mum, f"T{family_id}", arrears_weeks={"2015-08": weeks, "2015-09": 0})
    result = run_scenario(scenario, "2015-10")
    assert (progress_row(result, "F1", 4)["progress"], progress_row(result, "F2", 4)["progress"]) == ("N", "Y")


def test_a_notice_in_the_last_6_months_blocks_financial_progress():
    scenario = Scenario("2015-01", "2015-11")
    mum, _ = attached_family(scenario)
    scenario.tenancy(mum, "T1", nosp=date(2015, 4, 30))          # exactly 6 months before D: inside
    assert progress_row(run_scenario(scenario, "2015-10"), "F1", 4)["progress"] == "N"
    assert progress_row(run_scenario(scenario, "2015-11"), "F1", 4)["progress"] == "Y"


def test_an_out_of_work_benefit_in_the_last_13_weeks_blocks():
    scenario = Scenario("2015-01", "2015-10")
    for family_id, end in (("F1", date(2015, 8, 1)), ("F2", date(2015, 7, 31))):   # D − 91 days = 2015-08-01
        mum, _ = attached_family(scenario, family_id)
        scenario.spell(mum, "benefit", date(2015, 7, 1), end, benefit="UC", uc_regime="searching_for_work")
    result = run_scenario(scenario, "2015-10")
    assert (progress_row(result, "F1", 4)["progress"], progress_row(result, "F2", 4)["progress"]) == ("N", "Y")


def test_domestic_abuse_in_the_last_6_months_blocks():
    scenario = Scenario("2015-01", "2015-11")
    mum, _ = attached_family(scenario)
    scenario.police(mum, date(2015, 4, 30), incident_type="domestic_abuse", role="witness", outcome=None)
    assert progress_row(run_scenario(scenario, "2015-10"), "F1", 5)["progress"] == "N"
    assert progress_row(run_scenario(scenario, "2015-11"), "F1", 5)["progress"] == "Y"


def test_health_an_open_esa_spell_does_not_block_one_started_in_the_window_does():
    scenario = Scenario("2015-01", "2015-10")
    mum, _ = attached_family(scenario)
    scenario.spell(mum, "benefit", date(2014, 1, 1), benefit="PIP")
    second, _ = attached_family(scenario, "F2")
    scenario.spell(second, "benefit", date(2014, 1, 1), date(2015, 5, 1), benefit="DLA")
    scenario.spell(second, "benefit", date(2015, 6, 1), benefit="DLA")
    result = run_scenario(scenario, "2015-10")
    assert (progress_row(result, "F1", 6)["progress"], progress_row(result, "F2", 6)["progress"]) == ("Y", "N")


def test_practitioner_only_problems_need_the_needs_gone_from_the_last_6_snapshots():
    scenario = Scenario("2015-01", "2015-10")
    attached_family(scenario, needs=("debt", "neet"))
    scenario.update("F1", "2015-04", needs=())                   # last recorded on the 2015-03-31 snapshot
    scenario.family("F2", family_plan_date=date(2015, 3, 10), needs=("substance_misuse", "child_protection"))
    scenario.adult("F2")
    scenario.update("F2", "2015-04", needs=())
    in_window = run_scenario(scenario, "2015-08")                # snapshots 2015-03-31..2015-08-31: inside
    assert problems(in_window, "F2") == {3: "N", 6: "N"}
    assert "snapshots recording the practitioner needs in the last 6 months: 1" in \
        progress_row(in_window, "F2", 3)["measure_details"]
    # F1's problem 4 also held through JSA data, so its practitioner needs do not hold it back.
    assert problems(in_window, "F1") == {4: "Y", 5: "Y"}
    # As of 2015-09-30 the last 6 snapshots are April..September: the March one is outside.
    assert problems(run_scenario(scenario, "2015-09"), "F2") == {3: "Y", 6: "Y"}


def test_a_need_last_recorded_in_april_is_absent_from_the_last_6_snapshots_at_the_end_of_october():
    scenario = Scenario("2015-01", "2015-10")
    scenario.family("F1", family_plan_date=date(2015, 3, 10), needs=("mental_health", "domestic_abuse"))
    scenario.adult("F1")
    scenario.update("F1", "2015-05", needs=())                   # last recorded on the 2015-04-30 snapshot
    september = run_scenario(scenario, "2015-09")                # May..September plus April: still recorded
    assert problems(september) == {5: "N", 6: "N"}
    october = run_scenario(scenario, "2015-10")                  # May..October: absent
    assert problems(october) == {5: "Y", 6: "Y"}
    assert set(october.progress["result_route"]) == {"significant_sustained_progress"}
