"""Blocking: the rules keep (almost) every true pair while comparing a small share of all pairs."""

from benchmarks.evaluate import true_pairs
from matching.model_settings import PREDICTION_BLOCKING_RULES
from matching.person_views import (
    EH_PEOPLE,
    SOURCE_PEOPLE,
    SOURCE_ROWS,
    build_person_views,
)
from warehouse.db import registered

from .conftest import LAST_MONTH


def test_blocking_rules_keep_99_5_percent_of_true_pairs(sample):
    build_person_views(sample.con, LAST_MONTH)
    truth = true_pairs(sample.links, LAST_MONTH, sample.register(LAST_MONTH))
    with registered(sample.con, "_truth", truth):
        any_rule = " OR ".join(f"({rule})" for rule in PREDICTION_BLOCKING_RULES)
        total, kept = sample.con.execute(f"""
            WITH pairs AS (SELECT DISTINCT rows.unique_id AS source_person, t.eh_person_id
                           FROM _truth t JOIN {SOURCE_ROWS} rows USING (source, row_key))
            SELECT count(*), count(*) FILTER (WHERE {any_rule})
            FROM pairs JOIN {EH_PEOPLE} l ON l.unique_id = pairs.eh_person_id
                       JOIN {SOURCE_PEOPLE} r ON r.unique_id = pairs.source_person
        """).fetchall()[0]
    assert total > 1000
    assert kept / total >= 0.995


def test_blocking_compares_a_small_share_of_all_pairs(last_month_result):
    stats = last_month_result.stats
    assert stats["pairs_scored"] < 0.02 * stats["eh_people"] * stats["people_scored"]
