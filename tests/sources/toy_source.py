"""A toy partner extract, declared in this one module as a new source would be: the youth offending service's
referrals, one row per person per referral, one file a month (increments). tests/sources/test_registry.py
registers it and runs a month through the real loaders, suites, matching and output files."""

from __future__ import annotations

import pandas as pd

from settings import month_end, month_start
from sources.checks import Check, between
from sources.layouts import (
    ROW_COLUMNS,
    STANDARD_STAGING_COLUMNS,
    Layout,
    PersonView,
    Source,
    StageContext,
    standard_columns,
)

DISPOSALS = ("referral_order", "youth_caution", "youth_rehabilitation_order", "detention_and_training_order")


def _stage(typed: pd.DataFrame, context: StageContext) -> pd.DataFrame:
    return typed.assign(**standard_columns(typed["forename"], typed["surname"], typed["postcode"],
                                           typed["address"], context.towns))


def _warnings(month: str) -> list[Check]:
    return [between("referral_date within month", "referral_date", pd.Timestamp(month_start(month)),
                    pd.Timestamp(month_end(month)))]


LAYOUT = Layout(
    source="youth_offending",
    columns=("yot_ref", "forename", "surname", "date_of_birth", "address", "postcode", "disposal",
             "referral_date"),
    key=("yot_ref", "referral_date"),
    stage=_stage,
    required=frozenset({"disposal", "referral_date"}),
    dates=frozenset({"date_of_birth", "referral_date"}),
    not_after_month=frozenset({"referral_date"}),
    allowed={"disposal": DISPOSALS},
)

SOURCE = Source(
    layout=LAYOUT,
    description="Youth offending service referrals made in the month.",
    snapshot=False,
    staging={
        **ROW_COLUMNS,
        "yot_ref": "VARCHAR NOT NULL", "forename": "VARCHAR", "surname": "VARCHAR", "date_of_birth": "DATE",
        "address": "VARCHAR", "postcode": "VARCHAR", "disposal": "VARCHAR NOT NULL", "referral_date": "DATE NOT NULL",
        **STANDARD_STAGING_COLUMNS,
    },
    person=PersonView(person_key="yot_ref", gender=None),   # a young person's referrals share the YOT reference
    warnings=_warnings,
)
