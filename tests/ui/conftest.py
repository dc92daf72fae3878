"""A small generated town run through the real Dagster job for two months: the files each user opens."""

from __future__ import annotations

from dataclasses import dataclass

import dagster as dg
import pytest

import sample_data
from pipelines.runner import MonthRun, run_month
from settings import DataDir

FIRST, LAST = "2015-01", "2015-02"


@dataclass
class Town:
    paths: DataDir
    instance: dg.DagsterInstance
    runs: dict[str, MonthRun]

    def run(self, month: str) -> MonthRun:
        result = run_month(self.paths, month, self.instance)
        assert result.success, result.problems
        self.runs[month] = result
        return result


@pytest.fixture(scope="session")
def town(tmp_path_factory: pytest.TempPathFactory) -> Town:
    root = tmp_path_factory.mktemp("ui_town")
    sample_data.generate(root, 150, FIRST, LAST, seed=3)
    town = Town(DataDir(root), dg.DagsterInstance.ephemeral(), {})
    for month in (FIRST, LAST):
        town.run(month)
    return town
