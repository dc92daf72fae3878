"""A scenario for every indicator (1a–6b) at its boundaries, as of D = 2016-06-30.

Boundary cases share one run: each case is its own family (F0, F1, ...) in one scenario, and the test compares
what held for every case with what should."""

from collections.abc import Callable
from datetime import date

from programme import load_plan
from programme.plan import OutcomesPlan
from tests.programme.scenarios import Person, Scenario, indicators, run_scenario

RUN = "2016-06"


def add_family(scenario: Scenario, family_id: str, needs: tuple[str, ...] = ()) -> tuple[Person, Person]:
    scenario.family(family_id, needs=needs)
    return scenario.adult(family_id), scenario.child(family_id, dob=date(2006, 3, 1))


def family(needs: tuple[str, ...] = ()) -> tuple[Scenario, Person, Person]:
    scenario = Scenario("2015-05", RUN)
    return (scenario, *add_family(scenario, "F1", needs))


def held_per_case(cases: dict, build: Callable[[Scenario, str, object], None], indicator: str) -> dict:
    """Build each case as family F<n> of one scenario, run once, and say whether `indicator` held for each."""
    scenario = Scenario("2015-05", RUN)
    for number, case in enumerate(cases):
        build(scenario, f"F{number}", case)
    result = run_scenario(scenario, RUN)
    return {case: indicator in indicators(result, f"F{number}") for number, case in enumerate(cases)}


# --- 1 crime / ASB --------------------------------------------------------------------------------------------
def test_child_offence_exactly_12_months_before_counts_one_day_more_does_not():
    scenario, _, child = family()
    key = scenario.police(child, date(2015, 6, 30))
    _, other = add_family(scenario, "F2")
    scenario.police(other, date(2015, 6, 29))
    result = run_scenario(scenario, RUN)
    assert indicators(result, "F1") == {"1a"} and indicators(result, "F2") == set()
    row = result.evidence.iloc[0]
    assert (row.problem, row.source, row.row_key, row.record_date.date(), row.person_id) == (
        1, "police", key, date(2015, 6, 30), child.person_id)


def test_child_or_adult_by_age_on_the_incident_date():
    scenario, _, _ = family()
    teenager = scenario.child("F1", dob=date(1997, 9, 1))   # 18 on 2015-09-01
    scenario.police(teenager, date(2015, 8, 31))
    scenario.police(teenager, date(2015, 9, 1))
    result = run_scenario(scenario, RUN)
    assert dict(zip(result.evidence["record_date"].dt.date, result.evidence["indicator"], strict=True)) == {
        date(2015, 8, 31): "1a", date(2015, 9, 1): "1b"}


def test_adult_offence_needs_a_proven_outcome_as_offender():
    cases = {("offender", "caution"): True, ("offender", "conviction"): True,
             ("offender", "no_further_action"): False, ("suspect", "charge"): False,
             ("offender", "community_resolution"): False}

    def build(scenario, family_id, case):
        mum, _ = add_family(scenario, family_id)
        scenario.police(mum, date(2016, 1, 10), role=case[0], outcome=case[1])

    assert held_per_case(cases, build, "1b") == cases


def test_asb_intervention_any_role_and_open_asb_tenancy_case():
    scenario, mum, child = family()
    scenario.police(child, date(2016, 2, 1), incident_type="asb", role="victim", outcome="asb_warning")
    scenario.tenancy(mum, "T1", asb_case_open={"2016-05": True})
    result = run_scenario(scenario, RUN)
    assert set(result.evidence["source"]) == {"police", "cross_keys_homes"}
    assert indicators(result) == {"1c"}


def test_asb_case_closed_on_the_latest_snapshot_does_not_count():
    scenario, mum, _ = family()
    scenario.tenancy(mum, "T1", asb_case_open={"2015-09": True, "2016-06": False})
    assert indicators(run_scenario(scenario, RUN)) == set()


# --- 2 school -------------------------------------------------------------------------------------------------
def three_terms(scenario, child, absences: tuple[int, int, int], **last_term) -> list[str]:
    keys = [scenario.school(child, "2015/16", "autumn", authorised=absences[0]),
            scenario.school(child, "2015/16", "spring", unauthorised=absences[1])]
    keys.append(scenario.school(child, "2014/15", "summer", authorised=absences[2], **last_term))
    return keys


def test_persistent_absence_exactly_10_percent_pooled_over_three_terms():
    scenario, _, child = family()
    keys = three_terms(scenario, child, (10, 10, 10))       # 30 of 300 sessions
    _, other = add_family(scenario, "F2")
    three_terms(scenario, other, (10, 10, 9))                # 29 of 300
    result = run_scenario(scenario, RUN)
    assert indicators(result, "F1") == {"2a"} and indicators(result, "F2") == set()
    assert set(result.evidence["row_key"]) == set(keys)


