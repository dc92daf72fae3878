"""Tiny extract files for the tests: one valid row per source, changed cell by cell."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl

from sources.registry import get_source

VALID_ROWS: dict[str, dict[str, object]] = {
    "early_help": {
        "family_id": "F001", "person_id": "P001", "role": "parent_carer", "forename": "William",
        "middle_names": "John", "surname": "O'Neill", "known_as": "Bill", "date_of_birth": "14/02/1985",
        "gender": "M", "address_line_1": "Flat 2", "address_line_2": "14a High St", "town": "Peterborough",
        "postcode": "PE1 2AB", "uprn": "100090000001", "upn": "", "nino": "AB123456C",
        "eha_start_date": "01/09/2015", "eha_end_date": "", "lead_professional": "Jo Bloggs",
        "lead_agency": "Early Help", "family_plan_date": "15/09/2015",
        "identified_needs": "Worklessness; debt", "csc_status": "",
    },
    "school_attendance": {
        "upn": "A123456789012", "forename": "Amy", "surname": "Smith-Jones", "date_of_birth": "03/05/2006",
        "gender": "F", "address": "3 Elm Cl, Peterborough", "postcode": "pe3 6ab", "school_urn": "110000",
        "academic_year": "2015/16", "term": "autumn", "sessions_possible": "140", "authorised_absence": "6",
        "unauthorised_absence": "10", "fixed_term_exclusions": "0", "permanent_exclusion": "N",
        "alternative_provision": "N",
    },
    "police": {
        "incident_ref": "INC0001", "person_ref": "PR001", "incident_date": "05/03/2015", "incident_type": "crime",
        "person_role": "offender", "outcome": "caution", "forename": "Bill", "surname": "O'Neill",
        "date_of_birth": "14/02/1985", "gender": "M", "address": "14A HIGH STREET FLAT 2", "postcode": "PE12AB",
        "pnc_id": "",
    },
    "dwp": {
        "nino": "AB123456C", "forename": "William", "surname": "O'Neill", "date_of_birth": "14/02/1985",
        "gender": "M", "address": "Flat 2, 14a High Street, Peterborough", "postcode": "PE1 2AB",
        "spell_type": "benefit", "benefit": "UC", "uc_regime": "searching_for_work", "start_date": "29/01/2015",
        "end_date": "",
    },
    "cross_keys_homes": {
        "tenancy_ref": "T0001", "person_ref": "H001", "uprn": "100090000001", "address": "Flat 2, 14a High St",
        "postcode": "PE1 2AB", "person_role": "lead_tenant", "forename": "Bill", "surname": "O'Neill",
        "date_of_birth": "14/02/1985", "snapshot_date": "31/03/2015", "rent_arrears_gbp": "£1,250.50",
        "weeks_in_arrears": "8.5", "nosp_served_date": "02/03/2015", "possession_order_date": "",
        "eviction_date": "", "asb_case_open": "N", "tenancy_start_date": "01/06/2010", "tenancy_end_date": "",
    },
}  # fmt: skip


def row(source: str, **changes: object) -> dict[str, object]:
    """The source's valid row with some cells changed."""
    return {**VALID_ROWS[source], **changes}


def write_csv(path: Path, rows: list[dict[str, object]], columns: list[str] | None = None,
              encoding: str = "utf-8") -> Path:
    columns = columns or list(rows[0])
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        writer.writerows([[item.get(column, "") for column in columns] for item in rows])
    return path


def write_xlsx(path: Path, rows: list[dict[str, object]]) -> Path:
    """Cells keep their Python type: a datetime becomes a date cell, an int a number cell."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(rows[0]))
    for item in rows:
        sheet.append([None if cell == "" else cell for cell in item.values()])
    workbook.create_sheet("Notes").append(["not read"])
    workbook.save(path)
    return path


def columns_of(source: str) -> list[str]:
    return list(get_source(source).layout.columns)
