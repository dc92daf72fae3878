"""The run lock: one run per data folder, released by the kernel when its holder dies, and runs a dead
process left in progress marked failed."""

import json
import os
import signal
import subprocess
import sys
import time

import dagster as dg

from runtime.instance import HOST_TAG, PID_TAG, fail_dead_runs, run_process_tags
from runtime.run_lock import holder_record, run_lock, waiting_message

HOLD = """
import sys, time
from pathlib import Path
from runtime.run_lock import holder_record, run_lock
with run_lock(Path(sys.argv[1]), holder_record("run-abcdef12", "cli"), lambda other: None):
    print("held", flush=True)
    time.sleep(60)
"""


def _holder_process(lock):
    process = subprocess.Popen([sys.executable, "-c", HOLD, str(lock)], stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "held"
    return process


def test_a_waiting_run_says_whom_it_waits_for_and_gets_the_lock_when_the_holder_is_killed(tmp_path):
    lock = tmp_path / "warehouse" / "cfam.duckdb.run-lock"
    holder = _holder_process(lock)
    waited_for = []

    def kill_the_holder(other):
        waited_for.append(other)
        holder.send_signal(signal.SIGKILL)  # as out-of-memory or a reboot would

    started = time.monotonic()
    with run_lock(lock, holder_record("run-2", "cli"), kill_the_holder):
        assert time.monotonic() - started < 10
        assert json.loads(lock.read_text())["run_id"] == "run-2"
    holder.wait()
    assert holder.returncode == -signal.SIGKILL
    assert [other["run_id"] for other in waited_for] == ["run-abcdef12"]
    assert waited_for[0]["pid"] == str(holder.pid)
    assert "run run-abcd (started by cli, process" in waiting_message(waited_for[0])


def test_the_lock_is_free_again_once_released(tmp_path):
    lock = tmp_path / "run-lock"
    with run_lock(lock, holder_record("a", "cli"), lambda other: None) as previous:
        assert previous == {}
    def must_not_wait(other):
        raise AssertionError(f"waited for a released lock held by {other}")

    with run_lock(lock, holder_record("b", "cli"), must_not_wait) as previous:
        assert previous["run_id"] == "a"


def _dead_pid() -> int:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    return dead.pid


def _started_run(instance: dg.DagsterInstance, tags: dict[str, str], worker_pid: int | None = None) -> str:
    """A run in STARTED, with `tags`; `worker_pid` is reported as Dagster's run worker reports its own."""
    from dagster._core.events import EngineEventData  # what dagster's own run worker reports its pid with

    run = instance.create_run_for_job(dg.GraphDefinition("g").to_job(), tags=tags)
    if worker_pid is not None:
        instance.report_engine_event(f"Started process for run (pid: {worker_pid}).", run,
                                     EngineEventData.in_process(worker_pid))
    instance.handle_run_event(run.run_id, dg.DagsterEvent(
        event_type_value="PIPELINE_START", job_name=run.job_name, message="started"))
    return run.run_id


def test_runs_a_dead_process_left_started_are_marked_failed_and_live_ones_kept(tmp_path):
    instance = dg.DagsterInstance.ephemeral()
    dead_pid = _dead_pid()

    dead_run = _started_run(instance, {PID_TAG: str(dead_pid), HOST_TAG: run_process_tags()[HOST_TAG]})
    live_run = _started_run(instance, run_process_tags())  # this very process
    other_host = _started_run(instance, {PID_TAG: str(dead_pid), HOST_TAG: "another-machine"})
    assert instance.get_run_by_id(dead_run).status == dg.DagsterRunStatus.STARTED

    assert fail_dead_runs(instance) == [dead_run]
    assert instance.get_run_by_id(dead_run).status == dg.DagsterRunStatus.FAILURE
    assert instance.get_run_by_id(live_run).status == dg.DagsterRunStatus.STARTED
    assert instance.get_run_by_id(other_host).status == dg.DagsterRunStatus.STARTED


def test_a_ui_run_killed_before_its_resources_tagged_it_is_found_by_its_workers_pid_event(tmp_path):
    """A run worker the UI launched reports "Started process for run (pid: N)" before anything else; killed before
    the resource adds the pid tag, the run would otherwise stay STARTED for ever."""
    instance = dg.DagsterInstance.ephemeral()
    ui = {"dagster/from_ui": "true"}
    killed = _started_run(instance, ui, worker_pid=_dead_pid())
    running = _started_run(instance, ui, worker_pid=os.getpid())
    unknown = _started_run(instance, ui)

    assert fail_dead_runs(instance) == [killed]
    assert instance.get_run_by_id(killed).status == dg.DagsterRunStatus.FAILURE
    assert instance.get_run_by_id(running).status == dg.DagsterRunStatus.STARTED
    assert instance.get_run_by_id(unknown).status == dg.DagsterRunStatus.STARTED   # no pid: nothing to judge by