def test_only_the_three_latest_terms_count():
    scenario, _, child = family()
    scenario.school(child, "2014/15", "spring", unauthorised=90)     # a fourth, older term
    three_terms(scenario, child, (5, 5, 5))
    assert "2a" not in indicators(run_scenario(scenario, RUN))


def test_fewer_than_three_terms_uses_those_there_are():
    scenario, _, child = family()
    scenario.school(child, "2015/16", "spring", unauthorised=12)
    assert "2a" in indicators(run_scenario(scenario, RUN))


def test_a_term_counts_only_from_its_end():
    scenario, _, child = family()
    scenario.school(child, "2015/16", "summer", unauthorised=50)     # ends 2016-07-31, after D
    assert indicators(run_scenario(scenario, RUN)) == set()


def test_exclusions_three_fixed_term_or_a_permanent():
    cases = {((1, 1, 1), False): True, ((1, 1, 0), False): False, ((0, 0, 0), True): True}

    def build(scenario, family_id, case):
        (autumn, spring, summer), permanent = case
        _, child = add_family(scenario, family_id)
        scenario.school(child, "2015/16", "autumn", exclusions=autumn)
        scenario.school(child, "2015/16", "spring", exclusions=spring, permanent=permanent)
        scenario.school(child, "2014/15", "summer", exclusions=summer)

    assert held_per_case(cases, build, "2b") == cases


def test_alternative_provision_in_the_latest_term():
    cases = {"latest term": True, "earlier term only": False}

    def build(scenario, family_id, case):
        _, child = add_family(scenario, family_id)
        scenario.school(child, "2015/16", "autumn", alternative_provision=case != "latest term")
        scenario.school(child, "2015/16", "spring", alternative_provision=case == "latest term")

    assert held_per_case(cases, build, "2c") == cases


# --- 3 children who need help ---------------------------------------------------------------------------------
def test_social_care_status_in_the_latest_snapshot():
    cases = {"cin": True, "cp": True, "lac": False, "none": False}

    def build(scenario, family_id, status):
        _, child = add_family(scenario, family_id)
        scenario.social_care(child, "2016-06", status)

    assert held_per_case(cases, build, "3a") == cases


def test_social_care_evidence_cites_the_register_row():
    scenario, _, child = family()
    scenario.social_care(child, "2016-06", "cp")
    row = run_scenario(scenario, RUN).evidence.iloc[0]
    assert (row.indicator, row.source, row.row_key, row.record_date.date()) == (
        "3a", "early_help", child.person_id, date(2016, 6, 30))


def test_social_care_status_ended_before_the_latest_snapshot_does_not_count():
    scenario, _, child = family()
    scenario.social_care(child, "2015-10", "cp")
    scenario.social_care(child, "2016-06", "none")
    assert indicators(run_scenario(scenario, RUN)) == set()


# --- 4 worklessness / financial exclusion ---------------------------------------------------------------------
def test_out_of_work_benefit_open_on_d():
    cases = {("JSA", None, None): True, ("IS", None, None): True, ("UC", "searching_for_work", None): True,
             ("UC", "working_enough", None): False, ("HB", None, None): False,
             ("JSA", None, date(2016, 6, 30)): True,     # ends on D: still open on D
             ("JSA", None, date(2016, 6, 29)): False,    # a blank end later filled in ends the spell
             ("JSA", "under 18", None): False}           # a child on a benefit is not an out-of-work adult

    def build(scenario, family_id, case):
        benefit, regime, end = case
        mum, _ = add_family(scenario, family_id)
        person = scenario.child(family_id, dob=date(1999, 1, 1)) if regime == "under 18" else mum
        scenario.spell(person, "benefit", date(2015, 3, 1), end, benefit=benefit,
                       uc_regime=None if regime == "under 18" else regime)

    assert held_per_case(cases, build, "4a") == cases


def test_arrears_exactly_four_weeks_on_the_latest_snapshot():
    scenario, mum, _ = family()
    scenario.tenancy(mum, "T1", arrears_weeks={"2015-06": 8, "2016-06": 4.0})
    other, _ = add_family(scenario, "F2")
    scenario.tenancy(other, "T2", arrears_weeks={"2015-06": 8, "2016-06": 3.9})
    result = run_scenario(scenario, RUN)
    assert indicators(result, "F1") == {"4b"} and indicators(result, "F2") == set()
    assert list(result.evidence["row_key"]) == [f"T1|CK{mum.person_id}|2016-06-30"]


