"""Benchmark the match step against two peers on the same generated data, in one command.

    python benchmarks/matching.py [--scale peterborough|county|both] [--data sample|heldout|dev|both] [--work DIR]

Two data sets per scale (Peterborough: 6,000 Early Help families; county: 10x, an option):
  sample   the sample town (seed 7, default mess): the town the shipped model was trained on
  heldout  benchmarks/heldout.py's seed and mess rates: nothing in the matcher was chosen on it
  dev      benchmarks/heldout.py's development town (a retired held-out seed): for work on the matcher; not in
           "both"
Each engine runs in its own subprocess (peak memory is its own, from getrusage maxrss as the match step ends):
  ours          matching.match_month with the shipped model (exact ids, Splink predict, family evidence), cold
  ours_second_month  (sample town only) the same month when ~2% of people are new, through the score cache
  splink_plain  Splink 5 as its documentation shows: NameComparison on forename and surname and
                DateOfBirthComparison, PostcodeComparison and an address comparison (Jaro-Winkler), term
                frequencies on the names; prior from a deterministic rule, u by random sampling, EM on a name
                block and a DOB block (not postcode, which trains "same household"); best match >= 0.9
  recordlinkage sorted neighbourhood on surname plus blocking on DOB; Jaro-Winkler >= 0.85 on the names, exact
                DOB and postcode; ECMClassifier, its classes checked (the match class must agree more); best
                match per source person
Every engine sees the same person views; precision/recall/F1 are over (source, row_key, eh_person_id) pairs,
overall and per source. For ours, `recall_with_review` counts the clerical queue as found.
Prints a table per data set with each peer's ratio to ours. Not a test: run by hand, figures go in the README.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402
import pandas as pd  # noqa: E402

from benchmarks.towns import prepare_town  # noqa: E402

SCALES = {"peterborough": 6_000, "county": 60_000}
FIRST_MONTH, MONTH = "2016-10", "2016-12"   # three months: ends on a school term's extract
DATA_SETS = ("sample", "heldout", "dev")
ENGINES = ("ours", "ours_second_month", "splink_plain", "recordlinkage")
CHILD_TIMEOUT_SECONDS = 1800


def prepare(scale: str, data: str, work: Path) -> Path:
    """Generate and load the data set once; return the warehouse path."""
    # a folder per seed: a new held-out seed never reuses the old seed's town
    from benchmarks.heldout import DEV_SEED, HELD_OUT_SEED
    from benchmarks.towns import SAMPLE_SEED

    seed = {"sample": SAMPLE_SEED, "heldout": HELD_OUT_SEED, "dev": DEV_SEED}[data]
    return prepare_town(work / f"{scale}-{data}-{seed}", SCALES[scale], FIRST_MONTH, MONTH, data=data,
                        label=f"{scale} {data}")


# --- engines (each runs in a child process) --------------------------------------------------------------

def _people(con: duckdb.DuckDBPyConnection) -> tuple[str, str]:
    from matching.person_views import (
        EH_MODEL_INPUT,
        SOURCE_MODEL_INPUT,
        build_person_views,
        restrict_source_model_input,
    )

    build_person_views(con, MONTH)
    restrict_source_model_input(con, None)
    return EH_MODEL_INPUT, SOURCE_MODEL_INPUT


def _rows_of(con: duckdb.DuckDBPyConnection, person_pairs: pd.DataFrame) -> pd.DataFrame:
    """(eh_person_id, unique_id) person pairs -> (source, row_key, eh_person_id, decision) rows."""
    from matching.person_views import SOURCE_ROWS

    rows = con.execute(f"SELECT source, row_key, unique_id FROM {SOURCE_ROWS}").df()
    return person_pairs.merge(rows, on="unique_id")[["source", "row_key", "eh_person_id"]].assign(decision="auto_match")


def _clear_score_cache(con: duckdb.DuckDBPyConnection) -> None:
    for table in ("scored_pairs", "scored_people"):
        con.execute(f"DELETE FROM matching.{table}").fetchall()   # the tables are the warehouse's (schema.sql)


def _ours(con: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, dict]:
    import matching
    from settings import Settings

    result = matching.match_month(con, MONTH, Settings(), model_path=matching.SHIPPED_MODEL)
    matched_people = sum(count for key, count in result.stats.items()
                         if key.startswith("people_") and key.endswith(("auto_match", "clerical_review")))
    figures = {key: result.stats[key] for key in ("pairs_scored", "pairs_from_cache", "source_people_new",
                                                  "eh_people_new")}
    return result.matches, {**figures, "clerical": result.stats["clerical_queue"],
                            "clerical_share": round(result.stats["clerical_people"] / max(matched_people, 1), 4)}


def run_ours(con: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, dict]:
    """A cold run: nothing scored before."""
    _clear_score_cache(con)
    matches, figures = _ours(con)
    matches.to_parquet(_cold_matches_path(con))
    return matches, figures


# Held back from the first month of the second-month run: 2% of the people of every extract and of the register.
_HELD_BACK = {
    "school_attendance": "hash(upn) % 50 = 0", "dwp": "hash(nino) % 50 = 0",
    "cross_keys_homes": "hash(tenancy_ref || person_ref) % 50 = 0",
    "police": "hash(coalesce(pnc_id, row_key)) % 50 = 0",
    "early_help": f"month = '{MONTH}' AND hash(person_id) % 50 = 0",
}


def _cold_matches_path(con: duckdb.DuckDBPyConnection) -> Path:
    database = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchall()
    return Path(database[0][0]).with_name("ours_cold_matches.parquet")


def run_ours_second_month(con: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, dict]:
    """Cost of a month where ~2% of people are new: on a copy of the warehouse, a run without 2% of the people
    fills the score cache, then they arrive and the month is matched again. The child's seconds cover the copy,
    the first run and the second; second_month_seconds the second alone."""
    import shutil
    import tempfile

    original = con.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchall()[0][0]
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "warehouse.duckdb"
        shutil.copy(original, copy)
        work = duckdb.connect(str(copy))
        _clear_score_cache(work)
        for source, held_back in _HELD_BACK.items():
            work.execute(f"CREATE TEMP TABLE held_{source} AS FROM staging.{source} WHERE {held_back}").fetchall()
            work.execute(f"DELETE FROM staging.{source} WHERE {held_back}").fetchall()
        _ours(work)
        for source in _HELD_BACK:
            work.execute(f"INSERT INTO staging.{source} FROM held_{source}").fetchall()
        started = time.perf_counter()
        matches, figures = _ours(work)
        figures["second_month_seconds"] = round(time.perf_counter() - started, 1)
        cold = _cold_matches_path(con)
        matches.to_parquet(cold.with_name("ours_second_month_matches.parquet"))
        if cold.exists():
            columns = list(matches.columns)
            same = pd.read_parquet(cold).sort_values(columns).reset_index(drop=True).equals(
                matches.sort_values(columns).reset_index(drop=True))
            figures["same_as_cold_run"] = bool(same)
        work.close()
    _people(con)   # the register the child scores against
    return matches, figures


def run_splink_plain(con: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, dict]:
    import logging

    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    eh, source = _people(con)
    settings = SettingsCreator(
        link_type="link_only", unique_id_column_name="unique_id", source_dataset_column_name="source_dataset",
        comparisons=[cl.NameComparison("forename_std").configure(term_frequency_adjustments=True),
                     cl.NameComparison("surname_std").configure(term_frequency_adjustments=True),
                     cl.DateOfBirthComparison("dob", input_is_string=False),
                     cl.PostcodeComparison("postcode_std"),
                     cl.JaroWinklerAtThresholds("address_std", [0.95, 0.88])],
        blocking_rules_to_generate_predictions=[block_on("forename_std", "surname_std"), block_on("dob"),
                                                block_on("postcode_std")],
    )
    db_api = DuckDBAPI(connection=con)
    linker = Linker([db_api.register(eh, dataset_display_name=eh),
                     db_api.register(source, dataset_display_name=source)],
                    settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match([block_on("forename_std", "surname_std", "dob")],
                                                                  recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("forename_std", "surname_std"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    predictions = linker.inference.predict(threshold_match_probability=0.9)
    pairs = con.execute(f"""SELECT CASE WHEN source_dataset_l = 'early_help' THEN unique_id_l ELSE unique_id_r END
                                       AS eh_person_id,
                                   CASE WHEN source_dataset_l = 'early_help' THEN unique_id_r ELSE unique_id_l END
                                       AS unique_id,
                                   match_weight
                            FROM {predictions.physical_name}""").df()
    best = pairs.sort_values(["match_weight", "eh_person_id"], ascending=[False, True]).drop_duplicates("unique_id")
    return _rows_of(con, best), {"pairs_scored": len(pairs)}


def run_recordlinkage(con: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, dict]:
    import recordlinkage

    eh, source = _people(con)
    columns = "unique_id, forename_std, surname_std, CAST(dob AS VARCHAR) AS dob, postcode_std"
    left = con.execute(f"SELECT {columns} FROM {eh}").df().set_index("unique_id")
    right = con.execute(f"SELECT {columns} FROM {source}").df().set_index("unique_id")
    indexer = recordlinkage.Index()
    indexer.sortedneighbourhood("surname_std", window=5)
    indexer.block("dob")
    candidates = indexer.index(left, right)
    compare = recordlinkage.Compare(n_jobs=1)
    compare.string("forename_std", "forename_std", method="jarowinkler", threshold=0.85, label="forename")
    compare.string("surname_std", "surname_std", method="jarowinkler", threshold=0.85, label="surname")
    compare.exact("dob", "dob", label="dob")
    compare.exact("postcode_std", "postcode_std", label="postcode")
    features = compare.compute(candidates, left, right)
    classifier = recordlinkage.ECMClassifier(binarize=0.5)
    classifier.fit(features)
    probability = pd.Series(classifier.prob(features), index=features.index)
    # EM labels its two classes arbitrarily: the match class must be the one whose pairs agree more
    likely = probability >= 0.5
    swapped = bool(likely.any() and (~likely).any()
                   and features[likely].sum(axis=1).mean() < features[~likely].sum(axis=1).mean())
    if swapped:
        probability = 1 - probability
    pairs = pd.DataFrame({"eh_person_id": probability.index.get_level_values(0),
                          "unique_id": probability.index.get_level_values(1), "p": probability.to_numpy(),
                          "agree": features.sum(axis=1).to_numpy()})
    # one Early Help person per source person: the most probable (then most agreeing), when ECM calls it a match
    pairs = pairs[pairs["p"] >= 0.5].sort_values(["p", "agree", "eh_person_id"], ascending=[False, False, True])
    pairs = pairs.drop_duplicates("unique_id")
    return _rows_of(con, pairs), {"pairs_scored": len(candidates), "ecm_classes_swapped": swapped}


def child(engine: str, database: Path, truth: Path) -> None:
    """Run one engine, print one JSON line of figures (overall and per source)."""
    from benchmarks.evaluate import (
        accuracy,
        f1,
        hard_negative_matches,
        household_precision,
        read_truth,
        true_pairs,
    )
    from matching.person_views import EH_PEOPLE

    con = duckdb.connect(str(database))
    started = time.perf_counter()
    engines = {"ours": run_ours, "ours_second_month": run_ours_second_month, "splink_plain": run_splink_plain,
               "recordlinkage": run_recordlinkage}
    matches, extra = engines[engine](con)
    seconds = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024   # the match step's, before scoring it
    on_register = {row[0] for row in con.execute(f"SELECT unique_id FROM {EH_PEOPLE}").fetchall()}
    links, hard_negatives = read_truth(truth)
    if engine.startswith("ours"):
        extra["household_candidates"], household_right = household_precision(matches, truth)
        extra["household_precision"] = round(household_right, 4)
    scores = accuracy(matches, true_pairs(links, MONTH, on_register))
    total = scores[["true_pairs", "auto_pairs", "auto_correct"]].sum()
    found_with_review = (scores["recall_with_review"] * scores["true_pairs"]).sum()
    queued_or_matched = (scores["auto_pairs"] + scores["review_pairs"]).sum()   # a pair is one or the other
    scores = pd.concat([scores, pd.DataFrame([{
        "source": "all", **total.to_dict(), "precision": total["auto_correct"] / max(total["auto_pairs"], 1),
        "recall": total["auto_correct"] / max(total["true_pairs"], 1),
        "recall_with_review": found_with_review / max(total["true_pairs"], 1),
        "precision_with_review": found_with_review / max(queued_or_matched, 1)}])], ignore_index=True)
    per_source = {row.source: {"precision": round(row.precision, 4), "recall": round(row.recall, 4),
                               "f1": round(f1(row.precision, row.recall), 4),
                               "recall_with_review": round(row.recall_with_review, 4),
                               "precision_with_review": round(row.precision_with_review, 4),
                               "f1_with_review": round(f1(row.precision_with_review, row.recall_with_review), 4),
                               "true_pairs": int(row.true_pairs)}
                  for row in scores.itertuples()}
    extra["relatives_auto_matched"] = int(len(hard_negative_matches(matches, links, hard_negatives)))
    print(json.dumps({"engine": engine, "seconds": round(seconds, 1), "peak_mib": round(peak_mib),
                      "sources": per_source, **extra}, default=str))


def bench(scale: str, data: str, work: Path, engines: tuple[str, ...]) -> pd.DataFrame:
    database = prepare(scale, data, work)
    results = []
    for engine in engines:
        if engine == "ours_second_month" and data != "sample":
            continue
        try:
            done = subprocess.run([sys.executable, __file__, "--child", engine, "--database", str(database),
                                   "--truth", str(database.parent / "truth")], capture_output=True, text=True,
                                  check=False, timeout=CHILD_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            print(f"{scale} {data} {engine}: did not finish in {CHILD_TIMEOUT_SECONDS} s", flush=True)
            continue
        if done.returncode != 0:
            print(f"{scale} {data} {engine}: failed\n{done.stderr[-2000:]}", flush=True)
            continue
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(f"{scale} {data} {engine}: {json.dumps(results[-1])}", flush=True)
    rows = [{"scale": scale, "data": data, "engine": result["engine"], "source": source, **figures,
             "seconds": result["seconds"], "peak_mib": result["peak_mib"]}
            for result in results for source, figures in result["sources"].items()]
    table = pd.DataFrame(rows)
    if table.empty or not (table["engine"] == "ours").any():
        return table
    ours = table[table["engine"] == "ours"].set_index("source")
    table["f1_vs_ours"] = (table["f1"] / table["source"].map(ours["f1"])).round(4)
    table["time_vs_ours"] = (table["seconds"] / ours["seconds"].iloc[0]).round(2)
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=[*SCALES, "both"], default="peterborough")
    parser.add_argument("--data", choices=[*DATA_SETS, "both"], default="both")
    parser.add_argument("--engines", default=",".join(ENGINES), help="comma-separated, from " + ", ".join(ENGINES))
    parser.add_argument("--work", type=Path, default=Path("/tmp/cfam-matching-benchmark"))
    parser.add_argument("--child", choices=ENGINES, help=argparse.SUPPRESS)
    parser.add_argument("--database", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--truth", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.database, args.truth)
        return
    scales = list(SCALES) if args.scale == "both" else [args.scale]
    data_sets = ["sample", "heldout"] if args.data == "both" else [args.data]
    engines = tuple(engine for engine in args.engines.split(",") if engine in ENGINES)
    table = pd.concat([bench(scale, data, args.work, engines) for scale in scales for data in data_sets],
                      ignore_index=True)
    with pd.option_context("display.width", 250, "display.max_columns", 20, "display.max_rows", 500):
        print(table.to_string(index=False))


if __name__ == "__main__":
    main()
