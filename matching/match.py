"""The monthly match: every extract row up to the run month against the Early Help register as of that month."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from matching.cache import score_with_cache
from matching.calibration import thresholds_in_force
from matching.decisions import DECISION_COLUMNS, Thresholds, decide, is_true
from matching.exact import EXACT_MATCHES, find_exact_matches
from matching.explain import why_borderline
from matching.family_evidence import CLAIMED, with_family_evidence_of_households
from matching.households import HOUSEHOLD_HOMES, household_candidates
from matching.person_views import (
    EH_MODEL_INPUT,
    EH_PEOPLE,
    SOURCE_MODEL_INPUT,
    SOURCE_PEOPLE,
    SOURCE_ROWS,
    build_person_views,
    restrict_source_model_input,
)
from matching.predict import score_pairs
from matching.pruning import DOBS_APART, IDS_DIFFER, pairs_that_matter
from matching.train import TERM_FREQUENCIES_KEY, THRESHOLDS_KEY, load_model
from matching.udfs import TOKEN_SET_RATIO, register_udfs
from settings import Settings, parse_month
from sources.registry import matched_sources
from warehouse.db import as_arrow, registered

MATCH_COLUMNS = ["month", "source", "row_key", "eh_person_id", "eh_family_id", "match_probability", "match_weight",
                 "decision", "method", "model_version", "reason"]
# Pairs are kept from this probability up: below the clerical bar only family evidence can lift them.
SCORE_FLOOR = 0.0001
# A name is common when the register is expected to hold at least this many people of that forename and
# surname together (forename count x surname count / register size): then the same name and date of birth
# at another address is as likely a namesake as someone who moved, and goes to review unless family
# evidence supports it.
COMMON_NAME_EXPECTED_HOLDERS = 2.0
DOB_APART = "dates of birth more than a year apart"   # as conflicts_sql writes it
NOT_WORTH_REVIEWING = (DOB_APART, CLAIMED)
_SIDE_BY_SIDE = ["forename", "surname", "date_of_birth", "gender", "postcode", "address"]
CLERICAL_COLUMNS = ["review_id", "source", "row_key", "eh_person_id", "eh_family_id", "match_probability",
                    *(f"eh_{column}" for column in _SIDE_BY_SIDE), *(f"src_{column}" for column in _SIDE_BY_SIDE),
                    "why_borderline", "decision"]
MATCHED = ("auto_match", "clerical_review", "clerical_accept")
# TEMP tables: the month's scored pairs, and those left after pruning (they stay in DuckDB until pruned)
MONTH_PAIRS, PAIRS_KEPT = "cf_month_pairs", "cf_pairs_kept"


@dataclass(frozen=True)
class MatchResult:
    matches: pd.DataFrame          # matching.matches columns, one row per extract row and decided pair
    clerical_queue: pd.DataFrame   # clerical_review.csv: one row per borderline (source person, EH person) pair
    stats: dict[str, int | float | str]   # counts and thresholds only, no personal data
    # per source: auto_match, clerical_lower, origin (model | decisions | settings), decisions_in_band
    thresholds: pd.DataFrame = field(default_factory=pd.DataFrame)


def review_id(source: str, row_key: str, eh_person_id: str) -> str:
    """Stable across runs: the same pair gets the same id whichever month it is reviewed in."""
    return hashlib.sha256(f"{source}|{row_key}|{eh_person_id}".encode()).hexdigest()[:16]


def match_month(con: duckdb.DuckDBPyConnection, month: str, settings: Settings, *,
                model_path: Path, decisions: pd.DataFrame | None = None) -> MatchResult:
    month = parse_month(month)
    version, model = load_model(model_path)
    thresholds = Thresholds(settings.matching.auto_match_probability, settings.matching.clerical_lower_probability)
    register_udfs(con)
    floor = min(SCORE_FLOOR, thresholds.clerical_lower)
    on_spark = settings.matching.backend == "spark"
    if on_spark:
        from matching.spark_backend import match_pairs_on_spark  # imports pyspark: only on this path

        # up to the decisions in Spark: the pairs that matter, flagged and lifted by family evidence
        work, best, scored = match_pairs_on_spark(con, month, model, floor, thresholds, decisions,
                                                  settings.matching.household_address_similarity)
    else:
        work = _score_month_on_duckdb(con, month, model, version, floor)
    # who is who, not what they are called: the names and addresses stay in DuckDB (at county scale they are
    # most of the month's memory) and come out for the review queue's people only
    people = con.execute(f"SELECT unique_id, source_dataset FROM {SOURCE_PEOPLE}").df()
    eh_people = con.execute(f"SELECT unique_id, family_id FROM {EH_PEOPLE}").df()
    exact = con.execute(f"SELECT unique_id, eh_person_id FROM {EXACT_MATCHES}").df()
    source_of = people.set_index("unique_id")["source_dataset"]
    family_of = eh_people.set_index("unique_id")["family_id"]
    reviewed = reviewed_pairs(con, decisions)
    if not on_spark:
        best, scored = _pairs_with_family_evidence(con, model, thresholds, reviewed["unique_id"])
    # a common name at another address: review, unless the family's evidence explains it
    scored["conflict"] = scored["conflict"].fillna(scored.pop("caution"))
    # a date of birth nobody recorded is not one that disagrees: the full name alone is worth an analyst's
    # look (but never anchors family evidence, above)
    scored["weak"] = is_true(scored["weak"]) & ~is_true(scored.pop("full_name_no_dob"))
    # below the bar, a pair whose dates of birth are years apart, or whose register person is a co-member's, is
    # someone else (on the development towns none of them was the person): not worth the analyst's time
    scored["weak"] |= scored["conflict"].isin(NOT_WORTH_REVIEWING)

    in_force = _thresholds_in_force(model, thresholds, set(source_of), best, scored, reviewed, source_of)
    decided = _decide_per_source(scored, exact, reviewed, source_of, family_of,
                                 {row.source: Thresholds(row.auto_match, row.clerical_lower)
                                  for row in in_force.itertuples()})
    matched = set(decided.loc[decided["decision"].isin(MATCHED), "unique_id"])
    households = household_candidates(con, people.loc[~people["unique_id"].isin(matched), "unique_id"],
                                      settings.matching.household_address_similarity,
                                      computed=HOUSEHOLD_HOMES if on_spark else None)
    households = households.assign(eh_person_id=None, match_probability=float("nan"), match_weight=float("nan"),
                                   decision="household_candidate", method="probabilistic",
                                   reason="lives at this family's address")
    decided["eh_family_id"] = decided["eh_person_id"].map(family_of)
    # what the analyst reads: why matched (family evidence, a tie broken) and why not automatic
    reason, note = decided["reason"].fillna(""), decided["note"].fillna("")
    decided["reason"] = reason + np.where((reason != "") & (note != ""), "; ", "") + note

    person_level = pd.concat([decided, households], ignore_index=True)
    matches = _match_rows(con, person_level, month, version)
    queue = _clerical_queue(con, decided, scored, model)

    stats: dict[str, int | float | str] = {
        "eh_people": len(eh_people), "source_people": len(people), "people_scored": len(people) - len(exact),
        **work, "clerical_queue": len(queue),
        "clerical_people": int(decided.loc[decided["decision"] == "clerical_review", "unique_id"].nunique())}
    for row in in_force.itertuples():   # the bars each source was decided with, and where they came from
        stats |= {f"auto_match_{row.source}": float(row.auto_match),
                  f"clerical_lower_{row.source}": float(row.clerical_lower),
                  f"thresholds_from_{row.source}": str(row.origin),
                  f"decisions_in_band_{row.source}": int(row.decisions_in_band)}
    for (source, decision), count in matches.groupby(["source", "decision"]).size().items():
        stats[f"rows_{source}_{decision}"] = int(count)
    person_level["source"] = person_level["unique_id"].map(source_of)
    for (source, decision), count in person_level.groupby(["source", "decision"])["unique_id"].nunique().items():
        stats[f"people_{source}_{decision}"] = int(count)
    return MatchResult(matches.reset_index(drop=True), queue, stats, in_force)


# What _match_rows reads of each person's decision, typed.
_PERSON_LEVEL = pa.schema([*((column, pa.string()) for column in
                             ("unique_id", "eh_person_id", "eh_family_id", "decision", "method", "reason")),
                           ("match_probability", pa.float64()), ("match_weight", pa.float64())])


def _match_rows(con: duckdb.DuckDBPyConnection, person_level: pd.DataFrame, month: str,
                version: str) -> pd.DataFrame:
    """MATCH_COLUMNS: each person's decisions on every row of theirs (SOURCE_ROWS), in a stable order. Joined and
    sorted in DuckDB: at county scale the rows are millions and stay there until the result is read."""
    # Typed here, so DuckDB never guesses a column's type from a sample of leading NULLs.
    decided = as_arrow(person_level[_PERSON_LEVEL.names], _PERSON_LEVEL)
    with registered(con, "_cf_person_level", decided):
        return con.execute(f"""
            SELECT $month AS month, r.source, r.row_key, p.eh_person_id, p.eh_family_id, p.match_probability,
                   p.match_weight, p.decision, p.method, $version AS model_version, p.reason
            FROM _cf_person_level p JOIN {SOURCE_ROWS} r USING (unique_id)
            ORDER BY r.source, r.row_key, p.decision, p.eh_person_id NULLS LAST, p.eh_family_id NULLS LAST""",
                           {"month": month, "version": version}).df()


def _pairs_with_family_evidence(con: duckdb.DuckDBPyConnection, model: dict, thresholds: Thresholds,
                                reviewed_people: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(each source person's best probability before pruning, for calibration; the pairs that can change a
    decision, with conflicts_sql's flags and lifted by family evidence), from MONTH_PAIRS, which is dropped."""
    best = con.execute(f"""SELECT unique_id, max(match_probability) AS match_probability FROM {MONTH_PAIRS}
                           GROUP BY unique_id ORDER BY unique_id""").df()
    # performance: only the pairs that can change a decision come to pandas, for the per-pair work after
    pairs_that_matter(con, MONTH_PAIRS, PAIRS_KEPT, model, thresholds, reviewed_people)
    con.execute(f"DROP TABLE {MONTH_PAIRS}").fetchall()
    flagged = f"({conflicts_sql(PAIRS_KEPT)})"
    keyed = con.execute(f"{keyed_pairs_sql(flagged)} ORDER BY p.unique_id, p.eh_person_id").df()
    con.execute(f"DROP TABLE {PAIRS_KEPT}").fetchall()
    return best, with_family_evidence_of_households(keyed, model["probability_two_random_records_match"],
                                                    thresholds.clerical_lower, namesakes_in_family(con))


