"""The Outcomes Plan (contracts/outcomes-plan.md) as validated settings; `config/outcomes_plan.yaml` is the default."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import ErrorDetails

from sources.vocabulary import BENEFITS, CSC_STATUSES, NEEDS, POLICE_OUTCOMES, UC_REGIMES

INDICATORS: dict[str, int] = {
    "1a": 1, "1b": 1, "1c": 1, "1d": 1,
    "2a": 2, "2b": 2, "2c": 2, "2d": 2,
    "3a": 3, "3b": 3,
    "4a": 4, "4b": 4, "4c": 4,
    "5a": 5, "5b": 5,
    "6a": 6, "6b": 6,
}
PRACTITIONER_INDICATORS = ("1d", "2d", "3b", "4c", "5b", "6a")

DEFAULT_PLAN_FILE = Path(__file__).resolve().parent.parent / "config" / "outcomes_plan.yaml"


class PlanError(ValueError):
    """An Outcomes Plan that cannot be used; the message names the setting. The CLI exits 2 with it."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _members_of(allowed: tuple[str, ...], values: list[str]) -> list[str]:
    unknown = [value for value in values if value not in allowed]
    if unknown:
        raise ValueError(f"unknown values {unknown}; allowed: {', '.join(allowed)}")
    return values


NonEmpty = Annotated[list[str], Field(min_length=1)]
Months = Annotated[int, Field(ge=1, le=60)]


class Definitions(_Strict):
    adult_age: int = Field(18, ge=10, le=25)
    proven_offence_outcomes: NonEmpty = ["charge", "caution", "youth_caution", "youth_conditional_caution",
                                         "conviction"]
    asb_intervention_outcomes: NonEmpty = ["asb_warning", "acceptable_behaviour_contract", "asb_injunction",
                                           "criminal_behaviour_order", "dispersal"]
    out_of_work_benefits: NonEmpty = ["JSA", "ESA", "IS", "IB", "CA"]
    uc_out_of_work_regimes: NonEmpty = ["searching_for_work", "preparing_for_work", "planning_for_work"]

    @field_validator("proven_offence_outcomes", "asb_intervention_outcomes")
    @classmethod
    def _outcomes(cls, values: list[str]) -> list[str]:
        return _members_of(POLICE_OUTCOMES, values)

    @field_validator("out_of_work_benefits")
    @classmethod
    def _benefits(cls, values: list[str]) -> list[str]:
        return _members_of(BENEFITS, values)

    @field_validator("uc_out_of_work_regimes")
    @classmethod
    def _regimes(cls, values: list[str]) -> list[str]:
        return _members_of(UC_REGIMES, values)


def _default_needs() -> dict[str, list[str]]:
    return {
        "1d": ["crime", "asb"],
        "2d": ["school_attendance", "exclusion"],
        "3b": ["child_in_need", "child_protection", "early_help_need"],
        "4c": ["worklessness", "debt", "housing", "neet"],
        "5b": ["domestic_abuse"],
        "6a": ["mental_health", "substance_misuse", "physical_health"],
    }


class Eligibility(_Strict):
    min_problems: int = Field(2, ge=1, le=6)
    indicators: dict[str, bool] = Field(default_factory=lambda: dict.fromkeys(INDICATORS, True))
    lookback_months: Months = 12
    terms_considered: int = Field(3, ge=1, le=9)
    absence_threshold_pct: float = Field(10.0, gt=0, le=100)
    fixed_term_exclusions_min: int = Field(3, ge=1)
    arrears_weeks_min: float = Field(4.0, gt=0)
    social_care_statuses: NonEmpty = ["cin", "cp"]
    health_benefits: NonEmpty = ["ESA", "PIP", "DLA"]
    practitioner_needs: dict[str, NonEmpty] = Field(default_factory=_default_needs)

    @field_validator("indicators")
    @classmethod
    def _known_indicators(cls, switches: dict[str, bool]) -> dict[str, bool]:
        _members_of(tuple(INDICATORS), list(switches))
        return {**dict.fromkeys(INDICATORS, True), **switches}

    @field_validator("practitioner_needs")
    @classmethod
    def _known_needs(cls, needs: dict[str, list[str]]) -> dict[str, list[str]]:
        _members_of(PRACTITIONER_INDICATORS, list(needs))
        for values in needs.values():
            _members_of(NEEDS, values)
        return {**_default_needs(), **needs}

    @field_validator("social_care_statuses")
    @classmethod
    def _statuses(cls, values: list[str]) -> list[str]:
        return _members_of(CSC_STATUSES, values)

    @field_validator("health_benefits")
    @classmethod
    def _health_benefits(cls, values: list[str]) -> list[str]:
        return _members_of(BENEFITS, values)

    def enabled(self, indicator: str) -> bool:
        return self.indicators[indicator]


