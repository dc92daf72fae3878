"""Nothing silently dropped (issue 7, item 4) and rows purged under each source's retention (item 8)."""

import pandas as pd
import pytest
import yaml

import warehouse
from settings import DataDir, Settings, SettingsError, load_settings
from sources.ingest import ingest_month, write_load_files
from tests.sources.test_ingest import (
    DWP_HEADER,
    DWP_ROW,
    POLICE_HEADER,
    POLICE_ROWS,
    _land,
)


def _summary(paths: DataDir, month: str) -> pd.DataFrame:
    return pd.read_csv(paths.output(month) / "load_summary.csv", dtype=str, keep_default_na=False)


def test_a_month_without_a_landing_folder_fails_unless_snapshots_are_carried_forward(tmp_path):
    paths = DataDir(tmp_path)
    _land(paths, "2015-04", "dwp", DWP_HEADER + DWP_ROW)
    con = warehouse.connect(paths.warehouse)
    ingest_month(con, paths, "dwp", "2015-04", Settings())

    missing = ingest_month(con, paths, "dwp", "2015-05", Settings())
    assert missing.failed and missing.note.startswith("landing/2015-05: no landing folder for the month")
    assert "\n" not in missing.note

    carried = ingest_month(con, paths, "dwp", "2015-05", Settings(), carry_forward=True)
    assert (carried.status, carried.used_from_month) == ("carried forward", "2015-04")
    setting = Settings.model_validate({"loading": {"carry_forward": True}})
    assert ingest_month(con, paths, "police", "2015-05", setting).status == "no extract"


def test_a_snapshot_older_than_the_setting_fails(tmp_path):
    paths = DataDir(tmp_path)
    _land(paths, "2015-04", "dwp", DWP_HEADER + DWP_ROW)
    con = warehouse.connect(paths.warehouse)
    ingest_month(con, paths, "dwp", "2015-04", Settings())
    for month in ("2015-06", "2015-07"):
        paths.landing_month(month).mkdir()
    assert ingest_month(con, paths, "dwp", "2015-06", Settings()).status == "carried forward"  # 2 months: allowed
    stale = ingest_month(con, paths, "dwp", "2015-07", Settings())
    assert stale.failed and stale.note == "latest snapshot is 2015-04, 3 months old; maximum 2"
    relaxed = Settings.model_validate({"loading": {"max_snapshot_age_months": 6}})
    assert not ingest_month(con, paths, "dwp", "2015-07", relaxed).failed


def test_unrecognised_and_duplicate_files_are_in_the_load_summary(tmp_path):
    paths = DataDir(tmp_path)
    folder = paths.landing_month("2015-02")
    folder.mkdir(parents=True)
    (folder / "Police 2015-02.CSV").write_text(POLICE_HEADER + POLICE_ROWS[0], encoding="utf-8")
    (folder / "dwp.csv").write_text(DWP_HEADER + DWP_ROW.replace("29/04/2015", "29/01/2015"), encoding="utf-8")
    (folder / "DWP_2015-02.xlsx").write_bytes(b"not a workbook")
    (folder / "housing benefit.csv").write_text("x", encoding="utf-8")
    con = warehouse.connect(paths.warehouse)
    police = ingest_month(con, paths, "police", "2015-02", Settings())
    dwp = ingest_month(con, paths, "dwp", "2015-02", Settings())
    write_load_files(con, paths, "2015-02")

    assert (police.file, police.rows_loaded) == ("Police 2015-02.CSV", 1)
    assert dwp.failed and dwp.note == "DWP_2015-02.xlsx, dwp.csv: more than one dwp extract; keep one"
    summary = _summary(paths, "2015-02").set_index("file")
    assert summary.loc["housing benefit.csv", ["source", "status"]].tolist() == ["", "not read"]
    assert summary.loc["housing benefit.csv", "note"].startswith("not the name of an extract")
    assert summary.loc["DWP_2015-02.xlsx, dwp.csv", ["source", "status"]].tolist() == ["dwp", "failed"]


def test_a_file_that_fails_replaces_what_the_month_held(tmp_path):
    paths = DataDir(tmp_path)
    _land(paths, "2015-02", "police", POLICE_HEADER + "".join(POLICE_ROWS))
    con = warehouse.connect(paths.warehouse)
    assert ingest_month(con, paths, "police", "2015-02", Settings()).rows_loaded == 2
    _land(paths, "2015-02", "police", "")
    failed = ingest_month(con, paths, "police", "2015-02", Settings())
    assert (failed.status, failed.file, failed.note) == ("failed", "police.csv", "police.csv: the file is empty")
    for table in ("staging.police", "raw.extract_rows", "ops.quarantine"):
        assert con.execute(f"SELECT count(*) FROM {table}").fetchall() == [(0,)], table


def test_rows_older_than_the_retention_are_purged_and_the_summary_says_so(tmp_path):
    paths = DataDir(tmp_path)
    settings = Settings.model_validate({"loading": {"retention_months": {"police": 2}}})
    con = warehouse.connect(paths.warehouse)
    for month in ("2015-01", "2015-02"):
        _land(paths, month, "police", POLICE_HEADER + "".join(POLICE_ROWS))
        assert ingest_month(con, paths, "police", month, settings).rows_purged == 0
        ingest_month(con, paths, "dwp", month, settings)  # no retention for DWP: kept for good
    _land(paths, "2015-03", "police", POLICE_HEADER + POLICE_ROWS[0])
    load = ingest_month(con, paths, "police", "2015-03", settings)
    write_load_files(con, paths, "2015-03")

    assert load.rows_purged == 4  # the four rows read in 2015-01
    assert _summary(paths, "2015-03").set_index("source").loc["police", "rows_purged"] == "4"
    for table in ("staging.police", "raw.extract_rows", "ops.quarantine"):
        months = con.execute(f"SELECT DISTINCT month FROM {table} WHERE source_file LIKE 'police%' "
                             "ORDER BY month").fetchall()
        assert months in ([("2015-02",), ("2015-03",)], [("2015-02",)]), table  # quarantine: 2015-03 had none
    assert con.execute("SELECT count(*) FROM ops.load_summary WHERE source = 'dwp'").fetchall() == [(2,)]


def test_a_retention_setting_naming_no_month_is_a_clear_error(tmp_path):
    (tmp_path / "settings.yaml").write_text(yaml.safe_dump({"loading": {"retention_months": {"police": 0}}}),
                                            encoding="utf-8")
    with pytest.raises(SettingsError, match="at least 1 month"):
        load_settings(tmp_path)


def test_a_retention_setting_naming_no_registered_source_stops_every_load(tmp_path):
    """settings/ sits below sources/, so the names are checked against the registry when a load starts."""
    paths = DataDir(tmp_path)
    _land(paths, "2015-01", "police", POLICE_HEADER + POLICE_ROWS[0])
    settings = Settings.model_validate({"loading": {"retention_months": {"polic": 72}}})
    with pytest.raises(SettingsError, match="retention_months: unknown source polic"):
        ingest_month(warehouse.connect(paths.warehouse), paths, "police", "2015-01", settings)
