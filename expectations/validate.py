"""Validate one month's staged extract of one source; the result holds counts only, never cell values."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from expectations.results import ExpectationOutcome, SuiteResult
from expectations.rules import Check, checks_for, date_columns, staging_columns
from settings import Settings, parse_month

if TYPE_CHECKING:
    from expectations.gx_runner import CheckResult


def validate_extract(source: str, staged: pd.DataFrame, *, rows_read: int, rows_quarantined: int,
                     month: str, settings: Settings | None = None) -> SuiteResult:
    """Run the source's suite on `staged` (the columns of `staging.<source>`) for `month`.

    `rows_read` and `rows_quarantined` come from the load (ops.load_summary) and give the quarantine share.
    """
    settings = settings or Settings()
    month = parse_month(month)
    quarantine = _quarantine_outcome(rows_read, rows_quarantined, settings.validation.max_quarantine_share)
    checks = checks_for(source, month, settings)
    frame = _prepared(source, staged)
    runnable = [index for index, check in enumerate(checks) if _columns_present(check, frame)]

    from expectations import gx_runner  # ~10 s the first time: only when a validation actually runs

    results = gx_runner.run_checks(frame, [checks[i] for i in runnable], suite_name=f"{source}_{month}")
    by_index = dict(zip(runnable, results, strict=True))

    outcomes = [quarantine]
    for index, check in enumerate(checks):
        result = by_index.get(index)
        outcomes.append(_outcome(result) if result is not None else _not_evaluated(check))
    return SuiteResult(source=source, outcomes=tuple(outcomes))


# Above this many staged rows the suite runs on a fixed sample of them, never on a second full copy of the month:
# every row was already checked one by one on loading (quarantine), so the suite is a second look at the whole.
VALIDATION_SAMPLE_ROWS = 50_000


def validate_month(con: duckdb.DuckDBPyConnection, source: str, month: str, *, rows_read: int,
                   rows_quarantined: int, settings: Settings | None = None,
                   sample_rows: int = VALIDATION_SAMPLE_ROWS) -> SuiteResult:
    """`validate_extract` on the month's rows of `staging.<source>`: all of them, or beyond `sample_rows` the
    rows whose key hashes lowest (the same sample on every run). The row-key checks then run in SQL on all rows."""
    month = parse_month(month)
    table = f"staging.{source}"
    total = con.execute(f"SELECT count(*) FROM {table} WHERE month = ?", [month]).fetchall()[0][0]
    order = f" ORDER BY hash(row_key), row_number LIMIT {int(sample_rows)}" if total > sample_rows else ""
    staged = con.execute(f"SELECT * FROM {table} WHERE month = ?{order}", [month]).df()
    suite = validate_extract(source, staged, rows_read=rows_read, rows_quarantined=rows_quarantined,
                             month=month, settings=settings)
    if not order:
        return suite
    return SuiteResult(source, tuple(_key_checks_in_sql(con, table, month, outcome, total, len(staged))
                                     for outcome in suite.outcomes))


def _key_checks_in_sql(con: duckdb.DuckDBPyConnection, table: str, month: str, outcome: ExpectationOutcome,
                       total: int, sampled: int) -> ExpectationOutcome:
    """A sampled outcome as it is: the row-key checks recomputed on every row; the others say they sampled."""
    if outcome.name == "row_key unique":
        bad = con.execute(f"SELECT count(*) - count(DISTINCT row_key) FROM {table} WHERE month = ?",
                          [month]).fetchall()[0][0]
    elif outcome.name == "row_key not null":
        bad = con.execute(f"SELECT count(*) FILTER (WHERE row_key IS NULL) FROM {table} WHERE month = ?",
                          [month]).fetchall()[0][0]
    else:
        if outcome.column is None:
            return outcome
        return replace(outcome, detail=f"{outcome.detail} (a sample of {sampled} of {total} rows)")
    return replace(outcome, passed=bad == 0, unexpected_count=bad,
                   detail=f"{_rows_pass(bad, total)} (every row, in SQL)")


def _prepared(source: str, staged: pd.DataFrame) -> pd.DataFrame:
    """A copy with dates as datetime64 (loaders may hand over `date` objects, DuckDB hands datetime64).

    An empty frame gets the schema's columns, so a month with no rows (no police incidents) passes
    even when the caller built it without them.
    """
    frame = staged.copy()
    if frame.empty:
        frame = frame.reindex(columns=list(dict.fromkeys([*frame.columns, *staging_columns(source)])))
    for column in date_columns(source):
        if column in frame.columns:
            frame[column] = pd.to_datetime(frame[column], errors="coerce")
    return frame


def _columns_present(check: Check, frame: pd.DataFrame) -> bool:
    needed = [column for column in (check.column, check.only_where_present) if column is not None]
    return all(column in frame.columns for column in needed)


def _percent(share: float) -> str:
    return f"{share:.1%}"


def _quarantine_outcome(rows_read: int, rows_quarantined: int, maximum: float) -> ExpectationOutcome:
    """Computed rather than run through GX: it is one ratio of two load counts, not a property of any row."""
    if rows_read < 0 or not 0 <= rows_quarantined <= rows_read:
        raise ValueError(f"rows_quarantined ({rows_quarantined}) must be between 0 and rows_read ({rows_read})")
    share = rows_quarantined / rows_read if rows_read else 0.0
    return ExpectationOutcome(
        name="quarantined share within limit", column=None, blocking=True, passed=share <= maximum,
        unexpected_count=rows_quarantined,
        detail=f"{rows_quarantined} of {rows_read} rows quarantined ({_percent(share)}); maximum {_percent(maximum)}",
    )


def _outcome(result: CheckResult) -> ExpectationOutcome:
    check = result.check
    if not result.evaluated:
        return _not_evaluated(check, reason="could not be evaluated")
    if check.expectation == "ExpectTableColumnsToMatchSet":
        missing = result.missing_columns
        detail = f"{len(missing)} missing: {', '.join(missing)}" if missing else "all present"
        unexpected = len(missing)
    elif "mostly" in check.arguments:
        present, invalid = result.element_count, result.unexpected_count
        minimum = _percent(check.arguments["mostly"])
        detail = (f"{present - invalid} of {present} rows valid ({_percent((present - invalid) / present)}); "
                  f"minimum {minimum}" if present else f"no rows to check; minimum {minimum}")
        unexpected = invalid
    else:
        unexpected = result.unexpected_count
        detail = _rows_pass(unexpected, result.element_count)
    return ExpectationOutcome(check.name, check.column, check.blocking, result.success, unexpected, detail)


def _rows_pass(failing: int, rows: int) -> str:
    """Plain words: "all 44 rows pass", "3 of 44 rows fail" (never "met: 0 of 44 rows")."""
    return f"all {rows} rows pass" if not failing else f"{failing} of {rows} rows fail"


def _not_evaluated(check: Check, reason: str = "column missing") -> ExpectationOutcome:
    return ExpectationOutcome(check.name, check.column, check.blocking, passed=False, unexpected_count=0,
                              detail=f"not evaluated: {reason}")
