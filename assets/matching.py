"""Person matching: the trained model (an artefact, trained by hand) and the month's matches."""



import dagster as dg

import matching
from assets.extracts import extract_key
from matching.model_in_force import ModelChoiceError, ModelInForce, model_in_force
from matching.quality_report import (
    QualityFigures,
    headline,
    match_quality_html,
    match_rate_changes,
)
from matching.review import queue_rows, read_reviews, review_context, review_sheet
from matching.train import load_model
from runtime.partitions import monthly_partitions
from runtime.resources import CfamStore
from settings import DataDir, Settings, parse_month
from sources import source_names
from warehouse import replace_month
from warehouse.files import write_text_atomic
from warehouse.outputs import write_match_files

MODEL_KEY = dg.AssetKey(["matching", "person_model"])
MATCHES_KEY = dg.AssetKey(["matching", "matches"])
MATCH_RATE_CHECK = "match_rate_steady"


def current_model(paths: DataDir, settings: Settings) -> ModelInForce:
    """The model in force: the setting `matching.model`, else the one `models/CURRENT` names, else the shipped one."""
    try:
        return model_in_force(paths.models, settings.matching.model)
    except ModelChoiceError as error:
        raise dg.Failure(description=str(error)) from None


@dg.asset(
    key=MODEL_KEY,
    group_name="matching",
    kinds={"splink", "duckdb"},
    description="The Splink person-matching model: u by random sampling, m by expectation maximisation, saved as "
                "versioned JSON in the data folder's `models/`. Unscheduled: retrain by hand (`cfam train`) when the "
                "data changes. Monthly runs do not depend on it: they predict with the newest saved model, or the "
                "one shipped with the project, so any month can be reproduced.",
)
def person_model(cfam: CfamStore) -> dg.MaterializeResult:
    with cfam.warehouse() as con:
        latest = con.execute("SELECT max(month) FROM staging.early_help").fetchall()[0][0]
        if latest is None:
            raise dg.Failure("No Early Help register is loaded yet: load a month before training.")
        path = matching.train_model(con, latest, cfam.paths.models, cfam.settings())
    return dg.MaterializeResult(metadata={"model_file": path.name, "trained_on_month": latest})


@dg.asset(
    key=MATCHES_KEY,
    group_name="matching",
    kinds={"splink", "duckdb"},
    partitions_def=monthly_partitions,
    owners=["team:senior-analyst"],
    check_specs=[dg.AssetCheckSpec(
        MATCH_RATE_CHECK, asset=MATCHES_KEY, partitions_def=monthly_partitions,
        description="Warns when a source's share of rows matched moves by more than the setting "
                    "matching.max_match_rate_change from the previous month: a changed extract layout or a "
                    "model that no longer fits.")],
    # No dependency on matching/person_model: monthly runs predict with the newest saved model (or the one
    # shipped), so a launch never waits on, or warns about, a model nobody has trained here.
    deps=[extract_key(source) for source in source_names()],
    description="Every extract row matched to an Early Help person (exact ids, then the newest saved Splink "
                "model), with the clerical review queue for borderline pairs. Writes `matches.csv`, "
                "`clerical_review.xlsx` and `.csv`, and `match_quality.html` in `output/YYYY-MM/`. The "
                "senior analyst's decisions saved in `review/YYYY-MM/` override the model in later runs.",
)
def matches(context: dg.AssetExecutionContext, cfam: CfamStore) -> dg.MaterializeResult:
    month = parse_month(context.partition_key)
    settings = cfam.settings()
    chosen = current_model(cfam.paths, settings)
    model_path = chosen.path
    version, model = load_model(model_path)
    out = cfam.paths.output(month)
    with cfam.warehouse() as con:
        reviews = read_reviews(cfam.paths.root / "review", month, *review_context(con, month))
        for problem in reviews.problems:   # file, row and column only: never a cell's content
            context.log.warning(f"review file refused: {problem}")
        result = matching.match_month(con, month, settings, model_path=model_path, decisions=reviews.for_matching())
        sheet = review_sheet(result.clerical_queue, result.matches, model)
        replace_month(con, "matching.matches", month, result.matches)
        replace_month(con, "matching.review_queue", month, queue_rows(sheet, month))
        replace_month(con, "matching.review_decisions", month, reviews.decisions.assign(month=month))
        page, figures = match_quality_html(con, month, settings, model, version, result.thresholds)
    with cfam.month_files(month) as staging:
        write_match_files(staging, result.matches, sheet)
        write_text_atomic(page, staging / "match_quality.html")
    # The headline first (match rates, queue, decisions): the asset page lists metadata in this order.
    return dg.MaterializeResult(check_results=[_match_rate_check(figures, settings)], metadata={
        **headline(figures),
        "review_files_read": reviews.files_read, "review_files_refused": reviews.files_refused,
        "match_quality": dg.MetadataValue.path(str(out / "match_quality.html")),
        "clerical_review": dg.MetadataValue.path(str(out / "clerical_review.xlsx")),
        "model": version, "model_chosen_by": chosen.chosen_by, **result.stats,
    })



def _match_rate_check(figures: QualityFigures, settings: Settings) -> dg.AssetCheckResult:
    changes = match_rate_changes(figures)
    limit = settings.matching.max_match_rate_change
    moved = changes[changes["change"].abs() > limit]
    if changes.empty:
        wording = "No previous month to compare with."
    elif moved.empty:
        wording = f"Every source's match rate is within {limit:.0%} of last month's."
    else:
        wording = "Match rate moved more than {:.0%} since last month: {}.".format(limit, "; ".join(
            f"{row.source} {row.previous:.1%} to {row.now:.1%}" for row in moved.itertuples()))
    return dg.AssetCheckResult(
        check_name=MATCH_RATE_CHECK, passed=moved.empty, severity=dg.AssetCheckSeverity.WARN, description=wording,
        metadata={f"change_{row.source}": round(float(row.change), 4) for row in changes.itertuples()})
