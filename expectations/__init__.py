"""Great-expectations suites for each month's staged extracts (GX itself is imported only on first use)."""

from expectations.results import ExpectationOutcome, SuiteResult
from expectations.validate import validate_extract, validate_month

__all__ = ["ExpectationOutcome", "SuiteResult", "validate_extract", "validate_month"]
