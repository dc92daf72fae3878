"""The checks each staged extract must pass, per source (contracts/extracts.md), derived from its declaration.

Plain data, no great-expectations import: `gx_runner` turns each `Check` into a GX Expectation.
Blocking checks mean the month's data cannot be trusted for matching and claims; the others warn.
"""

from __future__ import annotations

import pandas as pd

from settings import Settings, month_end
from sources.checks import Check, between
from sources.loading import staging_columns as declared_staging_columns
from sources.registry import get_source

EARLIEST_BIRTH = pd.Timestamp("1900-01-01")


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
    checks.append(between("date_of_birth plausible", "date_of_birth", EARLIEST_BIRTH, pd.Timestamp(month_end(month))))
    checks.append(Check("valid postcode share", "postcode_std", False, "ExpectColumnValuesToNotBeNull",
                        {"mostly": settings.validation.min_valid_postcode_share}, only_where_present="postcode"))
    checks.extend(get_source(source).warnings(month))   # particular to the source (sources/<name>.py)
    return checks
