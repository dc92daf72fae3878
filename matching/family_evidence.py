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
  too: its co-members' names make a namesake elsewhere far less likely); a lift never lowers a weight;
- a family often holds two people of one name (a father and son, a child named after a sibling). A member
  that a co-member of the household fits decisively better (TIE_BREAK_MARGIN bits: a father's date of birth
  agrees) is that co-member's, and only a conflict to this person: a tenancy lists distinct people. But when
  another member of the family fits this person as well as the one it was paired with (within the margin:
  a child with no date of birth and two siblings of its name), nothing tells them apart: the lifted pair is
  marked with a conflict and goes to review, never to an auto-match. So do two people of one household who fit
  one member equally well, lifted or not (two children of one name on a tenancy).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from matching.decisions import TIE_BREAK_MARGIN, is_true

CLAIMED = "this family member fits another person of this household better"
SAME_NAME_IN_HOUSEHOLD = "another person of this household fits this family member as well"
SAME_NAME_IN_FAMILY = "another member of this family fits as well (the same name): nothing tells them apart"
# Comparisons named in the reason when every supporting co-member agrees on them.
_FIELD_NAMES = {"forename": "forename", "surname": "surname", "dob": "date of birth", "location": "address"}


def prior_weight(probability: float) -> float:
    """log2 prior odds."""
    return math.log2(probability / (1 - probability))


def with_family_evidence(scored: pd.DataFrame, household_of: pd.Series, family_of: pd.Series,
                         family_size: pd.Series, model_prior: float, support_floor: float,
                         namesakes: pd.DataFrame | None = None, listed_once: frozenset[str] = frozenset()
                         ) -> pd.DataFrame:
    """`scored` with match_weight / match_probability lifted where co-members support a pair, and `reason`.

    scored: unique_id, eh_person_id, match_weight, match_probability, conflict, weak, mw_<comparison>.
    household_of: source person -> source household key; family_of / family_size: register person -> family
    and family -> number of members. model_prior: the model's probability that two random records match.
    support_floor: the probability a co-member's own pair needs to count as support. namesakes:
    eh_person_id, namesake: register people and their namesakes in their own family (another member of that
    forename, or going by it as a middle name). Without a date of birth to tell them apart, a lift onto one of
    them is ambiguous, unless a co-member of the household whose date of birth agrees is paired with the
    namesake (the father on the tenancy is the register's father: the son is the son).
    listed_once: source people of a household that lists each person once (a tenancy's person references),
    where two people fitting one member cannot both be that member.
    """
    scored = scored.assign(reason="")
    # every frame below is cut from `scored`, so a pair's row label finds it again (by position: labels may repeat)
    labels, scored.index = scored.index, pd.RangeIndex(len(scored))
    _add_family_evidence(scored, household_of, family_of, family_size, model_prior, support_floor, namesakes,
                         listed_once)
    scored.index = labels
    return scored


# What each pair carries for with_family_evidence_of_households: the source person's household, the member's
# family and its number of members on the register, and whether the person's household lists each person once.
PAIR_KEYS = ["household_key", "family_id", "family_size", "listed_once"]


def with_family_evidence_of_households(pairs: pd.DataFrame, model_prior: float, support_floor: float,
                                       namesakes: pd.DataFrame | None = None) -> pd.DataFrame:
    """with_family_evidence for pairs that carry their keys (PAIR_KEYS), returned without them.

    Every rule works within one source household, so the pairs of any set of whole households get the answers
    they would get among all pairs (tests/matching/test_vectorised_rules.py): the Spark backend runs this on a
    partition of households at a time. Within a household every rule relates pairs of one Early Help family, so
    the rules run only on the pairs that share their (household, family) with another pair free of conflict (at
    county scale under half of them): the others cannot be lifted, claimed or tied, and pass through as they are.
    """
    clean = pairs["conflict"].isna().to_numpy()
    grouped = np.zeros(len(pairs), dtype=bool)
    grouped[clean] = pairs.loc[clean, ["household_key", "family_id"]].duplicated(keep=False).to_numpy()
    in_groups = pairs[grouped]
    people = in_groups.drop_duplicates("unique_id")
    members = in_groups.drop_duplicates("eh_person_id")
    evidenced = with_family_evidence(
        in_groups.drop(columns=PAIR_KEYS), people.set_index("unique_id")["household_key"].dropna(),
        members.set_index("eh_person_id")["family_id"],
        members.drop_duplicates("family_id").set_index("family_id")["family_size"], model_prior, support_floor,
        namesakes, frozenset(people.loc[is_true(people["listed_once"]), "unique_id"]))
    alone = pairs[~grouped].drop(columns=PAIR_KEYS).assign(reason="")
    # back in the pairs' own order (by position: labels may repeat)
    positions = np.concatenate([np.flatnonzero(grouped), np.flatnonzero(~grouped)])
    return pd.concat([evidenced, alone]).iloc[np.argsort(positions, kind="stable")]


