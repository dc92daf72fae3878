"""Why a pair is borderline, in plain English, from the model's comparison levels.

"same name and date of birth, different address and postcode; 2 other members of the same family matched".
A pair carries one match weight per comparison (`mw_<comparison>`); the level it fell in is the level of
the model with that weight (Splink's partial weights are log2(m/u) per level, so this is exact for levels
without term-frequency adjustment and the nearest level otherwise). Each level is then said in words here,
never in Splink's labels ("All other comparisons").
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

# What a reader calls each comparison.
FIELD_NAMES = {"forename": "forename", "surname": "surname", "dob": "date of birth",
               "location": "address and postcode", "id_number": "UPN or NINO", "gender": "gender"}

# Levels (by the label the model gives them) that are a partial agreement, said in words. The top non-null
# level of every comparison is "same"; the last is "different"; null levels are "missing".
PARTIAL = {
    "same formal name (nickname)": "forename a nickname of the other",
    "forename written as the surname": "forename and surname swapped",
    "surname written as the forename": "forename and surname swapped",
    "known-as or previous surname": "surname a known-as or previous surname",
    "one part of a double-barrelled surname": "surname one part of a double-barrelled name",
    "day and month swapped": "date of birth with day and month swapped",
    "one part different": "date of birth one part different",
    "within a year": "date of birth within a year",
    "same address, postcode differs or missing": "same address, postcode differs",
    "same postcode, similar address (>= 85)": "same postcode, similar address",
    "similar address (>= 85), postcode differs": "similar address, postcode differs",
    "same postcode, different address": "same postcode, different address",
    "partly the same address (>= 70)": "partly the same address",
    "same postcode sector": "postcode in the same sector",
    "same postcode district": "postcode in the same district",
}


def _levels(model: dict[str, Any]) -> dict[str, list[tuple[float, str, str]]]:
    """Per comparison: (weight, kind, words) of each level; kind is same | partial | different | missing."""
    levels: dict[str, list[tuple[float, str, str]]] = {}
    for comparison in model["comparisons"]:
        name = comparison["output_column_name"]
        field = FIELD_NAMES.get(name, name.replace("_", " "))
        rows = []
        non_null = [level for level in comparison["comparison_levels"] if not level.get("is_null_level")]
        for index, level in enumerate(non_null):
            m, u = level.get("m_probability"), level.get("u_probability")
            weight = math.log2(m / u) if m and u else math.nan
            label = level.get("label_for_charts", "")
            if index == 0:
                rows.append((weight, "same", field))
            elif index == len(non_null) - 1:
                rows.append((weight, "different", field))
            elif label.startswith("spelling") or "JW" in label:
                rows.append((weight, "partial", f"{field} spelt similarly"))
            elif label == "same initial only":
                rows.append((weight, "partial", "same initial"))
            else:
                rows.append((weight, "partial", PARTIAL.get(label, f"{field}: {label.lower()}")))
        levels[name] = rows
    return levels


def _joined(words: list[str]) -> str:
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + (", " if " and " in words[-1] else " and ") + words[-1]


def describe_levels(kinds: dict[str, tuple[str, str]]) -> str:
    """{comparison: (kind, words)} -> one sentence; forename and surname that agree read as "name"."""
    # "address and postcode" last, so the list reads "same name, date of birth, address and postcode".
    same = sorted((name for name, (kind, _) in kinds.items() if kind == "same"), key=lambda name: name == "location")
    same_words = [kinds[name][1] for name in same]
    if "forename" in same and "surname" in same:
        same_words = ["name", *(kinds[name][1] for name in same if name not in ("forename", "surname"))]
    parts = []
    if same_words:
        parts.append("same " + _joined(same_words))
    partial = [words for kind, words in kinds.values() if kind == "partial"]
    parts.extend(partial)
    different = [words for kind, words in kinds.values() if kind == "different"]
    if different:
        parts.append("different " + _joined(different))
    missing = [words for kind, words in kinds.values() if kind == "missing"]
    if missing:
        parts.append(_joined(missing) + " not on both records")
    return ", ".join(parts)


def plain_reasons(pairs: pd.DataFrame, model: dict[str, Any], family_matches: pd.Series | None = None) -> pd.Series:
    """One sentence per pair (rows with mw_<comparison> columns).

    family_matches, aligned with pairs: how many other members of the candidate's Early Help family were
    matched from the same extract this month ("2 other members of the same family matched").
    """
    levels = _levels(model)

    def describe(index: Any, pair: pd.Series) -> str:
        kinds: dict[str, tuple[str, str]] = {}
        for name, rows in levels.items():
            weight = pair.get(f"mw_{name}")
            if weight is None or pd.isna(weight):
                continue
            if weight == 0:     # Splink's null level: no evidence either way
                kinds[name] = ("missing", FIELD_NAMES.get(name, name))
                continue
            nearest = min(rows, key=lambda row: abs(row[0] - weight) if not math.isnan(row[0]) else math.inf)
            kinds[name] = (nearest[1], nearest[2])
        sentence = describe_levels(kinds) or "no field compared"
        others = int(family_matches.loc[index]) if family_matches is not None else 0
        if others:
            sentence += f"; {others} other member{'s' if others > 1 else ''} of the same family matched"
        note = pair.get("note")
        if isinstance(note, str) and note:
            sentence = f"{note}; {sentence}"
        return sentence

    if pairs.empty:
        return pd.Series([], dtype=str)
    return pd.Series([describe(index, pair) for index, pair in pairs.iterrows()], index=pairs.index)


def other_family_members_matched(queue: pd.DataFrame, matches: pd.DataFrame) -> pd.Series:
    """Per queue row: other Early Help people of the candidate's family matched (auto or accepted) from its source."""
    matched = matches[matches["decision"].isin(["auto_match", "clerical_accept"])]
    people = matched.groupby(["source", "eh_family_id"])["eh_person_id"].agg(set)
    counts = []
    for source, family, person in zip(queue["source"], queue["eh_family_id"], queue["eh_person_id"], strict=True):
        members = people.get((source, family), set())
        counts.append(len(members - {person}))
    return pd.Series(counts, index=queue.index, dtype=int)
