"""The extract validation suites on realistic staged frames: what blocks, what warns, and what never leaks."""

from __future__ import annotations

import logging
import socket
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from expectations import SuiteResult, validate_extract
from settings import Settings
from settings.config import ValidationSettings
from tests.expectations.staged_frames import (
    MONTH,
    PLANTED_NINO,
    PLANTED_SURNAME,
    PLANTED_UPN,
    SOURCES,
    staged_frame,
)

PLANTED = (PLANTED_SURNAME, PLANTED_NINO, PLANTED_UPN)


@pytest.fixture(autouse=True, scope="module")
def network_attempts():
    """Record (and refuse) every connection or DNS lookup made while this module runs, GX import included."""
    attempts: list[str] = []

    def refuse(*args, **kwargs):
        attempts.append(repr(args[1:2]))
        raise OSError("network disabled in tests")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", refuse)
        patch.setattr(socket.socket, "connect_ex", refuse)
        patch.setattr(socket, "getaddrinfo", refuse)
        yield attempts


def validate(source: str, frame: pd.DataFrame, *, rows_read: int | None = None, rows_quarantined: int = 0,
             settings: Settings | None = None) -> SuiteResult:
    read = len(frame) + rows_quarantined if rows_read is None else rows_read
    return validate_extract(source, frame, rows_read=read, rows_quarantined=rows_quarantined, month=MONTH,
                            settings=settings)


def outcome(result: SuiteResult, name: str):
    matches = [o for o in result.outcomes if o.name == name]
    assert len(matches) == 1, f"expected one outcome named {name!r}, got {[o.name for o in result.outcomes]}"
    return matches[0]


def assert_no_personal_data(result: SuiteResult) -> None:
    shown = [result.summary(), repr(result), *map(str, result.as_metadata().values()), *result.as_metadata()]
    for text in shown:
        for value in PLANTED:
            assert value.lower() not in text.lower()


@pytest.mark.parametrize("source", SOURCES)
def test_clean_frame_meets_every_expectation(source):
    result = validate(source, staged_frame(source))

    assert result.passed and result.blocking_failures == ()
    total = len(result.outcomes)
    assert result.summary() == f"{source}: {total}/{total} expectations met"
    metadata = result.as_metadata()
    assert metadata["expectations"] == metadata["expectations_met"] == total
    assert metadata["blocking_failures"] == 0
    assert {"required columns present", "row_key unique", "row_key not null", "quarantined share within limit",
            "date_of_birth plausible", "valid postcode share"} <= {o.name for o in result.outcomes}


@pytest.mark.parametrize("source", SOURCES)
def test_duplicate_row_key_blocks_and_names_only_the_count(source):
    clean = staged_frame(source)
    frame = pd.concat([clean, clean.iloc[[0]]], ignore_index=True)  # row 0 is the planted person

    result = validate(source, frame)

    failed = outcome(result, "row_key unique")
    assert not failed.passed and failed.blocking and failed.unexpected_count == 2
    assert result.blocking_failures == (failed,)
    assert f"FAILED (blocking) row_key unique: 2 of {len(frame)} rows" in result.summary()
    assert_no_personal_data(result)


def test_missing_row_key_blocks():
    frame = staged_frame("dwp")
    frame.loc[1, "row_key"] = None

    result = validate("dwp", frame)

    failed = outcome(result, "row_key not null")
    assert failed.blocking and not failed.passed and failed.unexpected_count == 1
    assert result.blocking_failures == (failed,)


ENUM_COLUMNS = {
    "early_help": ("role", "gender", "csc_status"),
    "school_attendance": ("term", "gender"),
    "police": ("incident_type", "person_role", "outcome", "gender"),
    "dwp": ("spell_type", "benefit", "uc_regime", "gender"),
    "cross_keys_homes": ("person_role",),
}


