"""One run at a time per data folder: an OS file lock beside the warehouse, held for the whole run.

The kernel releases an `flock` when its process dies (SIGKILL, out of memory, a reboot), so a killed run can
never leave the data folder locked, as a Dagster pool slot can. CLI runs, UI runs, sensor and schedule runs
all take it (runtime/resources.py), so their writes never interleave. The lock file says which run holds
it (run id, process id, who started it: no personal data), so a waiting run can say whom it waits for, and
the next holder can tell that the previous one died.
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

POLL_SECONDS = 0.5  # a polling wait (not a blocking flock) so Ctrl-C stops a waiting run at once


def lock_path(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name + ".run-lock")


def _read_holder(fd: int) -> dict:
    text = os.pread(fd, 4096, 0).decode("utf-8", errors="replace").strip()
    try:
        holder = json.loads(text) if text else {}
    except json.JSONDecodeError:
        holder = {}
    return holder if isinstance(holder, dict) else {}


@contextmanager
def run_lock(path: Path, holder: dict[str, str], on_wait: Callable[[dict], None]) -> Iterator[dict]:
    """Hold the data folder's run lock; yield the previous holder's record (empty if none).

    When another process holds it, `on_wait(its record)` is called once and the lock is polled until free.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not told:
                    on_wait(_read_holder(fd))
                    told = True
                time.sleep(POLL_SECONDS)
        previous = _read_holder(fd)
        record = json.dumps(holder, sort_keys=True).encode("utf-8")
        os.ftruncate(fd, 0)
        os.pwrite(fd, record, 0)
        yield previous
    finally:
        os.close(fd)  # closing the last descriptor releases the lock


def holder_record(run_id: str, started_by: str) -> dict[str, str]:
    return {"run_id": run_id, "pid": str(os.getpid()), "started_by": started_by,
            "since": time.strftime("%Y-%m-%d %H:%M:%S")}


def waiting_message(holder: dict) -> str:
    """Whom a run waits for: run id, who started it, process and since when (no personal data)."""
    who = "another process" if not holder else (
        f"run {holder.get('run_id', '?')[:8]} (started by {holder.get('started_by', '?')}, "
        f"process {holder.get('pid', '?')}, since {holder.get('since', '?')})")
    return f"waiting for the data folder: {who} is using it"


def say_waiting(holder: dict) -> None:
    # the terminal line of a run that waits (`cfam run`, or the UI run worker's output): print is the interface
    print(f"cfam: {waiting_message(holder)}", file=sys.stderr, flush=True)  # noqa: T201
