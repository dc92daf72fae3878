"""Person matching: the trained model (an artefact, trained by hand) and the month's matches."""


from pathlib import Path

import dagster as dg

import matching
from assets.extracts import extract_key
from pipelines.partitions import monthly_partitions
from pipelines.resources import CfamStore
from settings import DataDir, parse_month
from sources import SOURCES
from warehouse import replace_month
from warehouse.outputs import write_match_files

MODEL_KEY = dg.AssetKey(["matching", "person_model"])


def current_model(paths: DataDir) -> Path:
    """The newest model trained for this council, else the model shipped with the project."""
    trained = sorted(paths.models.glob("person-model-*.json"))
    return trained[-1] if trained else matching.SHIPPED_MODEL


@dg.asset(
    key=MODEL_KEY,
    group_name="matching",
    kinds={"splink", "duckdb"},
    description="The Splink person-matching model: u by random sampling, m by expectation maximisation, saved as "
                "versioned JSON in <data>/models. Unscheduled: retrain by hand when the data changes; monthly runs "
                "predict with the newest saved model so any month can be reproduced.",
)
def person_model(cfam: CfamStore) -> dg.MaterializeResult:
    with cfam.warehouse() as con:
        latest = con.execute("SELECT max(month) FROM staging.early_help").fetchall()[0][0]
        if latest is None:
            raise dg.Failure("No Early Help register is loaded yet: load a month before training.")
        path = matching.train_model(con, latest, cfam.paths.models, cfam.settings())
    return dg.MaterializeResult(metadata={"model_file": path.name, "trained_on_month": latest})


@dg.asset(
    key=["matching", "matches"],
    group_name="matching",
    kinds={"splink", "duckdb"},
    partitions_def=monthly_partitions,
    deps=[*(extract_key(source) for source in SOURCES), MODEL_KEY],
    description="Every extract row matched to an Early Help person (exact ids, then the Splink model), with the "
                "clerical review queue for borderline pairs. The senior analyst's decisions in "
                "review/<YYYY-MM>/decisions.csv override the model in later runs.",
)
def matches(context: dg.AssetExecutionContext, cfam: CfamStore) -> dg.MaterializeResult:
    month = parse_month(context.partition_key)
    model_path = current_model(cfam.paths)
    decisions = matching.read_decisions(cfam.paths.root / "review", month)
    with cfam.warehouse() as con:
        result = matching.match_month(con, month, cfam.settings(), model_path=model_path, decisions=decisions)
        replace_month(con, "matching.matches", month, result.matches)
    with cfam.month_files(month) as out:
        write_match_files(out, result.matches, result.clerical_queue)
    return dg.MaterializeResult(metadata={"model": model_path.name, **result.stats})
