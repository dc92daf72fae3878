"""No personal data outside the outputs that need it: months of a sample town, with a broken extract, a
value in the wrong column, a file that is not CSV and a killed run, leave no forename, surname, date of
birth, NINO, UPN or postcode of the truth in the CLI's output, the Dagster event log (every event's message,
metadata and error), run tags, asset metadata or exception messages."""

import json
import re
import signal

import dagster as dg
import pytest
from dagster._serdes import serialize_value

import sample_data
from tests.safety.conftest import personal_data, run_cfam

MONTHS = ("2015-01", "2015-03")


def _break_extracts(root):
    landing = root / "landing"
    # A required column missing, the file otherwise full of names.
    police = (landing / "2015-02" / "police.csv").read_text(encoding="utf-8").splitlines()
    header = police[0].split(",")
    drop = header.index("incident_ref")
    (landing / "2015-02" / "police.csv").write_text(
        "\n".join(",".join(cell for n, cell in enumerate(line.split(",")) if n != drop) for line in police) + "\n",
        encoding="utf-8")
    # Names where dates belong: the quarantine reason must not echo the value.
    lines = (landing / "2015-01" / "police.csv").read_text(encoding="utf-8").splitlines()
    columns = lines[0].split(",")
    broken = []
    for line in lines[1:6]:
        cells = line.split(",")
        forename = cells[columns.index("forename")].strip()
        cells[columns.index("date_of_birth")] = forename
        cells[columns.index("incident_date")] = forename
        broken.append(",".join(cells))
    (landing / "2015-01" / "police.csv").write_text("\n".join([lines[0], *broken, *lines[6:]]) + "\n",
                                                    encoding="utf-8")
    # Bytes that are not a CSV at all.
    (landing / "2015-03" / "cross_keys_homes.csv").write_bytes(b"\xff\xfe\x00PK\x03\x04" + bytes(range(256)) * 8)


def _hits(text, values):
    found = {}
    for kind, items in values.items():
        for item in items:
            if re.search(rf"(?<![\w/-]){re.escape(item)}(?![\w/-])", text):
                found.setdefault(kind, set()).add(item)
    return found


@pytest.mark.slow
def test_no_personal_data_in_output_logs_event_log_tags_or_metadata(tmp_path, monkeypatch):
    sample_data.generate(tmp_path, 25, *MONTHS, seed=13)
    values = personal_data(tmp_path)
    assert all(values.values()), {kind: len(items) for kind, items in values.items()}
    _break_extracts(tmp_path)

    printed = []
    for month in ("2015-01", "2015-02"):
        result = run_cfam(tmp_path, "run", "--month", month)
        printed.append(result.stdout + result.stderr)
    assert "2015-02  FAILED" in printed[-1]
    killed = run_cfam(tmp_path, "run", "--month", "2015-03",
                      env={"CFAM_TEST_KILL_AT": "staging/police:warehouse-written"})
    assert killed.returncode == -signal.SIGKILL
    printed.append(killed.stdout + killed.stderr)
    rerun = run_cfam(tmp_path, "run", "--month", "2015-03")
    printed.append(rerun.stdout + rerun.stderr)

    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))
    recorded = []
    with dg.DagsterInstance.get() as instance:
        runs = instance.get_runs()
        assert len(runs) == 4
        for run in runs:
            recorded.append(json.dumps(run.tags, sort_keys=True))
            recorded.extend(serialize_value(entry) for entry in instance.all_logs(run.run_id))
        event_types = {json.loads(entry)["dagster_event"]["event_type_value"]
                       for entry in recorded if entry.startswith("{") and '"dagster_event": {' in entry}
    # The scan saw what it must: failures with their errors, materialisations with metadata, check results.
    assert {"STEP_FAILURE", "ASSET_MATERIALIZATION", "ASSET_CHECK_EVALUATION", "PIPELINE_FAILURE"} <= event_types

    # The scan finds every kind where it is: the extracts themselves.
    extracts = "\n".join(path.read_text(encoding="utf-8", errors="replace")
                         for path in sorted((tmp_path / "landing").rglob("*.csv")))
    assert sorted(_hits(extracts, values)) == sorted(values)

    assert _hits("\n".join(printed), values) == {}
    assert _hits("\n".join(recorded), values) == {}
