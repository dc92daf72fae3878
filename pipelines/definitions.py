"""The code location: `dagster dev -w workspace.yaml` and `cfam run` both load these definitions."""

import dagster as dg

from assets.extracts import build_extract_assets
from assets.matching import matches, person_model
from assets.month import month_status_page
from assets.programme import outcomes
from assets.returns import returns_assets, returns_checks
from pipelines.jobs import monthly_job, train_model_job
from pipelines.schedules import monthly_schedule
from pipelines.sensors import landing_sensor
from runtime.resources import CfamStore
from settings import DataDir


def build_definitions(paths: DataDir) -> dg.Definitions:
    return dg.Definitions(
        assets=[*build_extract_assets(), person_model, matches, outcomes, *returns_assets, month_status_page],
        asset_checks=returns_checks,
        jobs=[monthly_job, train_model_job],
        schedules=[monthly_schedule],
        sensors=[landing_sensor],
        resources={"cfam": CfamStore(data_dir=str(paths.root))},
        # One process per run: the warehouse is one DuckDB file with one writer.
        executor=dg.in_process_executor,
    )


defs = build_definitions(DataDir.from_env())
