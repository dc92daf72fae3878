"""What the co-ordinator gets in Dagster: bounded partitions, a launch that waits on no model, the match-rate
check's wording, and the month page's summary."""

from __future__ import annotations

import dagster as dg
import pandas as pd
import pytest

from assets.matching import MATCH_RATE_CHECK, MATCHES_KEY, MODEL_KEY, _match_rate_check
from matching.quality_report import QualityFigures
from pipelines.definitions import build_definitions
from runtime.partitions import monthly_partitions_for, partition_months
from settings import DataDir, Settings
from warehouse.month_page import month_page_html, status_metadata


def _land(root, *months):
    for month in months:
        (root / "landing" / month).mkdir(parents=True)
        (root / "landing" / month / "police.csv").write_text("incident_ref\n", encoding="utf-8")


def test_partitions_run_from_the_first_month_to_the_latest_landed(tmp_path):
    paths = DataDir(tmp_path)
    assert partition_months(paths, Settings()) == ("2015-01", "2025-03")   # nothing landed: the programme's end
    _land(tmp_path, "2015-01", "2016-12", "2099-01")
    capped = Settings.model_validate({"period": {"last_month": "2020-03"}})
    assert partition_months(paths, capped) == ("2015-01", "2020-03")       # a month after the end is not a partition
    (tmp_path / "landing" / "2099-01" / "police.csv").unlink()
    keys = monthly_partitions_for(paths).get_partition_keys()
    assert keys[0] == "2015-01-01" and keys[-1] == "2016-12-01" and len(keys) == 24


def test_a_bad_period_is_a_settings_error():
    with pytest.raises(ValueError, match="period.first_month"):
        Settings.model_validate({"period": {"first_month": "2016-01", "last_month": "2015-12"}})


def test_matches_does_not_wait_on_the_model_and_its_check_is_per_partition(tmp_path):
    graph = build_definitions(DataDir(tmp_path)).resolve_asset_graph()
    assert MODEL_KEY not in graph.get(MATCHES_KEY).parent_keys
    spec = graph.get_check_spec(dg.AssetCheckKey(MATCHES_KEY, MATCH_RATE_CHECK))
    assert spec.partitions_def is not None
    for key in graph.get_all_asset_keys():
        description = graph.get(key).description or ""
        assert "<" not in description, f"{key.to_user_string()}: Markdown would swallow an angle-bracketed word"


def _figures(rates: list[tuple[str, str, float]]) -> QualityFigures:
    rows = []
    for month, source, matched in rates:
        rows += [(month, source, "auto-matched", matched * 100, matched), (month, source, "unmatched",
                                                                           (1 - matched) * 100, 1 - matched)]
    frame = pd.DataFrame(rows, columns=["month", "source", "outcome", "rows", "share"])
    empty = pd.DataFrame()
    return QualityFigures("2015-02", frame, empty, empty, empty, empty, {}, empty)


def test_match_rate_check_warns_in_plain_words_when_a_source_moves():
    settings = Settings()
    steady = _match_rate_check(_figures([("2015-01", "dwp", 0.40), ("2015-02", "dwp", 0.45)]), settings)
    assert steady.passed and steady.description == "Every source's match rate is within 10% of last month's."
    moved = _match_rate_check(_figures([("2015-01", "dwp", 0.40), ("2015-02", "dwp", 0.20),
                                        ("2015-01", "police", 0.5), ("2015-02", "police", 0.5)]), settings)
    assert not moved.passed and moved.severity == dg.AssetCheckSeverity.WARN
    assert moved.description == "Match rate moved more than 10% since last month: dwp 40.0% to 20.0%."
    first = _match_rate_check(_figures([("2015-02", "dwp", 0.4)]), settings)
    assert first.passed and first.description == "No previous month to compare with."


def test_month_page_summary_says_what_became_of_each_extract():
    status = pd.DataFrame([
        {"source": "early_help", "status": "arrived", "file": "early_help.csv", "rows_read": 10, "rows_loaded": 10,
         "rows_quarantined": 0, "duplicates_removed": 0},
        {"source": "dwp", "status": "carried forward from 2015-01", "file": "", "rows_read": 0, "rows_loaded": 0,
         "rows_quarantined": 0, "duplicates_removed": 0},
        {"source": "police", "status": "failed: blocking check failed, matching stopped", "file": "police.csv",
         "rows_read": 9, "rows_loaded": 1, "rows_quarantined": 8, "duplicates_removed": 0},
    ])
    metadata = status_metadata(status)
    assert (metadata["extracts_arrived"], metadata["extracts_carried_forward"], metadata["extracts_failed"],
            metadata["rows_quarantined"]) == (1, 1, 1, 8)
    page = month_page_html("2015-02", status, ["quarantine.csv", "load_summary.csv"])
    assert "<tr class='bad'><td>police</td>" in page and "href='load_summary.csv'" in page
    assert "<script src" not in page and "vegaEmbed" in page   # the chart scripts are inline, not fetched
