"""The same engine (our comparisons, blocking and training) on FEBRL4, without the social security number."""

import duckdb
import pytest

from benchmarks.evaluate import f1
from benchmarks.febrl import (
    FEBRL_EM_BLOCKING_RULES,
    FEBRL_EXTRA_BLOCKING_RULES,
    FEBRL_TABLES,
    load_febrl_people,
)
from matching.model_settings import settings_creator
from matching.predict import score_pairs
from matching.train import estimate_model


@pytest.mark.slow
def test_febrl4_f1_at_least_0_996():
    con = duckdb.connect()
    truth = load_febrl_people(con)
    left, right = FEBRL_TABLES
    creator = settings_creator(uk_postcodes=False, with_gender=False, with_id_numbers=False, households=False,
                               extra_blocking_rules=FEBRL_EXTRA_BLOCKING_RULES)
    model = estimate_model(con, left, right, creator, u_max_pairs=3e5, em_blocking_rules=FEBRL_EM_BLOCKING_RULES)
    pairs_scored = score_pairs(con, left, right, model, 0.5, into="febrl_pairs")
    pairs = con.execute("FROM febrl_pairs").df()
    true = set(zip(truth["unique_id_l"], truth["unique_id_r"], strict=True))
    found = set(zip(pairs["unique_id_l"], pairs["unique_id_r"], strict=True))
    precision, recall = len(found & true) / len(found), len(found & true) / len(true)
    assert len(true) == 5000
    assert pairs_scored < 200_000  # blocking keeps the comparisons far below 5,000 x 5,000
    assert f1(precision, recall) >= 0.996, (precision, recall)
