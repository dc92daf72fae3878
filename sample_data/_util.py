"""Days as integers, month arithmetic, independent random streams and per-person stable draws."""

from __future__ import annotations

import hashlib
from datetime import date

import numpy as np
import pandas as pd

from settings.months import month_end, month_start

NA = np.int64(-(2**40))  # a missing date, as days since 1970-01-01
EPOCH = date(1970, 1, 1)


def day(value: date) -> int:
    return (value - EPOCH).days


def to_date(days: int) -> date:
    return date.fromordinal(EPOCH.toordinal() + int(days))


def month_end_day(month: str) -> int:
    return day(month_end(month))


def month_start_day(month: str) -> int:
    return day(month_start(month))


def shift_month(month: str, months: int) -> str:
    year, mon = map(int, month.split("-"))
    index = year * 12 + (mon - 1) + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month, day arrays of day numbers (missing values give garbage: mask them)."""
    d = np.where(days == NA, 0, days).astype("datetime64[D]")
    years = d.astype("datetime64[Y]")
    months = d.astype("datetime64[M]")
    return (years.astype(int) + 1970, (months - years).astype(int) + 1,
            (d - months).astype(int) + 1)


def from_ymd(year: np.ndarray, month: np.ndarray, dayno: np.ndarray) -> np.ndarray:
    """Day numbers from year, month and day arrays (the day must exist)."""
    months = (np.asarray(year) - 1970) * 12 + np.asarray(month) - 1
    return months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64) + np.asarray(dayno) - 1


def days_in_month(year: np.ndarray, month: np.ndarray) -> np.ndarray:
    start = from_ymd(year, month, np.ones_like(year))
    nxt = from_ymd(year + (month == 12), np.where(month == 12, 1, month + 1), np.ones_like(year))
    return nxt - start


def add_months(days: np.ndarray, months: int) -> np.ndarray:
    """The same day `months` calendar months later, clipped to the month's last day."""
    y, m, d = ymd(days)
    index = (y * 12 + m - 1) + months
    ny, nm = index // 12, index % 12 + 1
    return np.where(days == NA, NA, from_ymd(ny, nm, np.minimum(d, days_in_month(ny, nm))))


def _stable64(*parts: object) -> int:
    digest = hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def stream(seed: int, *name: object) -> np.random.Generator:
    """An independent random stream for one purpose, the same for the same seed whatever ran before it."""
    return np.random.default_rng([seed & 0xFFFFFFFF, seed >> 32, _stable64(*name) & 0xFFFFFFFF])


_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def mix64(values: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: well-spread 64-bit hashes of integers."""
    x = np.asarray(values).astype(np.uint64)
    with np.errstate(over="ignore"):
        x = (x ^ (x >> np.uint64(30))) * _M1
        x = (x ^ (x >> np.uint64(27))) * _M2
    return x ^ (x >> np.uint64(31))


def person_hash(seed: int, ids: np.ndarray, *name: object) -> np.ndarray:
    """A stable 64-bit hash per (seed, name, person): the same person gets the same draw every month."""
    salt = np.uint64(_stable64(seed, *name))
    with np.errstate(over="ignore"):
        return mix64(mix64(np.asarray(ids).astype(np.uint64) + salt) ^ salt)


def unit(hashes: np.ndarray) -> np.ndarray:
    """Hashes as uniform floats in [0, 1)."""
    return (hashes >> np.uint64(11)).astype(np.float64) / float(2**53)


def empty_rows(columns: tuple[str, ...]) -> pd.DataFrame:
    """An extract with no rows this month: the contract's columns and the builders' own."""
    return pd.DataFrame({c: pd.Series(dtype=object) for c in (*columns, "_person", "_prop", "_prev_prop", "_day")})
