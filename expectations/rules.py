"""The checks each staged extract must pass, per source (contracts/extracts.md, warehouse/schema.sql).

Plain data, no great-expectations import: `gx_runner` turns each `Check` into a GX Expectation.
Blocking checks mean the month's data cannot be trusted for matching and claims; the others warn.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from settings import Settings, month_end, month_start
from sources.loading import staging_columns as declared_staging_columns
from sources.registry import get_source

# National Insurance number: two letters, six digits, suffix A-D (spaces between the pairs tolerated).
NINO_PATTERN = r"^[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]$"
# Unique Pupil Number: 13 characters, a check letter then 12 digits.
UPN_PATTERN = r"^[A-Z]\d{12}$"
ACADEMIC_YEAR_PATTERN = r"^\d{4}/\d{2}$"
EARLIEST_BIRTH = pd.Timestamp("1900-01-01")


@dataclass(frozen=True)
class Check:
    """One expectation: the GX class by name, its arguments, and how bad a failure is."""

    name: str
    column: str | None
    blocking: bool
    expectation: str
    arguments: dict[str, Any] = field(default_factory=dict)
    only_where_present: str | None = None  # evaluate only rows where this column is not null


def allowed_values(source: str) -> dict[str, tuple[str, ...]]:
    """The source's enumerations, as its layout declares them (sources/vocabulary.py holds the values)."""
    return dict(get_source(source).layout.allowed)


def _staging_table(source: str) -> tuple[tuple[str, str], ...]:
    """(column, type) of `staging.<source>`, as the source declares it (tests/sources: the same as schema.sql)."""
    return tuple((name, column_type) for name, column_type, _ in declared_staging_columns(source))


def staging_columns(source: str) -> tuple[str, ...]:
    return tuple(name for name, _ in _staging_table(source))


def date_columns(source: str) -> tuple[str, ...]:
    return tuple(name for name, column_type in _staging_table(source) if column_type == "DATE")


def _between(name: str, column: str, low: Any = None, high: Any = None) -> Check:
    return Check(name, column, False, "ExpectColumnValuesToBeBetween", {"min_value": low, "max_value": high})


def _pattern(name: str, column: str, regex: str) -> Check:
    return Check(name, column, False, "ExpectColumnValuesToMatchRegex", {"regex": regex})


def _source_warnings(source: str, month: str) -> list[Check]:
    """Plausibility checks particular to a source (a source with none has the common checks only)."""
    end = pd.Timestamp(month_end(month))
    if source == "early_help":
        return [_pattern("nino pattern", "nino", NINO_PATTERN), _pattern("upn pattern", "upn", UPN_PATTERN)]
    if source == "school_attendance":
        return [
            _pattern("upn pattern", "upn", UPN_PATTERN),
            _pattern("academic_year pattern", "academic_year", ACADEMIC_YEAR_PATTERN),
            _between("sessions_possible 0..400", "sessions_possible", 0, 400),
            _between("authorised_absence >= 0", "authorised_absence", 0),
            _between("unauthorised_absence >= 0", "unauthorised_absence", 0),
            _between("fixed_term_exclusions >= 0", "fixed_term_exclusions", 0),
        ]
    if source == "police":
        return [_between("incident_date within 3 years", "incident_date", end - pd.DateOffset(years=3), end)]
    if source == "dwp":
        return [_pattern("nino pattern", "nino", NINO_PATTERN),
                _between("start_date not after month end", "start_date", high=end)]
    if source == "cross_keys_homes":
        return [_between("snapshot_date within month", "snapshot_date", pd.Timestamp(month_start(month)), end),
                _between("weeks_in_arrears >= 0", "weeks_in_arrears", 0)]
    return []


def checks_for(source: str, month: str, settings: Settings) -> list[Check]:
    """Every GX-evaluated check for one source and month (the quarantine share is computed apart)."""
    checks = [
        Check("required columns present", None, True, "ExpectTableColumnsToMatchSet",
              {"column_set": list(staging_columns(source)), "exact_match": False}),
        Check("row_key unique", "row_key", True, "ExpectColumnValuesToBeUnique"),
        Check("row_key not null", "row_key", True, "ExpectColumnValuesToNotBeNull"),
    ]
    for column, allowed in allowed_values(source).items():
        checks.append(Check(f"{column} allowed values", column, True, "ExpectColumnValuesToBeInSet",
                            {"value_set": list(allowed)}))
    checks.append(_between("date_of_birth plausible", "date_of_birth", EARLIEST_BIRTH, pd.Timestamp(month_end(month))))
    checks.append(Check("valid postcode share", "postcode_std", False, "ExpectColumnValuesToNotBeNull",
                        {"mostly": settings.validation.min_valid_postcode_share}, only_where_present="postcode"))
    checks.extend(_source_warnings(source, month))
    return checks