def test_eviction_counts_for_12_months():
    scenario, mum, _ = family()
    scenario.tenancy(mum, "T1", eviction=date(2015, 6, 30))
    other, _ = add_family(scenario, "F2")
    scenario.tenancy(other, "T2", eviction=date(2015, 6, 29))
    result = run_scenario(scenario, RUN)
    assert indicators(result, "F1") == {"4b"} and indicators(result, "F2") == set()
    assert list(result.evidence["record_date"].dt.date) == [date(2015, 6, 30)]


# --- 5 domestic abuse, 6 health -------------------------------------------------------------------------------
def test_domestic_abuse_incident_any_role():
    cases = {"victim": True, "witness": True, "offender": True}

    def build(scenario, family_id, role):
        mum, _ = add_family(scenario, family_id)
        scenario.police(mum, date(2016, 6, 30), incident_type="domestic_abuse", role=role, outcome=None)

    assert held_per_case(cases, build, "5a") == cases


def test_disability_benefit_open():
    cases = {"PIP": True, "DLA": True, "ESA": True, "CA": False}

    def build(scenario, family_id, benefit):
        mum, _ = add_family(scenario, family_id)
        scenario.spell(mum, "benefit", date(2015, 1, 1), benefit=benefit)

    assert held_per_case(cases, build, "6b") == cases


# --- practitioner indicators ----------------------------------------------------------------------------------
def test_practitioner_needs_each_make_their_indicator():
    expected = {"crime": "1d", "asb": "1d", "school_attendance": "2d", "exclusion": "2d", "child_in_need": "3b",
                "child_protection": "3b", "early_help_need": "3b", "worklessness": "4c", "debt": "4c",
                "housing": "4c", "neet": "4c", "domestic_abuse": "5b", "mental_health": "6a",
                "substance_misuse": "6a", "physical_health": "6a", "other": None}
    scenario = Scenario("2015-05", RUN)
    for number, need in enumerate(expected):
        add_family(scenario, f"F{number}", needs=(need,))
    result = run_scenario(scenario, RUN)
    found = {need: (indicators(result, f"F{number}") or {None}).pop() for number, need in enumerate(expected)}
    assert found == expected


def test_practitioner_evidence_cites_the_register_rows_and_snapshot():
    scenario, mum, child = family(needs=("domestic_abuse",))
    scenario.update("F1", "2016-03", needs=("domestic_abuse", "debt"))
    result = run_scenario(scenario, RUN)
    assert set(result.evidence["row_key"]) == {mum.person_id, child.person_id}
    assert set(result.evidence["source"]) == {"early_help"}
    assert set(result.evidence["record_date"].dt.date) == {date(2016, 6, 30)}
    assert set(result.evidence["indicator"]) == {"5b", "4c"}


# --- eligibility ----------------------------------------------------------------------------------------------
def test_one_problem_is_not_eligible_two_are():
    scenario, mum, child = family(needs=("mental_health",))
    scenario.family("F2", needs=("mental_health", "domestic_abuse"))
    scenario.adult("F2")
    rows = run_scenario(scenario, RUN).eligibility.set_index("family_id")
    assert rows.loc["F1", "problems_count"] == 1 and not rows.loc["F1", "eligible"]
    assert rows.loc["F2", "problems_count"] == 2 and rows.loc["F2", "eligible"]
    assert rows.loc["F2", "problem_5"] and rows.loc["F2", "problem_6"] and not rows.loc["F2", "problem_1"]


def test_only_accepted_matches_are_evidence():
    cases = {"auto_match": True, "clerical_accept": True, "clerical_review": False, "clerical_reject": False,
             "household_candidate": False}

    def build(scenario, family_id, decision):
        mum, _ = add_family(scenario, family_id)
        scenario.police(mum, date(2016, 1, 10), decision=decision)

    assert held_per_case(cases, build, "1b") == cases


def test_an_indicator_switched_off_is_not_evaluated():
    scenario, _, child = family(needs=("school_attendance",))
    scenario.school(child, "2015/16", "spring", unauthorised=50)
    plan = OutcomesPlan.model_validate({"eligibility": {"indicators": {"2a": False}}})
    assert indicators(run_scenario(scenario, RUN, plan)) == {"2d"}
    assert indicators(run_scenario(scenario, RUN, load_plan(None))) == {"2a", "2d"}


def test_records_reported_after_the_run_month_do_not_count():
    scenario = Scenario("2015-05", "2016-08")
    scenario.family("F1")
    mum = scenario.adult("F1")
    scenario.police(mum, date(2016, 7, 5))
    assert indicators(run_scenario(scenario, RUN)) == set()
    assert indicators(run_scenario(scenario, "2016-07")) == {"1b"}
