"""Cross Keys Homes: one row per household member per tenancy; a monthly snapshot."""

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
    with_standard_columns,
)
from sources.vocabulary import TENANCY_ROLES


def _warnings(month: str) -> list[Check]:
    return [between("snapshot_date within month", "snapshot_date", pd.Timestamp(month_start(month)),
                    pd.Timestamp(month_end(month))),
            between("weeks_in_arrears >= 0", "weeks_in_arrears", 0)]


LAYOUT = Layout(
    source="cross_keys_homes",
    columns=(
        "tenancy_ref", "person_ref", "uprn", "address", "postcode", "person_role", "forename", "surname",
        "date_of_birth", "snapshot_date", "rent_arrears_gbp", "weeks_in_arrears", "nosp_served_date",
        "possession_order_date", "eviction_date", "asb_case_open", "tenancy_start_date", "tenancy_end_date",
    ),
    key=("tenancy_ref", "person_ref", "snapshot_date"),
    stage=with_standard_columns,
    required=frozenset({"person_role", "asb_case_open"}),
    dates=frozenset({"date_of_birth", "snapshot_date", "nosp_served_date", "possession_order_date",
                     "eviction_date", "tenancy_start_date", "tenancy_end_date"}),
    allowed={"person_role": TENANCY_ROLES},
    flags=frozenset({"asb_case_open"}),
    amounts=frozenset({"rent_arrears_gbp", "weeks_in_arrears"}),
)

SOURCE = Source(
    layout=LAYOUT,
    description="Cross Keys Homes tenancies: arrears, notices, evictions and ASB cases, monthly snapshot.",
    snapshot=True,
    staging={
        **ROW_COLUMNS,
        "tenancy_ref": "VARCHAR NOT NULL", "person_ref": "VARCHAR NOT NULL", "uprn": "VARCHAR",
        "address": "VARCHAR", "postcode": "VARCHAR", "person_role": "VARCHAR NOT NULL",
        "forename": "VARCHAR", "surname": "VARCHAR", "date_of_birth": "DATE", "snapshot_date": "DATE NOT NULL",
        "rent_arrears_gbp": "DECIMAL(12, 2)", "weeks_in_arrears": "DOUBLE",
        "nosp_served_date": "DATE", "possession_order_date": "DATE", "eviction_date": "DATE",
        "asb_case_open": "BOOLEAN NOT NULL", "tenancy_start_date": "DATE", "tenancy_end_date": "DATE",
        **STANDARD_STAGING_COLUMNS,
    },
    # A tenant is the tenancy's person; the tenancy is the household (family evidence). No gender on file.
    person=PersonView(person_key="tenancy_ref || '|' || person_ref", household_ref="tenancy_ref", gender=None,
                      uprn="uprn", lists_people_once=True),
    warnings=_warnings,
)
