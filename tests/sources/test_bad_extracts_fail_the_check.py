"""A file that breaks the contract fails its source's blocking check with a one-line reason: the asset never
raises the reading error, so the reason is on the check in the UI rather than in a stack trace (issue 7,
item 2). Dagster itself then stops the step, as for any failed blocking check, so nothing downstream runs."""

import codecs
import logging

import dagster as dg
import pandas as pd
import pytest

from assets.extracts import CARRY_FORWARD_TAG, build_extract_assets, extract_key
from runtime.resources import CfamStore
from settings import DataDir
from tests.sources.builders import row, write_csv

MONTH = "2015-03"
HEADER = ",".join(row("police"))
LINE = ",".join(str(value) for value in row("police").values())


def _materialise(paths: DataDir, source: str, month: str = MONTH, tags: dict | None = None,
                 instance: dg.DagsterInstance | None = None):
    asset = next(asset for asset in build_extract_assets() if extract_key(source) in asset.keys)
    return dg.materialize([asset], partition_key=f"{month}-01", resources={"cfam": CfamStore(data_dir=str(paths.root))},
                          instance=instance or dg.DagsterInstance.ephemeral(), raise_on_error=False, tags=tags)


def _check(result) -> dg.AssetCheckEvaluation:
    (evaluation,) = result.get_asset_check_evaluations()
    return evaluation


def _step_failures(result) -> list[str]:
    return [event.event_specific_data.error.cls_name for event in result.all_events
            if event.event_type_value == "STEP_FAILURE"]


def _land(paths: DataDir, name: str, data: bytes, month: str = MONTH) -> None:
    folder = paths.landing_month(month)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)


BAD_FILES = {
    "empty file": ("police.csv", b"", "police.csv: the file is empty"),
    "missing column": ("police.csv", (HEADER.replace("incident_ref,", "") + "\n" + LINE.split(",", 1)[1]).encode(),
                       "police.csv, column 'incident_ref': required column is missing"),
    "wrong delimiter": ("police.csv", (HEADER.replace(",", ";") + "\n" + LINE.replace(",", ";")).encode(),
                        ("police.csv, column 'incident_ref': required column is missing (the header is one column: "
                         "is the file separated by commas?)")),
    "undecodable bytes": ("police.csv", (HEADER + "\n" + LINE + "\n").encode() + b"INC2,PR2,\x81\x8d\n",
                          "police.csv, row 2: cannot be decoded as cp1252"),
    "xlsx that is not one": ("police.xlsx", (HEADER + "\n" + LINE).encode(),
                             "police.xlsx: not an XLSX workbook (a CSV or an old .xls file renamed?): BadZipFile"),
    "utf-16": ("Police.csv", codecs.BOM_UTF16_LE + (HEADER + "\n" + LINE).encode("utf-16-le"),
               "Police.csv: the file is UTF-16 text; save it as CSV UTF-8 (or Windows-1252)"),
    "two candidate files": ("police 2015-03.xlsx", b"x",
                            "police 2015-03.xlsx, police.csv: more than one police extract; keep one"),
}


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_a_bad_file_fails_the_blocking_check_with_one_line(tmp_path, kind):
    paths = DataDir(tmp_path)
    name, data, reason = BAD_FILES[kind]
    if kind == "two candidate files":
        write_csv(paths.landing_month(MONTH).mkdir(parents=True) or paths.landing_month(MONTH) / "police.csv",
                  [row("police")])
    _land(paths, name, data)
    result = _materialise(paths, "police")

    check = _check(result)
    assert not check.passed and check.severity == dg.AssetCheckSeverity.ERROR
    assert check.description == f"not loaded: {reason}"
    assert "\n" not in check.description and "O'Neill" not in check.description
    assert _step_failures(result) == ["DagsterAssetCheckFailedError"]  # never the ExtractError's traceback
    summary = pd.read_csv(paths.output(MONTH) / "load_summary.csv", dtype=str, keep_default_na=False)
    assert summary[["source", "status", "note"]].values.tolist() == [["police", "failed", reason]]


def test_no_landing_folder_fails_every_source_unless_carried_forward(tmp_path):
    paths = DataDir(tmp_path)
    write_csv(paths.landing_month("2015-02").mkdir(parents=True) or paths.landing_month("2015-02") / "DWP.csv",
              [row("dwp")])
    assert _check(_materialise(paths, "dwp", "2015-02")).passed

    missing = _check(_materialise(paths, "dwp"))
    assert not missing.passed and "landing/2015-03: no landing folder for the month" in missing.description

    carried = _materialise(paths, "dwp", tags={CARRY_FORWARD_TAG: "true"})
    assert _check(carried).passed
    (materialisation,) = carried.get_asset_materialization_events()
    assert materialisation.materialization.metadata["used_from_month"].value == "2015-02"


def test_unrecognised_files_warn_the_coordinator_and_are_listed(tmp_path):
    paths = DataDir(tmp_path)
    write_csv(paths.landing_month(MONTH).mkdir(parents=True) or paths.landing_month(MONTH) / "police.csv",
              [row("police")])
    _land(paths, "Smith family notes.docx", b"x")
    instance = dg.DagsterInstance.ephemeral()
    result = _materialise(paths, "police", instance=instance)
    assert _check(result).passed
    logs = [(entry.level, entry.user_message) for entry in instance.all_logs(result.run_id)]
    assert (logging.WARNING, "landing/2015-03: 1 file(s) no source reads; see load_summary.csv") in logs
    assert not any("Smith" in message for _, message in logs)  # a hand-written name may be personal data
    summary = pd.read_csv(paths.output(MONTH) / "load_summary.csv", dtype=str, keep_default_na=False)
    assert summary.set_index("file").loc["Smith family notes.docx", "status"] == "not read"