def _add_family_evidence(scored: pd.DataFrame, household_of: pd.Series, family_of: pd.Series,
                         family_size: pd.Series, model_prior: float, support_floor: float,
                         namesakes: pd.DataFrame | None, listed_once: frozenset[str]) -> None:
    """with_family_evidence, in place."""
    pairs = scored[scored["conflict"].isna()].assign(
        household=lambda frame: frame["unique_id"].map(household_of),
        family=lambda frame: frame["eh_person_id"].map(family_of))
    pairs = _with_codes(pairs.dropna(subset=["household", "family"]), family_size)
    if pairs.empty:
        return
    twice = _one_member_two_people(pairs[pairs["unique_id"].isin(listed_once)])
    scored.loc[twice, "conflict"] = SAME_NAME_IN_HOUSEHOLD
    pairs = pairs.drop(twice)
    paired = _one_to_one(pairs)
    claimed = _claimed_by_a_co_member(pairs, paired)
    scored.loc[claimed, "conflict"] = CLAIMED   # whether or not any pair is lifted: a household's own fact
    paired["anchor"] = (~is_true(paired["weak"])) & (paired["match_probability"] >= support_floor)
    group = paired.groupby(["household", "family"], sort=False)
    paired["co_support"] = group["unique_id"].transform("count") - 1
    forename_agrees = paired["mw_forename"].fillna(0) > 0 if "mw_forename" in paired else True
    lifted = paired[(paired["co_support"] >= 1) & group["anchor"].transform("any") & forename_agrees].copy()
    if lifted.empty:
        return

    size = lifted["family_size"].clip(lower=2).astype(float)
    family_prior = np.log2(1 / (size - 1))        # one of the family's members: odds 1 to (size - 1)
    weight = lifted["match_weight"] - prior_weight(model_prior) + family_prior
    lifted["new_weight"] = np.maximum(lifted["match_weight"], weight)
    lifted["reason"] = _reasons(lifted)
    lifted["ambiguous"] = _ambiguous(lifted, pairs, claimed) | _namesake_unresolved(lifted, paired, namesakes)

    rows = lifted.index
    scored.loc[rows, "match_weight"] = lifted["new_weight"].to_numpy()
    scored.loc[rows, "match_probability"] = 1 / (1 + np.exp2(-lifted["new_weight"].to_numpy()))
    scored.loc[rows, "reason"] = lifted["reason"].to_numpy()
    # supported by the family, a pair is more than names alone, and a namesake elsewhere no longer explains it
    scored.loc[rows, "weak"] = False
    if "caution" in scored:
        scored.loc[rows, "caution"] = None
    scored.loc[rows[lifted["ambiguous"].to_numpy()], "conflict"] = SAME_NAME_IN_FAMILY


def _with_codes(pairs: pd.DataFrame, family_size: pd.Series) -> pd.DataFrame:
    """The pairs with their family's size, and integer codes for their person, member, household and family (the
    household and family in place of their keys): the rules below group and join a million pairs again and again,
    several times faster on integers than on strings."""
    return pairs.assign(family_size=pairs["family"].map(family_size),
                        household=pd.factorize(pairs["household"])[0], family=pd.factorize(pairs["family"])[0],
                        person=pd.factorize(pairs["unique_id"])[0], member=pd.factorize(pairs["eh_person_id"])[0])


