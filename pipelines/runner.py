"""Run months in-process through the same Dagster job the UI runs, recorded in the same instance."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import dagster as dg

from runtime.instance import fail_dead_runs, instance_for, run_process_tags
from runtime.partitions import partition_key
from settings import DataDir

# The event log (stack traces included) goes to the instance and the UI; the terminal gets only the CLI's own
# summary, one line per problem.
QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


@dataclass
class MonthRun:
    month: str
    success: bool
    seconds: float
    problems: list[str] = field(default_factory=list)      # which asset or check, and why; no personal data
    metadata: dict[str, dict] = field(default_factory=dict)  # asset path -> its materialisation metadata


def _metadata_values(metadata: dict) -> dict:
    return {key: getattr(value, "value", value) for key, value in metadata.items()}


def failure_reason(event: dg.DagsterEvent) -> str:
    """A failed step's root cause in one line: a `dg.Failure`'s description, else the innermost exception's
    own message (not Dagster's "Error occurred while executing op" wrapper, nor the stack trace)."""
    data = event.step_failure_data
    if data.user_failure_data is not None and data.user_failure_data.description:
        return " ".join(data.user_failure_data.description.split())
    error = data.error
    while error is not None and error.cause is not None:
        error = error.cause
    if error is None or not error.message.strip():
        return "failed"
    return " ".join(error.message.split())


def _problems(result: dg.ExecuteInProcessResult) -> list[str]:
    problems = []
    for evaluation in result.get_asset_check_evaluations():
        if not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.ERROR:
            problems.append(f"{evaluation.asset_key.to_user_string()}: blocking check failed: {evaluation.description}")
    for event in result.all_events:
        error = event.event_specific_data.error if event.event_type_value == "STEP_FAILURE" else None
        if error is not None and error.cls_name == "DagsterAssetCheckFailedError":
            continue   # the failed blocking check above already says why, in one line
        if event.event_type_value == "STEP_FAILURE":
            problems.append(f"{_asset_name(event.step_key)}: {failure_reason(event)}")
        elif event.event_type_value == "STEP_SKIPPED":
            problems.append(f"{_asset_name(event.step_key)}: skipped (an upstream asset or blocking check failed)")
    return problems


def _asset_name(step_key: str | None) -> str:
    """`staging__police` → `staging/police`, as the UI and the rest of the summary name assets."""
    return (step_key or "?").replace("__", "/")


def run_month(paths: DataDir, month: str, instance: dg.DagsterInstance | None = None,
              carry_forward: bool = False) -> MonthRun:
    # The code location, bound to this data folder.
    from pipelines.definitions import build_definitions

    instance = instance or instance_for(paths)
    fail_dead_runs(instance)
    job = build_definitions(paths).resolve_job_def("monthly_pipeline")
    started = time.perf_counter()
    run_tags = {"cfam/started_by": "cli", **run_process_tags(),
                **({"cfam/carry_forward": "true"} if carry_forward else {})}
    result = job.execute_in_process(partition_key=partition_key(month), instance=instance, raise_on_error=False,
                                    run_config=QUIET, tags=run_tags)
    metadata = {
        event.asset_key.to_user_string(): _metadata_values(event.materialization.metadata)
        for event in result.get_asset_materialization_events()
    }
    problems = _problems(result)
    return MonthRun(month, result.success and not problems, time.perf_counter() - started, problems, metadata)


def train_model(paths: DataDir) -> dg.ExecuteInProcessResult:
    from pipelines.definitions import build_definitions

    job = build_definitions(paths).resolve_job_def("train_person_model")
    return job.execute_in_process(instance=instance_for(paths), raise_on_error=False, run_config=QUIET,
                                  tags={"cfam/started_by": "cli", **run_process_tags()})
