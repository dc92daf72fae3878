"""A run killed (SIGKILL: as out-of-memory or a reboot would) in each stage leaves the pipeline usable: the
next run does not wait, marks the dead run failed, cleans the half-written files and gives the same
warehouse and byte-identical files as a run never interrupted. Also: two runs of the same month at once,
one from `cfam`, one as the UI's run worker executes it, finish one after the other with the same result."""

import json
import os
import shutil
import signal
import subprocess
import sys

import dagster as dg
import pandas as pd
import pytest

import sample_data
from runtime.instance import prepare_dagster_home
from runtime.partitions import partition_key
from settings import DataDir
from tests.safety.conftest import (
    cfam,
    leftovers,
    month_files,
    run_cfam,
    warehouse_tables,
)

MONTH = "2015-04"  # a month with a school term file, so every source lands


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    """A sample town's landing folder, and the warehouse and files of one uninterrupted run of MONTH."""
    root = tmp_path_factory.mktemp("uninterrupted")
    sample_data.generate(root, 25, "2015-03", MONTH, seed=5)
    shutil.rmtree(root / "landing" / "2015-03")
    result = run_cfam(root, "run", "--month", MONTH)
    assert result.returncode == 0, result.stdout + result.stderr
    return root, warehouse_tables(root / "warehouse" / "cfam.duckdb", MONTH), month_files(root, MONTH)


def _fresh_folder(tmp_path, uninterrupted):
    root, _, _ = uninterrupted
    shutil.copytree(root / "landing", tmp_path / "landing")
    return tmp_path


def _assert_same_as_uninterrupted(root, uninterrupted):
    _, tables, files = uninterrupted
    again = warehouse_tables(root / "warehouse" / "cfam.duckdb", MONTH)
    assert sorted(again) == sorted(tables)
    for table, frame in tables.items():
        pd.testing.assert_frame_equal(again[table], frame, check_dtype=False, obj=table)
    written = month_files(root, MONTH)
    assert sorted(written) == sorted(files)
    assert [name for name in files if written[name] != files[name]] == []
    assert leftovers(root) == []


def _runs(root, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(root / "dagster"))
    with dg.DagsterInstance.get() as instance:
        return sorted(instance.get_runs(), key=lambda run: run.run_id)


@pytest.mark.slow
@pytest.mark.parametrize("stage, kill_at", [
    ("loading", "staging/police:warehouse-written"),
    ("matching", "matching/matches:warehouse-written"),
    ("rules", "programme/outcomes:warehouse-written"),
    ("writing files", "programme/outcomes:files-written"),
])
def test_a_run_killed_in_each_stage_reruns_to_the_same_warehouse_and_files(
        stage, kill_at, tmp_path, uninterrupted, monkeypatch):
    root = _fresh_folder(tmp_path, uninterrupted)
    killed = run_cfam(root, "run", "--month", MONTH, env={"CFAM_TEST_KILL_AT": kill_at})
    assert killed.returncode == -signal.SIGKILL, killed.stdout + killed.stderr
    [dead] = _runs(root, monkeypatch)
    assert dead.status == dg.DagsterRunStatus.STARTED  # the kill left it so
    if stage == "writing files":
        assert leftovers(root)  # the half-written set, never published

    rerun = run_cfam(root, "run", "--month", MONTH)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert "waiting" not in rerun.stderr
    _assert_same_as_uninterrupted(root, uninterrupted)
    statuses = {run.run_id: run.status for run in _runs(root, monkeypatch)}
    assert statuses[dead.run_id] == dg.DagsterRunStatus.FAILURE
    assert sorted(statuses.values(), key=str) == sorted(
        [dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.SUCCESS], key=str)


@pytest.mark.slow
def test_a_cli_run_and_a_ui_run_of_the_same_month_at_once_never_interleave(tmp_path, uninterrupted, monkeypatch):
    root = _fresh_folder(tmp_path, uninterrupted)
    monkeypatch.setenv("DAGSTER_HOME", str(root / "dagster"))
    prepare_dagster_home(DataDir(root))
    # The UI's run worker executes the job from the code location in its own process, as `dagster job
    # execute` does; the partition goes in the run's tags.
    ui_run = subprocess.Popen(
        [sys.executable, "-m", "dagster", "job", "execute", "-m", "pipelines.definitions", "-j", "monthly_pipeline",
         "--tags", json.dumps({"dagster/partition": partition_key(MONTH)})],
        env={**os.environ, "CFAM_DATA_DIR": str(root), "DAGSTER_HOME": str(root / "dagster")},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    cli_run = cfam(root, "run", "--month", MONTH)
    cli_out, cli_err = cli_run.communicate(timeout=600)
    ui_out, _ = ui_run.communicate(timeout=600)
    assert cli_run.returncode == 0, cli_out + cli_err
    assert ui_run.returncode == 0, ui_out
    # One of them waited for the other, and said whom it waited for.
    assert "waiting for the data folder: run " in cli_err + ui_out
    _assert_same_as_uninterrupted(root, uninterrupted)
    runs = _runs(root, monkeypatch)
    assert [run.status for run in runs] == [dg.DagsterRunStatus.SUCCESS] * 2
    assert sorted(run.tags.get("cfam/started_by", "ui") for run in runs) == ["cli", "ui"]
