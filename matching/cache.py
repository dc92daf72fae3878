"""Scores kept from earlier months, so a month scores only the people who are new or whose record changed.

A pair's score depends only on the two records' comparison fields and the model (term frequencies are frozen
in the model file), so a stored score is reused while both records hash the same. Two tables, per cache key
(model version + the lowest probability kept):

    matching.scored_people  the people of the last run on each side (register / extracts) and their record
                            hashes: every pair between them has been scored
    matching.scored_pairs   every such pair that scored at least the lowest probability kept

A run scores (every register person x the source people not in scored_people) and (the register people not in
scored_people x the other source people), takes the rest from scored_pairs, then makes its own people the
scored_people. The result is the same as scoring everything (tests/matching/test_incremental.py).
"""

from __future__ import annotations

from typing import Any

import duckdb

from matching.model_settings import PERSON_COLUMNS
from matching.predict import score_pairs

_FIELDS = [column for column in PERSON_COLUMNS if column not in ("unique_id", "source_dataset")]
_EH, _SOURCE = "register", "extracts"

def _hashed(con: duckdb.DuckDBPyConnection, table: str, name: str) -> None:
    fields = ", ".join(_FIELDS)
    con.execute(f"""CREATE OR REPLACE TEMP TABLE {name} AS
                    SELECT *, md5(CAST(to_json(struct_pack({fields})) AS VARCHAR)) AS record_hash
                    FROM {table}""").fetchall()


def score_with_cache(con: duckdb.DuckDBPyConnection, eh_table: str, source_table: str, model: dict[str, Any],
                     cache_key: str, threshold: float, into: str) -> dict[str, int]:
    """score_pairs(eh_table, source_table) with scores reused from earlier runs, into the TEMP table `into`
    (eh_person_id, unique_id, match_weight, match_probability, mw_<comparison>); and counts of the work done."""
    weights = [f"mw_{comparison['output_column_name']}" for comparison in model["comparisons"]]
    _hashed(con, eh_table, "cf_eh_hashed")
    _hashed(con, source_table, "cf_source_hashed")
    for name, side, hashed in (("cf_eh_new", _EH, "cf_eh_hashed"), ("cf_source_new", _SOURCE, "cf_source_hashed")):
        con.execute(f"""CREATE OR REPLACE TEMP TABLE {name} AS
                        SELECT * FROM {hashed} h WHERE NOT EXISTS (
                            SELECT 1 FROM matching.scored_people p
                            WHERE p.cache_key = $key AND p.side = '{side}'
                              AND p.person_id = h.unique_id AND p.record_hash = h.record_hash)""",
                    {"key": cache_key}).fetchall()
    con.execute("""CREATE OR REPLACE TEMP TABLE cf_source_old AS
                   SELECT * FROM cf_source_hashed ANTI JOIN cf_source_new USING (unique_id)""").fetchall()
    new_eh, new_source, old_source = (con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0]
                                      for name in ("cf_eh_new", "cf_source_new", "cf_source_old"))

    cached = f"""
        SELECT c.eh_person_id, c.unique_id, c.match_weight, c.match_probability,
               {", ".join(f"c.comparison_weights[{index + 1}] AS {name}" for index, name in enumerate(weights))}
        FROM matching.scored_pairs c
        JOIN cf_eh_hashed e ON e.unique_id = c.eh_person_id AND e.record_hash = c.eh_record_hash
        JOIN cf_source_old s ON s.unique_id = c.unique_id AND s.record_hash = c.source_record_hash
        WHERE c.cache_key = $key AND c.eh_person_id NOT IN (SELECT unique_id FROM cf_eh_new)"""
    # the month's pairs: the cached ones (an empty table of their columns on a cold run), then the fresh ones
    con.execute(f"CREATE OR REPLACE TEMP TABLE {into} AS {cached}", {"key": cache_key}).fetchall()
    pairs_from_cache = con.execute(f"SELECT count(*) FROM {into}").fetchall()[0][0]
    pairs_scored = 0
    for left, right, run in (("cf_eh_hashed", "cf_source_new", new_source > 0),
                             ("cf_eh_new", "cf_source_old", new_eh > 0 and old_source > 0)):
        if run:
            pairs_scored += score_pairs(con, left, right, model, threshold, into="cf_fresh_pairs")
            con.execute(f"""INSERT INTO {into} BY NAME
                            SELECT * RENAME (unique_id_l AS eh_person_id, unique_id_r AS unique_id)
                            FROM cf_fresh_pairs""").fetchall()
            con.execute("DROP TABLE cf_fresh_pairs").fetchall()
    _remember(con, cache_key, into, weights)
    for name in ("cf_eh_hashed", "cf_source_hashed", "cf_eh_new", "cf_source_new", "cf_source_old"):
        con.execute(f"DROP TABLE {name}").fetchall()   # copies of the people: a gigabyte at county scale
    return {"eh_people_new": int(new_eh), "source_people_new": int(new_source), "pairs_scored": int(pairs_scored),
            "pairs_from_cache": int(pairs_from_cache)}


