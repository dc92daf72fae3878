"""The month's status page, written last: it lists every file the month's assets wrote."""

import dagster as dg

from runtime.partitions import monthly_partitions
from runtime.resources import CfamStore
from settings import parse_month
from sources import source_names
from warehouse.files import write_text_atomic
from warehouse.month_page import (
    listed_files,
    month_page_html,
    month_status,
    status_metadata,
)

MONTH_PAGE_KEY = dg.AssetKey(["reports", "month_status"])


def write_month_page(cfam: CfamStore, month: str, failed: dict[str, str] | None = None) -> dict:
    """Write `output/YYYY-MM/index.html` from the warehouse and the files present; return its metadata."""
    out = cfam.paths.output(month)
    with cfam.warehouse() as con:
        status = month_status(con, month, source_names(), failed)
    with cfam.month_files(month) as staging:
        write_text_atomic(month_page_html(month, status, listed_files(staging)), staging / "index.html")
    return {**status_metadata(status), "month_page": dg.MetadataValue.path(str(out / "index.html"))}


@dg.asset(
    key=MONTH_PAGE_KEY,
    group_name="reports",
    kinds={"html"},
    partitions_def=monthly_partitions,
    owners=["team:co-ordinator"],
    deps=[dg.AssetKey(["returns", "files"])],  # the last of the month's files, so the page lists them all
    description="The month at a glance, `output/YYYY-MM/index.html`: which extracts arrived, were carried "
                "forward, failed or were quarantined in part, with links to every file of the month.",
)
def month_status_page(context: dg.AssetExecutionContext, cfam: CfamStore) -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata=write_month_page(cfam, parse_month(context.partition_key)))
