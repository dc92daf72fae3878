"""Typing an extract's text cells against its layout, and finding the rows that cannot be used."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from settings import month_end
from sources.layouts import YES_NO, Layout
from sources.quarantine import (
    BORN_BEFORE_1900,
    BORN_IN_FUTURE,
    DATE_AFTER_MONTH,
    DUPLICATE_KEY,
    MISSING_KEY_PART,
    MISSING_VALUE,
    NOT_A_DATE,
    NOT_A_NUMBER,
    NOT_ALLOWED,
    Issue,
)
from sources.reading import parse_dates


@dataclass
class SeenRows:
    """What a file's earlier chunks hold: hashes of their rows and keys, so repeats and duplicate keys are found
    across chunks (64-bit hashes: a false match is about a one-in-a-million chance in a 2.7M-row file), and
    each date column's format, decided by the first chunk with dates in it (100,000 rows)."""

    rows: np.ndarray = field(default_factory=lambda: np.empty(0, dtype="uint64"))  # 8 bytes a row, sorted
    keys: np.ndarray = field(default_factory=lambda: np.empty(0, dtype="uint64"))
    date_formats: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Checked:
    typed: pd.DataFrame      # every layout column typed: text trimmed, dates, canonical enumerations, numbers
    row_keys: pd.Series      # contracts/extracts.md "Keys"; None where a key part is missing or not a date
    repeats: pd.Series       # True for an exact repeat of an earlier row
    issues: list[Issue]      # on rows that are not repeats


def _typed_dates(text: pd.Series, column: str, month: str, date_format: str | None) -> tuple[pd.Series, str]:
    dates, used_format = parse_dates(text, date_format)
    if column == "date_of_birth" and "%y" in used_format:
        # A two-digit year reads as 19xx or 20xx; nobody is born after the extract's month.
        future = dates > pd.Timestamp(month_end(month))
        dates = dates.mask(future, dates[future] - pd.DateOffset(years=100))
    return dates, used_format


EARLIEST_BIRTH = pd.Timestamp("1900-01-01")


def _implausible_dates(dates: pd.Series, column: str, layout: Layout, month: str) -> list[Issue]:
    """Dates no partner can mean: a birth after the extract's month or before 1900, an event after the month."""
    end = pd.Timestamp(month_end(month))
    if column == "date_of_birth":
        return [Issue(dates > end, column, BORN_IN_FUTURE), Issue(dates < EARLIEST_BIRTH, column, BORN_BEFORE_1900)]
    if column in layout.not_after_month:
        return [Issue(dates > end, column, DATE_AFTER_MONTH)]
    return []


def _enumeration(text: pd.Series, allowed: tuple[str, ...]) -> pd.Series:
    return text.str.lower().map({value.lower(): value for value in allowed}).astype(object)


def _numbers(text: pd.Series, whole: bool) -> tuple[pd.Series, pd.Series]:
    """The numbers, and where a non-blank cell is not one (or is negative, or not whole for counts)."""
    cleaned = text if whole else text.str.replace(r"[£,\s]", "", regex=True)
    numbers = pd.to_numeric(cleaned, errors="coerce")
    valid = (numbers >= 0) & (numbers < float("inf"))  # NaN compares False
    if whole:
        valid &= numbers % 1 == 0
    bad = text.notna() & ~valid
    return numbers.mask(bad), bad


def check_cells(cells: pd.DataFrame, layout: Layout, month: str, date_format: str | None,
                seen: SeenRows | None = None) -> Checked:
    """`cells` holds the layout's columns as trimmed text (None when blank), indexed by row number.

    `seen` carries what the file's earlier chunks held (and is updated with this one's).
    """
    seen = SeenRows() if seen is None else seen
    typed = cells.copy()
    issues: list[Issue] = []
    for column in layout.columns:
        blank = cells[column].isna()
        if column in layout.key:
            issues.append(Issue(blank, column, MISSING_KEY_PART))
        elif column in layout.required:
            issues.append(Issue(blank, column, MISSING_VALUE))
        if column in layout.dates:
            fixed_format = date_format or seen.date_formats.get(column)
            typed[column], used_format = _typed_dates(cells[column], column, month, fixed_format)
            if fixed_format is None and typed[column].notna().any():
                seen.date_formats[column] = used_format  # the first chunk with dates decides for the file
            issues.append(Issue(~blank & typed[column].isna(), column, NOT_A_DATE))
            issues.extend(_implausible_dates(typed[column], column, layout, month))
        elif column in layout.allowed or column in layout.flags:
            allowed = layout.allowed.get(column) or tuple(YES_NO)
            values = _enumeration(cells[column], allowed)
            issues.append(Issue(~blank & values.isna(), column, NOT_ALLOWED))
            typed[column] = values.map(YES_NO) if column in layout.flags else values
            if column in layout.blank_means:
                typed[column] = typed[column].mask(blank, layout.blank_means[column])
        elif column in layout.counts or column in layout.amounts:
            typed[column], bad = _numbers(cells[column], whole=column in layout.counts)
            issues.append(Issue(bad, column, NOT_A_NUMBER))
    issues.extend(layout.row_checks(typed))

    row_keys = _row_keys(cells, typed, layout)
    row_hashes = pd.util.hash_pandas_object(cells, index=False)
    repeats = row_hashes.duplicated(keep="first") | _in(row_hashes, seen.rows)
    claims = row_keys.notna() & ~repeats  # a row that is not a repeat claims its key, quarantined or not
    key_hashes = pd.util.hash_pandas_object(row_keys[claims], index=False)
    key_taken = key_hashes.duplicated(keep="first") | _in(key_hashes, seen.keys)
    issues.append(Issue(claims & key_taken.reindex(cells.index, fill_value=False), None, DUPLICATE_KEY))
    seen.rows = np.union1d(seen.rows, row_hashes[~repeats].to_numpy())
    seen.keys = np.union1d(seen.keys, key_hashes.to_numpy())
    issues = [Issue(issue.rows & ~repeats, issue.column, issue.reason) for issue in issues]
    return Checked(typed, row_keys, repeats, [issue for issue in issues if issue.rows.any()])


def _in(hashes: pd.Series, seen: np.ndarray) -> pd.Series:
    return pd.Series(np.isin(hashes.to_numpy(), seen, assume_unique=False), index=hashes.index, dtype=bool)


def _row_keys(cells: pd.DataFrame, typed: pd.DataFrame, layout: Layout) -> pd.Series:
    """Key columns joined by `|`: dates as YYYY-MM-DD, other parts as written (trimmed)."""
    parts = [typed[column].dt.strftime("%Y-%m-%d") if column in layout.dates else cells[column]
             for column in layout.key]
    keys = parts[0].str.cat(parts[1:], sep="|") if len(parts) > 1 else parts[0]
    return keys.where(keys.notna(), None).astype(object)
