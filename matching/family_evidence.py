"""Family evidence: people of one source household who each match a member of the same Early Help family.

Scored alone, a child on a tenancy record with no date of birth, at the address the family moved to, has only
a name. But when the parent on the same tenancy matches the family's mother on name and date of birth, the
question for the child is no longer "which of the town's people is this" (the model's prior: one in tens of
thousands) but "which member of this family" (one in the family's size). The pair's comparison weights are
kept and only the prior is replaced, so the lift is the model's own evidence plus one explainable fact:
how many co-members agree, and on what.

Rules (each keeps a namesake household from borrowing a family's identity):
- within a (source household, family), source people and members are paired one to one, best weight first,
  so two source people are never lifted onto one register person; a pair with a conflicting field (dates
  of birth years apart, forenames with nothing in common) takes no part;
- the group needs two or more such pairs, and at least one anchor: a pair that is more than names alone
  (a date of birth, a postcode or an address agrees) and scores at least the clerical bar on its own.
  Names alone never lift names alone: two unrelated households can share a family's names;
- every pair of a qualifying group whose forename agrees (exactly, as a nickname, a middle name or a close
  spelling: not an initial alone, which a brother or sister shares) is lifted, by its co-members (the anchor
  too: its co-members' names make a namesake elsewhere far less likely); a lift never lowers a weight.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

# Comparisons named in the reason when every supporting co-member agrees on them.
_FIELD_NAMES = {"forename": "forename", "surname": "surname", "dob": "date of birth", "location": "address"}


def prior_weight(probability: float) -> float:
    """log2 prior odds."""
    return math.log2(probability / (1 - probability))


def with_family_evidence(scored: pd.DataFrame, household_of: pd.Series, family_of: pd.Series,
                         family_size: pd.Series, model_prior: float, support_floor: float) -> pd.DataFrame:
    """`scored` with match_weight / match_probability lifted where co-members support a pair, and `reason`.

    scored: unique_id, eh_person_id, match_weight, match_probability, conflict, weak, mw_<comparison>.
    household_of: source person -> source household key; family_of / family_size: register person -> family
    and family -> number of members. model_prior: the model's probability that two random records match.
    support_floor: the probability a co-member's own pair needs to count as support.
    """
    scored = scored.assign(reason="")
    pairs = scored[scored["conflict"].isna()].assign(
        household=lambda frame: frame["unique_id"].map(household_of),
        family=lambda frame: frame["eh_person_id"].map(family_of))
    pairs = pairs.dropna(subset=["household", "family"])
    if pairs.empty:
        return scored
    paired = _one_to_one(pairs)
    paired["anchor"] = (~paired["weak"].fillna(False).astype(bool)) & (paired["match_probability"] >= support_floor)
    group = paired.groupby(["household", "family"])
    paired["co_support"] = group["unique_id"].transform("count") - 1
    forename_agrees = paired["mw_forename"].fillna(0) > 0 if "mw_forename" in paired else True
    lifted = paired[(paired["co_support"] >= 1) & group["anchor"].transform("any") & forename_agrees].copy()
    if lifted.empty:
        return scored

    size = lifted["family"].map(family_size).clip(lower=2).astype(float)
    family_prior = np.log2(1 / (size - 1))        # one of the family's members: odds 1 to (size - 1)
    weight = lifted["match_weight"] - prior_weight(model_prior) + family_prior
    lifted["new_weight"] = np.maximum(lifted["match_weight"], weight)
    lifted["reason"] = _reasons(lifted)

    index = scored.set_index(["unique_id", "eh_person_id"]).index
    position = index.get_indexer(pd.MultiIndex.from_frame(lifted[["unique_id", "eh_person_id"]]))
    scored.loc[scored.index[position], "match_weight"] = lifted["new_weight"].to_numpy()
    scored.loc[scored.index[position], "match_probability"] = 1 / (1 + np.exp2(-lifted["new_weight"].to_numpy()))
    scored.loc[scored.index[position], "reason"] = lifted["reason"].to_numpy()
    # supported by the family, a pair is more than names alone, and a namesake elsewhere no longer explains it
    scored.loc[scored.index[position], "weak"] = False
    if "caution" in scored:
        scored.loc[scored.index[position], "caution"] = None
    return scored


def _one_to_one(pairs: pd.DataFrame) -> pd.DataFrame:
    """Within each (household, family): each source person and each member at most once, best weight first."""
    ordered = pairs.sort_values(["household", "family", "match_weight", "unique_id", "eh_person_id"],
                                ascending=[True, True, False, True, True], kind="stable")
    keep, used = [], set()
    for row, household, family, person, member in zip(ordered.index, ordered["household"], ordered["family"],
                                                     ordered["unique_id"], ordered["eh_person_id"], strict=True):
        if (household, family, "s", person) in used or (household, family, "e", member) in used:
            continue
        used |= {(household, family, "s", person), (household, family, "e", member)}
        keep.append(row)
    return ordered.loc[keep].copy()


def _reasons(lifted: pd.DataFrame) -> list[str]:
    """e.g. "family evidence: 2 co-members of this household match members of this family (surname, date of birth)"."""
    weights = [column for column in lifted.columns if column.startswith("mw_")
               and column.removeprefix("mw_") in _FIELD_NAMES]
    agrees = (lifted[weights] > 0).astype(int)
    in_group = agrees.groupby([lifted["household"], lifted["family"]]).transform("sum")
    # a field every co-member agrees on: the group's agreeing members, less this one, are all the others
    agreed = ((in_group - agrees).to_numpy() == lifted[["co_support"]].to_numpy())
    names = [_FIELD_NAMES[column.removeprefix("mw_")] for column in weights]
    reasons = []
    for row, count in enumerate(lifted["co_support"].astype(int).tolist()):
        fields = [name for name, agree in zip(names, agreed[row], strict=True) if agree]
        members = "co-member" if count == 1 else "co-members"
        reasons.append(f"family evidence: {count} {members} of this household match members of this family"
                       + (f" ({', '.join(fields)})" if fields else ""))
    return reasons
