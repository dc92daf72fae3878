"""matching.backend: spark. Everything before the decisions in Spark: the month's person views, exact pass,
scoring, conflict flags, pruning, family evidence and households.

The warehouse writes the month's staging rows to Parquet in an owner-only work folder beside it (removed
after); Spark, in local mode, reads them and runs the same SQL (written once for DuckDB, rendered for Spark by
sqlglot with the few fixes in `render`) and the same saved model through Splink's SparkAPI. Family evidence is
the DuckDB path's own pandas code, run by Spark on buckets of whole source households. The people and exact
matches come back to the caller's DuckDB connection as the TEMP tables the DuckDB path leaves, the pairs that
matter (flagged and lifted) as Parquet read into pandas, and every source person's candidate households into
HOUSEHOLD_HOMES. The decisions, which apply rules across a whole source (one person per UPN or NINO, thresholds
calibrated per source), run on the pairs kept, in pandas, on both backends. Spark scores every month cold: the
score cache (matching/cache.py) lives in the warehouse and serves the DuckDB path only.
"""

from __future__ import annotations

import copy
import logging
import os
import shutil
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import sqlglot
from pyspark.sql import DataFrame, SparkSession, functions
from pyspark.sql.functions import arrow_udf
from pyspark.sql.types import StringType, StructField, StructType
from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler
from splink import Linker
from splink.backends.spark import SparkAPI, similarity_jar_location
from sqlglot import exp

from matching.decisions import Thresholds
from matching.exact import EXACT_MATCHES, exact_matches_statement
from matching.family_evidence import PAIR_KEYS, with_family_evidence_of_households
from matching.households import HOUSEHOLD_HOMES, household_homes_sql
from matching.match import conflicts_sql, keyed_pairs_sql, namesakes_in_family, reviewed_pairs
from matching.person_views import (
    EH_MODEL_INPUT,
    EH_PEOPLE,
    SOURCE_MODEL_INPUT,
    SOURCE_PEOPLE,
    SOURCE_ROWS,
    person_view_statements,
    source_model_input_statement,
)
from matching.predict import tf_lookup
from matching.pruning import pairs_that_matter_sql
from matching.train import TF_KEYS_HASHED, splink_settings
from matching.udfs import TOKEN_SET_RATIO, token_set_ratio_of
from sources.registry import source_names

# Not DuckDB's name: this Spark already resolves a jaro_winkler_similarity (another formula) before any
# temporary function of that name.
JARO_WINKLER = "cfam_jaro_winkler"
# The tables the pandas steps read back from Spark, into TEMP tables of the same names on the DuckDB side.
_RETURNED = (EH_PEOPLE, SOURCE_PEOPLE, SOURCE_ROWS, EXACT_MATCHES)


