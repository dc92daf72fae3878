"""Cambridgeshire Constabulary: one row per person per incident reported that month."""

from __future__ import annotations

import pandas as pd

from sources.layouts import GENDERS, Layout, StageContext, standard_columns
from sources.vocabulary import INCIDENT_TYPES, PERSON_ROLES, POLICE_OUTCOMES


def _stage(typed: pd.DataFrame, context: StageContext) -> pd.DataFrame:
    return typed.assign(**standard_columns(typed["forename"], typed["surname"], typed["postcode"],
                                           typed["address"], context.towns))


LAYOUT = Layout(
    source="police",
    columns=(
        "incident_ref", "person_ref", "incident_date", "incident_type", "person_role", "outcome",
        "forename", "surname", "date_of_birth", "gender", "address", "postcode", "pnc_id",
    ),
    key=("incident_ref", "person_ref"),
    stage=_stage,
    required=frozenset({"incident_date", "incident_type", "person_role"}),
    dates=frozenset({"incident_date", "date_of_birth"}),
    not_after_month=frozenset({"incident_date"}),
    allowed={
        "incident_type": INCIDENT_TYPES,
        "person_role": PERSON_ROLES,
        "outcome": POLICE_OUTCOMES,
        "gender": GENDERS,
    },
)
