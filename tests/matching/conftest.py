"""Sample data for the matching tests: generated once per session, loaded with the real loaders."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pytest

import matching
from benchmarks.evaluate import load_landing, read_truth
from sample_data import generate
from settings import Settings, months_between
from warehouse import connect

FIRST_MONTH, LAST_MONTH = "2016-01", "2016-12"
FAMILIES = 500
SEED = 5   # not the seed the shipped model was trained on: the tests measure a model on data it has not seen


@dataclass(frozen=True)
class SampleWarehouse:
    con: duckdb.DuckDBPyConnection
    root: Path
    links: pd.DataFrame
    hard_negatives: pd.DataFrame

    def match(self, month: str, decisions: pd.DataFrame | None = None) -> matching.MatchResult:
        return matching.match_month(self.con, month, Settings(), model_path=matching.SHIPPED_MODEL,
                                    decisions=decisions)

    def register(self, month: str) -> set[str]:
        """Early Help person ids on the register as of `month` (the latest snapshot up to it)."""
        return {row[0] for row in self.con.execute(
            "SELECT person_id FROM staging.early_help WHERE month = "
            "(SELECT max(month) FROM staging.early_help WHERE month <= ?)", [month]).fetchall()}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test on the generated sample (a year of a 500-family town, loaded) is slow: `make test-fast` skips it."""
    here = Path(__file__).parent
    for item in items:
        if item.path.is_relative_to(here) and "sample" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def sample(tmp_path_factory: pytest.TempPathFactory) -> SampleWarehouse:
    root = tmp_path_factory.mktemp("matching_sample")
    generate(root, FAMILIES, FIRST_MONTH, LAST_MONTH, seed=SEED)
    con = connect(root / "warehouse.duckdb")
    load_landing(con, root / "landing", months_between(FIRST_MONTH, LAST_MONTH))
    links, hard_negatives = read_truth(root / "truth")
    yield SampleWarehouse(con, root, links, hard_negatives)
    con.close()


@pytest.fixture(scope="session")
def last_month_result(sample: SampleWarehouse) -> matching.MatchResult:
    return sample.match(LAST_MONTH)
