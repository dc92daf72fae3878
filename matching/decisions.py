"""From scored pairs to decisions: thresholds, one Early Help person per source person, and clerical overrides."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from settings import parse_month

DECISION_COLUMNS = ["unique_id", "eh_person_id", "match_probability", "match_weight", "decision", "method", "note"]
# Sources keyed by a personal identifier: two of their people cannot be the same Early Help person.
ONE_PERSON_PER_ID_SOURCES = ("school_attendance", "dwp")
_TIE = 1e-9


def read_decisions(review_root: Path, up_to_month: str) -> pd.DataFrame:
    """The analyst's decisions from review/<YYYY-MM>/decisions.csv for months up to `up_to_month`.

    Returns source, row_key, eh_person_id, decision (accept | reject), month; blank decisions are left out and,
    for the same pair, a later month's decision wins. A decision other than accept/reject is an error naming
    the file, row and column (never the cell's content).
    """
    columns = ["source", "row_key", "eh_person_id", "decision", "month"]
    frames = []
    root = Path(review_root)
    folders = sorted(path for path in root.iterdir() if path.is_dir()) if root.is_dir() else []
    for folder in folders:
        try:
            month = parse_month(folder.name)
        except ValueError:
            continue
        path = folder / "decisions.csv"
        if month > parse_month(up_to_month) or not path.is_file():
            continue
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        missing = [column for column in columns[:4] if column not in frame.columns]
        if missing:
            raise ValueError(f"{path}: missing columns {missing}")
        frame = frame[columns[:4]].apply(lambda column: column.str.strip())
        frame["decision"] = frame["decision"].str.lower()
        bad = frame.index[~frame["decision"].isin(["", "accept", "reject"])]
        if len(bad):
            rows = ", ".join(str(index + 1) for index in bad[:10])
            raise ValueError(f"{path}: column decision must be accept, reject or blank (data rows {rows})")
        frames.append(frame[frame["decision"] != ""].assign(month=month))
    if not frames:
        return pd.DataFrame(columns=columns)
    decided = pd.concat(frames, ignore_index=True)
    return decided.drop_duplicates(["source", "row_key", "eh_person_id"], keep="last").reset_index(drop=True)


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
    accepted = reviewed[reviewed["decision"] == "accept"].drop_duplicates("unique_id", keep="last")

    def without_rejected(pairs: pd.DataFrame) -> pd.DataFrame:
        keep = np.fromiter((pair not in rejected for pair in zip(pairs["unique_id"], pairs["eh_person_id"], strict=True)),
                           dtype=bool, count=len(pairs))
        return pairs[keep]

    accepted = without_rejected(accepted)

    scores = scored[["unique_id", "eh_person_id", "match_probability", "match_weight", "conflict"]]
    decided_people = set(accepted["unique_id"])
    accept_rows = accepted[["unique_id", "eh_person_id"]].merge(scores, how="left").assign(
        decision="clerical_accept", method="clerical", note="")

    exact = without_rejected(exact[~exact["unique_id"].isin(decided_people)])
    exact_rows = exact[["unique_id", "eh_person_id"]].assign(
        match_probability=1.0, match_weight=float("nan"), decision="auto_match", method="exact_id", note="")
    decided_people |= set(exact["unique_id"])

    # Below the bar, a weak pair is not worth an analyst's time: across a county the same name with no date of
    # birth or address to back it is nearly always someone else, and so is a record with another UPN/NINO.
    weak = scored["weak"].fillna(False).astype(bool) if "weak" in scored else pd.Series(False, index=scored.index)
    worth_reviewing = ~weak | (scores["match_probability"] >= thresholds.auto_match)
    candidates = without_rejected(scores[~scores["unique_id"].isin(decided_people) & worth_reviewing
                                         & (scores["match_probability"] >= thresholds.clerical_lower)])
    probabilistic = _best_candidates(candidates.assign(family=candidates["eh_person_id"].map(family_of)), thresholds)

    reject_rows = pd.DataFrame(sorted(rejected), columns=["unique_id", "eh_person_id"]).merge(scores, how="left")
    reject_rows = reject_rows.assign(decision="clerical_reject", method="clerical", note="")
    accept_rows, reject_rows = accept_rows.drop(columns="conflict"), reject_rows.drop(columns="conflict")

    decided = pd.concat([frame for frame in (accept_rows, exact_rows, probabilistic, reject_rows) if len(frame)]
                        or [pd.DataFrame(columns=DECISION_COLUMNS)], ignore_index=True)
    return _one_person_per_id(decided, source_of)[DECISION_COLUMNS]


def _best_candidates(candidates: pd.DataFrame, thresholds: Thresholds) -> pd.DataFrame:
    """The best-scoring Early Help person for each source person; equal best scores all go to review."""
    if candidates.empty:
        return pd.DataFrame(columns=DECISION_COLUMNS)
    best_weight = candidates.groupby("unique_id")["match_weight"].transform("max")
    best = candidates[candidates["match_weight"] >= best_weight - _TIE].copy()
    tied = best.groupby("unique_id")["eh_person_id"].transform("count") > 1
    # Names and an address shared with a brother or sister can outscore dates of birth years apart (and a twin's
    # everything but a forename): a person is never matched automatically against a conflicting field.
    conflict = best["conflict"].notna()
    # A twin at the old address can outscore the right twin who has moved: when another member of the same
    # family also clears the bar (and has no conflicting field), a person decides.
    strong = candidates[(candidates["match_probability"] >= thresholds.auto_match)
                        & candidates["conflict"].isna()]
    strong_per_family = strong.groupby(["unique_id", "family"]).size().rename("strong_in_family").reset_index()
    rivals = pd.Series(best[["unique_id", "family"]].merge(strong_per_family, how="left")["strong_in_family"]
                       .fillna(0).to_numpy() > 1, index=best.index)
    rivals &= ~tied
    auto = ~tied & ~conflict & ~rivals & (best["match_probability"] >= thresholds.auto_match)
    best["decision"] = auto.map({True: "auto_match", False: "clerical_review"})
    best["method"] = "probabilistic"
    best["note"] = np.select([tied, conflict, rivals], ["scores the same as another Early Help person",
                                                         best["conflict"].fillna(""),
                                                         "another member of the same family scores above the bar"], "")
    return best.drop(columns=["conflict", "family"])


def _one_person_per_id(decided: pd.DataFrame, source_of: pd.Series) -> pd.DataFrame:
    """In a UPN/NINO-keyed source, only one person can be a given Early Help person: the others go to review."""
    decided = decided.assign(source=decided["unique_id"].map(source_of))
    automatic = decided[(decided["decision"] == "auto_match") & decided["source"].isin(ONE_PERSON_PER_ID_SOURCES)]
    # the order is total (the person id breaks ties), so the outcome never depends on the order rows arrived in
    rank = automatic.assign(exact=automatic["method"] == "exact_id").sort_values(
        ["exact", "match_weight", "unique_id"], ascending=[False, False, True], na_position="first", kind="stable")
    duplicates = rank.index[rank.duplicated(["source", "eh_person_id"], keep="first")]
    decided.loc[duplicates, "decision"] = "clerical_review"
    decided.loc[duplicates, "note"] = "another person in the same extract matches this Early Help person"
    return decided
