"""A month's files are published as a set: the old set or the new, never a mix, and no left-overs."""

import os

import pandas as pd
import pytest

from warehouse.files import (
    clean_month_files,
    month_files,
    write_csv_atomic,
    write_text_atomic,
)

MONTH = "2015-04"


def _files(folder):
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(folder.iterdir())}


def _leftovers(root):
    versions = root / ".versions"
    return sorted(path.name for path in [*root.glob(".*link*"), *versions.glob("*staging*"), *root.rglob("*.part")])


def test_a_set_is_published_whole_and_keeps_the_files_other_writers_published(tmp_path):
    with month_files(tmp_path, MONTH) as out:
        write_text_atomic("load", out / "load_summary.csv")
        assert not (tmp_path / MONTH).exists()  # nothing visible until the set is complete
    with month_files(tmp_path, MONTH) as out:
        write_text_atomic("matches", out / "matches.csv")
        assert _files(tmp_path / MONTH) == {"load_summary.csv": "load"}
    assert _files(tmp_path / MONTH) == {"load_summary.csv": "load", "matches.csv": "matches"}
    assert (tmp_path / MONTH).is_symlink()
    assert len(list((tmp_path / ".versions").iterdir())) == 1  # the superseded version is removed
    assert _leftovers(tmp_path) == []


def test_an_error_discards_the_whole_set_and_leaves_the_published_one(tmp_path):
    with month_files(tmp_path, MONTH) as out:
        write_text_atomic("v1", out / "eligibility.csv")
        write_text_atomic("v1", out / "evidence.csv")
    with pytest.raises(RuntimeError), month_files(tmp_path, MONTH) as out:
        write_text_atomic("v2", out / "eligibility.csv")
        raise RuntimeError("the rules failed half way")
    assert _files(tmp_path / MONTH) == {"eligibility.csv": "v1", "evidence.csv": "v1"}
    assert _leftovers(tmp_path) == []


def test_what_a_killed_writer_left_is_cleaned_and_the_published_set_kept(tmp_path):
    with month_files(tmp_path, MONTH) as out:
        write_text_atomic("v1", out / "matches.csv")
    versions = tmp_path / ".versions"
    # A writer killed at each point: mid-file, mid-set, after renaming its set, mid-swap of the link.
    (versions / f"{MONTH}.staging-dead").mkdir()
    (versions / f"{MONTH}.staging-dead" / ".matches.csv.x.part").write_text("half", encoding="utf-8")
    (versions / f"{MONTH}.v9999999999999999999").mkdir()
    (tmp_path / f".{MONTH}.link-12345").symlink_to(f".versions/{MONTH}.v9999999999999999999")
    assert clean_month_files(tmp_path, MONTH) == (tmp_path / MONTH).resolve()
    assert _files(tmp_path / MONTH) == {"matches.csv": "v1"}
    assert _leftovers(tmp_path) == [] and len(list(versions.iterdir())) == 1


def test_a_plain_month_folder_from_before_is_adopted_with_its_stray_part_files_removed(tmp_path):
    old = tmp_path / MONTH
    old.mkdir()
    write_csv_atomic(pd.DataFrame({"a": [1]}), old / "matches.csv")
    (old / ".eligibility.csv.abc.part").write_text("half", encoding="utf-8")
    with month_files(tmp_path, MONTH) as out:
        write_text_atomic("new", out / "eligibility.csv")
    assert sorted(_files(tmp_path / MONTH)) == ["eligibility.csv", "matches.csv"]
    assert _leftovers(tmp_path) == []


def test_sets_are_owner_only(tmp_path):
    previous = os.umask(0o022)
    try:
        with month_files(tmp_path, MONTH) as out:
            write_text_atomic("x", out / "matches.csv")
    finally:
        os.umask(previous)
    assert (tmp_path / MONTH).resolve().stat().st_mode & 0o077 == 0
