"""From scored pairs to decisions: thresholds, one Early Help person per source person, and clerical overrides."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sources.registry import identifier_columns

DECISION_COLUMNS = ["unique_id", "eh_person_id", "match_probability", "match_weight", "decision", "method", "note",
                    "reason"]
# Between a person and a relative who score alike, the comparison that differs decides, in this order: the
# forename tells relatives apart, then the date of birth (father and son of one name). It decides only when
# it agrees for one and is at least TIE_BREAK_MARGIN bits (8 times) more likely for that one than the other;
# a relative who differs only in surname or address, or is nearly as alike (Jack and Jake), goes to review,
# and so does a tie the winner's date of birth does not back (a child with none: a typo'd Ellie is a sister Ella).
TIE_BREAK_COMPARISONS = ("forename", "dob")
TIE_BREAK_MARGIN = 3.0
# Two or more register people tied on the best score below this probability are namesakes, none of them likely
# the person: not put to the analyst (on the development towns 1.5% of such pairs were the person).
TIED_NOT_REVIEWED_BELOW = 0.2
_TIE = 1e-9


def is_true(flags: pd.Series) -> pd.Series:
    """True where a flag is true: a flag nobody set (NULL) is false, whatever dtype the flags arrived in."""
    return flags.astype("boolean").fillna(False).astype(bool)


@dataclass(frozen=True)
class Thresholds:
    auto_match: float
    clerical_lower: float


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
    rejected_pairs = _pair_index(reviewed[reviewed["decision"] == "reject"])
    accepted = reviewed[reviewed["decision"] == "accept"].drop_duplicates("unique_id", keep="last")

    def without_rejected(pairs: pd.DataFrame) -> pd.DataFrame:
        # few people have a rejected pair: only their pairs are looked up
        suspect = pairs["unique_id"].isin(rejected_pairs.get_level_values("unique_id")).to_numpy()
        keep = np.ones(len(pairs), dtype=bool)
        keep[suspect] = ~_pair_index(pairs[suspect]).isin(rejected_pairs)
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
    best_weight = candidates.groupby("unique_id", sort=False)["match_weight"].transform("max")
    is_best = candidates["match_weight"] >= best_weight - _TIE
    strong = (candidates["match_probability"] >= thresholds.auto_match) & candidates["conflict"].isna()
    in_best_family = is_best.groupby([candidates["unique_id"], candidates["family"]], sort=False,
                                     dropna=False).transform("any")
    contenders = candidates[is_best | (strong & in_best_family)].copy()
    contenders["best"] = is_best[contenders.index]
    count = contenders.groupby("unique_id", sort=False)["eh_person_id"].transform("count")
    tie_break = [column for column in contenders.columns if column.startswith("mw_")]

    contested = contenders[count > 1]
    person = contested.groupby("unique_id", sort=False).ngroup()   # in order of first appearance
    won_by = _tie_won_by(contested, person, tie_break)
    has_winner = (won_by != "").groupby(person).transform("any")
    tied = contested["best"] & ~has_winner
    tied_count = tied.groupby(person).transform("sum")
    tied_best = contested["match_probability"].where(tied).groupby(person).transform("max")
    namesakes = (tied_count > 1) & (tied_best < TIED_NOT_REVIEWED_BELOW)   # namesakes, none of them likely
    note = pd.Series(np.where(tied_count > 1, "scores the same as another Early Help person",
                              "another member of the same family scores above the bar"), index=contested.index)
    note = note.where(tied, "chosen over a relative who scores alike: the " + won_by + " differs")
    kept = (won_by != "") | (tied & ~namesakes)
    # as one at a time: the uncontested first, then each contested person's rows in turn
    order = np.argsort(person[kept].to_numpy(), kind="stable")
    best = pd.concat([contenders[count == 1], contested[kept].iloc[order]])
    tie_note = pd.concat([pd.Series("", index=contenders.index[count == 1], dtype=object), note[kept].iloc[order]])

    chosen = tie_note.str.startswith("chosen").to_numpy(dtype=bool)
    undecided = (tie_note != "").to_numpy() & ~chosen
    conflict = best["conflict"].notna()
    auto = ~undecided & ~conflict & (best["match_probability"] >= thresholds.auto_match)
    best["decision"] = np.where(auto, "auto_match", "clerical_review")
    best["method"] = "probabilistic"
    best["note"] = np.where(undecided, tie_note, np.where(conflict, best["conflict"].fillna(""), ""))
    reason = best["reason"].to_numpy(dtype=object, copy=True)
    reason[chosen] = [f"{why}; {note}" if why else note for why, note in zip(reason[chosen], tie_note[chosen],
                                                                             strict=True)]
    best["reason"] = reason.tolist()
    return best.drop(columns=["conflict", "family", "best", *tie_break])


def _tie_won_by(contested: pd.DataFrame, person: pd.Series, comparisons: list[str]) -> pd.Series:
    """Per row, the comparison that makes it its person's one contender, or "".

    The comparisons are walked in order for every person at once: those tied at the top of one go on to the
    next; the first with one row at the top decides, if it agrees for that row and by TIE_BREAK_MARGIN.
    """
    won_by = pd.Series("", index=contested.index, dtype=object)
    in_running = pd.Series(True, index=contested.index)
    dob_agrees = contested["mw_dob"].fillna(0.0) > 0 if "mw_dob" in contested else True
    for column in comparisons:
        weights = contested[column].fillna(0.0).where(in_running)
        top_weight = weights.groupby(person).transform("max")
        top = in_running & (weights >= top_weight - _TIE)
        alone_at_top = top.groupby(person).transform("sum") == 1
        runner_up = weights.where(~top).groupby(person).transform("max")
        decisive = (top_weight > 0) & (top_weight - runner_up >= TIE_BREAK_MARGIN) & dob_agrees
        won_by[top & alone_at_top & decisive] = column.removeprefix("mw_").replace("dob", "date of birth")
        in_running = top & ~alone_at_top   # decided, with a winner or none, or still tied
    return won_by


def _pair_index(frame: pd.DataFrame) -> pd.MultiIndex:
    """The frame's (source person, Early Help person) keys, to test membership of many pairs at once."""
    return pd.MultiIndex.from_frame(frame[["unique_id", "eh_person_id"]])


def _one_person_per_id(decided: pd.DataFrame, source_of: pd.Series) -> pd.DataFrame:
    """In a UPN/NINO-keyed source (as each declares it), only one person can be a given Early Help person: the
    others go to review."""
    decided = decided.assign(source=decided["unique_id"].map(source_of))
    automatic = decided[(decided["decision"] == "auto_match") & decided["source"].isin(list(identifier_columns()))]
    # the order is total (the person id breaks ties), so the outcome never depends on the order rows arrived in
    rank = automatic.assign(exact=automatic["method"] == "exact_id").sort_values(
        ["exact", "match_weight", "unique_id"], ascending=[False, False, True], na_position="first", kind="stable")
    duplicates = rank.index[rank.duplicated(["source", "eh_person_id"], keep="first")]
    decided.loc[duplicates, "decision"] = "clerical_review"
    decided.loc[duplicates, "note"] = "another person in the same extract matches this Early Help person"
    return decided
