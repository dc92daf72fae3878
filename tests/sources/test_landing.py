"""Landing file names are matched as partners write them; anything else is reported (issue 7, item 4)."""

from pathlib import Path

import pytest

from sources import ExtractError, find_extract, sort_landing_folder
from sources.landing import source_of


@pytest.mark.parametrize(
    ("name", "source"),
    [
        ("Police.csv", "police"),
        ("dwp 2015-03.csv", "dwp"),
        ("DWP_2015-03.xlsx", "dwp"),
        ("cross keys homes.csv", "cross_keys_homes"),
        ("Cross-Keys-Homes 201503.XLSX", "cross_keys_homes"),
        ("2015-03 early help.csv", "early_help"),
        ("  school_attendance .csv", "school_attendance"),
    ],
)
def test_names_as_partners_write_them(name, source):
    assert source_of(Path(name), "2015-03") == (source, None)


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("dwp 2015-02.csv", "the name says 2015-02, not 2015-03"),
        ("police_old.csv", "not the name of an extract"),
        ("notes.txt", "not the name of an extract"),
        ("dwp.xls", "a dwp file but not .csv or .xlsx"),
    ],
)
def test_other_names_say_why_they_are_not_read(name, why):
    source, reason = source_of(Path(name), "2015-03")
    assert source is None and reason.startswith(why)


def test_a_folder_is_sorted_into_candidates_and_unrecognised_files(tmp_path):
    month = tmp_path / "2015-03"
    month.mkdir()
    for name in ("Police.csv", "dwp 2015-03.csv", "DWP_2015-03.xlsx", "notes.txt", ".DS_Store"):
        (month / name).write_text("x", encoding="utf-8")
    landing = sort_landing_folder(month, "2015-03")
    assert landing.files_for("police") == [month / "Police.csv"]
    assert [path.name for path in landing.files_for("dwp")] == ["DWP_2015-03.xlsx", "dwp 2015-03.csv"]
    assert list(landing.unrecognised) == ["notes.txt"]  # hidden files are not partners' files
    assert find_extract(month, "police") == month / "Police.csv"
    with pytest.raises(ExtractError, match=r"^DWP_2015-03\.xlsx, dwp 2015-03\.csv: more than one dwp extract"):
        find_extract(month, "dwp")