@pytest.mark.parametrize("source", SOURCES)
def test_value_outside_allowed_set_blocks_without_showing_the_value(source):
    frame = staged_frame(source)
    for row, column in enumerate(ENUM_COLUMNS[source]):
        frame.loc[row, column] = PLANTED_SURNAME  # a mis-mapped column: a name where a code belongs

    result = validate(source, frame)

    assert {o.name: o.unexpected_count for o in result.blocking_failures} == {
        f"{column} allowed values": 1 for column in ENUM_COLUMNS[source]}
    for column in ENUM_COLUMNS[source]:
        assert f"FAILED (blocking) {column} allowed values: 1 of {len(frame)} rows" in result.summary()
    assert_no_personal_data(result)


@pytest.mark.parametrize(("source", "column"), [
    ("early_help", "person_id"), ("school_attendance", "term"), ("police", "incident_type"),
    ("dwp", "postcode_std"), ("cross_keys_homes", "row_key"),
])
def test_missing_required_column_blocks(source, column):
    frame = staged_frame(source).drop(columns=[column])

    result = validate(source, frame)

    failed = outcome(result, "required columns present")
    assert failed.blocking and not failed.passed and failed.unexpected_count == 1
    assert failed.detail == f"1 missing: {column}"
    # Checks on the missing column cannot run and say so rather than passing quietly.
    for other in result.outcomes:
        if other.column == column:
            assert not other.passed and other.detail == "not evaluated: column missing"
    assert failed in result.blocking_failures


def test_quarantine_share_above_the_setting_blocks():
    frame = staged_frame("police")  # 5 rows loaded

    too_many = validate("police", frame, rows_read=8, rows_quarantined=3)
    at_limit = validate("police", frame, rows_read=10, rows_quarantined=2)
    looser = validate("police", frame, rows_read=8, rows_quarantined=3,
                      settings=Settings(validation=ValidationSettings(max_quarantine_share=0.5)))

    failed = outcome(too_many, "quarantined share within limit")
    assert failed.blocking and not failed.passed and failed.unexpected_count == 3
    assert too_many.blocking_failures == (failed,)
    assert "3 of 8 rows quarantined (37.5%); maximum 20.0%" in too_many.summary()
    assert at_limit.passed
    assert looser.passed


def test_quarantine_counts_that_cannot_be_are_an_error():
    with pytest.raises(ValueError, match="rows_quarantined"):
        validate("police", staged_frame("police"), rows_read=2, rows_quarantined=3)


# (row, column, implausible value, the warning it raises), several per source on different rows.
WARNING_CASES = {
    "early_help": [
        (0, "date_of_birth", pd.Timestamp("1890-06-01"), "date_of_birth plausible"),
        (1, "date_of_birth", pd.Timestamp("2016-04-01"), "date_of_birth plausible"),  # after month end
        (2, "nino", "JZ4829", "nino pattern"),
        (0, "upn", "K87420151200", "upn pattern"),  # 12 characters
    ],
    "school_attendance": [
        (0, "sessions_possible", 401, "sessions_possible 0..400"),
        (1, "unauthorised_absence", -1, "unauthorised_absence >= 0"),
        (2, "authorised_absence", -3, "authorised_absence >= 0"),
        (3, "academic_year", "2015-16", "academic_year pattern"),
        (4, "upn", "8742015120031", "upn pattern"),  # no check letter
        (4, "fixed_term_exclusions", -1, "fixed_term_exclusions >= 0"),
    ],
    "police": [
        (0, "incident_date", pd.Timestamp("2013-03-30"), "incident_date within 3 years"),
        (1, "incident_date", pd.Timestamp("2016-04-01"), "incident_date within 3 years"),
    ],
    "dwp": [
        (0, "start_date", pd.Timestamp("2016-04-15"), "start_date not after month end"),
        (1, "nino", "JZ482913", "nino pattern"),
    ],
    "cross_keys_homes": [
        (0, "snapshot_date", pd.Timestamp("2016-02-29"), "snapshot_date within month"),
        (1, "weeks_in_arrears", -2.0, "weeks_in_arrears >= 0"),
        (2, "date_of_birth", pd.Timestamp("1899-12-31"), "date_of_birth plausible"),
    ],
}


