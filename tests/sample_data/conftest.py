"""Small generated towns shared by the sample-data tests (each takes a few seconds to generate)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import sample_data
from sample_data import MessRates, SourceMess

FAMILIES = 40
FIRST, LAST = "2015-07", "2016-07"  # 13 months: three school terms' files and more


def read_truth(out: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(out / "truth" / f"{name}.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="session")
def town(tmp_path_factory) -> tuple[Path, sample_data.GenerationSummary]:
    """The default mess and formats."""
    out = tmp_path_factory.mktemp("town")
    return out, sample_data.generate(out, FAMILIES, FIRST, LAST, seed=1)


@pytest.fixture(scope="session")
def messy_town(tmp_path_factory) -> tuple[Path, MessRates]:
    """Every kind of mess at 10% (the kinds only some people can have at 60%, quarantine kinds at 2%), so
    rates can be measured on a small town."""
    rates = {kind: 0.10 for kind in SourceMess.kinds()}
    rates.update({k: 0.6 for k in ("hyphen_variant", "apostrophe_variant", "surname_changed", "transliterated",
                                   "nickname", "moved_address")})
    rates.update({"bad_date": 0.02, "missing_key": 0.02, "invalid_enum": 0.02, "non_numeric": 0.02,
                  "duplicate_row": 0.03})
    rates = SourceMess(**rates)
    mess = MessRates.uniform(rates)
    out = tmp_path_factory.mktemp("messy")
    sample_data.generate(out, FAMILIES, "2015-10", "2016-04", seed=3, mess=mess)
    return out, mess
