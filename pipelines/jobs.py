"""The monthly job: every partitioned asset for one month, in order, in one process."""

import dagster as dg

monthly_job = dg.define_asset_job(
    "monthly_pipeline",
    selection=dg.AssetSelection.groups("extracts", "matching", "programme", "returns", "reports")
    - dg.AssetSelection.keys(dg.AssetKey(["matching", "person_model"])),
    description="Load, validate and standardise the month's extracts, match people, apply the Outcomes Plan "
                "and write the month's files.",
)

train_model_job = dg.define_asset_job(
    "train_person_model",
    selection=dg.AssetSelection.keys(dg.AssetKey(["matching", "person_model"])),
    description="Retrain the Splink person-matching model on the warehouse (by hand, not scheduled).",
)