@pytest.mark.parametrize("source", SOURCES)
def test_implausible_values_warn_but_do_not_block(source):
    frame = staged_frame(source)
    expected: dict[str, int] = {}
    for row, column, value, name in WARNING_CASES[source]:
        frame.loc[row, column] = value
        expected[name] = expected.get(name, 0) + 1

    result = validate(source, frame)

    assert not result.passed and result.blocking_failures == ()
    assert {o.name: o.unexpected_count for o in result.warnings} == expected
    for name, count in expected.items():
        assert f"warning {name}: {count} of {len(frame)} rows" in result.summary()
    assert_no_personal_data(result)


def test_date_bounds_are_inclusive_of_the_month():
    frame = staged_frame("police")
    frame.loc[0, "incident_date"] = pd.Timestamp("2016-03-31")
    frame.loc[1, "incident_date"] = pd.Timestamp("2013-03-31")
    frame.loc[2, "date_of_birth"] = pd.Timestamp("1900-01-01")

    assert validate("police", frame).passed


def test_low_valid_postcode_share_warns_against_the_setting():
    frame = staged_frame("police")  # 4 of 5 rows carry a postcode, all valid
    frame.loc[[0, 2], "postcode_std"] = None  # two postcodes did not standardise: 2 of 4 valid

    default = validate("police", frame)
    lenient = validate("police", frame, settings=Settings(validation=ValidationSettings(min_valid_postcode_share=0.5)))

    warned = outcome(default, "valid postcode share")
    assert not warned.passed and not warned.blocking and warned.unexpected_count == 2
    assert warned.detail == "2 of 4 rows valid (50.0%); minimum 80.0%"
    assert default.blocking_failures == ()
    assert lenient.passed


def test_dates_handed_over_as_date_objects_are_checked_too():
    """Loaders may pass `datetime.date` cells (object dtype) rather than DuckDB's datetime64."""
    frame = staged_frame("dwp")
    frame["start_date"] = [d.date() for d in frame["start_date"]]
    frame.loc[3, "start_date"] = date(2016, 5, 1)

    result = validate("dwp", frame)

    assert outcome(result, "start_date not after month end").unexpected_count == 1
    assert result.blocking_failures == ()


@pytest.mark.parametrize("source", SOURCES)
def test_an_empty_month_passes(source):
    assert validate(source, staged_frame(source, rows=0), rows_read=0).passed


def test_an_empty_frame_without_columns_passes():
    """A month with no police file: the caller may hand over a bare DataFrame()."""
    assert validate("police", pd.DataFrame(), rows_read=0).passed


def test_unknown_source_or_month_is_an_error():
    with pytest.raises(ValueError, match="unknown source"):
        validate_extract("housing", staged_frame("police"), rows_read=5, rows_quarantined=0, month=MONTH)
    with pytest.raises(ValueError, match="not a month"):
        validate_extract("police", staged_frame("police"), rows_read=5, rows_quarantined=0, month="March 2016")


def test_nothing_personal_is_logged_and_the_callers_frame_is_untouched(caplog):
    frame = staged_frame("early_help")
    frame.loc[0, "role"] = PLANTED_SURNAME
    frame.loc[1, "date_of_birth"] = pd.Timestamp("1850-01-01")
    frame.loc[2, "nino"] = PLANTED_NINO[:-1]
    before = frame.copy()

    with caplog.at_level(logging.DEBUG):
        result = validate("early_help", frame)

    assert [o.name for o in result.blocking_failures] == ["role allowed values"]
    assert {o.name for o in result.warnings} == {"date_of_birth plausible", "nino pattern"}
    assert_no_personal_data(result)
    for value in (PLANTED_SURNAME, PLANTED_NINO[:-1], "1850"):
        assert value not in caplog.text
    pd.testing.assert_frame_equal(frame, before)


def test_validation_writes_no_files_and_calls_no_network(tmp_path, monkeypatch, network_attempts):
    monkeypatch.chdir(tmp_path)

    assert validate("school_attendance", staged_frame("school_attendance")).passed

    assert list(tmp_path.iterdir()) == []
    assert network_attempts == []  # nothing since this module started, GX import and context included


def test_importing_the_package_does_not_import_great_expectations():
    root = Path(__file__).resolve().parents[2]
    probe = "import sys, expectations; print('great_expectations' in sys.modules)"
    completed = subprocess.run([sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, check=True)
    assert completed.stdout.strip() == "False"
