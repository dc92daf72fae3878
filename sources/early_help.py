"""The Early Help register: one row per person per family, a full snapshot each month."""

from __future__ import annotations

import pandas as pd

from settings import month_end
from sources.checks import NINO_PATTERN, UPN_PATTERN, Check, pattern
from sources.layouts import GENDERS, Layout, Source, StageContext, join_address_parts, standard_columns
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


def _warnings(month: str) -> list[Check]:
    return [pattern("nino pattern", "nino", NINO_PATTERN), pattern("upn pattern", "upn", UPN_PATTERN)]


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

SOURCE = Source(
    layout=LAYOUT,
    description="The Early Help register: a monthly snapshot of families and their members.",
    snapshot=True,
    staging={
        "month": "VARCHAR NOT NULL", "snapshot_date": "DATE NOT NULL", "source_file": "VARCHAR NOT NULL",
        "row_number": "INTEGER NOT NULL", "row_key": "VARCHAR NOT NULL",
        "family_id": "VARCHAR NOT NULL", "person_id": "VARCHAR NOT NULL", "role": "VARCHAR NOT NULL",
        "forename": "VARCHAR", "middle_names": "VARCHAR", "surname": "VARCHAR", "known_as": "VARCHAR",
        "date_of_birth": "DATE", "gender": "VARCHAR",
        "address_line_1": "VARCHAR", "address_line_2": "VARCHAR", "town": "VARCHAR", "postcode": "VARCHAR",
        "uprn": "VARCHAR", "upn": "VARCHAR", "nino": "VARCHAR",
        "eha_start_date": "DATE", "eha_end_date": "DATE",
        "lead_professional": "VARCHAR", "lead_agency": "VARCHAR", "family_plan_date": "DATE",
        "identified_needs": "VARCHAR[] NOT NULL", "csc_status": "VARCHAR NOT NULL",
        "forename_std": "VARCHAR", "forename_formal": "VARCHAR[]", "middle_names_std": "VARCHAR",
        "surname_std": "VARCHAR", "known_as_std": "VARCHAR", "postcode_std": "VARCHAR", "address_std": "VARCHAR",
    },
    person=None,   # the register is the other side of the match: matching/person_views.py views it apart
    warnings=_warnings,
)
