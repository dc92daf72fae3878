"""Attachment: eligible + open assessment + lead professional + family plan; an event that keeps its date."""

from datetime import date

from tests.programme.scenarios import Scenario, fresh_warehouse, run_scenario

NEEDS = ("domestic_abuse", "mental_health")      # 5b and 6a: eligible from the first snapshot


def scenario_with(**register) -> Scenario:
    scenario = Scenario("2015-05", "2016-06")
    scenario.family("F1", needs=NEEDS, **register)
    scenario.adult("F1")
    return scenario


def attachment(result, family_id: str = "F1") -> tuple[bool, object]:
    row = result.eligibility.set_index("family_id").loc[family_id]
    return bool(row["attached"]), None if row["attachment_date"] is None or str(row["attachment_date"]) == "NaT" \
        else row["attachment_date"].date()


def test_eligible_without_a_family_plan_is_not_attached_until_one_is_agreed():
    scenario = scenario_with(family_plan_date=None)
    assert attachment(run_scenario(scenario, "2015-08")) == (False, None)
    scenario.update("F1", "2015-09", family_plan_date=date(2015, 9, 10))
    result = run_scenario(scenario, "2016-06")
    assert attachment(result) == (True, date(2015, 9, 30))
    assert result.stats["families_eligible_not_attached"] == 0


def test_no_lead_professional_or_a_closed_assessment_is_not_attached():
    scenario = scenario_with(lead_professional=None)
    scenario.family("F2", needs=NEEDS, eha_end=date(2015, 4, 30))
    scenario.adult("F2")
    result = run_scenario(scenario, "2016-06")
    assert attachment(result, "F1") == (False, None) and attachment(result, "F2") == (False, None)
    assert result.stats["families_eligible_not_attached"] == 2


def test_attachment_stays_with_its_date_and_problems_when_no_longer_eligible():
    scenario = scenario_with()
    scenario.update("F1", "2015-09", needs=())
    result = run_scenario(scenario, "2016-06")
    row = result.eligibility.iloc[0]
    assert not row["eligible"] and attachment(result) == (True, date(2015, 5, 31))
    assert set(result.progress["problem"]) == {5, 6}
    assert set(result.progress["at_attachment"]) == {"Y"}


def test_rerun_and_out_of_order_months_give_the_same_tables_without_duplicates():
    scenario = scenario_with(family_plan_date=date(2015, 7, 1))
    con = fresh_warehouse()
    scenario.load(con)
    first = run_scenario(scenario, "2016-06", con=con)
    earlier = run_scenario(scenario, "2015-12", con=con)
    again = run_scenario(scenario, "2016-06", con=con)
    for name in ("eligibility", "evidence", "progress", "drift", "employment_rag"):
        assert getattr(first, name).equals(getattr(again, name)), name
    assert first.stats == again.stats
    assert attachment(earlier) == attachment(first) == (True, date(2015, 7, 31))
    counts = con.execute("SELECT month, count(*) FROM programme.attachments GROUP BY month ORDER BY month").fetchall()
    assert counts == [("2015-12", 1), ("2016-06", 1)]
    rows = con.execute("SELECT attached_month, problem_5, problem_6, problems_count FROM programme.attachments "
                       "WHERE month = '2016-06'").fetchall()
    assert rows == [("2015-07", True, True, 2)]


def test_a_recorded_attachment_survives_a_later_change_of_matching():
    scenario = Scenario("2015-05", "2016-06")
    scenario.family("F1", needs=("mental_health",))
    mum = scenario.adult("F1")
    scenario.police(mum, date(2015, 5, 10))                   # 1b: the second problem
    con = fresh_warehouse()
    scenario.load(con)
    assert attachment(run_scenario(scenario, "2015-06", con=con)) == (True, date(2015, 5, 31))
    # The senior analyst later rejects the police match: today's data alone would never attach the family.
    con.execute("UPDATE matching.matches SET decision = 'clerical_reject' "
                "WHERE source = 'police' AND month > '2015-06'")
    assert attachment(run_scenario(scenario, "2016-06", con=con)) == (True, date(2015, 5, 31))
    fresh = fresh_warehouse()
    scenario.load(fresh)
    fresh.execute("UPDATE matching.matches SET decision = 'clerical_reject' WHERE source = 'police'")
    assert attachment(run_scenario(scenario, "2016-06", con=fresh)) == (False, None)