def _remember(con: duckdb.DuckDBPyConnection, cache_key: str, pairs: str, weights: list[str]) -> None:
    """Drop the pairs of people who changed or left, store the new pairs (of the month's pairs in `pairs`, those
    of a new person on either side: the cached ones are of old people on both), and make this run's people the
    scored people."""
    try:
        con.execute("BEGIN TRANSACTION").fetchall()
        # The last run's people whose record this run does not hold with the same hash: they changed or left.
        con.execute(f"""CREATE OR REPLACE TEMP TABLE cf_stale_people AS
                        {_gone_or_changed(_EH, "cf_eh_hashed")}
                        UNION ALL {_gone_or_changed(_SOURCE, "cf_source_hashed")}""", {"key": cache_key}).fetchall()
        # Every stored pair carries its two people's hashes as scored_people held them, so the stale pairs are
        # those of the stale people: found from them, not by testing every pair.
        con.execute(f"""
            DELETE FROM matching.scored_pairs WHERE cache_key = $key
               AND (eh_person_id IN ({_stale(_EH)}) OR unique_id IN ({_stale(_SOURCE)}))
        """, {"key": cache_key}).fetchall()
        con.execute(f"""
            INSERT INTO matching.scored_pairs
            SELECT $key, f.eh_person_id, e.record_hash, f.unique_id, s.record_hash, f.match_weight,
                   f.match_probability, [{", ".join(f"f.{name}" for name in weights)}]
            FROM {pairs} f JOIN cf_eh_hashed e ON e.unique_id = f.eh_person_id
            JOIN cf_source_hashed s ON s.unique_id = f.unique_id
            WHERE f.eh_person_id IN (SELECT unique_id FROM cf_eh_new)
               OR f.unique_id IN (SELECT unique_id FROM cf_source_new)
        """, {"key": cache_key}).fetchall()
        # this run's people become the scored people: the stale ones go, the new and changed come in
        for side, new in ((_EH, "cf_eh_new"), (_SOURCE, "cf_source_new")):
            con.execute(f"""DELETE FROM matching.scored_people WHERE cache_key = $key AND side = '{side}'
                            AND person_id IN ({_stale(side)})""", {"key": cache_key}).fetchall()
            con.execute(f"INSERT INTO matching.scored_people SELECT $key, '{side}', unique_id, record_hash "
                        f"FROM {new}", {"key": cache_key}).fetchall()
        con.execute("COMMIT").fetchall()
    except BaseException:
        con.execute("ROLLBACK").fetchall()
        raise
    finally:
        con.execute("DROP TABLE IF EXISTS cf_stale_people").fetchall()


def _gone_or_changed(side: str, hashed: str) -> str:
    """(side, person_id) of `side`'s scored people whose record this run does not hold with the same hash."""
    return f"""SELECT p.side, p.person_id FROM matching.scored_people p
               WHERE p.cache_key = $key AND p.side = '{side}' AND NOT EXISTS (
                   SELECT 1 FROM {hashed} h WHERE h.unique_id = p.person_id AND h.record_hash = p.record_hash)"""


def _stale(side: str) -> str:
    """The ids of `side`'s people who changed or left (cf_stale_people, made once a run by _remember)."""
    return f"SELECT person_id FROM cf_stale_people WHERE side = '{side}'"
