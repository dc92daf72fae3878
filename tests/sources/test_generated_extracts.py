"""The readers on a generated town: they quarantine exactly the rows the generator spoiled, remove exactly the
repeated rows, and load every row the ground truth links to a person."""

import pandas as pd
import pytest

import sample_data
from settings import months_between
from sources import find_extract, load_extract, source_names

FIRST, LAST = "2015-11", "2016-01"  # a December term file, so all five sources appear


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    root = tmp_path_factory.mktemp("generated")
    sample_data.generate(root, 60, FIRST, LAST, seed=11)
    results = [load_extract(path, source, month)
               for month in months_between(FIRST, LAST) for source in source_names()
               if (path := find_extract(root / "landing" / month, source))]
    messy = pd.read_csv(root / "truth" / "messy.csv", dtype=str, keep_default_na=False)
    links = pd.read_csv(root / "truth" / "links.csv", dtype=str, keep_default_na=False)
    return results, messy, links


def _row_set(frame: pd.DataFrame) -> set[tuple[str, str, int]]:
    return {(row.source, row.month, int(row.row_number)) for row in frame.itertuples()}


def test_quarantined_rows_are_exactly_the_spoiled_ones(loaded):
    results, messy, _ = loaded
    quarantined = pd.concat([result.quarantine for result in results])
    assert _row_set(quarantined) == _row_set(messy[messy["expected"] == "quarantine"])
    assert len(quarantined) > 0


def test_repeated_rows_are_removed_not_quarantined(loaded):
    results, messy, _ = loaded
    raw = pd.concat([result.raw for result in results])
    assert _row_set(raw[raw["outcome"] == "duplicate"]) == _row_set(messy[messy["expected"] == "duplicate"])
    assert sum(result.duplicates_removed for result in results) == (messy["expected"] == "duplicate").sum()


def test_every_linked_row_is_loaded_with_the_same_key(loaded):
    results, _, links = loaded
    staged = {(result.source, key) for result in results for key in result.staged["row_key"]}
    truth = set(zip(links["source"], links["row_key"], strict=True))
    assert truth <= staged