def _namesake_unresolved(lifted: pd.DataFrame, paired: pd.DataFrame, namesakes: pd.DataFrame | None) -> pd.Series:
    """True where the person has no date of birth to compare and the member has a namesake in the family that no
    co-member of the household is identified as by date of birth."""
    if namesakes is None or namesakes.empty or "mw_dob" not in lifted:
        return pd.Series(False, index=lifted.index)
    identified = paired.loc[paired["mw_dob"] > 0, ["household", "eh_person_id"]].drop_duplicates()
    no_dob = lifted[lifted["mw_dob"].fillna(0) == 0]   # the missing level weighs 0
    open_namesakes = no_dob[["household", "eh_person_id"]].reset_index(names="row").merge(namesakes, on="eh_person_id")
    open_namesakes = open_namesakes.merge(identified.rename(columns={"eh_person_id": "namesake"}), how="left",
                                          on=["household", "namesake"], indicator="identified")
    unresolved = open_namesakes["identified"] == "left_only"
    return pd.Series(lifted.index.isin(open_namesakes.loc[unresolved, "row"]), index=lifted.index)


def _one_member_two_people(pairs: pd.DataFrame) -> pd.Index:
    """The pairs (their rows) where two people of one household fit one member within the margin (two
    children of one name on a tenancy, one of them not on the register), neither with a date of birth to compare:
    a household lists distinct people, so one of them is not this member, and nothing says which. (With dates
    of birth that agree, two such records are more often one person written twice.)"""
    fit = _with_fit(pairs, ["person", "household", "member", *(["mw_dob"] if "mw_dob" in pairs else [])])
    if "mw_dob" in fit:
        fit = fit[fit["mw_dob"].fillna(0) == 0]   # the missing level weighs 0
    top = fit.groupby(["household", "member"], sort=False)["fit"].transform("max")
    close = fit[fit["fit"] > top - TIE_BREAK_MARGIN]
    people = close.groupby(["household", "member"], sort=False)["person"].transform("nunique")
    return close.index[people >= 2]


def _person_fit(pairs: pd.DataFrame) -> pd.Series:
    """The pair's weight without where they live: members of one family share an address, so between them the
    address tells only how the register typed it, not who is who."""
    return pairs["match_weight"] - (pairs["mw_location"].fillna(0) if "mw_location" in pairs else 0)