def keyed_pairs_sql(pairs: str) -> str:
    """The table (or parenthesised query) `pairs` with family_evidence.PAIR_KEYS: the source person's household,
    the Early Help person's family and its size, and whether the person's household lists each person once
    (DuckDB SQL; the Spark backend renders the same string)."""
    once = ", ".join(f"'{name}'" for name in _households_listing_people_once())
    return f"""
        SELECT p.*, s.household_key, e.family_id, m.family_size,
               coalesce({f"s.source_dataset IN ({once})" if once else "false"}, false) AS listed_once
        FROM {pairs} p
        LEFT JOIN {SOURCE_PEOPLE} s ON s.unique_id = p.unique_id
        LEFT JOIN {EH_PEOPLE} e ON e.unique_id = p.eh_person_id
        LEFT JOIN (SELECT family_id, count(*) AS family_size FROM {EH_PEOPLE} GROUP BY family_id) m
               ON m.family_id = e.family_id"""


def _households_listing_people_once() -> list[str]:
    """Sources whose household lists each person once (sources/<name>.py, PersonView.lists_people_once)."""
    return [source.name for source in matched_sources() if source.person and source.person.lists_people_once]


def _score_month_on_duckdb(con: duckdb.DuckDBPyConnection, month: str, model: dict, version: str,
                           floor: float) -> dict[str, int]:
    """The person views, exact matches and scored pairs (the TEMP table MONTH_PAIRS), all on `con`; the counts of
    the work done."""
    build_person_views(con, month)
    find_exact_matches(con)
    restrict_source_model_input(con, EXACT_MATCHES)
    if TERM_FREQUENCIES_KEY in model:
        return score_with_cache(con, EH_MODEL_INPUT, SOURCE_MODEL_INPUT, model, f"{version}|{floor}", floor,
                                into=MONTH_PAIRS)
    # a model saved without frozen term frequencies scores depend on the whole month: no reuse
    pairs_scored = score_pairs(con, EH_MODEL_INPUT, SOURCE_MODEL_INPUT, model, floor, into=MONTH_PAIRS)
    con.execute(f"ALTER TABLE {MONTH_PAIRS} RENAME unique_id_l TO eh_person_id").fetchall()
    con.execute(f"ALTER TABLE {MONTH_PAIRS} RENAME unique_id_r TO unique_id").fetchall()
    return {"pairs_scored": pairs_scored, "pairs_from_cache": 0}


