"""Run `rules.Check`s through great-expectations 1.x on an in-memory pandas frame.

Import this module lazily: great-expectations takes ~10 s to import. The ephemeral context (in memory,
no files, analytics off, progress bars off) is built once per process and reused.
"""

from __future__ import annotations

import os
import sys
import threading
from dataclasses import dataclass

# Before GX is imported: the project must never call the network.
os.environ["GX_ANALYTICS_ENABLED"] = "false"
# GX probes for Spark Connect. pyspark (installed for the Spark backend) takes a process started with
# `python -c` (Dagster's run workers are) for its own doctests and calls sys.exit(0) when that probe imports
# pyspark.sql.connect. A None entry in sys.modules makes that import an ImportError, which GX expects: Spark
# Connect is not used here. The entry is removed once GX is imported, so the Spark backend imports as usual.
_SPARK_CONNECT = "pyspark.sql.connect"
_blocked = _SPARK_CONNECT not in sys.modules
if _blocked:
    sys.modules[_SPARK_CONNECT] = None  # type: ignore[assignment]
try:
    import great_expectations as gx  # noqa: E402
finally:
    if _blocked and sys.modules.get(_SPARK_CONNECT, 0) is None:
        del sys.modules[_SPARK_CONNECT]
import great_expectations.expectations as gxe  # noqa: E402
import pandas as pd  # noqa: E402
from great_expectations.core.batch_definition import BatchDefinition  # noqa: E402
from great_expectations.data_context.types.base import (  # noqa: E402
    DataContextConfig,
    InMemoryStoreBackendDefaults,
    ProgressBarsConfig,
)
from great_expectations.expectations.row_conditions import Column  # noqa: E402

from expectations.rules import Check  # noqa: E402

# SUMMARY with no partial list keeps counts and drops every unexpected value (BASIC would keep 20 of them).
RESULT_FORMAT = {"result_format": "SUMMARY", "partial_unexpected_count": 0}

_lock = threading.Lock()
_batch_definition: BatchDefinition | None = None


@dataclass(frozen=True)
class CheckResult:
    """What GX reported for one check, reduced to counts (and, for the column check, column names)."""

    check: Check
    success: bool
    evaluated: bool          # False when GX raised (e.g. the column is missing)
    element_count: int
    unexpected_count: int
    missing_columns: tuple[str, ...] = ()


def _context_batch_definition() -> BatchDefinition:
    """The one whole-dataframe batch definition of the process's ephemeral context."""
    global _batch_definition
    with _lock:
        if _batch_definition is None:
            config = DataContextConfig(
                analytics_enabled=False,
                progress_bars=ProgressBarsConfig(globally=False),
                store_backend_defaults=InMemoryStoreBackendDefaults(),
            )
            context = gx.get_context(mode="ephemeral", project_config=config)
            asset = context.data_sources.add_pandas("staged_extracts").add_dataframe_asset("staged_frame")
            _batch_definition = asset.add_batch_definition_whole_dataframe("whole_frame")
        return _batch_definition


def _expectation(check: Check, index: int) -> gxe.Expectation:
    arguments = dict(check.arguments)
    if check.column is not None:
        arguments["column"] = check.column
    if check.only_where_present is not None:
        arguments["row_condition"] = Column(check.only_where_present).is_not_null()
    return getattr(gxe, check.expectation)(**arguments, meta={"check_index": index})


def _raised(exception_info: dict | None) -> bool:
    """GX reports an exception either at the top level or keyed by each metric that raised."""
    if not exception_info:
        return False
    if "raised_exception" in exception_info:
        return bool(exception_info["raised_exception"])
    return any(isinstance(info, dict) and info.get("raised_exception") for info in exception_info.values())


def run_checks(frame: pd.DataFrame, checks: list[Check], suite_name: str) -> list[CheckResult]:
    """Validate `frame` against `checks`; results come back in the order of `checks`."""
    suite = gx.ExpectationSuite(name=suite_name, expectations=[_expectation(c, i) for i, c in enumerate(checks)])
    batch = _context_batch_definition().get_batch(batch_parameters={"dataframe": frame})
    validation = batch.validate(suite, result_format=RESULT_FORMAT)
    results: list[CheckResult | None] = [None] * len(checks)
    for result in validation.results:  # GX does not keep the suite's order
        if result.expectation_config is None or not result.expectation_config.meta:
            raise RuntimeError("GX returned a validation result without the expectation it checked")
        index = result.expectation_config.meta["check_index"]
        details = result.result or {}
        missing = details.get("details", {}).get("mismatched", {}).get("missing", [])
        results[index] = CheckResult(
            check=checks[index],
            success=bool(result.success),
            evaluated=not _raised(result.exception_info),
            element_count=int(details.get("element_count") or 0),
            unexpected_count=int(details.get("unexpected_count") or 0),
            missing_columns=tuple(sorted(missing)),
        )
    return [result for result in results if result is not None]
