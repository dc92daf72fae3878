"""The Dagster instance under the data folder, shared by `cfam` and `dagster dev`, so runs started from the
command line show in the UI."""

from __future__ import annotations

import fcntl
import os
import socket

import dagster as dg

from settings import DataDir

# One run at a time in the UI's queue; the run lock (runtime/run_lock.py), not a Dagster pool, keeps CLI
# and UI runs from interleaving, since a pool slot held by a killed run is never given back. No telemetry.
INSTANCE_YAML = """\
concurrency:
  runs:
    max_concurrent_runs: 1
telemetry:
  enabled: false
"""

PID_TAG = "cfam/pid"
HOST_TAG = "cfam/host"
STORAGE_CREATED = ".storage-created"  # written once the instance's databases exist


def prepare_dagster_home(paths: DataDir) -> str:
    """Write the instance's config and create its storage once, under a lock.

    Dagster creates its SQLite databases on first use and stamps each with its schema version. Two processes
    doing that at once (a `cfam run` and the UI's run worker on a new data folder) can both stamp one database,
    and every later instance then refuses to open it ("more than one head present"). So the storage is created
    here, by one process at a time, before any run can start."""
    home = paths.dagster_home
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(home, 0o700)  # the event log holds run history: owner-only like the rest of the data folder
    fd = os.open(home / ".prepare-lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # released by the kernel if this process dies
        config = home / "dagster.yaml"
        if not config.exists():
            config.write_text(INSTANCE_YAML, encoding="utf-8")
        if not (home / STORAGE_CREATED).exists():
            with dg.DagsterInstance.from_config(str(home)):
                pass  # opening the instance creates and stamps the run, event log and schedule databases
            (home / STORAGE_CREATED).touch(mode=0o600)
    finally:
        os.close(fd)
    os.environ["DAGSTER_HOME"] = str(home)
    return str(home)


def instance_for(paths: DataDir) -> dg.DagsterInstance:
    prepare_dagster_home(paths)
    return dg.DagsterInstance.get()


def run_process_tags() -> dict[str, str]:
    """Which process executes a run, so a later run can tell when it died."""
    return {PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def fail_dead_runs(instance: dg.DagsterInstance) -> list[str]:
    """Mark failed every run left in progress by a process of this machine that has died (killed, out of
    memory, a reboot), so the UI's queue and history never wait on it. Returns their run ids."""
    host = socket.gethostname()
    in_progress = [dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.CANCELING]
    failed = []
    for run in instance.get_runs(filters=dg.RunsFilter(statuses=in_progress)):
        pid, pid_host = run.tags.get(PID_TAG), run.tags.get(HOST_TAG)
        if pid is None:   # killed before its resources tagged it: the run worker's own first event names its pid
            pid, pid_host = _worker_pid(instance, run.run_id), host
        if pid and pid.isdigit() and pid_host == host and not _alive(int(pid)):
            instance.report_run_failed(
                run, message=f"The process running this run (pid {pid}) died; marked failed by a later run.")
            failed.append(run.run_id)
    return failed


def _worker_pid(instance: dg.DagsterInstance, run_id: str) -> str | None:
    """The pid in "Started process for run (pid: N)", the engine event a UI-launched run worker (DefaultRunLauncher,
    on this machine: the instance is the data folder's) reports before it executes anything."""
    for record in instance.all_logs(run_id, of_type=dg.DagsterEventType.ENGINE_EVENT):
        event = record.dagster_event
        data = event.engine_event_data if event is not None else None
        pid = data.metadata.get("pid") if data is not None else None
        if pid is not None:
            return str(getattr(pid, "value", pid))
    return None
