"""School attendance: one row per pupil per term, one term a file."""

from __future__ import annotations

import pandas as pd

from sources.checks import UPN_PATTERN, Check, between, pattern
from sources.layouts import (
    GENDERS,
    ROW_COLUMNS,
    STANDARD_STAGING_COLUMNS,
    Layout,
    PersonView,
    Source,
    StageContext,
    with_standard_columns,
)
from sources.quarantine import ABSENCE_EXCEEDS_SESSIONS, NOT_ALLOWED, Issue
from sources.vocabulary import TERMS

COUNTS = ("sessions_possible", "authorised_absence", "unauthorised_absence", "fixed_term_exclusions")
FLAGS = ("permanent_exclusion", "alternative_provision")


def _first_year(academic_year: pd.Series) -> pd.Series:
    """2015 for `2015/16`; NaN when the text is not a YYYY/YY academic year of consecutive years."""
    parts = academic_year.str.extract(r"^(\d{4})/(\d{2})$").astype(float)
    consecutive = (parts[0] + 1) % 100 == parts[1]
    return parts[0].where(consecutive)


def _row_checks(typed: pd.DataFrame) -> list[Issue]:
    absences = typed["authorised_absence"] + typed["unauthorised_absence"]
    return [
        Issue(typed["academic_year"].notna() & _first_year(typed["academic_year"]).isna(), "academic_year",
              NOT_ALLOWED),
        Issue((absences > typed["sessions_possible"]).fillna(False), "sessions_possible", ABSENCE_EXCEEDS_SESSIONS),
    ]


def _term_dates(typed: pd.DataFrame, context: StageContext, end: int) -> pd.Series:
    """Each row's term start (end=0) or end (end=1) from settings.terms; autumn is in the first year."""
    terms = context.settings.terms
    month_days = typed["term"].map({term: getattr(terms, term)[end] for term in TERMS})
    years = _first_year(typed["academic_year"]).astype(int) + (typed["term"] != "autumn").astype(int)
    return pd.to_datetime(years.astype(str) + "-" + month_days, format="%Y-%m-%d")


def _stage(typed: pd.DataFrame, context: StageContext) -> pd.DataFrame:
    return with_standard_columns(typed, context).assign(
        term_start=_term_dates(typed, context, end=0),
        term_end=_term_dates(typed, context, end=1),
    )


def _warnings(month: str) -> list[Check]:
    return [
        pattern("upn pattern", "upn", UPN_PATTERN),
        pattern("academic_year pattern", "academic_year", r"^\d{4}/\d{2}$"),
        between("sessions_possible 0..400", "sessions_possible", 0, 400),
        between("authorised_absence >= 0", "authorised_absence", 0),
        between("unauthorised_absence >= 0", "unauthorised_absence", 0),
        between("fixed_term_exclusions >= 0", "fixed_term_exclusions", 0),
    ]


LAYOUT = Layout(
    source="school_attendance",
    columns=(
        "upn", "forename", "surname", "date_of_birth", "gender", "address", "postcode", "school_urn",
        "academic_year", "term", *COUNTS, *FLAGS,
    ),
    key=("upn", "academic_year", "term"),
    stage=_stage,
    required=frozenset({*COUNTS, *FLAGS}),
    dates=frozenset({"date_of_birth"}),
    allowed={"term": TERMS, "gender": GENDERS},
    flags=frozenset(FLAGS),
    counts=frozenset(COUNTS),
    row_checks=_row_checks,
)

SOURCE = Source(
    layout=LAYOUT,
    description="School attendance, exclusions and alternative provision: one file a term.",
    snapshot=False,
    staging={
        **ROW_COLUMNS,
        "upn": "VARCHAR NOT NULL", "forename": "VARCHAR", "surname": "VARCHAR", "date_of_birth": "DATE",
        "gender": "VARCHAR", "address": "VARCHAR", "postcode": "VARCHAR", "school_urn": "VARCHAR",
        "academic_year": "VARCHAR NOT NULL", "term": "VARCHAR NOT NULL",
        "term_start": "DATE NOT NULL", "term_end": "DATE NOT NULL",
        **{count: "INTEGER NOT NULL" for count in COUNTS},
        **{flag: "BOOLEAN NOT NULL" for flag in FLAGS},
        **STANDARD_STAGING_COLUMNS,
    },
    person=PersonView(person_key="upn", identifier="upn"),   # a pupil's terms share the UPN
    warnings=_warnings,
)