class Progress(_Strict):
    wait_months: Months = 6
    window_months: Months = 6
    asb_max_share_of_before: float = Field(0.4, ge=0, le=1)
    benefit_free_weeks: int = Field(13, ge=1, le=104)
    terms_required: int = Field(3, ge=1, le=9)
    absence_below_pct: float = Field(10.0, gt=0, le=100)
    fixed_term_exclusions_below: int = Field(3, ge=1)
    arrears_weeks_below: float = Field(4.0, gt=0)
    social_care_statuses: NonEmpty = ["cin", "cp", "lac"]

    @field_validator("social_care_statuses")
    @classmethod
    def _statuses(cls, values: list[str]) -> list[str]:
        return _members_of(CSC_STATUSES, values)


class WeeksRule(_Strict):
    benefits: NonEmpty
    weeks_required: int = Field(ge=1, le=104)
    weeks_window: int = Field(ge=1, le=104)

    @field_validator("benefits")
    @classmethod
    def _benefits(cls, values: list[str]) -> list[str]:
        return _members_of(BENEFITS, values)

    @model_validator(mode="after")
    def _fits(self) -> WeeksRule:
        if self.weeks_required > self.weeks_window:
            raise ValueError("weeks_required must be ≤ weeks_window")
        return self


class Employment(_Strict):
    baseline_months_before_attachment: Months = 6
    long_rule: WeeksRule = WeeksRule(benefits=["JSA", "UC"], weeks_required=26, weeks_window=30)
    short_rule: WeeksRule = WeeksRule(benefits=["ESA", "IS", "IB", "CA"], weeks_required=13, weeks_window=15)
    red_after_months: Months = 6


class Money(_Strict):
    result_fee_gbp: int = Field(800, ge=0)
    attachment_fee_gbp: int = Field(1000, ge=0)
    commitment_families: int = Field(1640, ge=1)
    programme_end: date = date(2020, 3, 31)
    identified_target_per_month: int = Field(50, ge=0)


class OutcomesPlan(_Strict):
    definitions: Definitions = Definitions()
    eligibility: Eligibility = Eligibility()
    progress: Progress = Progress()
    employment: Employment = Employment()
    money: Money = Money()


_MESSAGES = {
    "greater_than_equal": "must be ≥ {ge}",
    "greater_than": "must be > {gt}",
    "less_than_equal": "must be ≤ {le}",
    "less_than": "must be < {lt}",
    "too_short": "must not be empty",
    "extra_forbidden": "unknown setting",
}


def _describe(error: ErrorDetails) -> str:
    where = ".".join(str(part) for part in error["loc"]) or "(top level)"
    template = _MESSAGES.get(error["type"])
    message = template.format(**error.get("ctx", {})) if template else error["msg"].removeprefix("Value error, ")
    return f"{where}: {message}"


def load_plan(path: Path | None = None) -> OutcomesPlan:
    """The plan in `path`; None or a missing file gives the default plan. Raise PlanError naming the bad setting."""
    if path is None or not Path(path).exists():
        return OutcomesPlan()
    name = Path(path).name
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise PlanError(f"{name}: not valid YAML ({error.__class__.__name__})") from None
    if not isinstance(raw, dict):
        raise PlanError(f"{name}: (top level): must be a mapping of settings")
    try:
        return OutcomesPlan.model_validate(raw)
    except ValidationError as error:
        raise PlanError(f"{name}: " + "; ".join(_describe(item) for item in error.errors())) from None