def namesakes_in_family(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """(eh_person_id, namesake): another member of the person's family of the same forename, or going by it as a
    middle name or known-as (a father and son, Shahid and Hassan Shahid)."""
    return con.execute(f"""
        SELECT DISTINCT a.unique_id AS eh_person_id, b.unique_id AS namesake FROM {EH_PEOPLE} a JOIN {EH_PEOPLE} b
            ON a.family_id = b.family_id AND a.unique_id <> b.unique_id
           AND (a.forename_std = b.forename_std OR coalesce(list_contains(b.other_forenames, a.forename_std), false))
    """).df()


def _thresholds_in_force(model: dict, configured: Thresholds, sources: set[str], best: pd.DataFrame,
                         scored: pd.DataFrame, reviewed: pd.DataFrame, source_of: pd.Series) -> pd.DataFrame:
    """Per source: the model's calibrated thresholds (else the configured ones), calibrated again from the
    analyst's decisions where they are enough (matching/calibration.py)."""
    calibrated = model.get(THRESHOLDS_KEY) or {}
    bars = {source: (calibrated[source]["auto_match"], calibrated[source]["clerical_lower"], "model")
            if source in calibrated else (configured.auto_match, configured.clerical_lower, "settings")
            for source in sorted(sources)}
    best = best.assign(source=best["unique_id"].map(source_of))
    decided = reviewed.merge(scored[["unique_id", "eh_person_id", "match_probability"]],
                             on=["unique_id", "eh_person_id"])
    decided = decided.assign(source=decided["unique_id"].map(source_of), accepted=decided["decision"] == "accept")
    return thresholds_in_force(best, decided, bars)


def _decide_per_source(scored: pd.DataFrame, exact: pd.DataFrame, reviewed: pd.DataFrame, source_of: pd.Series,
                       family_of: pd.Series, thresholds: dict[str, Thresholds]) -> pd.DataFrame:
    """decide() for each source with its own thresholds (every rule in decide works within one source)."""
    parts = []
    scored_source, exact_source, reviewed_source = (frame["unique_id"].map(source_of).to_numpy()
                                                    for frame in (scored, exact, reviewed))
    for source, bars in thresholds.items():
        parts.append(decide(scored[scored_source == source], exact[exact_source == source],
                            reviewed[reviewed_source == source], source_of, family_of, bars))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=DECISION_COLUMNS)


