"""The Early Help register: one row per person per family, a full snapshot each month."""

from __future__ import annotations

import pandas as pd

from settings import month_end
from sources.layouts import GENDERS, Layout, StageContext, join_address_parts, standard_columns
from sources.standardise import standardise_name_series
from sources.vocabulary import CSC_STATUSES, NEEDS, ROLES


def needs_list(text: str | None) -> list[str]:
    """`;`-separated needs as a list in the order written, distinct; a need not on the contract's list is `other`."""
    needs = []
    for part in (text or "").split(";"):
        need = "_".join(part.strip().lower().replace("-", " ").split())
        if need:
            need = need if need in NEEDS else "other"
            if need not in needs:
                needs.append(need)
    return needs


def _stage(typed: pd.DataFrame, context: StageContext) -> pd.DataFrame:
    address = join_address_parts(typed["address_line_1"], typed["address_line_2"], typed["town"])
    return typed.assign(
        snapshot_date=pd.Timestamp(month_end(context.month)),
        identified_needs=typed["identified_needs"].map(needs_list),
        middle_names_std=standardise_name_series(typed["middle_names"]),
        known_as_std=standardise_name_series(typed["known_as"]),
        **standard_columns(typed["forename"], typed["surname"], typed["postcode"], address, context.towns),
    )


LAYOUT = Layout(
    source="early_help",
    columns=(
        "family_id", "person_id", "role", "forename", "middle_names", "surname", "known_as", "date_of_birth",
        "gender", "address_line_1", "address_line_2", "town", "postcode", "uprn", "upn", "nino",
        "eha_start_date", "eha_end_date", "lead_professional", "lead_agency", "family_plan_date",
        "identified_needs", "csc_status",
    ),
    key=("person_id",),
    stage=_stage,
    required=frozenset({"family_id", "role"}),
    dates=frozenset({"date_of_birth", "eha_start_date", "eha_end_date", "family_plan_date"}),
    allowed={
        "role": ROLES,
        "gender": GENDERS,
        "csc_status": CSC_STATUSES,
    },
    blank_means={"csc_status": "none"},
)
