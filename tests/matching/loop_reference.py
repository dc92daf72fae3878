"""The per-pair loop versions of the family evidence and decision rules, as they were before they were vectorised.

Kept only as the reference the property tests hold the vectorised rules to (the same frames, bit for bit).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from matching.decisions import (
    _TIE,
    DECISION_COLUMNS,
    TIE_BREAK_COMPARISONS,
    TIE_BREAK_MARGIN,
    TIED_NOT_REVIEWED_BELOW,
    Thresholds,
    _one_person_per_id,
    is_true,
)
from matching.family_evidence import (
    CLAIMED,
    SAME_NAME_IN_FAMILY,
    SAME_NAME_IN_HOUSEHOLD,
    _person_fit,
    _reasons,
    prior_weight,
)


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
    pairs = scored[scored["conflict"].isna()].assign(
        household=lambda frame: frame["unique_id"].map(household_of),
        family=lambda frame: frame["eh_person_id"].map(family_of))
    pairs = pairs.dropna(subset=["household", "family"])
    if pairs.empty:
        return scored
    twice = _one_member_two_people(pairs[pairs["unique_id"].isin(listed_once)])
    if twice:
        scored.loc[scored.index[scored.set_index(["unique_id", "eh_person_id"]).index.get_indexer(list(twice))],
                   "conflict"] = SAME_NAME_IN_HOUSEHOLD
        pairs = pairs[[pair not in twice for pair in zip(pairs["unique_id"], pairs["eh_person_id"], strict=True)]]
    paired = _one_to_one(pairs)
    claimed = _claimed_by_a_co_member(pairs, paired)
    if claimed:
        index = scored.set_index(["unique_id", "eh_person_id"]).index
        scored.loc[scored.index[index.get_indexer(list(claimed))], "conflict"] = CLAIMED
    paired["anchor"] = (~is_true(paired["weak"])) & (paired["match_probability"] >= support_floor)
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
    lifted["ambiguous"] = _ambiguous(lifted, pairs, claimed) | _namesake_unresolved(lifted, paired, namesakes)

    index = scored.set_index(["unique_id", "eh_person_id"]).index
    position = index.get_indexer(pd.MultiIndex.from_frame(lifted[["unique_id", "eh_person_id"]]))
    scored.loc[scored.index[position], "match_weight"] = lifted["new_weight"].to_numpy()
    scored.loc[scored.index[position], "match_probability"] = 1 / (1 + np.exp2(-lifted["new_weight"].to_numpy()))
    scored.loc[scored.index[position], "reason"] = lifted["reason"].to_numpy()
    # supported by the family, a pair is more than names alone, and a namesake elsewhere no longer explains it
    scored.loc[scored.index[position], "weak"] = False
    if "caution" in scored:
        scored.loc[scored.index[position], "caution"] = None
    scored.loc[scored.index[position[lifted["ambiguous"].to_numpy()]], "conflict"] = SAME_NAME_IN_FAMILY
    return scored


def _namesake_unresolved(lifted: pd.DataFrame, paired: pd.DataFrame, namesakes: pd.DataFrame | None) -> pd.Series:
    """True where the person has no date of birth to compare and the member has a namesake in the family that no
    co-member of the household is identified as by date of birth."""
    if namesakes is None or namesakes.empty or "mw_dob" not in lifted:
        return pd.Series(False, index=lifted.index)
    identified = set(zip(paired.loc[paired["mw_dob"] > 0, "household"],
                         paired.loc[paired["mw_dob"] > 0, "eh_person_id"], strict=True))
    no_dob = lifted[lifted["mw_dob"].fillna(0) == 0]   # the missing level weighs 0
    open_namesakes = no_dob.reset_index(names="row").merge(namesakes, on="eh_person_id")
    unresolved = [key not in identified
                  for key in zip(open_namesakes["household"], open_namesakes["namesake"], strict=True)]
    return pd.Series(lifted.index.isin(open_namesakes.loc[unresolved, "row"].tolist()), index=lifted.index)


def _one_member_two_people(pairs: pd.DataFrame) -> set[tuple[str, str]]:
    """(source person, member) pairs where two people of one household fit one member within the margin (two
    children of one name on a tenancy, one of them not on the register), neither with a date of birth to compare:
    a household lists distinct people, so one of them is not this member, and nothing says which. (With dates
    of birth that agree, two such records are more often one person written twice.)"""
    fit = pairs.assign(fit=_person_fit(pairs))
    if "mw_dob" in fit:
        fit = fit[fit["mw_dob"].fillna(0) == 0]   # the missing level weighs 0
    top = fit.groupby(["household", "eh_person_id"])["fit"].transform("max")
    close = fit[fit["fit"] > top - TIE_BREAK_MARGIN]
    people = close.groupby(["household", "eh_person_id"])["unique_id"].transform("nunique")
    close = close[people >= 2]
    return set(zip(close["unique_id"], close["eh_person_id"], strict=True))


def _claimed_by_a_co_member(pairs: pd.DataFrame, paired: pd.DataFrame) -> set[tuple[str, str]]:
    """(source person, member) pairs whose member is paired with a co-member of the household who fits it
    at least TIE_BREAK_MARGIN bits better."""
    owner = paired.assign(owner_fit=_person_fit(paired))[["household", "eh_person_id", "unique_id", "owner_fit"]]
    rivals = pairs.assign(fit=_person_fit(pairs)).merge(owner.rename(columns={"unique_id": "owner"}),
                                                        on=["household", "eh_person_id"])
    rivals = rivals[(rivals["owner"] != rivals["unique_id"])
                    & (rivals["owner_fit"] >= rivals["fit"] + TIE_BREAK_MARGIN)]
    return set(zip(rivals["unique_id"], rivals["eh_person_id"], strict=True))


def _ambiguous(lifted: pd.DataFrame, pairs: pd.DataFrame, claimed: set[tuple[str, str]]) -> pd.Series:
    """True where nothing but the address tells the lifted pair from another: another member of the family, not
    claimed by a co-member, fits the person within the margin, or another person of the household fits the
    member within it (two children of one name on the tenancy)."""
    pairs = pairs.assign(fit=_person_fit(pairs))[["unique_id", "household", "family", "eh_person_id", "fit"]]
    mine = lifted.assign(fit=_person_fit(lifted))[["unique_id", "household", "family", "eh_person_id", "fit"]]
    mine = mine.reset_index(names="row")
    other_member = pairs.merge(mine, on=["unique_id", "family"], suffixes=("", "_lifted"))
    other_member = other_member[(other_member["eh_person_id"] != other_member["eh_person_id_lifted"])
                                & (other_member["fit"] > other_member["fit_lifted"] - TIE_BREAK_MARGIN)]
    unclaimed = [pair not in claimed
                 for pair in zip(other_member["unique_id"], other_member["eh_person_id"], strict=True)]
    other_person = pairs.merge(mine, on=["household", "eh_person_id"], suffixes=("", "_lifted"))
    other_person = other_person[(other_person["unique_id"] != other_person["unique_id_lifted"])
                                & (other_person["fit"] > other_person["fit_lifted"] - TIE_BREAK_MARGIN)]
    rows = set(other_member.loc[unclaimed, "row"]) | set(other_person["row"])
    return pd.Series(lifted.index.isin(list(rows)), index=lifted.index)


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


def decide(scored: pd.DataFrame, exact: pd.DataFrame, reviewed: pd.DataFrame, source_of: pd.Series,
           family_of: pd.Series, thresholds: Thresholds) -> pd.DataFrame:
    """One row per decided (source person, Early Help person) pair.

    scored: unique_id, eh_person_id, match_probability, match_weight, conflict (probabilistic pairs; conflict
    says why a pair must not be matched automatically, else null), optional weak (true where the UPN/NINO
    differs, or neither the date of birth, the postcode nor the address agrees: such pairs below the bar are dropped).
    exact: unique_id, eh_person_id. reviewed: unique_id, eh_person_id, decision (accept | reject), in order.
    source_of: unique_id -> source; family_of: Early Help person -> family, for everyone on the register.
    Accept beats everything; a rejected pair is never matched again.
    """
    reviewed = reviewed[reviewed["eh_person_id"].isin(family_of.index)]
    rejected = set(zip(reviewed.loc[reviewed["decision"] == "reject", "unique_id"],
                       reviewed.loc[reviewed["decision"] == "reject", "eh_person_id"], strict=True))
    accepted = reviewed[reviewed["decision"] == "accept"].drop_duplicates("unique_id", keep="last")

    def without_rejected(pairs: pd.DataFrame) -> pd.DataFrame:
        pair_ids = zip(pairs["unique_id"], pairs["eh_person_id"], strict=True)
        keep = np.fromiter((pair not in rejected for pair in pair_ids), dtype=bool, count=len(pairs))
        return pairs[keep]

    accepted = without_rejected(accepted)

    tie_break = [f"mw_{name}" for name in TIE_BREAK_COMPARISONS if f"mw_{name}" in scored]
    scored = scored if "reason" in scored else scored.assign(reason="")
    scores = scored[["unique_id", "eh_person_id", "match_probability", "match_weight", "conflict", "reason",
                     *tie_break]]
    decided_people = set(accepted["unique_id"])
    accept_rows = accepted[["unique_id", "eh_person_id"]].merge(scores, how="left").assign(
        decision="clerical_accept", method="clerical", note="", reason="accepted by the analyst")

    exact = without_rejected(exact[~exact["unique_id"].isin(decided_people)])
    exact_rows = exact[["unique_id", "eh_person_id"]].assign(
        match_probability=1.0, match_weight=float("nan"), decision="auto_match", method="exact_id", note="",
        reason="the same UPN or NINO")
    decided_people |= set(exact["unique_id"])

    # Below the bar, a weak pair is not worth an analyst's time: across a county the same name with no date of
    # birth or address to back it is nearly always someone else, and so is a record with another UPN/NINO.
    weak = is_true(scored["weak"]) if "weak" in scored else pd.Series(False, index=scored.index)
    worth_reviewing = ~weak | (scores["match_probability"] >= thresholds.auto_match)
    candidates = without_rejected(scores[~scores["unique_id"].isin(decided_people) & worth_reviewing
                                         & (scores["match_probability"] >= thresholds.clerical_lower)])
    probabilistic = _best_candidates(candidates.assign(family=candidates["eh_person_id"].map(family_of)), thresholds)

    reject_rows = pd.DataFrame(sorted(rejected), columns=["unique_id", "eh_person_id"]).merge(scores, how="left")
    reject_rows = reject_rows.assign(decision="clerical_reject", method="clerical", note="",
                                     reason="rejected by the analyst")
    accept_rows, reject_rows = (frame.drop(columns=["conflict", *tie_break]) for frame in (accept_rows, reject_rows))

    decided = pd.concat([frame for frame in (accept_rows, exact_rows, probabilistic, reject_rows) if len(frame)]
                        or [pd.DataFrame(columns=DECISION_COLUMNS)], ignore_index=True)
    return _one_person_per_id(decided, source_of)[DECISION_COLUMNS]


def _best_candidates(candidates: pd.DataFrame, thresholds: Thresholds) -> pd.DataFrame:
    """The best Early Help person for each source person.

    Contenders are the candidates tied on the best score and, from the best candidate's family, every member
    who clears the bar with no conflicting field (a twin at the old address can outscore the right twin who
    has moved). Between contenders the first comparison that differs decides (TIE_BREAK_COMPARISONS); when
    none does, every best-scoring contender goes to review.
    """
    if candidates.empty:
        return pd.DataFrame(columns=DECISION_COLUMNS)
    best_weight = candidates.groupby("unique_id")["match_weight"].transform("max")
    is_best = candidates["match_weight"] >= best_weight - _TIE
    strong = (candidates["match_probability"] >= thresholds.auto_match) & candidates["conflict"].isna()
    best_families = set(zip(candidates.loc[is_best, "unique_id"], candidates.loc[is_best, "family"], strict=True))
    in_best_family = pd.Series([key in best_families for key in zip(candidates["unique_id"], candidates["family"],
                                                                     strict=True)], index=candidates.index, dtype=bool)
    contenders = candidates[is_best | (strong & in_best_family)].copy()
    contenders["best"] = is_best[contenders.index]
    count = contenders.groupby("unique_id")["eh_person_id"].transform("count")
    tie_break = [column for column in contenders.columns if column.startswith("mw_")]

    chosen, notes = [contenders[count == 1]], {}
    for _, group in contenders[count > 1].groupby("unique_id", sort=False):
        winner, comparison = _break_tie(group, tie_break)
        if winner is not None:
            chosen.append(group.loc[[winner]])
            notes[winner] = f"chosen over a relative who scores alike: the {comparison} differs"
            continue
        tied = group[group["best"]]
        if len(tied) > 1 and tied["match_probability"].max() < TIED_NOT_REVIEWED_BELOW:
            continue   # namesakes, neither of them likely
        chosen.append(tied)
        note = ("scores the same as another Early Help person" if len(tied) > 1
                else "another member of the same family scores above the bar")
        notes |= dict.fromkeys(tied.index, note)
    best = pd.concat(chosen)
    undecided = best.index.isin([index for index, note in notes.items() if not note.startswith("chosen")])
    conflict = best["conflict"].notna()
    auto = ~undecided & ~conflict & (best["match_probability"] >= thresholds.auto_match)
    best["decision"] = np.where(auto, "auto_match", "clerical_review")
    best["method"] = "probabilistic"
    tie_note = pd.Series(notes, dtype=object).reindex(best.index).fillna("")
    best["note"] = np.where(undecided, tie_note, np.where(conflict, best["conflict"].fillna(""), ""))
    best["reason"] = [("; ".join(part for part in (reason, note) if part) if note.startswith("chosen") else reason)
                      for reason, note in zip(best["reason"], tie_note, strict=True)]
    return best.drop(columns=["conflict", "family", "best", *tie_break])


def _break_tie(group: pd.DataFrame, comparisons: list[str]) -> tuple[int | None, str]:
    """(the row that the first differing comparison prefers, that comparison's name), or (None, "")."""
    rows = group
    for column in comparisons:
        weights = rows[column].fillna(0.0)
        top = rows[weights >= weights.max() - _TIE]
        if len(top) == 1:
            runner_up = weights.drop(top.index).max()
            dob_agrees = "mw_dob" not in top or bool(top["mw_dob"].fillna(0.0).iloc[0] > 0)
            decisive = weights.max() > 0 and weights.max() - runner_up >= TIE_BREAK_MARGIN and dob_agrees
            if not decisive:
                return None, ""
            return top.index[0], column.removeprefix("mw_").replace("dob", "date of birth")
        rows = top
    return None, ""


def why_borderline(pairs: pd.DataFrame, model: dict) -> pd.Series:
    """matching.explain.why_borderline as it was, one pair at a time."""
    import math

    from matching.explain import _level_weights

    levels = _level_weights(model)

    def describe(pair: pd.Series) -> str:
        reasons = []
        for name, weights in levels.items():
            weight = pair.get(f"mw_{name}")
            if weight is None or pd.isna(weight):
                continue
            if weight == 0:
                reasons.append(f"{name}: missing")
                continue
            nearest = min(range(len(weights)), key=lambda index: abs(weights[index][0] - weight)
                          if not math.isnan(weights[index][0]) else math.inf)
            if nearest > 0:
                reasons.append(f"{name}: {weights[nearest][1].lower()}")
        note = pair.get("note") or ""
        return "; ".join(([note] if note else []) + reasons) or "every field agrees but the score is below the bar"

    return pairs.apply(describe, axis=1) if len(pairs) else pd.Series([], dtype=str)
