"""The per-source column contract (contracts/extracts.md) and what every source's staging shares."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from settings import Settings
from sources.quarantine import Issue
from sources.standardise import (
    formal_forenames_series,
    standardise_address_series,
    standardise_name_series,
    standardise_postcode_series,
)
from sources.vocabulary import GENDERS  # noqa: F401  (the source modules take it from here)

YES_NO = {"Y": True, "N": False}


@dataclass(frozen=True)
class StageContext:
    month: str
    settings: Settings
    towns: tuple[str, ...]


@dataclass(frozen=True)
class Layout:
    """What one source's extract holds and how each column is checked.

    Every column of `columns` must be in the file (after the mapping). Blank cells are NULL unless the column
    is a key part or `required`. Enumerations are matched case-insensitively and stored in the spelling given
    here. `stage` turns the typed, loaded rows into the staging table's own columns (all of
    staging.<source> but month, source_file, row_number and row_key, which the loader adds).
    """

    source: str
    columns: tuple[str, ...]
    key: tuple[str, ...]
    stage: Callable[[pd.DataFrame, StageContext], pd.DataFrame]
    required: frozenset[str] = frozenset()
    dates: frozenset[str] = frozenset()
    allowed: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    blank_means: Mapping[str, str] = field(default_factory=dict)  # an enumeration's value for a blank cell
    flags: frozenset[str] = frozenset()    # Y/N
    counts: frozenset[str] = frozenset()   # whole numbers, not negative
    amounts: frozenset[str] = frozenset()  # numbers, not negative
    row_checks: Callable[[pd.DataFrame], list[Issue]] = lambda typed: []
    not_after_month: frozenset[str] = frozenset()  # dates of events that cannot lie after the extract's month


def standard_columns(forename: pd.Series, surname: pd.Series, postcode: pd.Series, address: pd.Series,
                     towns: tuple[str, ...]) -> dict[str, pd.Series]:
    """The `*_std` columns every source has (warehouse/schema.sql)."""
    forename_std = standardise_name_series(forename)
    return {
        "forename_std": forename_std,
        "forename_formal": formal_forenames_series(forename_std),
        "surname_std": standardise_name_series(surname),
        "postcode_std": standardise_postcode_series(postcode),
        "address_std": standardise_address_series(address, towns),
    }


def join_address_parts(*parts: pd.Series) -> pd.Series:
    """Address lines joined with ", ", skipping blanks; None when all are blank."""
    joined = [", ".join(part for part in row if part is not None) or None for row in zip(*parts, strict=True)]
    return pd.Series(joined, index=parts[0].index, dtype=object)
