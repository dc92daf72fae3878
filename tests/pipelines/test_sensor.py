"""The landing sensor requests a month when its files arrive or change after it was switched on, never twice
for the same files, and never the months already there when it was switched on."""

import json
import os

import dagster as dg

from pipelines.sensors import landing_sensor
from runtime.resources import CfamStore


def _evaluate(data_dir, cursor=None):
    # The resource holds the run lock while a run executes, so it is a context manager: opened as the daemon does.
    with dg.build_sensor_context(cursor=cursor, resources={"cfam": CfamStore(data_dir=str(data_dir))}) as context:
        return landing_sensor(context)


def _land(root, month, name="police.csv", text="incident_ref,person_ref\n"):
    folder = root / "landing" / month
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


def test_switching_on_runs_nothing_already_landed(tmp_path):
    _land(tmp_path, "2015-01")
    _land(tmp_path, "2015-02", "dwp.csv", "nino\n")
    switched_on = _evaluate(tmp_path)
    assert switched_on.run_requests == []
    assert set(json.loads(switched_on.cursor)) == {"2015-01", "2015-02"}


def test_new_month_folder_requests_that_month_once(tmp_path):
    switched_on = _evaluate(tmp_path)
    _land(tmp_path, "2015-03")
    (tmp_path / "landing" / "notes").mkdir()  # not a month: ignored

    first = _evaluate(tmp_path, switched_on.cursor)
    assert [request.partition_key for request in first.run_requests] == ["2015-03-01"]

    again = _evaluate(tmp_path, first.cursor)
    assert again.run_requests == []


def test_resent_file_requests_the_month_again(tmp_path):
    extract = _land(tmp_path, "2015-03", "dwp.csv", "nino\n")
    first = _evaluate(tmp_path)
    assert first.run_requests == []

    extract.write_text("nino,forename\n", encoding="utf-8")
    os.utime(extract, (extract.stat().st_atime, extract.stat().st_mtime + 60))
    second = _evaluate(tmp_path, first.cursor)
    assert [request.partition_key for request in second.run_requests] == ["2015-03-01"]
    assert second.run_requests[0].run_key.startswith("2015-03:")


def test_a_month_outside_the_partitions_waits_for_a_reload(tmp_path):
    switched_on = _evaluate(tmp_path)
    _land(tmp_path, "2014-06")   # before the programme's first month
    result = _evaluate(tmp_path, switched_on.cursor)
    assert result.run_requests == []
    assert "2014-06" not in json.loads(result.cursor)


def test_empty_folder_and_partial_files_request_nothing(tmp_path):
    switched_on = _evaluate(tmp_path)
    month = tmp_path / "landing" / "2015-04"
    month.mkdir(parents=True)
    (month / ".police.csv.part").write_text("x", encoding="utf-8")
    assert _evaluate(tmp_path, switched_on.cursor).run_requests == []
