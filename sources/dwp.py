"""DWP: one row per person per benefit or employment spell; a monthly snapshot."""

from __future__ import annotations

import pandas as pd

from settings import month_end
from sources.layouts import GENDERS, Layout, StageContext, standard_columns
from sources.vocabulary import BENEFITS, SPELL_TYPES, UC_REGIMES


def _stage(typed: pd.DataFrame, context: StageContext) -> pd.DataFrame:
    return typed.assign(
        snapshot_date=pd.Timestamp(month_end(context.month)),
        **standard_columns(typed["forename"], typed["surname"], typed["postcode"], typed["address"], context.towns),
    )


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
