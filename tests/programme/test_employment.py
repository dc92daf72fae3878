"""Continuous employment: 26 of 30 weeks (JSA/UC) or 13 of 15 (ESA/IS/IB/CA), weeks after attachment, no
out-of-work benefit on D, no 6-month wait; and the employment advisers' RAG list. D = 2016-06-30."""

from datetime import date, timedelta

from settings import month_end
from tests.programme.scenarios import Scenario, run_scenario

D = date(2016, 6, 30)


def claimant(scenario: Scenario, family_id: str, benefit: str, plan_date: date = date(2015, 3, 10),
             benefit_end: date = date(2015, 4, 15)):
    scenario.family(family_id, family_plan_date=plan_date, needs=("mental_health",))
    adult = scenario.adult(family_id)
    scenario.child(family_id)
    scenario.spell(adult, "benefit", date(2014, 6, 1), benefit_end, benefit=benefit)
    return adult


def employment(result) -> dict[str, tuple[str, int, str]]:
    """family → (continuous employment Y/N, weeks in work, RAG)."""
    progress = result.progress.drop_duplicates("family_id").set_index("family_id")["continuous_employment"]
    rag = result.employment_rag.set_index("family_id")
    return {family: (progress[family], int(rag.loc[family, "weeks_in_work"]), rag.loc[family, "rag"])
            for family in progress.index}


def test_jsa_claimant_26_of_30_weeks_achieves_25_does_not():
    scenario = Scenario("2015-01", "2016-06")
    for family_id, days_in_work in (("F26", 182), ("F25", 175)):
        adult = claimant(scenario, family_id, "JSA")
        scenario.spell(adult, "employment", D - timedelta(days=days_in_work - 1))
    assert employment(run_scenario(scenario, "2016-06")) == {"F26": ("Y", 26, "green"), "F25": ("N", 25, "amber")}


def test_esa_claimant_13_of_15_weeks_achieves_12_does_not():
    scenario = Scenario("2015-01", "2016-06")
    for family_id, days_in_work in (("F13", 91), ("F12", 84)):
        adult = claimant(scenario, family_id, "ESA")
        scenario.spell(adult, "employment", D - timedelta(days=days_in_work - 1))
    assert employment(run_scenario(scenario, "2016-06")) == {"F13": ("Y", 13, "green"), "F12": ("N", 12, "amber")}


def test_two_employment_spells_can_cover_a_week_but_a_benefit_on_d_blocks():
    scenario = Scenario("2015-01", "2016-06")
    adult = claimant(scenario, "F1", "JSA")
    scenario.spell(adult, "employment", date(2015, 6, 1), date(2016, 1, 3))
    scenario.spell(adult, "employment", date(2016, 1, 4))
    blocked = claimant(scenario, "F2", "JSA")
    scenario.spell(blocked, "employment", date(2015, 6, 1))
    scenario.spell(blocked, "benefit", D, benefit="UC", uc_regime="searching_for_work")
    assert employment(run_scenario(scenario, "2016-06")) == {"F1": ("Y", 30, "green"), "F2": ("N", 29, "amber")}


def test_no_six_month_wait_but_only_weeks_after_attachment_count():
    scenario = Scenario("2016-01", "2016-06")
    for family_id, plan_date in (("F1", date(2016, 3, 10)), ("F2", date(2016, 4, 10))):
        # on ESA up to the attachment date (2016-03-31 / 2016-04-30), in work from 2016-04-01
        adult = claimant(scenario, family_id, "ESA", plan_date=plan_date,
                         benefit_end=month_end(plan_date.strftime("%Y-%m")))
        scenario.spell(adult, "employment", date(2016, 4, 1))
    result = run_scenario(scenario, "2016-06")
    assert employment(result) == {"F1": ("Y", 13, "green"), "F2": ("N", 8, "amber")}
    routes = result.progress.drop_duplicates("family_id").set_index("family_id")["result_route"]
    assert routes["F1"] == "continuous_employment" and routes.isna()["F2"]
    assert set(result.progress.loc[result.progress["family_id"] == "F1", "wait_over"]) == {"N"}


def test_both_results_in_one_month_is_significant_and_sustained_progress():
    scenario = Scenario("2015-01", "2016-06")
    adult = claimant(scenario, "F1", "JSA")
    scenario.update("F1", "2015-05", needs=())
    scenario.spell(adult, "employment", date(2015, 6, 1))
    result = run_scenario(scenario, "2016-06")
    assert set(result.progress["result_route"]) == {"significant_sustained_progress"}
    assert set(result.progress["continuous_employment"]) == {"Y"}


def test_rag_red_amber_green():
    scenario = Scenario("2015-01", "2016-06")
    long_claim = claimant(scenario, "F1", "JSA", benefit_end=None)               # on JSA since 2014-06
    short_claim = claimant(scenario, "F2", "JSA")
    scenario.spell(short_claim, "benefit", date(2016, 2, 1), benefit="IS")        # IS for under 6 months
    claimant(scenario, "F3", "JSA")                                              # off benefits, not in work
    rag = run_scenario(scenario, "2016-06").employment_rag
    assert rag.set_index("family_id")["rag"].to_dict() == {"F1": "red", "F2": "amber", "F3": "green"}
    assert rag.loc[rag["family_id"] == "F1", "person_ref"].tolist() == [long_claim.person_id]
