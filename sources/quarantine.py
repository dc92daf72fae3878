"""Why a row is quarantined: short fixed phrases, never a cell's value (cells hold personal data)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

MISSING_KEY_PART = "missing key part"
MISSING_VALUE = "missing value"
NOT_A_DATE = "not a date"
NOT_ALLOWED = "not an allowed value"
NOT_A_NUMBER = "not a number"
ABSENCE_EXCEEDS_SESSIONS = "absence exceeds sessions possible"
DUPLICATE_KEY = "duplicate key with different content"
TOO_MANY_CELLS = "more cells than the header"
BORN_IN_FUTURE = "date of birth after the extract's month"
BORN_BEFORE_1900 = "date of birth before 1900"
DATE_AFTER_MONTH = "date after the extract's month"

QUARANTINE_COLUMNS = ("month", "source", "source_file", "row_number", "column", "reason", "row_key")


@dataclass(frozen=True)
class Issue:
    """Rows (a boolean mask over the extract's rows) that cannot be used, the column at fault and why."""

    rows: pd.Series
    column: str | None
    reason: str


def quarantine_frame(issues: list[Issue], row_keys: pd.Series, month: str, source: str,
                     source_file: str) -> pd.DataFrame:
    """One ops.quarantine row per issue per row, in row order (a row's issues in the order found)."""
    found = sorted(
        ((int(row_number), issue.column, issue.reason) for issue in issues
         for row_number in issue.rows.index[issue.rows.to_numpy()]),
        key=lambda item: item[0],
    )
    return pd.DataFrame({
        "month": month, "source": source, "source_file": source_file,
        "row_number": pd.Series([item[0] for item in found], dtype="int64"),
        "column": pd.Series([item[1] for item in found], dtype=object),
        "reason": pd.Series([item[2] for item in found], dtype=object),
        "row_key": pd.Series([row_keys.get(item[0]) for item in found], dtype=object),
    }, columns=list(QUARANTINE_COLUMNS))
