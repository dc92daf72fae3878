"""Standardised forms of names, postcodes and addresses, used for matching.

Every function is pure. The scalar functions take one value (None or blank gives None); the `*_series`
functions apply them to a pandas Series once per distinct value, because names and addresses repeat a lot.
The forms are described at the top of warehouse/schema.sql.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache

import pandas as pd
from nicknames import NickNamer

DEFAULT_TOWNS: tuple[str, ...] = ("PETERBOROUGH",)

# Letters NFKD does not decompose into an ASCII letter plus an accent.
_UNDECOMPOSED = str.maketrans({
    "Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "Đ": "D", "đ": "d",
    "ß": "ss", "Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe",
})
_APOSTROPHES = re.compile(r"['’‘`´]")
_NOT_LETTER_OR_SPACE = re.compile(r"[^A-Z ]+")
_NOT_ALNUM_OR_SPACE = re.compile(r"[^A-Z0-9 ]+")
_SPACES = re.compile(r"\s+")

# The UK government's postcode format (Bulk Data Transfer, "additional validation", 2015), upper case.
_POSTCODE_PATTERN = (
    r"(?:GIR ?0AA|(?:[A-Z][0-9]{1,2}|[A-Z][A-HJ-Y][0-9]{1,2}|[A-Z][0-9][A-Z]|[A-Z][A-HJ-Y][0-9]?[A-Z]) ?[0-9][A-Z]{2})"
)
_POSTCODE = re.compile(_POSTCODE_PATTERN)
_POSTCODE_IN_TEXT = re.compile(rf"\b{_POSTCODE_PATTERN}\b")

_STREET_TYPES = {
    "ST": "STREET", "RD": "ROAD", "AVE": "AVENUE", "CL": "CLOSE", "DR": "DRIVE", "LN": "LANE",
    "CRES": "CRESCENT", "CT": "COURT", "PL": "PLACE", "GDNS": "GARDENS", "SQ": "SQUARE",
}  # fmt: skip

_nicknamer = NickNamer()


def _fold_to_ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED))
    return decomposed.encode("ascii", "ignore").decode("ascii")


def _collapse(text: str) -> str | None:
    text = _SPACES.sub(" ", text).strip()
    return text or None


@lru_cache(maxsize=200_000)
def standardise_name(value: str | None) -> str | None:
    """Upper-case ASCII letters and single spaces: "o'neill-smith " -> "ONEILL SMITH", "Łukasz" -> "LUKASZ"."""
    if value is None:
        return None
    text = _APOSTROPHES.sub("", _fold_to_ascii(value).upper())
    return _collapse(_NOT_LETTER_OR_SPACE.sub(" ", text))


@lru_cache(maxsize=50_000)
def formal_forenames(forename_std: str | None) -> tuple[str, ...] | None:
    """The first forename and its formal forms from the `nicknames` dataset, sorted and distinct.

    "BILL" -> ("BILL", "ROBERT", "WILL", "WILLIAM", "WILLIS"); None for no forename.
    """
    if not forename_std:
        return None
    first = forename_std.split(" ")[0]
    return tuple(sorted({first, *(name.upper() for name in _nicknamer.canonicals_of(first))}))


def standardise_postcode(value: str | None) -> str | None:
    """A valid UK postcode as `PE1 2AB` (any case and spacing in); None when it is not a valid postcode."""
    if value is None:
        return None
    compact = re.sub(r"\s+", "", value).upper()
    if len(compact) < 5:
        return None
    spaced = f"{compact[:-3]} {compact[-3:]}"
    return spaced if _POSTCODE.fullmatch(spaced) else None


def postcode_sector(postcode_std: str | None) -> str | None:
    """`PE1 2AB` -> `PE1 2` (takes the standardised form)."""
    return postcode_std[:-2] if postcode_std else None


def postcode_district(postcode_std: str | None) -> str | None:
    """`PE1 2AB` -> `PE1` (takes the standardised form)."""
    return postcode_std.split(" ")[0] if postcode_std else None


def _expand(tokens: list[str]) -> list[str]:
    expanded = []
    for position, token in enumerate(tokens):
        # "ST" that starts a street name ("1 ST JOHNS RD") is Saint, not Street.
        starts_name = position == 0 or tokens[position - 1][0].isdigit()
        followed_by_word = position + 1 < len(tokens) and tokens[position + 1].isalpha()
        if token == "ST" and starts_name and followed_by_word:
            expanded.append("SAINT")
        else:
            expanded.append(_STREET_TYPES.get(token, token))
    return expanded


@lru_cache(maxsize=200_000)
def _standardise_address(value: str, towns: tuple[str, ...]) -> str | None:
    text = _APOSTROPHES.sub("", _fold_to_ascii(value).upper())
    text = _POSTCODE_IN_TEXT.sub(" ", text)
    tokens = _SPACES.sub(" ", _NOT_ALNUM_OR_SPACE.sub(" ", text)).split()
    for town in towns:
        town_tokens = town.split()
        # The town is the address's last part ("..., Peterborough, PE1 2AB"); "Peterborough Road" keeps it.
        while town_tokens and tokens[-len(town_tokens):] == town_tokens:
            del tokens[-len(town_tokens):]
    return " ".join(_expand(tokens)) or None


def standardise_address(value: str | None, towns: Iterable[str] = DEFAULT_TOWNS) -> str | None:
    """Upper case, punctuation removed, street types expanded, postcode and trailing town removed.

    "Flat 2, 14a High St, Peterborough, PE1 2AB" -> "FLAT 2 14A HIGH STREET"; the tokens of
    "14A HIGH STREET FLAT 2" are the same multiset.
    """
    if value is None:
        return None
    town_forms = tuple(form for town in towns if (form := standardise_name(town)))
    return _standardise_address(value, town_forms)


def _per_distinct(values: pd.Series, function: Callable) -> pd.Series:
    """Apply `function` once per distinct non-null value; nulls give None."""
    lookup = {value: function(value) for value in values.dropna().unique()}
    return pd.Series([lookup.get(value) if isinstance(value, str) else None for value in values],
                     index=values.index, dtype=object)


def standardise_name_series(values: pd.Series) -> pd.Series:
    return _per_distinct(values, standardise_name)


def formal_forenames_series(forename_std: pd.Series) -> pd.Series:
    """Lists (as stored in VARCHAR[] columns) of `formal_forenames`."""
    return _per_distinct(forename_std, lambda name: list(formal_forenames(name) or ()))


def standardise_postcode_series(values: pd.Series) -> pd.Series:
    return _per_distinct(values, standardise_postcode)


def standardise_address_series(values: pd.Series, towns: Iterable[str] = DEFAULT_TOWNS) -> pd.Series:
    towns = tuple(towns)
    return _per_distinct(values, lambda value: standardise_address(value, towns))