def spark_session(work_dir: Path) -> SparkSession:
    """Spark in local mode on this machine: two cores, no UI, nothing listening beyond localhost, Splink's
    checkpoints in `work_dir`, and Splink's similarity jar on the class path."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)   # UDF workers run this interpreter
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    builder = (SparkSession.builder.master("local[2]").appName("cfam-matching")
               .config("spark.driver.memory", "2g")
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.driver.host", "127.0.0.1")
               .config("spark.driver.bindAddress", "127.0.0.1")
               # Shuffle and spill files go to Spark's own temporary folders (it removes them when it stops): its
               # scratch and warehouse folders are fixed for the life of the JVM, which outlives a month's work
               # folder. Nothing here creates a table in the warehouse folder.
               .config("spark.sql.warehouse.dir", str(Path(tempfile.gettempdir()) / "cfam-spark-warehouse"))
               .config("spark.sql.shuffle.partitions", "4")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.jars", similarity_jar_location()))
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")   # Spark's warnings can quote rows
    spark.sparkContext.setCheckpointDir(str(work_dir / "checkpoints"))   # where Splink breaks lineage
    return spark


def register_spark_udfs(spark: SparkSession) -> None:
    """The functions the SQL and the model call, under the names DuckDB knows them by, computed as DuckDB
    computes them: the address similarity is the very function DuckDB calls (rapidfuzz, Arrow in and out).
    Jaro-Winkler is rapidfuzz's too, which is DuckDB's own (the same code, equal to 1e-16 on the sample
    town's names); the one in Splink's jar differs by up to 0.14 and puts some pairs at another level."""
    udf = cast(Any, arrow_udf)   # pyspark's stubs know only its own function types
    spark.udf.register(TOKEN_SET_RATIO, udf(token_set_ratio_of, "double"))
    spark.udf.register(JARO_WINKLER, udf(_jaro_winkler, "double"))


def _jaro_winkler(left: pa.Array, right: pa.Array) -> pa.Array:
    """DuckDB's jaro_winkler_similarity: NULL in either gives NULL, an empty string scores 0."""
    pairs = list(zip(left.to_pylist(), right.to_pylist(), strict=True))
    scores: list[float | None] = [None] * len(pairs)
    todo = [index for index, (a, b) in enumerate(pairs) if a is not None and b is not None]
    computed = process.cpdist([pairs[index][0] for index in todo], [pairs[index][1] for index in todo],
                              scorer=JaroWinkler.normalized_similarity, dtype=np.float64, workers=1).tolist() \
        if todo else []
    for index, score in zip(todo, computed, strict=True):
        scores[index] = score if pairs[index][0] and pairs[index][1] else 0.0
    return pa.array(scores, type=pa.float64())


def _fix_for_spark(node: exp.Expression) -> exp.Expression:
    """The DuckDB functions that sqlglot renders for Spark with a different meaning, rewritten to keep DuckDB's."""
    if isinstance(node, exp.Table) and node.db == "staging":     # staging.x: a Parquet file read as a view
        return exp.to_table(f"staging_{node.name}")
    if isinstance(node, exp.ArgMax | exp.ArgMin):
        # DuckDB's arg_max skips rows whose value is NULL; Spark's max_by orders by a struct, not a tuple.
        value, order = node.this, node.expression
        if isinstance(order, exp.Tuple):
            order = exp.Struct(expressions=order.expressions)
        order = exp.If(this=exp.Is(this=value.copy(), expression=exp.Null()), true=exp.Null(), false=order)
        return type(node)(this=value, expression=order)
    if isinstance(node, exp.ArrayOverlaps):
        # list_has_any ignores NULL elements (false, where Spark's arrays_overlap says NULL)
        return exp.Anonymous(this="arrays_overlap", expressions=[_without_nulls(node.this),
                                                                 _without_nulls(node.expression)])
    if isinstance(node, exp.ArrayConcat):
        # list_concat treats a NULL list as empty (Spark's concat gives NULL), unless every list is NULL
        lists = [node.this, *node.expressions]
        all_null = exp.and_(*(exp.Is(this=item.copy(), expression=exp.Null()) for item in lists))
        concat = exp.ArrayConcat(this=_or_empty(lists[0]), expressions=[_or_empty(item) for item in lists[1:]])
        return exp.If(this=all_null, true=exp.Null(), false=concat)
    if isinstance(node, exp.JarowinklerSimilarity):
        return exp.Anonymous(this=JARO_WINKLER, expressions=[node.this, node.expression])
    return node


def _without_nulls(array: exp.Expression) -> exp.Expression:
    return sqlglot.parse_one("filter(x, item -> item IS NOT NULL)", read="spark").transform(
        lambda node: array.copy() if isinstance(node, exp.Column) and node.name == "x" else node)


def _or_empty(array: exp.Expression) -> exp.Expression:
    return exp.Coalesce(this=array.copy(), expressions=[exp.Array(expressions=[])])


def render(sql: str) -> str:
    """DuckDB SQL (a query or an expression) as Spark SQL."""
    return sqlglot.parse_one(sql, read="duckdb").transform(_fix_for_spark).sql(dialect="spark")


def run_statement(spark: SparkSession, statement: str, work_dir: Path) -> None:
    """A DuckDB CREATE TABLE / VIEW / DROP statement on Spark: a table is written to Parquet and read back (so
    it is computed once), a view stays a view."""
    parsed = sqlglot.parse_one(statement, read="duckdb")
    target = parsed.find(exp.Table)   # the first table named: the one created or dropped
    if isinstance(parsed, exp.Drop) and target is not None:
        spark.catalog.dropTempView(target.name)
        return
    if not isinstance(parsed, exp.Create) or parsed.expression is None or target is None:
        raise ValueError(f"not a CREATE ... AS or DROP statement: {statement[:60]!r}")
    name = target.name
    frame = spark.sql(render(parsed.expression.sql(dialect="duckdb")))
    if parsed.kind == "TABLE":
        _computed_once(spark, name, frame, work_dir)
    else:
        frame.createOrReplaceTempView(name)


def match_pairs_on_spark(con: duckdb.DuckDBPyConnection, month: str, model: dict[str, Any], threshold: float,
                         thresholds: Thresholds, decisions: pd.DataFrame | None, address_similarity: float
                         ) -> tuple[dict[str, int], pd.DataFrame, pd.DataFrame]:
    """What the DuckDB path computes before the decisions, computed in Spark: (the counts of the work done; each
    source person's best probability before pruning; the pairs that can change a decision, with their conflict
    flags and family evidence, in match_month's order). Leaves the person views and exact matches on `con` as
    TEMP tables, as the DuckDB path does, and every source person's candidate households as HOUSEHOLD_HOMES."""
    with _work_folder(con) as work_dir:
        spark = spark_session(work_dir)
        try:
            register_spark_udfs(spark)
            _stage_to_spark(con, spark, month, work_dir)
            for statement in [*person_view_statements(month), exact_matches_statement(),
                              source_model_input_statement(EXACT_MATCHES)]:
                run_statement(spark, statement, work_dir)
            _return_tables(con, spark, month, work_dir)
            pairs_scored = _score_pairs(con, spark, model, threshold, work_dir)
            _computed_once(spark, "cf_month_pairs", spark.sql(render(conflicts_sql("cf_scored_pairs"))), work_dir)
            best = _to_duckdb(con, spark.sql("SELECT unique_id, max(match_probability) AS match_probability "
                                             "FROM cf_month_pairs GROUP BY unique_id"), "best", work_dir)
            reviewed = reviewed_pairs(con, decisions)["unique_id"].astype(str).unique()
            spark.createDataFrame([(person,) for person in reviewed], "unique_id string"
                                  ).createOrReplaceTempView("cf_reviewed_people")
            kept = f"({pairs_that_matter_sql('cf_month_pairs', 'cf_reviewed_people', model, thresholds)})"
            evidenced = _with_family_evidence(spark.sql(render(keyed_pairs_sql(kept))),
                                              model["probability_two_random_records_match"],
                                              thresholds.clerical_lower, namesakes_in_family(con))
            scored = _to_duckdb(con, evidenced, "scored", work_dir)
            # households for every source person (whether matched is decided later, in DuckDB): a person's
            # candidate households depend on nobody else, so household_candidates picks the unmatched ones'
            homes = work_dir / "tables" / HOUSEHOLD_HOMES
            spark.sql(render(household_homes_sql(SOURCE_PEOPLE, address_similarity))).write.parquet(str(homes))
            con.execute(f"CREATE OR REPLACE TEMP TABLE {HOUSEHOLD_HOMES} AS "
                        f"FROM read_parquet('{homes}/*.parquet')").fetchall()
        finally:
            spark.stop()
    return {"pairs_scored": int(pairs_scored), "pairs_from_cache": 0}, best, scored


def _computed_once(spark: SparkSession, name: str, frame: DataFrame, work_dir: Path) -> None:
    """`frame` written to Parquet and read back as the view `name`: what reads it twice does not compute it twice."""
    path = work_dir / "tables" / name
    frame.write.mode("overwrite").parquet(str(path))
    spark.read.parquet(str(path)).createOrReplaceTempView(name)


def _to_duckdb(con: duckdb.DuckDBPyConnection, frame: DataFrame, name: str, work_dir: Path) -> pd.DataFrame:
    """`frame` as pandas, through Parquet and DuckDB, in match_month's order (by source person, then Early Help
    person)."""
    path = work_dir / "results" / name
    frame.write.parquet(str(path))
    order = "unique_id, eh_person_id" if "eh_person_id" in frame.columns else "unique_id"
    return con.execute(f"FROM read_parquet('{path}/*.parquet') ORDER BY {order}").df()


def _with_family_evidence(pairs: DataFrame, model_prior: float, support_floor: float,
                          namesakes: pd.DataFrame) -> DataFrame:
    """family_evidence.with_family_evidence_of_households on `pairs` (with its PAIR_KEYS), in Spark: the pairs
    are grouped into buckets of whole source households (every rule works within one household), and each bucket
    runs the same pandas code as the DuckDB path, so the answers are the same by construction."""
    schema = StructType([column for column in pairs.schema.fields if column.name not in PAIR_KEYS]
                        + [StructField("reason", StringType())])

    def evidence(frame: pd.DataFrame) -> pd.DataFrame:
        return with_family_evidence_of_households(frame, model_prior, support_floor, namesakes)[schema.fieldNames()]

    # a bucket a call: many households to a pandas call (one call a household would cost more than the rules)
    buckets = 8 * pairs.sparkSession.sparkContext.defaultParallelism
    bucket = functions.pmod(functions.xxhash64("household_key"), functions.lit(buckets))
    return pairs.groupBy(bucket).applyInPandas(evidence, schema)


@contextmanager
def _work_folder(con: duckdb.DuckDBPyConnection) -> Iterator[Path]:
    """An owner-only folder beside the warehouse file (the data folder), removed afterwards whatever happens."""
    database = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
                           ).fetchall()[0][0]
    parent = Path(database).resolve().parent if database else Path(tempfile.gettempdir())   # in memory
    work_dir = parent / f"spark-work-{uuid.uuid4().hex[:12]}"
    work_dir.mkdir(mode=0o700)
    try:
        yield work_dir
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)


