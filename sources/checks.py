"""The checks on a staged extract, as plain data (no great-expectations here): expectations/rules.py adds the
common ones and `expectations/gx_runner.py` turns each into a GX Expectation. A source declares the plausibility
checks particular to it (`Source.warnings`) with `between` and `pattern`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# National Insurance number: two letters, six digits, suffix A-D (spaces between the pairs tolerated).
NINO_PATTERN = r"^[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]$"
# Unique Pupil Number: 13 characters, a check letter then 12 digits.
UPN_PATTERN = r"^[A-Z]\d{12}$"


@dataclass(frozen=True)
class Check:
    """One expectation: the GX class by name, its arguments, and how bad a failure is."""

    name: str
    column: str | None
    blocking: bool
    expectation: str
    arguments: dict[str, Any] = field(default_factory=dict)
    only_where_present: str | None = None  # evaluate only rows where this column is not null


def between(name: str, column: str, low: Any = None, high: Any = None) -> Check:
    """A warning when a value lies outside [low, high] (None: unbounded)."""
    return Check(name, column, False, "ExpectColumnValuesToBeBetween", {"min_value": low, "max_value": high})


def pattern(name: str, column: str, regex: str) -> Check:
    """A warning when a value does not match `regex`."""
    return Check(name, column, False, "ExpectColumnValuesToMatchRegex", {"regex": regex})
