"""`cfam` exit statuses: 2 for bad arguments or configuration, before anything runs."""

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


def test_bad_outcomes_plan_exits_2(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CFAM_DATA_DIR", str(tmp_path))
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "outcomes_plan.yaml").write_text("no_such_setting: 3\n", encoding="utf-8")
    assert main(["run", "--month", "2015-01"]) == 2
    assert "outcomes_plan.yaml" in capsys.readouterr().err
