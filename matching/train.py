"""Unscheduled training: estimate the model on the warehouse and save it as a versioned JSON artefact.

u is estimated by random sampling, m by expectation maximisation over several blocking rules (each rule
leaves other fields free to learn), the prior from near-certain deterministic rules.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
from splink import DuckDBAPI, Linker, SettingsCreator

from matching.model_in_force import point_at
from matching.model_settings import (
    DETERMINISTIC_RULES,
    TRAINING_BLOCKING_RULES,
    settings_creator,
)
from matching.person_views import (
    EH_MODEL_INPUT,
    SOURCE_MODEL_INPUT,
    build_person_views,
    restrict_source_model_input,
)
from matching.udfs import register_udfs
from settings import Settings

MODEL_VERSION_KEY = "model_version"
# Term frequencies frozen at training ({column: {value: frequency}}), so a pair's score depends on the two
# records and the model only, never on who else is in this month's data: that is what lets match_month reuse
# scores from earlier months. A value the training data never saw gets no adjustment (Splink's rule).
# The keys are hashed (TF_KEY_SQL): a model file must not carry the town's names in clear.
TERM_FREQUENCIES_KEY = "term_frequencies"
TF_KEYS_HASHED = "term_frequency_keys"
# Per source, the auto-match and clerical thresholds chosen at training from estimated precision (calibration.py).
THRESHOLDS_KEY = "thresholds"   # "sha256-16": keys are TF_KEY_SQL of the value; absent: values in clear


def tf_key_sql(value: str) -> str:
    """SQL for the key a term-frequency table stores for `value` (an SQL expression): a hash, never the name."""
    return f"left(sha256('cfam-tf|' || {value}), 16)"


def estimate_model(con: duckdb.DuckDBPyConnection, left_table: str, right_table: str, creator: SettingsCreator, *,
                   u_max_pairs: float = 2e6, prior_recall: float = 0.8, seed: int = 42,
                   em_blocking_rules: tuple[str, ...] = TRAINING_BLOCKING_RULES) -> dict[str, Any]:
    """Train on two tables of person records and return Splink's settings dict."""
    register_udfs(con)
    db_api = DuckDBAPI(connection=con)
    left = db_api.register(left_table, dataset_display_name=left_table)
    right = db_api.register(right_table, dataset_display_name=right_table)
    linker = Linker([left, right], creator, log_level=logging.WARNING)
    try:
        linker.training.estimate_probability_two_random_records_match(list(DETERMINISTIC_RULES), recall=prior_recall)
        linker.training.estimate_u_using_random_sampling(max_pairs=u_max_pairs, seed=seed)
        for rule in em_blocking_rules:
            linker.training.estimate_parameters_using_expectation_maximisation(rule)
        model = _with_floor(linker.misc.save_model_to_json())
        return {**model, TERM_FREQUENCIES_KEY: _term_frequencies(con, linker, model), TF_KEYS_HASHED: "sha256-16"}
    finally:
        linker.table_management.delete_tables_created_by_splink_from_db()


def _term_frequencies(con: duckdb.DuckDBPyConnection, linker: Linker,
                      model: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Splink's own term frequency tables of the training data, for every column the model adjusts on, keyed
    by the hash of each value (tf_key_sql)."""
    columns = sorted({level["tf_adjustment_column"] for comparison in model["comparisons"]
                      for level in comparison["comparison_levels"] if level.get("tf_adjustment_column")})
    frozen = {}
    for column in columns:
        table = linker.table_management.compute_tf_table(column)
        rows = con.execute(f"""SELECT {tf_key_sql(column)} AS key, tf_{column} AS tf FROM {table.physical_name}
                               WHERE {column} IS NOT NULL ORDER BY key""").fetchall()
        frozen[column] = {key: float(tf) for key, tf in rows}
    return frozen


def splink_settings(model: dict[str, Any]) -> tuple[dict[str, Any], dict[str, dict[str, float]] | None]:
    """(the settings dict Splink takes, the frozen term frequencies or None for a model saved without them)."""
    settings = {key: value for key, value in model.items()
                if key not in (MODEL_VERSION_KEY, TERM_FREQUENCIES_KEY, TF_KEYS_HASHED, THRESHOLDS_KEY)}
    return settings, model.get(TERM_FREQUENCIES_KEY)


MIN_PROBABILITY = 1e-4


def _with_floor(model: dict[str, Any]) -> dict[str, Any]:
    """A level never seen among matches (m = 0) would veto any pair on its own (weight -60): floor it."""
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            for key in ("m_probability", "u_probability"):
                if level.get(key) is not None:
                    level[key] = max(level[key], MIN_PROBABILITY)
    return model


def versioned_model(model: dict[str, Any], on: date | None = None) -> tuple[str, dict[str, Any]]:
    """Name the model by its training date and a hash of its content, and write the name inside it."""
    body = {key: value for key, value in model.items() if key != MODEL_VERSION_KEY}
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:8]
    version = f"person-model-{(on or date.today()):%Y%m%d}-{digest}"
    return version, {MODEL_VERSION_KEY: version, **body}


def train_model(con: duckdb.DuckDBPyConnection, month: str, out_dir: Path, settings: Settings) -> Path:
    """Train on the register as of `month` against every extract row up to it; return the saved JSON's path."""
    build_person_views(con, month)
    restrict_source_model_input(con, None)
    model = estimate_model(con, EH_MODEL_INPUT, SOURCE_MODEL_INPUT, settings_creator())
    model[THRESHOLDS_KEY] = calibrated_thresholds(con, model)
    version, model = versioned_model(model)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{version}.json"
    path.write_text(json.dumps(model, indent=2, sort_keys=True), encoding="utf-8")
    point_at(out_dir, path)   # the model just trained is the one in force from the next run
    return path


def calibrated_thresholds(con: duckdb.DuckDBPyConnection, model: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Per-source thresholds from the model's estimated precision on the people it was trained on (the ones
    the exact pass leaves to it), as match_month would score them."""
    from matching.calibration import as_model_entry, calibrate
    from matching.exact import EXACT_MATCHES, find_exact_matches
    from matching.predict import score_pairs

    find_exact_matches(con)
    restrict_source_model_input(con, EXACT_MATCHES)
    score_pairs(con, EH_MODEL_INPUT, SOURCE_MODEL_INPUT, model, 0.0001, into="cf_calibration_pairs")
    pairs = con.execute("FROM cf_calibration_pairs").df()
    con.execute("DROP TABLE cf_calibration_pairs").fetchall()
    sources = con.execute("SELECT unique_id AS unique_id_r, source_dataset AS source FROM cf_source_people").df()
    best = (pairs.sort_values("match_weight", ascending=False).drop_duplicates("unique_id_r")
            .merge(sources, on="unique_id_r"))
    return as_model_entry(calibrate(best[["source", "match_probability"]]))


def load_model(path: Path) -> tuple[str, dict[str, Any]]:
    """(version, Splink settings dict) of a saved model."""
    model = json.loads(Path(path).read_text(encoding="utf-8"))
    version = model.pop(MODEL_VERSION_KEY, None) or Path(path).stem
    return version, model
