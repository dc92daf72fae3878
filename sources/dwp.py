"""DWP: one row per person per benefit or employment spell; a monthly snapshot."""

from __future__ import annotations

import pandas as pd

from settings import month_end
from sources.checks import NINO_PATTERN, Check, between, pattern
from sources.layouts import (
    GENDERS,
    STANDARD_STAGING_COLUMNS,
    Layout,
    PersonView,
    Source,
    StageContext,
    with_standard_columns,
)
from sources.vocabulary import BENEFITS, SPELL_TYPES, UC_REGIMES


def _stage(typed: pd.DataFrame, context: StageContext) -> pd.DataFrame:
    return with_standard_columns(typed, context).assign(snapshot_date=pd.Timestamp(month_end(context.month)))


def _warnings(month: str) -> list[Check]:
    return [pattern("nino pattern", "nino", NINO_PATTERN),
            between("start_date not after month end", "start_date", high=pd.Timestamp(month_end(month)))]


LAYOUT = Layout(
    source="dwp",
    columns=(
        "nino", "forename", "surname", "date_of_birth", "gender", "address", "postcode",
        "spell_type", "benefit", "uc_regime", "start_date", "end_date",
    ),
    key=("nino", "spell_type", "start_date"),
    stage=_stage,
    dates=frozenset({"date_of_birth", "start_date", "end_date"}),
    not_after_month=frozenset({"start_date", "end_date"}),
    allowed={
        "gender": GENDERS,
        "spell_type": SPELL_TYPES,
        "benefit": BENEFITS,
        "uc_regime": UC_REGIMES,
    },
)

SOURCE = Source(
    layout=LAYOUT,
    description="DWP benefit and employment spells: a monthly snapshot of open and recently ended spells.",
    snapshot=True,
    staging={
        "month": "VARCHAR NOT NULL", "snapshot_date": "DATE NOT NULL", "source_file": "VARCHAR NOT NULL",
        "row_number": "INTEGER NOT NULL", "row_key": "VARCHAR NOT NULL",
        "nino": "VARCHAR NOT NULL", "forename": "VARCHAR", "surname": "VARCHAR", "date_of_birth": "DATE",
        "gender": "VARCHAR", "address": "VARCHAR", "postcode": "VARCHAR",
        "spell_type": "VARCHAR NOT NULL", "benefit": "VARCHAR", "uc_regime": "VARCHAR",
        "start_date": "DATE NOT NULL", "end_date": "DATE",
        **STANDARD_STAGING_COLUMNS,
    },
    person=PersonView(person_key="nino", identifier="nino"),   # a claimant's spells share the NINO
    warnings=_warnings,
)
