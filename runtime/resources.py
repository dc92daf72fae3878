"""The one resource every asset uses: the data folder, its settings and its warehouse.

Executing a run, the resource holds the data folder's run lock from start to end (runtime/run_lock.py),
makes every file the run creates owner-only, and clears runs that a dead process left in progress.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

import warehouse
from programme import PlanError
from runtime.instance import fail_dead_runs, run_process_tags
from runtime.run_lock import (
    holder_record,
    lock_path,
    run_lock,
    say_waiting,
    waiting_message,
)
from settings import DataDir, Settings, SettingsError, load_settings
from sources.reading import ExtractError
from warehouse.db import WarehouseKeyError
from warehouse.files import month_files

# Errors the co-ordinator can act on: the step fails with their one-line message (no stack trace in the UI's
# headline); the trace stays in the event log for developers.
EXPECTED_ERRORS = (ExtractError, SettingsError, PlanError, WarehouseKeyError)
KILL_AT_VARIABLE = "CFAM_TEST_KILL_AT"


def one_line(error: BaseException) -> str:
    lines = [line.strip() for line in str(error).strip().splitlines() if line.strip()]
    return " ".join(lines) or type(error).__name__


def kill_point(name: str) -> None:
    """Test hook: with CFAM_TEST_KILL_AT=<name> the process SIGKILLs itself here, so the kill tests stop a
    real run at a known stage (tests/safety/test_killed_runs.py). Does nothing otherwise."""
    if os.environ.get(KILL_AT_VARIABLE) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def _current_asset() -> str:
    try:
        return dg.AssetExecutionContext.get().asset_key.to_user_string()
    except dg.DagsterInvariantViolationError:  # outside an asset's step (a sensor, a test): no name
        return ""


class CfamStore(dg.ConfigurableResource):
    """The council's data folder (`CFAM_DATA_DIR`): landing extracts, configuration, warehouse and outputs."""

    data_dir: str

    @property
    def paths(self) -> DataDir:
        return DataDir(Path(self.data_dir).resolve())

    def settings(self) -> Settings:
        return load_settings(self.paths.config)

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Iterator[CfamStore]:
        run = context.dagster_run
        if run is None or context.instance is None:  # a sensor or schedule evaluating: reads only
            yield self
            return
        os.umask(0o077)  # the warehouse, outputs and models hold personal data: owner-only
        context.instance.add_run_tags(run.run_id, run_process_tags())
        holder = holder_record(run.run_id, run.tags.get("cfam/started_by", "dagster"))

        def on_wait(other: dict) -> None:
            say_waiting(other)  # the terminal of `cfam run`, the run worker's output for a UI run
            if context.log:
                context.log.info(waiting_message(other))

        with run_lock(lock_path(self.paths.warehouse), holder, on_wait):
            fail_dead_runs(context.instance)
            yield self

    @contextmanager
    def warehouse(self) -> Iterator[duckdb.DuckDBPyConnection]:
        try:
            con = warehouse.connect(self.paths.warehouse, memory_limit=self.settings().duckdb_memory_limit)
            try:
                yield con
                kill_point(f"{_current_asset()}:warehouse-written")
            finally:
                con.close()
        except EXPECTED_ERRORS as error:
            raise dg.Failure(description=one_line(error)) from error

    @contextmanager
    def month_files(self, month: str) -> Iterator[Path]:
        """The month's output folder to write into, published whole when the block ends (warehouse.files)."""
        with month_files(self.paths.root / "output", month) as out:
            yield out
            kill_point(f"{_current_asset()}:files-written")
