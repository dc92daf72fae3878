"""Format-valid identifiers: UPN, NINO, PNC id, and the partners' own references."""

from __future__ import annotations

import numpy as np

UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # DfE check letters: I, O and S are never used
PNC_LETTERS = "ZABCDEFGHJKLMNPQRTUVWXY"
NINO_FIRST = np.array(list("ABCEGHJKLMNOPRSTWXYZ"))
NINO_SECOND = np.array(list("ABCEGHJKLMNPRSTWXYZ"))
NINO_BAD_PREFIXES = {"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"}


def _digits(rng: np.random.Generator, count: int, width: int) -> np.ndarray:
    return np.char.zfill(rng.integers(0, 10**width, count).astype(str), width)


def unique_numbers(rng: np.random.Generator, count: int, low: int, high: int) -> np.ndarray:
    """`count` distinct integers in [low, high), in random order."""
    return low + rng.choice(high - low, size=count, replace=False)


def upn_check_letter(body: str) -> str:
    """The check letter of a UPN whose last 12 characters are `body` (DfE algorithm: weights 2..13, mod 23)."""
    total = sum(int(char) * weight for weight, char in enumerate(body, start=2))
    return UPN_LETTERS[total % 23]


def make_upns(rng: np.random.Generator, count: int, la_code: str = "874") -> np.ndarray:
    """13 characters: check letter, LA code, then nine digits (school, year allocated, serial); all distinct."""
    bodies = np.char.add(la_code, np.char.zfill(unique_numbers(rng, count, 0, 10**9).astype(str), 9))
    digits = bodies.astype("S12").view(np.uint8).reshape(count, 12).astype(np.int64) - ord("0")
    checks = np.array(list(UPN_LETTERS), dtype=object)[(digits * np.arange(2, 14)).sum(axis=1) % 23]
    out = np.empty(count, dtype=object)
    out[:] = checks + bodies.astype(object)
    return out


def make_ninos(rng: np.random.Generator, count: int) -> np.ndarray:
    """AB123456C style: valid prefix letters, six digits, suffix A-D; all distinct."""
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < count:
        need = count - len(out)
        first = rng.choice(NINO_FIRST, need)
        second = rng.choice(NINO_SECOND, need)
        digits = _digits(rng, need, 6)
        suffix = rng.choice(np.array(list("ABCD")), need)
        for a, b, d, s in zip(first, second, digits, suffix, strict=True):
            if a + b in NINO_BAD_PREFIXES:
                continue
            nino = f"{a}{b}{d}{s}"
            if nino not in seen:
                seen.add(nino)
                out.append(nino)
    result = np.empty(count, dtype=object)
    result[:] = out
    return result


def make_pnc_ids(rng: np.random.Generator, years: np.ndarray) -> np.ndarray:
    """`YY/NNNNNNNL`: the year of first record, seven digits, the PNC check letter."""
    numbers = unique_numbers(rng, len(years), 0, 10**7)
    out = np.empty(len(years), dtype=object)
    out[:] = [f"{y % 100:02d}/{n:07d}{PNC_LETTERS[int(f'{y % 100:02d}{n:07d}') % 23]}"
              for y, n in zip(years.tolist(), numbers.tolist(), strict=True)]
    return out


def prefixed(prefix: str, numbers: np.ndarray, width: int) -> np.ndarray:
    out = np.empty(len(numbers), dtype=object)
    out[:] = [f"{prefix}{n:0{width}d}" for n in numbers.tolist()]
    return out
