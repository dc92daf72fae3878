"""The Dagster instance under the data folder, shared by `cfam` and `dagster dev`, so runs started from the
command line show in the UI."""

from __future__ import annotations

import os

import dagster as dg

from settings import DataDir

# One run at a time (one DuckDB writer); no telemetry: the install never calls out.
INSTANCE_YAML = """\
concurrency:
  runs:
    max_concurrent_runs: 1
  pools:
    default_limit: 1
telemetry:
  enabled: false
"""


def prepare_dagster_home(paths: DataDir) -> str:
    home = paths.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text(INSTANCE_YAML, encoding="utf-8")
    os.environ["DAGSTER_HOME"] = str(home)
    return str(home)


def instance_for(paths: DataDir) -> dg.DagsterInstance:
    prepare_dagster_home(paths)
    return dg.DagsterInstance.get()
