"""Cambridgeshire Constabulary: one row per person per incident reported that month."""

from __future__ import annotations

import pandas as pd

from settings import month_end
from sources.checks import Check, between
from sources.layouts import (
    GENDERS,
    ROW_COLUMNS,
    STANDARD_STAGING_COLUMNS,
    Layout,
    PersonView,
    Source,
    with_standard_columns,
)
from sources.vocabulary import INCIDENT_TYPES, PERSON_ROLES, POLICE_OUTCOMES


def _warnings(month: str) -> list[Check]:
    end = pd.Timestamp(month_end(month))
    return [between("incident_date within 3 years", "incident_date", end - pd.DateOffset(years=3), end)]


LAYOUT = Layout(
    source="police",
    columns=(
        "incident_ref", "person_ref", "incident_date", "incident_type", "person_role", "outcome",
        "forename", "surname", "date_of_birth", "gender", "address", "postcode", "pnc_id",
    ),
    key=("incident_ref", "person_ref"),
    stage=with_standard_columns,
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

# A police subject is the rows sharing a PNC id; a row without one joins the PNC id of a row with the same
# name, date of birth and postcode, and failing that the rows of that name, date of birth and postcode.
PERSON_ROWS = """
    (WITH rows AS (
        SELECT *, forename_std || '|' || surname_std || '|' || CAST(date_of_birth AS VARCHAR) || '|' || postcode_std
                  AS name_dob_postcode
        FROM staging.police WHERE month <= $month),
     pnc_by_name AS (
        SELECT name_dob_postcode, min(pnc_id) AS pnc_id FROM rows
        WHERE pnc_id IS NOT NULL AND name_dob_postcode IS NOT NULL GROUP BY ALL)
     SELECT rows.*, 'pnc:' || coalesce(rows.pnc_id, pnc_by_name.pnc_id) AS pnc_key,
            coalesce('pnc:' || coalesce(rows.pnc_id, pnc_by_name.pnc_id), 'ndp:' || rows.name_dob_postcode,
                     'row:' || rows.row_key) AS person_key
     FROM rows LEFT JOIN pnc_by_name USING (name_dob_postcode))
"""

SOURCE = Source(
    layout=LAYOUT,
    description="Crime, anti-social behaviour and domestic abuse incidents reported in the month.",
    snapshot=False,
    staging={
        **ROW_COLUMNS,
        "incident_ref": "VARCHAR NOT NULL", "person_ref": "VARCHAR NOT NULL", "incident_date": "DATE NOT NULL",
        "incident_type": "VARCHAR NOT NULL", "person_role": "VARCHAR NOT NULL", "outcome": "VARCHAR",
        "forename": "VARCHAR", "surname": "VARCHAR", "date_of_birth": "DATE", "gender": "VARCHAR",
        "address": "VARCHAR", "postcode": "VARCHAR", "pnc_id": "VARCHAR",
        **STANDARD_STAGING_COLUMNS,
    },
    person=PersonView(person_key="person_key", rows=PERSON_ROWS),
    warnings=_warnings,
)
