from datetime import date
from pathlib import Path

import pytest

from programme import OutcomesPlan, PlanError, load_plan
from programme.plan import DEFAULT_PLAN_FILE


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "outcomes_plan.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_file_is_the_default_plan():
    assert load_plan(DEFAULT_PLAN_FILE) == OutcomesPlan()
    assert load_plan(None) == OutcomesPlan()


def test_missing_file_gives_the_default(tmp_path):
    assert load_plan(tmp_path / "absent.yaml") == OutcomesPlan()


def test_defaults_hold_the_contract_numbers():
    plan = OutcomesPlan()
    assert plan.eligibility.min_problems == 2
    assert plan.money.result_fee_gbp == 800 and plan.money.attachment_fee_gbp == 1000
    assert plan.money.commitment_families == 1640 and plan.money.programme_end == date(2020, 3, 31)
    assert (plan.employment.long_rule.weeks_required, plan.employment.long_rule.weeks_window) == (26, 30)
    assert (plan.employment.short_rule.weeks_required, plan.employment.short_rule.weeks_window) == (13, 15)


def test_a_partial_file_keeps_the_other_defaults(tmp_path):
    plan = load_plan(write(tmp_path, "eligibility:\n  min_problems: 3\n  indicators: {2c: false}\n"))
    assert plan.eligibility.min_problems == 3
    assert plan.eligibility.enabled("2c") is False and plan.eligibility.enabled("2a") is True
    assert plan.progress == OutcomesPlan().progress


@pytest.mark.parametrize(("text", "expected"), [
    ("eligibility:\n  min_problems: 0\n", "outcomes_plan.yaml: eligibility.min_problems: must be ≥ 1"),
    ("eligibility:\n  indicators: {7z: true}\n", "eligibility.indicators: unknown values ['7z']"),
    ("eligibility:\n  practitioner_needs: {5b: []}\n", "eligibility.practitioner_needs.5b: must not be empty"),
    ("eligibility:\n  practitioner_needs: {5b: [gambling]}\n", "eligibility.practitioner_needs: unknown values"),
    ("definitions:\n  out_of_work_benefits: [JSA, XYZ]\n", "definitions.out_of_work_benefits: unknown values"),
    ("progress:\n  asb_max_share_of_before: 1.5\n", "progress.asb_max_share_of_before: must be ≤ 1"),
    ("employment:\n  short_rule: {benefits: [ESA], weeks_required: 16, weeks_window: 15}\n",
     "employment.short_rule: weeks_required must be ≤ weeks_window"),
    ("money:\n  programme_end: not-a-date\n", "money.programme_end"),
    ("progres:\n  wait_months: 6\n", "progres: unknown setting"),
    ("- just a list\n", "must be a mapping"),
    ("eligibility: [unclosed\n", "not valid YAML"),
])
def test_bad_settings_are_named(tmp_path, text, expected):
    with pytest.raises(PlanError) as raised:
        load_plan(write(tmp_path, text))
    assert expected in str(raised.value)
