"""Cross Keys Homes: one row per household member per tenancy; a monthly snapshot."""

from __future__ import annotations

import pandas as pd

from sources.layouts import Layout, StageContext, standard_columns
from sources.vocabulary import TENANCY_ROLES


def _stage(typed: pd.DataFrame, context: StageContext) -> pd.DataFrame:
    return typed.assign(**standard_columns(typed["forename"], typed["surname"], typed["postcode"],
                                           typed["address"], context.towns))


LAYOUT = Layout(
    source="cross_keys_homes",
    columns=(
        "tenancy_ref", "person_ref", "uprn", "address", "postcode", "person_role", "forename", "surname",
        "date_of_birth", "snapshot_date", "rent_arrears_gbp", "weeks_in_arrears", "nosp_served_date",
        "possession_order_date", "eviction_date", "asb_case_open", "tenancy_start_date", "tenancy_end_date",
    ),
    key=("tenancy_ref", "person_ref", "snapshot_date"),
    stage=_stage,
    required=frozenset({"person_role", "asb_case_open"}),
    dates=frozenset({"date_of_birth", "snapshot_date", "nosp_served_date", "possession_order_date",
                     "eviction_date", "tenancy_start_date", "tenancy_end_date"}),
    allowed={"person_role": TENANCY_ROLES},
    flags=frozenset({"asb_case_open"}),
    amounts=frozenset({"rent_arrears_gbp", "weeks_in_arrears"}),
)
