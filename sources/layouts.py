"""The per-source column contract (contracts/extracts.md) and what every source's staging shares."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from settings import Settings
from sources.checks import Check
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


def with_standard_columns(typed: pd.DataFrame, context: StageContext) -> pd.DataFrame:
    """A `stage` for a source whose rows carry forename, surname, postcode and address as they are: the typed rows
    and their `*_std` columns."""
    return typed.assign(**standard_columns(typed["forename"], typed["surname"], typed["postcode"], typed["address"],
                                           context.towns))


def join_address_parts(*parts: pd.Series) -> pd.Series:
    """Address lines joined with ", ", skipping blanks; None when all are blank."""
    joined = [", ".join(part for part in row if part is not None) or None for row in zip(*parts, strict=True)]
    return pd.Series(joined, index=parts[0].index, dtype=object)


# The staging columns the loader adds to every source's rows, and the `*_std` columns `standard_columns` adds
# (DuckDB types; warehouse/schema.sql).
ROW_COLUMNS = {"month": "VARCHAR NOT NULL", "source_file": "VARCHAR NOT NULL", "row_number": "INTEGER NOT NULL",
               "row_key": "VARCHAR NOT NULL"}
STANDARD_STAGING_COLUMNS = {"forename_std": "VARCHAR", "forename_formal": "VARCHAR[]", "surname_std": "VARCHAR",
                            "postcode_std": "VARCHAR", "address_std": "VARCHAR"}


@dataclass(frozen=True)
class PersonView:
    """How a source's rows become the people matched against the Early Help register (matching/person_views.py).

    Each field is a DuckDB expression over the source's rows (its staging table, or `rows` when given);
    None means the source has no such thing. `person_key` joins the rows of one person (a pupil's terms, a
    claimant's spells); `identifier` is `upn` or `nino` when the source's people are keyed by that personal
    identifier: the exact pass matches on it, and no two of its people can be the same register person.
    `household_ref` is the source's own household (a tenancy), else the address stands for it.
    `lists_people_once`: the household lists each person once (a tenancy's person references), so two of its
    people who fit one register person equally cannot both be that person (a police address may hold one
    person written twice).
    """

    person_key: str
    identifier: str | None = None
    household_ref: str | None = None
    gender: str | None = "gender"
    address: str = "address"
    uprn: str | None = None
    rows: str | None = None   # a subquery standing for the staging table (may use $month); None: the table
    lists_people_once: bool = False


@dataclass(frozen=True)
class Source:
    """One partner extract (or the Early Help register), declared once: everything else derives from this.

    `staging` is staging.<name>'s columns in order, name -> DuckDB type (with NOT NULL where it applies);
    `person` is None for the register, which is the other side of the match.
    """

    layout: Layout
    description: str          # one line: the Dagster asset's description
    snapshot: bool            # a full snapshot each month (a month without one reuses the latest); else increments
    staging: Mapping[str, str]
    person: PersonView | None
    # Plausibility checks particular to the source, for a month (they warn; sources/checks.py): the common ones,
    # the allowed values and the columns come from the declaration by themselves (expectations/rules.py).
    warnings: Callable[[str], list[Check]] = lambda month: []

    @property
    def name(self) -> str:
        return self.layout.source

    @property
    def staging_table(self) -> str:
        return f"staging.{self.name}"
