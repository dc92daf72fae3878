"""Processes that open a new data folder's Dagster instance at once (a `cfam run` and the UI's run worker, say)
leave every one of its SQLite databases stamped with one schema version, so the instance opens afterwards.
Without the lock in `prepare_dagster_home` two processes can both stamp a database, and every later
`DagsterInstance.get()` fails with "more than one head present"."""

import sqlite3
import subprocess
import sys
import time

import dagster as dg

from runtime.instance import prepare_dagster_home
from settings import DataDir

# Each process waits for the same moment, prepares the data folder's instance and opens it.
OPEN_AT_ONCE = """
import sys, time
from pathlib import Path
import dagster as dg
from runtime.instance import prepare_dagster_home
from settings import DataDir
start = float(sys.argv[2])
while time.time() < start:
    time.sleep(0.001)
prepare_dagster_home(DataDir(Path(sys.argv[1])))
with dg.DagsterInstance.get():
    pass
"""


def test_processes_opening_a_new_instance_at_once_stamp_each_database_once(tmp_path, monkeypatch):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)   # the processes find the instance in the data folder
    start = time.time() + 8  # past every process's imports
    processes = [subprocess.Popen([sys.executable, "-c", OPEN_AT_ONCE, str(tmp_path), str(start)],
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                 for _ in range(4)]
    outputs = [p.communicate(timeout=120)[0] for p in processes]
    assert [p.returncode for p in processes] == [0, 0, 0, 0], "\n".join(outputs)

    databases = sorted((tmp_path / "dagster").rglob("*.db"))
    assert len(databases) >= 3  # runs, event log index, schedules
    for database in databases:
        with sqlite3.connect(database) as con:
            assert con.execute("SELECT count(*) FROM alembic_version").fetchone() == (1,), database.name
    monkeypatch.setenv("DAGSTER_HOME", prepare_dagster_home(DataDir(tmp_path)))
    with dg.DagsterInstance.get() as instance:
        assert instance.get_runs() == []
