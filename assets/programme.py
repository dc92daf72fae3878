"""The Outcomes Plan: eligibility with its evidence, attachment, progress, and the month's programme files."""


import dagster as dg

import programme
from programme.claims import claimed_before
from programme.reports import named_problems
from runtime.partitions import monthly_partitions
from runtime.resources import CfamStore
from settings import parse_month
from warehouse.outputs import write_programme_files


@dg.asset(
    key=["programme", "outcomes"],
    group_name="programme",
    kinds={"duckdb", "pandas"},
    partitions_def=monthly_partitions,
    deps=[dg.AssetKey(["matching", "matches"])],
    description="Each family flagged against the six headline problems as of the month's end, with the evidence "
                "behind every flag; attachment, significant and sustained progress, continuous employment; the "
                "drift list for lead professionals and the employment advisers' RAG list.",
)
def outcomes(context: dg.AssetExecutionContext, cfam: CfamStore) -> dg.MaterializeResult:
    month = parse_month(context.partition_key)
    plan = programme.load_plan(cfam.paths.config / "outcomes_plan.yaml")
    with cfam.warehouse() as con:
        # Families in the claims ledger of earlier months have left the programme.
        result = programme.run_month(con, month, plan, claimed=claimed_before(con, month))
    frames = {name: named_problems(getattr(result, name))
              for name in ("eligibility", "evidence", "progress", "drift", "employment_rag")}
    with cfam.month_files(month) as out:
        write_programme_files(out, month, frames)
    return dg.MaterializeResult(metadata=dict(result.stats))
