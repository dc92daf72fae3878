"""One asset per partner extract and the Early Help register, each with its validation suite as a check.

An extract asset reads `landing/<month>/<source>.csv|.xlsx`, quarantines what it cannot use and
replaces the month's rows in the warehouse; its great-expectations suite runs as a blocking check,
so a failed suite stops matching and the rules for that month and says why. A file that cannot be read at
all (empty, a column missing, not a CSV or XLSX, undecodable) or a stale snapshot fails the same check with a
one-line reason, rather than the step: the reason then shows on the check in the UI.
"""


import dagster as dg

from assets.month import write_month_page
from expectations import validate_month
from runtime.partitions import monthly_partitions
from runtime.resources import CfamStore
from settings import parse_month
from sources import registered_sources
from sources.ingest import SourceLoad, ingest_month, unrecognised_files, write_load_files
from sources.layouts import Source


def extract_key(source: str) -> dg.AssetKey:
    return dg.AssetKey(["staging", source])


CHECK_NAME = "meets_expectations"
# A run tag (Launchpad > Edit tags in the UI; `cfam run --carry-forward`): a month with no landing folder
# carries every snapshot forward instead of failing.
CARRY_FORWARD_TAG = "cfam/carry_forward"


def _failed_load_check(load: SourceLoad) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        check_name=CHECK_NAME, passed=False, severity=dg.AssetCheckSeverity.ERROR,
        description=f"not loaded: {load.note}",
        metadata={"source": load.source, "status": load.status, "reason": load.note or ""},
    )


def _build_extract_asset(declared: Source) -> dg.AssetsDefinition:
    source, key = declared.name, extract_key(declared.name)

    @dg.asset(
        key=key,
        group_name="extracts",
        kinds={"duckdb", "pandas"},
        partitions_def=monthly_partitions,
        check_specs=[dg.AssetCheckSpec(
            CHECK_NAME, asset=key, blocking=True, partitions_def=monthly_partitions,   # one result per month
            description=f"The great-expectations suite for {source}: columns, keys, allowed values, plausible "
                        "dates, postcode validity, quarantine share. A blocking failure stops the month's matching.",
        )],
        description=declared.description
        + " Rows that cannot be used go to quarantine with file, row, column and reason.",
    )
    def _extract(context: dg.AssetExecutionContext, cfam: CfamStore) -> dg.MaterializeResult:
        month = parse_month(context.partition_key)
        settings = cfam.settings()
        carry_forward = settings.loading.carry_forward or context.run.tags.get(CARRY_FORWARD_TAG) == "true"
        with cfam.warehouse() as con:
            load = ingest_month(con, cfam.paths, source, month, settings, carry_forward=carry_forward)
            with cfam.month_files(month) as out:
                write_load_files(con, cfam.paths, month, out=out)
        unrecognised = unrecognised_files(cfam.paths, month)
        if unrecognised:
            # Counted, not named: a hand-named file's name may hold personal data; load_summary.csv lists them.
            context.log.warning(f"landing/{month}: {len(unrecognised)} file(s) no source reads; "
                                "see load_summary.csv")
        if load.failed:
            context.log.error(f"{source} {month}: not loaded: {load.note}")
            write_month_page(cfam, month, failed={source: f"not loaded: {load.note}"})
            return dg.MaterializeResult(metadata=load.as_metadata(), check_results=[_failed_load_check(load)])
        if load.file is None:
            context.log.info(f"{source} {month}: no extract"
                             + (f"; using the snapshot of {load.used_from_month}" if load.used_from_month else ""))
        with cfam.warehouse() as con:
            suite = validate_month(con, source, month, rows_read=load.rows_read,
                                   rows_quarantined=load.rows_quarantined, settings=settings)
        check = dg.AssetCheckResult(
            check_name=CHECK_NAME,
            passed=suite.passed,
            severity=dg.AssetCheckSeverity.ERROR if suite.blocking_failures else dg.AssetCheckSeverity.WARN,
            description=suite.summary(),
            metadata=suite.as_metadata(),
        )
        if suite.blocking_failures:   # the month stops here: the status page says which extract and why
            write_month_page(cfam, month, failed={source: "blocking check failed, matching stopped"})
        return dg.MaterializeResult(metadata=load.as_metadata(), check_results=[check])

    return _extract


def build_extract_assets() -> list[dg.AssetsDefinition]:
    """One asset per registered source (sources/registry.py), in the registry's order."""
    return [_build_extract_asset(source) for source in registered_sources()]
