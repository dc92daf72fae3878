"""Precision and recall of a month's matches against the sample data's ground truth.

Tests and benchmark only; not in the run path."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

PairSet = set[tuple[str, str, str]]


def true_pairs(links: pd.DataFrame, month: str, on_register: set[str]) -> pd.DataFrame:
    """(source, row_key, eh_person_id) of every extract row up to `month` whose person is on the register then."""
    links = links[(links["source"] != "early_help") & (links["month"] <= month)
                  & links["eh_person_id"].notna() & links["eh_person_id"].isin(on_register)]
    return links[["source", "row_key", "eh_person_id"]].drop_duplicates()


def _pairs(frame: pd.DataFrame) -> PairSet:
    return set(zip(frame["source"], frame["row_key"], frame["eh_person_id"], strict=True))


def accuracy(matches: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    """Per source: auto-match precision and recall, recall of auto + clerical, and the counts behind them."""
    rows = []
    for source in sorted(set(truth["source"]) | set(matches["source"])):
        true = _pairs(truth[truth["source"] == source])
        mine = matches[matches["source"] == source]
        auto = _pairs(mine[mine["decision"].isin(["auto_match", "clerical_accept"])])
        review = _pairs(mine[mine["decision"] == "clerical_review"])
        correct = len(auto & true)
        rows.append({
            "source": source, "true_pairs": len(true), "auto_pairs": len(auto), "auto_correct": correct,
            "precision": correct / len(auto) if auto else 1.0,
            "recall": correct / len(true) if true else 1.0,
            "recall_with_review": len((auto | review) & true) / len(true) if true else 1.0,
            # the queue counted as matched: what the analyst's work could at best deliver
            "precision_with_review": len((auto | review) & true) / len(auto | review) if auto | review else 1.0,
            "review_pairs": len(review),
        })
    return pd.DataFrame(rows)


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def hard_negative_matches(matches: pd.DataFrame, links: pd.DataFrame, hard_negatives: pd.DataFrame) -> pd.DataFrame:
    """Auto-matches joining a record of one person to the Early Help record of their twin, sibling, namesake...

    hard_negatives: town_person_id pairs (columns a, b or town_person_id_a, town_person_id_b).
    """
    a, b = (("a", "b") if "a" in hard_negatives else ("town_person_id_a", "town_person_id_b"))
    confusable = set(zip(hard_negatives[a].astype(str), hard_negatives[b].astype(str), strict=True))
    confusable |= {(y, x) for x, y in confusable}
    row_person = links[["source", "row_key", "town_person_id"]].drop_duplicates(["source", "row_key"])
    register_people = links.dropna(subset=["eh_person_id"]).drop_duplicates("eh_person_id")
    eh_person = register_people[["eh_person_id", "town_person_id"]]
    auto = matches[matches["decision"] == "auto_match"].merge(row_person, on=["source", "row_key"])
    auto = auto.merge(eh_person.rename(columns={"town_person_id": "eh_town_person_id"}), on="eh_person_id")
    hits = [(str(x), str(y)) in confusable
            for x, y in zip(auto["town_person_id"], auto["eh_town_person_id"], strict=True)]
    return auto[hits]


def load_landing(con: duckdb.DuckDBPyConnection, landing: Path, months: list[str]) -> None:
    """Stage every extract in landing/<month>/ into the warehouse, as the pipeline's loaders would."""
    from sources import (  # sources is only needed where sample data is loaded
        find_extract,
        load_extract,
        source_names,
    )
    from warehouse import replace_month

    for month in months:
        for source in source_names():
            path = find_extract(landing / month, source)
            if path is not None:
                replace_month(con, f"staging.{source}", month, load_extract(path, source, month).staged)


def read_truth(truth: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(links, hard_negatives) of generated sample data, ids as text."""
    links = pd.read_csv(truth / "links.csv", dtype=str, keep_default_na=False).replace("", None)
    hard = pd.read_csv(truth / "hard_negatives.csv", dtype=str, keep_default_na=False).replace("", None)
    return links, hard


def household_precision(matches: pd.DataFrame, truth: Path) -> tuple[int, float]:
    """(household candidates, share of them right): right when the row's person lives in the family's household."""
    links = pd.read_csv(truth / "links.csv", dtype=str, usecols=["source", "row_key", "town_person_id"])
    people = pd.read_csv(truth / "people.csv", dtype=str, usecols=["town_person_id", "household_id"])
    families = pd.read_csv(truth / "families.csv", dtype=str, usecols=["eh_family_id", "household_id"])
    candidates = matches.loc[matches["decision"] == "household_candidate", ["source", "row_key", "eh_family_id"]]
    if candidates.empty:
        return 0, 1.0
    lives = (candidates.merge(links.drop_duplicates(["source", "row_key"]), on=["source", "row_key"], how="left")
             .merge(people, on="town_person_id", how="left")
             .merge(families.rename(columns={"household_id": "family_household"}), on="eh_family_id", how="left"))
    return len(candidates), float((lives["household_id"] == lives["family_household"]).mean())