def _stage_to_spark(con: duckdb.DuckDBPyConnection, spark: SparkSession, month: str, work_dir: Path) -> None:
    """The staging rows the person views read (every month up to `month`), as Parquet views staging_<source>."""
    for source in source_names():
        path = work_dir / "staging" / f"{source}.parquet"
        path.parent.mkdir(mode=0o700, exist_ok=True)
        con.execute(f"COPY (SELECT * FROM staging.{source} WHERE month <= $month) TO '{path}' (FORMAT parquet)",
                    {"month": month}).fetchall()
        spark.read.parquet(str(path)).createOrReplaceTempView(f"staging_{source}")


def _return_tables(con: duckdb.DuckDBPyConnection, spark: SparkSession, month: str, work_dir: Path) -> None:
    """The people, rows and exact matches as TEMP tables on `con` (the pandas steps read them there), and the
    model inputs from them, as the DuckDB path builds them."""
    for name in _RETURNED:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM read_parquet('{work_dir}/tables/{name}/"
                    f"*.parquet') ORDER BY ALL").fetchall()
    con.execute(person_view_statements(month)[-1]).fetchall()   # the register's model input view
    con.execute(source_model_input_statement(EXACT_MATCHES)).fetchall()


def spark_model(model: dict[str, Any]) -> dict[str, Any]:
    """The saved model's Splink settings with its SQL (comparison levels, blocking rules) rendered for Spark."""
    rendered = copy.deepcopy(model)
    rendered["sql_dialect"] = "spark"
    for comparison in rendered["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level["sql_condition"].strip().upper() != "ELSE":
                level["sql_condition"] = render(level["sql_condition"])
    for rule in rendered["blocking_rules_to_generate_predictions"]:
        rule["blocking_rule"] = render(rule["blocking_rule"])
        rule["sql_dialect"] = "spark"
    return rendered


def _score_pairs(con: duckdb.DuckDBPyConnection, spark: SparkSession, model: dict[str, Any],
                 threshold: float, work_dir: Path) -> int:
    """matching.predict.score_pairs on Spark, for the register against the source people not matched exactly:
    the pairs (eh_person_id, unique_id, match_weight, match_probability, mw_*) in Parquet, left in Spark as the
    view cf_scored_pairs; returns how many blocked pairs were scored."""
    hashed = bool(model.get(TF_KEYS_HASHED))
    settings, term_frequencies = splink_settings(model)
    settings = {**spark_model(settings), "retain_intermediate_calculation_columns": True,
                "retain_matching_columns": False}
    db_api = SparkAPI(spark_session=spark, register_udfs_automatically=False)
    left = db_api.register(EH_MODEL_INPUT, dataset_display_name=EH_MODEL_INPUT)
    right = db_api.register(SOURCE_MODEL_INPUT, dataset_display_name=SOURCE_MODEL_INPUT)
    linker = Linker([left, right], settings, log_level=logging.WARNING)
    # The frozen term frequencies of the values present: looked up on the DuckDB side, which has the same people.
    for column, frequencies in (term_frequencies or {}).items():
        lookup = tf_lookup(con, column, frequencies, hashed, (EH_MODEL_INPUT, SOURCE_MODEL_INPUT))
        linker.table_management.register_term_frequency_lookup(db_api.register(lookup), column)
    blocked = linker.inference.compute_blocked_pairs_for_predict()
    pairs_scored = spark.sql(f"SELECT count(*) FROM {blocked.physical_name}").collect()[0][0]
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    weights = ", ".join(f"mw_{comparison['output_column_name']}" for comparison in settings["comparisons"])
    # Splink orders each pair by source_dataset: the register's person ('early_help', person_views.EH_PEOPLE)
    # goes on the left.
    _computed_once(spark, "cf_scored_pairs", spark.sql(f"""
        SELECT CASE WHEN source_dataset_l = 'early_help' THEN unique_id_l ELSE unique_id_r END AS eh_person_id,
               CASE WHEN source_dataset_l = 'early_help' THEN unique_id_r ELSE unique_id_l END AS unique_id,
               match_weight, match_probability, {weights}
        FROM {predictions.physical_name}
    """), work_dir)
    return int(pairs_scored)