def conflicts_sql(pairs: str) -> str:
    """The table `pairs` (unique_id, eh_person_id, ...) with four flags (DuckDB SQL; the Spark backend renders
    the same string for Spark): `conflict`, why the pair must not be matched automatically, or NULL.

    A UPN or NINO on both records that differs: two people. Dates of birth both known, more than a year apart
    and neither a day/month swap nor the same birthday (a mistyped year); or forenames both known that share
    nothing (not the initial, not a formal form, not written as the surname), unless the surname, date of birth
    and address agree and the register holds no twin (nobody else of that surname and date of birth): then the
    forename is a nickname no list knows. A brother or a twin at the same address agrees on everything else, and
    the other fields' weights can outvote either field.
    And `caution`: the same forename, surname and date of birth at another address, for a common name (see
    COMMON_NAME_EXPECTED_HOLDERS): most of the false matches a model makes, so such a pair is reviewed unless
    family evidence supports it. And `weak`: the identifiers differ, or nothing but the names agrees (no date
    of birth, postcode or address): such a pair is not put to an analyst unless it clears the bar on its own
    (at county scale these were three in four of the review queue, and 99% of them were someone else); and
    `full_name_no_dob`: a weak pair whose date of birth is missing, not different, and whose full name
    agrees, which match_month still puts to the analyst.
    """
    return f"""
            SELECT p.*,
                   CASE WHEN {IDS_DIFFER} THEN 'UPN or NINO differs'
                        WHEN {DOBS_APART} THEN 'dates of birth more than a year apart'
                        WHEN left(e.forename_std, 1) <> left(s.forename_std, 1)
                             AND NOT list_has_any(e.forename_formal, s.forename_formal)
                             AND NOT coalesce(list_contains(e.other_forenames, s.forename_std), false)
                             AND NOT coalesce(jaro_winkler_similarity(e.forename_std, s.surname_std) >= 0.92, false)
                             -- unless nobody else could be meant: the same surname, date of birth and address,
                             -- and no twin on the register (a name the nickname list does not know: Tally, Natalie)
                             AND NOT coalesce(e.surname_std = s.surname_std AND e.dob = s.dob AND t.born = 1
                                              AND {TOKEN_SET_RATIO}(e.address_std, s.address_std) >= 85, false)
                        THEN 'forenames differ'
                        -- an initial says nothing between family members who share it and whom the date of
                        -- birth cannot tell apart (twins Mihai and Mihaela, one without a date of birth)
                        WHEN least(length(e.forename_std), length(s.forename_std)) = 1
                             AND i.unique_id IS NOT NULL
                             AND (i.undated OR s.dob IS NULL OR list_contains(i.dobs, s.dob))
                        THEN 'an initial another member of the family shares' END AS conflict,
                   CASE WHEN e.forename_std = s.forename_std AND e.surname_std = s.surname_std AND e.dob = s.dob
                             AND NOT coalesce(e.postcode_std = s.postcode_std, false)
                             AND NOT coalesce({TOKEN_SET_RATIO}(e.address_std, s.address_std) >= 85, false)
                             AND f.holders * n.holders / (SELECT count(*) FROM {EH_PEOPLE})
                                 >= {COMMON_NAME_EXPECTED_HOLDERS}
                        THEN 'a common name: the same name and date of birth at another address' END AS caution,
                   coalesce({IDS_DIFFER}, false)
                   -- a CASE, not an AND, so the address similarity is computed only for the pairs whose date of
                   -- birth and postcode both disagree (a third at county scale): DuckDB evaluates every operand
                   -- of an AND in a SELECT list
                   OR CASE WHEN coalesce(e.dob = s.dob OR (month(e.dob) = day(s.dob) AND day(e.dob) = month(s.dob)
                                                           AND year(e.dob) = year(s.dob)), false)
                                OR coalesce(e.postcode_std = s.postcode_std, false) THEN false
                           ELSE NOT coalesce({TOKEN_SET_RATIO}(e.address_std, s.address_std) >= 95, false) END AS weak,
                   coalesce((e.dob IS NULL OR s.dob IS NULL) AND e.surname_std = s.surname_std
                            AND list_has_any(e.forename_formal, s.forename_formal), false) AS full_name_no_dob
            FROM {pairs} p LEFT JOIN {EH_PEOPLE} e ON e.unique_id = p.eh_person_id
            LEFT JOIN {SOURCE_PEOPLE} s ON s.unique_id = p.unique_id
            -- each register person's co-members of the same initial: their dates of birth, and whether one has none
            LEFT JOIN (SELECT a.unique_id, list(b.dob) AS dobs, bool_or(b.dob IS NULL) AS undated
                       FROM {EH_PEOPLE} a JOIN {EH_PEOPLE} b
                         ON a.family_id = b.family_id AND a.unique_id <> b.unique_id
                        AND left(a.forename_std, 1) = left(b.forename_std, 1)
                       GROUP BY a.unique_id) i ON i.unique_id = e.unique_id
            LEFT JOIN (SELECT forename_std, count(*) AS holders FROM {EH_PEOPLE} GROUP BY 1) f
                   ON f.forename_std = e.forename_std
            LEFT JOIN (SELECT surname_std, count(*) AS holders FROM {EH_PEOPLE} GROUP BY 1) n
                   ON n.surname_std = e.surname_std
            LEFT JOIN (SELECT surname_std, dob, count(*) AS born FROM {EH_PEOPLE} GROUP BY 1, 2) t
                   ON t.surname_std = e.surname_std AND t.dob = e.dob
        """


