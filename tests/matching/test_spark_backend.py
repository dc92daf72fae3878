"""matching.backend: spark gives the DuckDB path's answers: the same decisions, probabilities within 1e-9.

A small generated town over three months, matched month by month on each backend in its own warehouse: the
DuckDB path reuses scores from the month before (matching.scored_pairs), Spark scores every month cold, and
a cold DuckDB run of the last month is the third witness.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import duckdb
import pandas as pd
import pytest

import matching
from benchmarks.evaluate import load_landing
from pipelines.cli import main
from sample_data import generate
from settings import Settings, months_between
from settings.config import MatchingSettings
from warehouse import connect

FIRST_MONTH, LAST_MONTH = "2016-01", "2016-03"
FAMILIES = 120
DECISION_KEY = ["source", "row_key", "eh_person_id", "decision"]


def test_an_unknown_backend_exits_2_naming_the_setting(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CFAM_DATA_DIR", str(tmp_path))
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "settings.yaml").write_text("matching:\n  backend: sparkk\n", encoding="utf-8")
    assert main(["run", "--month", "2015-01"]) == 2
    err = capsys.readouterr().err
    assert "matching.backend" in err and "Traceback" not in err
    assert not (tmp_path / "warehouse").exists()


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("spark_town")
    generate(root, FAMILIES, FIRST_MONTH, LAST_MONTH, seed=7)
    con = connect(root / "warehouse.duckdb")
    load_landing(con, root / "landing", months_between(FIRST_MONTH, LAST_MONTH))
    con.close()
    return root


def _run(town: Path, name: str, backend: str, months: list[str]) -> dict[str, matching.MatchResult]:
    """Match `months` in order on a copy of the town's warehouse (its own score cache)."""
    folder = town / name
    folder.mkdir()
    shutil.copy(town / "warehouse.duckdb", folder / "warehouse.duckdb")
    con = duckdb.connect(str(folder / "warehouse.duckdb"))
    settings = Settings(matching=MatchingSettings(backend=backend))  # type: ignore[arg-type]
    try:
        results = {month: matching.match_month(con, month, settings, model_path=matching.SHIPPED_MODEL)
                   for month in months}
        # the person views are left on the connection for the steps after matching, as on DuckDB
        assert con.execute("SELECT count(*) FROM cf_source_people").fetchall()[0][0] > 0
    finally:
        con.close()
    assert [path.name for path in folder.iterdir()] == ["warehouse.duckdb"], "the Spark work folder is removed"
    return results


def _assert_same_answers(expected: matching.MatchResult, actual: matching.MatchResult) -> None:
    decisions = [set(map(tuple, result.matches[DECISION_KEY].astype(str).to_numpy()))
                 for result in (expected, actual)]
    assert decisions[0] == decisions[1]
    both = expected.matches.merge(actual.matches, on=[*DECISION_KEY, "eh_family_id"], suffixes=("_duckdb", "_spark"))
    assert len(both) == len(expected.matches) == len(actual.matches)
    scored = both.dropna(subset=["match_probability_duckdb", "match_probability_spark"], how="all")
    difference = (scored["match_probability_duckdb"] - scored["match_probability_spark"]).abs()
    assert difference.notna().all() and difference.max() <= 1e-9
    assert (both["reason_duckdb"] == both["reason_spark"]).all()
    pd.testing.assert_frame_equal(expected.clerical_queue.drop(columns=["match_probability"]),
                                  actual.clerical_queue.drop(columns=["match_probability"]), check_dtype=False)


@pytest.mark.spark
@pytest.mark.slow
def test_spark_matches_the_town_as_duckdb_does(town):
    months = months_between("2016-02", LAST_MONTH)
    duckdb_runs = _run(town, "duckdb", "duckdb", months)
    spark_runs = _run(town, "spark", "spark", months)
    cold = _run(town, "duckdb_cold", "duckdb", [LAST_MONTH])[LAST_MONTH]

    assert duckdb_runs[LAST_MONTH].stats["pairs_from_cache"] > 0   # the DuckDB month reused last month's scores
    assert all(run.stats["pairs_from_cache"] == 0 for run in spark_runs.values())   # Spark scores cold
    assert spark_runs[LAST_MONTH].stats["pairs_scored"] == cold.stats["pairs_scored"] > 0
    for month in months:
        assert len(spark_runs[month].matches) > 0
        _assert_same_answers(duckdb_runs[month], spark_runs[month])
    _assert_same_answers(cold, duckdb_runs[LAST_MONTH])   # a cached month equals a cold month
    # family evidence is worked out in Spark too, and lifts pairs there as on DuckDB
    assert spark_runs[LAST_MONTH].matches["reason"].str.contains("family evidence").sum() >= 3
    # households are found in Spark too: some of the last month's unmatched people live at a family's address
    assert (spark_runs[LAST_MONTH].matches["decision"] == "household_candidate").sum() >= 3
    counts = {key: value for key, value in spark_runs[LAST_MONTH].stats.items() if not key.startswith("pairs_")}
    assert counts == {key: value for key, value in cold.stats.items()
                      if not key.startswith("pairs_") and key not in ("eh_people_new", "source_people_new")}


@pytest.mark.spark
@pytest.mark.slow
def test_rendered_sql_keeps_duckdb_meaning_on_spark():
    """Where DuckDB and Spark functions of the same name differ, the rendered SQL gives DuckDB's answer."""
    from matching.spark_backend import register_spark_udfs, render, spark_session
    from matching.udfs import register_udfs

    rows = pd.DataFrame({
        "id": [1, 1, 1, 2, 3],
        "seq": [1, 2, 3, 1, 1],
        "name": ["ANNE", None, None, "JON", ""],      # the latest rows of person 1 have no name
        "formal": [["ANNE", None], ["ANNA"], None, ["JOHN"], []],
        "middle": ["MAY", None, "ROSE LEE", None, None],
        "known_as": ["NAN", "AN", None, None, None],
        "other": ["ANN", "HANNAH", "ROSE", "JOHN", ""],
        "address": ["FLAT 2 14A HIGH STREET", None, "14 HIGH ST", "1 LOW ROAD", "LOW ROAD 1"],
    })
    queries = {
        "latest name": "SELECT id, arg_max(name, (seq, id)) AS v FROM rows GROUP BY id",
        "formal names overlap": "SELECT id, seq, list_has_any(formal, ['JOHN', 'ZED']) AS v FROM rows",
        "other names": "SELECT id, seq, list_concat(string_split(middle, ' '), [known_as]) AS v FROM rows",
        "jaro-winkler": "SELECT id, seq, jaro_winkler_similarity(name, other) AS v FROM rows",
        "address similarity": "SELECT id, seq, token_set_ratio(address, 'HIGH STREET 14A FLAT 2') AS v FROM rows",
    }
    con = duckdb.connect()
    register_udfs(con)
    con.register("rows", rows)
    with tempfile.TemporaryDirectory() as work:
        spark = spark_session(Path(work))
        try:
            register_spark_udfs(spark)
            spark.createDataFrame(rows).createOrReplaceTempView("rows")
            for what, sql in queries.items():
                expected = [_plain(row) for row in sorted(con.execute(sql).fetchall())]
                actual = [_plain(tuple(row)) for row in sorted(spark.sql(render(sql)).collect())]
                assert actual == expected, what
        finally:
            spark.stop()


def _plain(row: tuple) -> tuple:
    """Floats to 12 places and arrays as lists, so the two engines' values compare."""
    return tuple(round(value, 12) if isinstance(value, float) else list(value) if isinstance(value, list | tuple)
                 else value for value in row)
