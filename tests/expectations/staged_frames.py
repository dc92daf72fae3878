"""Realistic staged frames for each source, shaped exactly like `staging.<source>` read back from DuckDB.

The rows go through an in-memory warehouse (the real schema), so dtypes are what the pipeline hands over:
dates as datetime64, lists as arrays, booleans as bool. One person in every frame carries planted
personal data that must never appear in a validation summary.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from warehouse import connect, replace_month

MONTH = "2016-03"
PLANTED_SURNAME = "Featherstonehaugh"
PLANTED_NINO = "JZ482913B"
PLANTED_UPN = "K874201512003"


@dataclass(frozen=True)
class Person:
    forename: str
    surname: str
    formal: tuple[str, ...]
    date_of_birth: date
    gender: str
    address: str
    address_std: str
    postcode: str | None
    nino: str | None
    upn: str | None


PEOPLE = (
    Person("Bill", PLANTED_SURNAME, ("BILL", "WILLIAM"), date(1982, 4, 17), "M", "Flat 2, 14a High St",
           "FLAT 2 14A HIGH STREET", "pe1 2ab", PLANTED_NINO, None),
    Person("Chloe", PLANTED_SURNAME, ("CHLOE",), date(2006, 11, 2), "F", "Flat 2, 14a High St",
           "FLAT 2 14A HIGH STREET", "PE12AB", None, PLANTED_UPN),
    Person("Siobhan", "O'Neill", ("SIOBHAN",), date(1990, 1, 30), "F", "7 Mayor's Walk",
           "7 MAYORS WALK", "PE3 6EH", "NA123456A", None),
    Person("Kai", "Smith-Jones", ("KAI",), date(2009, 6, 12), "U", "7 Mayor's Walk",
           "7 MAYORS WALK", None, None, "A874201512117"),
    Person("Jo", "Nowak", ("JO", "JOANNA", "JOSEPH"), date(1975, 9, 8), "F", "31 Lincoln Rd",
           "31 LINCOLN ROAD", "PE1 2SN", "AB987654C", None),
)


def _std(text: str) -> str:
    return text.upper().replace("'", "").replace("-", " ")


def _postcode_std(postcode: str | None) -> str | None:
    if postcode is None:
        return None
    compact = postcode.replace(" ", "").upper()
    return f"{compact[:-3]} {compact[-3:]}"


def _common(person: Person, number: int, source: str) -> dict:
    return {
        "month": MONTH, "source_file": f"landing/{MONTH}/{source}.csv", "row_number": number,
        "forename": person.forename, "surname": person.surname, "date_of_birth": person.date_of_birth,
        "postcode": person.postcode, "forename_std": _std(person.forename), "forename_formal": list(person.formal),
        "surname_std": _std(person.surname), "postcode_std": _postcode_std(person.postcode),
        "address_std": person.address_std,
    }


def _early_help(person: Person, number: int) -> dict:
    family = "F1001" if number <= 2 else "F1002"
    adult = person.date_of_birth.year < 1998
    return {
        **_common(person, number, "early_help"), "snapshot_date": date(2016, 3, 31),
        "row_key": f"P{number:04d}", "family_id": family, "person_id": f"P{number:04d}",
        "role": "parent_carer" if adult else "child", "middle_names": None, "known_as": None,
        "gender": person.gender, "address_line_1": person.address, "address_line_2": None, "town": "Peterborough",
        "uprn": f"1000902{number:05d}", "upn": person.upn, "nino": person.nino,
        "eha_start_date": date(2015, 10, 1), "eha_end_date": None, "lead_professional": "A. Worker",
        "lead_agency": "Early Help", "family_plan_date": date(2015, 11, 2),
        "identified_needs": ["school_attendance", "debt"] if family == "F1001" else [],
        "csc_status": "none" if number != 4 else "cin",
    }


def _school_attendance(person: Person, number: int) -> dict:
    upn = person.upn or f"B8742015{number:05d}"
    return {
        **_common(person, number, "school_attendance"), "row_key": f"{upn}|2015/16|spring", "upn": upn,
        "gender": person.gender, "address": f"{person.address}, Peterborough", "school_urn": "110843",
        "academic_year": "2015/16", "term": "spring", "term_start": date(2016, 1, 1), "term_end": date(2016, 4, 30),
        "sessions_possible": 142, "authorised_absence": 4 * number, "unauthorised_absence": number - 1,
        "fixed_term_exclusions": 1 if number == 2 else 0, "permanent_exclusion": False,
        "alternative_provision": number == 4,
    }


def _police(person: Person, number: int) -> dict:
    incident, person_ref = f"CC/16/{4500 + number // 2}", f"PR{88230 + number}"
    return {
        **_common(person, number, "police"), "row_key": f"{incident}|{person_ref}", "incident_ref": incident,
        "person_ref": person_ref, "incident_date": date(2016, 3, number * 5),
        "incident_type": ("crime", "asb", "domestic_abuse")[number % 3],
        "person_role": ("offender", "victim", "witness", "suspect")[number % 4],
        "outcome": None if number == 3 else ("caution", "asb_warning", "charge", "no_further_action")[number % 4],
        "gender": person.gender, "address": person.address, "pnc_id": f"16/{300000 + number}X" if number == 1 else None,
    }


def _dwp(person: Person, number: int) -> dict:
    nino = person.nino or f"CE{number:06d}D"
    benefit = ("UC", None, "ESA", "JSA", "UC")[number - 1]
    start = date(2015, number * 2, 14)
    return {
        **_common(person, number, "dwp"), "snapshot_date": date(2016, 3, 31),
        "row_key": f"{nino}|{'benefit' if benefit else 'employment'}|{start.isoformat()}", "nino": nino,
        "gender": person.gender, "address": person.address, "spell_type": "benefit" if benefit else "employment",
        "benefit": benefit, "uc_regime": "searching_for_work" if benefit == "UC" else None,
        "start_date": start, "end_date": date(2016, 1, 31) if number == 4 else None,
    }


def _cross_keys_homes(person: Person, number: int) -> dict:
    tenancy = "T004411" if number <= 2 else f"T00{4411 + number}"
    return {
        **_common(person, number, "cross_keys_homes"), "row_key": f"{tenancy}|H{number:03d}|2016-03-31",
        "tenancy_ref": tenancy, "person_ref": f"H{number:03d}", "uprn": f"1000902{number:05d}",
        "address": person.address, "person_role": "lead_tenant" if number != 2 else "household_member",
        "snapshot_date": date(2016, 3, 31), "rent_arrears_gbp": 412.50 if number == 1 else 0.0,
        "weeks_in_arrears": 4.5 if number == 1 else 0.0, "nosp_served_date": date(2016, 2, 1) if number == 1 else None,
        "possession_order_date": None, "eviction_date": None, "asb_case_open": number == 3,
        "tenancy_start_date": date(2011, 5, 9), "tenancy_end_date": None,
    }


_BUILDERS = {
    "early_help": _early_help, "school_attendance": _school_attendance, "police": _police, "dwp": _dwp,
    "cross_keys_homes": _cross_keys_homes,
}
SOURCES = tuple(_BUILDERS)


def staged_frame(source: str, rows: int = len(PEOPLE)) -> pd.DataFrame:
    """`staging.<source>` for MONTH as the warehouse returns it; `rows=0` gives the empty month."""
    records = [_BUILDERS[source](person, number) for number, person in enumerate(PEOPLE[:rows], start=1)]
    con = connect(":memory:")
    try:
        if records:
            replace_month(con, f"staging.{source}", MONTH, pd.DataFrame.from_records(records))
        return con.execute(f"SELECT * FROM staging.{source} ORDER BY row_number").df()
    finally:
        con.close()
