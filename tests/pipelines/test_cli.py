"""`cfam` exit statuses: 2 for bad arguments or configuration, before anything runs."""

import dagster as dg
import pytest

from pipelines.cli import main


@pytest.mark.parametrize("argv", [
    ["run", "--month", "2015-13"],
    ["run", "--months", "2016-01:2015-01"],
    ["run", "--months", "2015-01"],
    ["run", "--month", "2014-12"],
    ["generate", "--out", "x", "--families", "0", "--months", "2015-01:2015-02"],
    ["frobnicate"],
])
def test_bad_arguments_exit_2(argv, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CFAM_DATA_DIR", str(tmp_path))
    assert main(argv) == 2


def test_bad_settings_exit_2_naming_the_setting(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CFAM_DATA_DIR", str(tmp_path))
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "settings.yaml").write_text(
        "matching:\n  auto_match_probability: 0.4\n  clerical_lower_probability: 0.6\n", encoding="utf-8")
    assert main(["run", "--month", "2015-01"]) == 2
    assert "clerical_lower_probability" in capsys.readouterr().err


def test_a_retention_setting_naming_no_registered_source_exits_2(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CFAM_DATA_DIR", str(tmp_path))
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "settings.yaml").write_text("loading:\n  retention_months:\n    polic: 72\n",
                                                       encoding="utf-8")
    assert main(["run", "--month", "2015-01"]) == 2
    assert "retention_months: unknown source polic" in capsys.readouterr().err


def test_bad_outcomes_plan_exits_2(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CFAM_DATA_DIR", str(tmp_path))
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "outcomes_plan.yaml").write_text("no_such_setting: 3\n", encoding="utf-8")
    assert main(["run", "--month", "2015-01"]) == 2
    assert "outcomes_plan.yaml" in capsys.readouterr().err


def test_a_month_not_yet_begun_is_a_usage_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CFAM_DATA_DIR", str(tmp_path))
    assert main(["run", "--month", "2030-01"]) == 2
    assert main(["run", "--months", "2026-01:2031-12"]) == 2
    err = capsys.readouterr().err
    assert "2030-01 has not begun yet" in err and "Traceback" not in err
    assert not (tmp_path / "warehouse").exists()


@pytest.mark.slow
def test_a_failed_asset_is_one_line_naming_the_asset_and_the_cause(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CFAM_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))
    (tmp_path / "landing" / "2015-02").mkdir(parents=True)
    (tmp_path / "landing" / "2015-02" / "police.csv").write_bytes(b"")
    assert main(["run", "--month", "2015-02"]) == 1
    out, err = capsys.readouterr()
    problems = [line.strip() for line in out.splitlines() if line.strip().startswith("!")]
    assert problems == ["! staging/police: blocking check failed: not loaded: police.csv: the file is empty"]
    for noise in ("Traceback", "DagsterExecutionStepExecutionError", "Error occurred while executing"):
        assert noise not in out + err
    # The UI shows the same line as the failed blocking check's result, with no stack trace.
    with dg.DagsterInstance.get() as instance:  # DAGSTER_HOME is the data folder's, as above
        [run] = instance.get_runs()
        evaluations = instance.all_logs(run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)
    failed = [event.dagster_event.event_specific_data for event in evaluations
              if not event.dagster_event.event_specific_data.passed]
    assert [evaluation.description for evaluation in failed] == ["not loaded: police.csv: the file is empty"]