def reviewed_pairs(con: duckdb.DuckDBPyConnection, decisions: pd.DataFrame | None) -> pd.DataFrame:
    """The analyst's decisions as (source person, Early Help person) pairs: a decision on any of a person's rows
    (SOURCE_ROWS); of several on one pair, the latest month's, then the last given. In DuckDB: the few decisions
    go to the rows, not the county's rows to pandas."""
    if decisions is None or decisions.empty:
        return pd.DataFrame(columns=["unique_id", "eh_person_id", "decision"])
    given = decisions[["source", "row_key", "eh_person_id", "decision"]].assign(
        month=decisions["month"] if "month" in decisions else pd.NA, given=range(len(decisions)))
    with registered(con, "_cf_decisions", given.astype({"month": "string"})):
        return con.execute(f"""
            SELECT r.unique_id, d.eh_person_id, d.decision FROM _cf_decisions d
            JOIN {SOURCE_ROWS} r ON r.source = d.source AND r.row_key = d.row_key
            QUALIFY row_number() OVER (PARTITION BY r.unique_id, d.eh_person_id
                                       ORDER BY d.month DESC NULLS FIRST, d.given DESC) = 1
            ORDER BY d.month NULLS LAST, d.given""").df()


def _clerical_queue(con: duckdb.DuckDBPyConnection, decided: pd.DataFrame, scored: pd.DataFrame,
                    model: dict) -> pd.DataFrame:
    review = decided[decided["decision"] == "clerical_review"]
    review = review.assign(note=review["reason"])   # family evidence and why not automatic, before the fields
    weights = [column for column in scored.columns if column.startswith("mw_")]
    scored = scored[scored["unique_id"].isin(review["unique_id"])]   # the queue's people: a few of a million pairs
    review = review.merge(scored[["unique_id", "eh_person_id", *weights]], on=["unique_id", "eh_person_id"], how="left")
    source_side, eh_side = _side_by_side(con, review)
    queue = review.merge(source_side, on="unique_id").merge(eh_side, on="eh_person_id")
    queue["why_borderline"] = why_borderline(queue, model)
    queue["review_id"] = [review_id(*key) for key in zip(queue["source"], queue["row_key"], queue["eh_person_id"],
                                                          strict=True)]
    queue["decision"] = ""
    # The per-comparison weights stay (after the file's columns) for the plain-English reasons (matching/reasons.py).
    ordered = queue[[*CLERICAL_COLUMNS, *weights]].sort_values(["source", "row_key", "eh_person_id"])
    return ordered.reset_index(drop=True)


def _side_by_side(con: duckdb.DuckDBPyConnection, review: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The fields the analyst compares, for the review queue's people: (source side, register side)."""
    with registered(con, "_cf_review", review[["unique_id", "eh_person_id"]]):
        source_side = con.execute(f"""
            SELECT unique_id, source_dataset AS source, review_row_key AS row_key,
                   {", ".join(f"{column} AS src_{column}" for column in _SIDE_BY_SIDE)}
            FROM {SOURCE_PEOPLE} WHERE unique_id IN (SELECT unique_id FROM _cf_review)""").df()
        eh_side = con.execute(f"""
            SELECT unique_id AS eh_person_id, {", ".join(f"{column} AS eh_{column}" for column in _SIDE_BY_SIDE)}
            FROM {EH_PEOPLE} WHERE unique_id IN (SELECT eh_person_id FROM _cf_review)""").df()
    return source_side, eh_side
