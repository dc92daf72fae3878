"""The benchmark's peers reach plausible figures on the sample town: a peer scoring near zero is a set-up fault."""

from __future__ import annotations

import pytest

from benchmarks import matching as benchmark
from benchmarks.evaluate import accuracy, f1, true_pairs

from .conftest import LAST_MONTH

pytestmark = pytest.mark.slow


def _f1(sample, matches) -> float:
    truth = true_pairs(sample.links, LAST_MONTH, sample.register(LAST_MONTH))
    scores = accuracy(matches, truth)
    correct, found, true = scores["auto_correct"].sum(), scores["auto_pairs"].sum(), scores["true_pairs"].sum()
    return f1(correct / found, correct / true)


def test_recordlinkage_as_its_documentation_shows_reaches_f1_above_0_85(sample):
    assert benchmark.MONTH == LAST_MONTH
    matches, figures = benchmark.run_recordlinkage(sample.con)
    assert figures["pairs_scored"] > len(matches)
    assert _f1(sample, matches) > 0.85


def test_plain_splink_reaches_f1_above_0_9(sample):
    matches, _ = benchmark.run_splink_plain(sample.con)
    assert _f1(sample, matches) > 0.9
