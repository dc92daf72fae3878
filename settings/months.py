"""Months are written `YYYY-MM` everywhere outside Dagster (whose monthly partition keys are `YYYY-MM-01`)."""

from __future__ import annotations

import calendar
import re
from datetime import date

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str) -> str:
    """Return `YYYY-MM` for `YYYY-MM` or a partition key `YYYY-MM-DD`; raise ValueError otherwise."""
    text = text.strip()
    candidate = text[:7] if re.match(r"^\d{4}-\d{2}-\d{2}$", text) else text
    match = _MONTH.match(candidate)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"not a month (YYYY-MM): {text!r}")
    return candidate


def month_start(month: str) -> date:
    year, mon = map(int, parse_month(month).split("-"))
    return date(year, mon, 1)


def month_end(month: str) -> date:
    year, mon = map(int, parse_month(month).split("-"))
    return date(year, mon, calendar.monthrange(year, mon)[1])


def previous_month(month: str) -> str:
    year, mon = map(int, parse_month(month).split("-"))
    return f"{year - 1}-12" if mon == 1 else f"{year}-{mon - 1:02d}"


def months_between(first: str, last: str) -> list[str]:
    """Every month from `first` to `last`, both included, in order."""
    year, mon = map(int, parse_month(first).split("-"))
    end = parse_month(last)
    if end < parse_month(first):
        raise ValueError(f"month range ends before it starts: {first}:{last}")
    months = []
    while (current := f"{year}-{mon:02d}") <= end:
        months.append(current)
        year, mon = (year + 1, 1) if mon == 12 else (year, mon + 1)
    return months


def months_before(month: str, count: int) -> str:
    """The month `count` months before `month` (`count` 0 is `month` itself)."""
    year, mon = map(int, parse_month(month).split("-"))
    index = year * 12 + mon - 1 - count
    return f"{index // 12}-{index % 12 + 1:02d}"