def _with_fit(pairs: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """`columns` of the pairs and their fit (copying only those columns of a million pairs)."""
    return pairs[columns].assign(fit=_person_fit(pairs))


def _claimed_by_a_co_member(pairs: pd.DataFrame, paired: pd.DataFrame) -> pd.Index:
    """The pairs (their rows) whose member is paired with a co-member of the household who fits it
    at least TIE_BREAK_MARGIN bits better."""
    owner = _with_fit(paired, ["household", "member", "person"]).rename(columns={"fit": "owner_fit"})
    rivals = _with_fit(pairs, ["person", "household", "member"])
    rivals = rivals.reset_index(names="row").merge(owner.rename(columns={"person": "owner"}),
                                                   on=["household", "member"])
    rivals = rivals[(rivals["owner"] != rivals["person"])
                    & (rivals["owner_fit"] >= rivals["fit"] + TIE_BREAK_MARGIN)]
    return pd.Index(rivals["row"].unique())


def _ambiguous(lifted: pd.DataFrame, pairs: pd.DataFrame, claimed: pd.Index) -> pd.Series:
    """True where nothing but the address tells the lifted pair from another: another member of the family, not
    claimed by a co-member, fits the person within the margin, or another person of the household fits the
    member within it (two children of one name on the tenancy)."""
    pairs = _with_fit(pairs, ["person", "household", "family", "member"]).reset_index(names="pair")
    mine = _with_fit(lifted, ["person", "household", "family", "member"]).reset_index(names="row")
    other_member = pairs.merge(mine, on=["person", "family"], suffixes=("", "_lifted"))
    other_member = other_member[(other_member["member"] != other_member["member_lifted"])
                                & (other_member["fit"] > other_member["fit_lifted"] - TIE_BREAK_MARGIN)]
    unclaimed = ~other_member["pair"].isin(claimed)
    other_person = pairs.merge(mine, on=["household", "member"], suffixes=("", "_lifted"))
    other_person = other_person[(other_person["person"] != other_person["person_lifted"])
                                & (other_person["fit"] > other_person["fit_lifted"] - TIE_BREAK_MARGIN)]
    rows = np.concatenate([other_member.loc[unclaimed, "row"].to_numpy(), other_person["row"].to_numpy()])
    return pd.Series(lifted.index.isin(rows), index=lifted.index)


def _one_to_one(pairs: pd.DataFrame) -> pd.DataFrame:
    """Within each (household, family): each source person and each member at most once, best weight first
    (ties by source person, then member).

    Taking pairs greedily in a strict order equals taking, round by round, every open pair that comes first for
    both its person and its member (nothing earlier can take either), then closing the pairs that share a person
    or member with one taken. Each round takes at least the first open pair; in practice a few rounds do it all.
    """
    group = pairs.groupby(["household", "family"], dropna=False).ngroup().to_numpy()
    weight = pairs["match_weight"].to_numpy()
    # strings are slow to sort: they are ranked only where they break a tie in weight
    tied = pd.DataFrame({"group": group, "weight": weight}).duplicated(keep=False).to_numpy()
    order = np.lexsort((_rank_where(pairs["eh_person_id"], tied), _rank_where(pairs["unique_id"], tied), -weight,
                        group))
    person = _code_in_group(group, pairs["unique_id"])[order]
    member = _code_in_group(group, pairs["eh_person_id"])[order]
    person_taken, member_taken = np.zeros(len(pairs), bool), np.zeros(len(pairs), bool)
    keep = np.zeros(len(pairs), bool)
    open_rows = np.arange(len(pairs))
    while len(open_rows):
        # open rows stay in order, so a person's (a member's) first open row is its best open pair
        taken = open_rows[_first_of_each(person[open_rows]) & _first_of_each(member[open_rows])]
        keep[taken] = True
        person_taken[person[taken]] = True
        member_taken[member[taken]] = True
        open_rows = open_rows[~person_taken[person[open_rows]] & ~member_taken[member[open_rows]]]
    return pairs.iloc[order[keep]].copy()


def _rank_where(values: pd.Series, where: np.ndarray) -> np.ndarray:
    """Each value's rank in sorted order among the values at `where`; 0 elsewhere."""
    rank = np.zeros(len(values), np.int64)
    rank[where] = pd.factorize(values.to_numpy()[where], sort=True)[0]
    return rank


def _code_in_group(group: np.ndarray, values: pd.Series) -> np.ndarray:
    """0, 1, 2...: one code per (group, value)."""
    value_code, uniques = pd.factorize(values)
    return pd.factorize(group.astype(np.int64) * (len(uniques) + 1) + value_code)[0]


def _first_of_each(codes: np.ndarray) -> np.ndarray:
    """True at the first occurrence of each code."""
    return ~pd.Series(codes).duplicated().to_numpy()


def _reasons(lifted: pd.DataFrame) -> list[str]:
    """e.g. "family evidence: 2 co-members of this household match members of this family (surname, date of birth)"."""
    weights = [column for column in lifted.columns if column.startswith("mw_")
               and column.removeprefix("mw_") in _FIELD_NAMES]
    agrees = (lifted[weights] > 0).astype(int)
    in_group = agrees.groupby([lifted["household"], lifted["family"]], sort=False).transform("sum")
    # a field every co-member agrees on: the group's agreeing members, less this one, are all the others
    agreed = ((in_group - agrees).to_numpy() == lifted[["co_support"]].to_numpy())
    names = [_FIELD_NAMES[column.removeprefix("mw_")] for column in weights]
    # the fields agreed on fall into a few patterns: each one's list is written once, not once a pair
    pattern = pd.Series(agreed.astype(np.int64) @ (1 << np.arange(len(names), dtype=np.int64)))
    listed = {code: ", ".join(name for bit, name in enumerate(names) if code >> bit & 1) for code in pattern.unique()}
    count = lifted["co_support"].astype(int).to_numpy()
    members = np.where(count == 1, "co-member", "co-members")
    return ("family evidence: " + pd.Series(count).astype(str) + " " + members
            + " of this household match members of this family"
            + pattern.map({code: f" ({fields})" if fields else "" for code, fields in listed.items()})).tolist()
