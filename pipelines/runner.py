"""Run months in-process through the same Dagster job the UI runs, recorded in the same instance."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import dagster as dg

from pipelines.instance import instance_for
from pipelines.partitions import partition_key
from settings import DataDir


# The event log goes to the instance (and the UI); the terminal gets the CLI's own summary.
QUIET = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}


@dataclass
class MonthRun:
    month: str
    success: bool
    seconds: float
    problems: list[str] = field(default_factory=list)      # which asset or check, and why; no personal data
    metadata: dict[str, dict] = field(default_factory=dict)  # asset path -> its materialisation metadata


def _metadata_values(metadata: dict) -> dict:
    return {key: getattr(value, "value", value) for key, value in metadata.items()}


def _problems(result: dg.ExecuteInProcessResult) -> list[str]:
    problems = []
    for evaluation in result.get_asset_check_evaluations():
        if not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.ERROR:
            problems.append(f"{evaluation.asset_key.to_user_string()}: blocking check failed: {evaluation.description}")
    for event in result.all_events:
        if event.event_type_value == "STEP_FAILURE":
            error = event.event_specific_data.error
            message = error.message.strip().splitlines()[-1] if error and error.message else "failed"
            problems.append(f"{event.step_key}: {message}")
        elif event.event_type_value == "STEP_SKIPPED":
            problems.append(f"{event.step_key}: skipped (an upstream asset or blocking check failed)")
    return problems


def run_month(paths: DataDir, month: str, instance: dg.DagsterInstance | None = None,
              carry_forward: bool = False) -> MonthRun:
    from pipelines.definitions import build_definitions  # the code location, bound to this data folder

    instance = instance or instance_for(paths)
    job = build_definitions(paths).resolve_job_def("monthly_pipeline")
    started = time.perf_counter()
    result = job.execute_in_process(partition_key=partition_key(month), instance=instance, raise_on_error=False,
                                    run_config=QUIET, tags={"cfam/started_by": "cli",
                                                            **({"cfam/carry_forward": "true"} if carry_forward else {})})
    metadata = {
        event.asset_key.to_user_string(): _metadata_values(event.materialization.metadata)
        for event in result.get_asset_materialization_events()
    }
    problems = _problems(result)
    return MonthRun(month, result.success and not problems, time.perf_counter() - started, problems, metadata)


def train_model(paths: DataDir) -> dg.ExecuteInProcessResult:
    from pipelines.definitions import build_definitions

    job = build_definitions(paths).resolve_job_def("train_person_model")
    return job.execute_in_process(instance=instance_for(paths), raise_on_error=False, run_config=QUIET)
