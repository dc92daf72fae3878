"""The programme rules (contracts/outcomes-plan.md): eligibility with evidence, attachment, significant and
sustained progress, continuous employment, and the month's programme reports. No Dagster here."""

from programme.plan import OutcomesPlan, PlanError, load_plan
from programme.reports import programme_html
from programme.run import ProgrammeResult, run_month

__all__ = ["OutcomesPlan", "PlanError", "ProgrammeResult", "load_plan", "programme_html", "run_month"]
