"""The landing sensor requests a month when its files arrive or change, and never twice for the same files."""

import os

import dagster as dg

from pipelines.resources import CfamStore
from pipelines.sensors import landing_sensor


def _evaluate(data_dir, cursor=None):
    # The resource holds the run lock while a run executes, so it is a context manager: opened as the daemon does.
    with dg.build_sensor_context(cursor=cursor, resources={"cfam": CfamStore(data_dir=str(data_dir))}) as context:
        return landing_sensor(context)


def test_new_month_folder_requests_that_month_once(tmp_path):
    month = tmp_path / "landing" / "2015-03"
    month.mkdir(parents=True)
    (month / "police.csv").write_text("incident_ref,person_ref\n", encoding="utf-8")
    (tmp_path / "landing" / "notes").mkdir()  # not a month: ignored

    first = _evaluate(tmp_path)
    assert [request.partition_key for request in first.run_requests] == ["2015-03-01"]

    again = _evaluate(tmp_path, first.cursor)
    assert again.run_requests == []


def test_resent_file_requests_the_month_again(tmp_path):
    month = tmp_path / "landing" / "2015-03"
    month.mkdir(parents=True)
    extract = month / "dwp.csv"
    extract.write_text("nino\n", encoding="utf-8")
    first = _evaluate(tmp_path)

    extract.write_text("nino,forename\n", encoding="utf-8")
    os.utime(extract, (extract.stat().st_atime, extract.stat().st_mtime + 60))
    second = _evaluate(tmp_path, first.cursor)
    assert [request.partition_key for request in second.run_requests] == ["2015-03-01"]
    assert second.run_requests[0].run_key != first.run_requests[0].run_key


def test_empty_folder_and_partial_files_request_nothing(tmp_path):
    month = tmp_path / "landing" / "2015-04"
    month.mkdir(parents=True)
    (month / ".police.csv.part").write_text("x", encoding="utf-8")
    assert _evaluate(tmp_path).run_requests == []
