"""Tests never see the checkout's own data folder, and the longest test files start first, so that on `make
test`'s two workers none of them is left running alone at the end (pytest-xdist hands out files in collection
order)."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

import pytest

# The monthly partitions are bounded when `runtime.partitions` is imported, by the months landed in the data
# folder. Without this, `make test` after `make demo` would see the demo's ./data, whose latest landed month
# would cap the partitions, and every test of a later month would fail with an unknown partition. Set here,
# before any test module imports the assets.
os.environ["CFAM_DATA_DIR"] = tempfile.mkdtemp(prefix="cfam-tests-data-")
atexit.register(shutil.rmtree, os.environ["CFAM_DATA_DIR"], ignore_errors=True)

# Slowest first, from `make test --durations` on a fresh clone; the rest keep their order.
LONGEST_FIRST = (
    "returns/test_pipeline.py",
    "matching/test_spark_backend.py",
    "safety/test_killed_runs.py",
    "programme/test_end_to_end.py",
)


def _rank(item: pytest.Item) -> int:
    path = item.path.as_posix()
    return next((rank for rank, name in enumerate(LONGEST_FIRST) if path.endswith(name)), len(LONGEST_FIRST))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=_rank)   # a stable sort: the order within each file, and of the other files, is kept
