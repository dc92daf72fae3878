import pandas as pd
import pytest

from sources import load_extract
from tests.sources.builders import row, write_csv


def load(tmp_path, source, rows, month="2015-12"):
    return load_extract(write_csv(tmp_path / f"{source}.csv", rows), source, month)


def reasons(result):
    return list(result.quarantine[["row_number", "column", "reason"]].itertuples(index=False, name=None))


@pytest.mark.parametrize(
    ("source", "changes", "column", "reason"),
    [
        ("early_help", {"person_id": " "}, "person_id", "missing key part"),
        ("early_help", {"family_id": ""}, "family_id", "missing value"),
        ("early_help", {"role": "parent"}, "role", "not an allowed value"),
        ("early_help", {"gender": "X"}, "gender", "not an allowed value"),
        ("early_help", {"csc_status": "chin"}, "csc_status", "not an allowed value"),
        ("early_help", {"date_of_birth": "31/02/1985"}, "date_of_birth", "not a date"),
        ("early_help", {"eha_start_date": "soon"}, "eha_start_date", "not a date"),
        ("school_attendance", {"upn": ""}, "upn", "missing key part"),
        ("school_attendance", {"term": "winter"}, "term", "not an allowed value"),
        ("school_attendance", {"academic_year": "2015/17"}, "academic_year", "not an allowed value"),
        ("school_attendance", {"sessions_possible": "lots"}, "sessions_possible", "not a number"),
        ("school_attendance", {"authorised_absence": "-2"}, "authorised_absence", "not a number"),
        ("school_attendance", {"unauthorised_absence": "2.5"}, "unauthorised_absence", "not a number"),
        ("school_attendance", {"fixed_term_exclusions": ""}, "fixed_term_exclusions", "missing value"),
        ("school_attendance", {"authorised_absence": "100", "unauthorised_absence": "41"}, "sessions_possible",
         "absence exceeds sessions possible"),
        ("school_attendance", {"permanent_exclusion": "Yes"}, "permanent_exclusion", "not an allowed value"),
        ("school_attendance", {"alternative_provision": "?"}, "alternative_provision", "not an allowed value"),
        ("police", {"incident_date": "yesterday"}, "incident_date", "not a date"),
        ("police", {"incident_date": ""}, "incident_date", "missing value"),
        ("police", {"incident_type": "theft"}, "incident_type", "not an allowed value"),
        ("police", {"person_role": "bystander"}, "person_role", "not an allowed value"),
        ("police", {"outcome": "fine"}, "outcome", "not an allowed value"),
        ("dwp", {"start_date": "29/04/15x"}, "start_date", "not a date"),
        ("dwp", {"start_date": ""}, "start_date", "missing key part"),
        ("dwp", {"spell_type": "pension"}, "spell_type", "not an allowed value"),
        ("dwp", {"benefit": "WTC"}, "benefit", "not an allowed value"),
        ("dwp", {"uc_regime": "resting"}, "uc_regime", "not an allowed value"),
        ("cross_keys_homes", {"snapshot_date": "March"}, "snapshot_date", "not a date"),
        ("cross_keys_homes", {"person_role": "lodger"}, "person_role", "not an allowed value"),
        ("cross_keys_homes", {"asb_case_open": "maybe"}, "asb_case_open", "not an allowed value"),
        ("cross_keys_homes", {"rent_arrears_gbp": "-£20"}, "rent_arrears_gbp", "not a number"),
        ("cross_keys_homes", {"weeks_in_arrears": "some"}, "weeks_in_arrears", "not a number"),
    ],
)
def test_each_quarantine_reason_names_the_row_and_column(tmp_path, source, changes, column, reason):
    keys = {"early_help": "person_id", "school_attendance": "upn", "police": "person_ref", "dwp": "nino",
            "cross_keys_homes": "person_ref"}
    key = keys[source]
    rows = [row(source, **{key: "K1"}), row(source, **{key: "K2", **changes}), row(source, **{key: "K3"})]
    result = load(tmp_path, source, rows)
    assert reasons(result) == [(2, column, reason)]
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (3, 2, 1)
    assert result.raw["outcome"].tolist() == ["loaded", "quarantined", "loaded"]
    assert result.staged["row_number"].tolist() == [1, 3]
    assert result.quarantine["reason"].tolist() == [reason]  # a fixed phrase, never the cell's value


def test_a_row_with_several_problems_gets_one_quarantine_row_each(tmp_path):
    rows = [row("police", person_ref="", incident_date="x", gender="Q"), row("police")]
    result = load(tmp_path, "police", rows)
    assert reasons(result) == [(1, "person_ref", "missing key part"), (1, "incident_date", "not a date"),
                               (1, "gender", "not an allowed value")]
    assert result.quarantine["row_key"].tolist() == [None, None, None]
    assert result.rows_quarantined == 1 and result.rows_loaded == 1


def test_exact_repeat_is_removed_and_counted_not_quarantined(tmp_path):
    rows = [row("dwp"), row("dwp", nino="ZZ999999Z"), row("dwp", forename=" William ")]  # same cells once trimmed
    result = load(tmp_path, "dwp", rows)
    assert result.quarantine.empty
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined, result.duplicates_removed) == (3, 2, 0, 1)
    assert result.raw["outcome"].tolist() == ["loaded", "loaded", "duplicate"]
    assert result.staged["nino"].tolist() == ["AB123456C", "ZZ999999Z"]


def test_same_key_different_content_quarantines_the_later_row(tmp_path):
    # Same key once the date is normalised: 29/01/2015 and 2015-01-29 are one start date.
    rows = [row("dwp"), row("dwp", start_date="2015-01-29", end_date="28/02/2015"), row("dwp")]
    result = load(tmp_path, "dwp", rows)
    assert reasons(result) == [(2, None, "duplicate key with different content")]
    assert result.quarantine["row_key"].tolist() == ["AB123456C|benefit|2015-01-29"]
    assert result.raw["outcome"].tolist() == ["loaded", "quarantined", "duplicate"]
    assert result.duplicates_removed == 1


def test_blank_and_swapped_dates_of_birth_load(tmp_path):
    rows = [row("police", person_ref="A", date_of_birth=""), row("police", person_ref="B", date_of_birth="02/14/1985"),
            row("police", person_ref="C", date_of_birth="05/03/1985")]
    result = load(tmp_path, "police", rows)
    # 02/14/1985 has no 14th month: the one row that cannot be a dd/mm/yyyy date of birth is quarantined.
    assert reasons(result) == [(2, "date_of_birth", "not a date")]
    assert pd.isna(result.staged["date_of_birth"].iloc[0])
    assert result.staged["date_of_birth"].iloc[1] == pd.Timestamp("1985-03-05")  # swapped or not, it loads as read


@pytest.mark.parametrize(
    ("source", "changes", "key"),
    [
        ("early_help", {"person_id": " P001 "}, "P001"),
        ("school_attendance", {"term": " autumn"}, "A123456789012|2015/16|autumn"),
        ("police", {}, "INC0001|PR001"),
        ("dwp", {"start_date": "29-Jan-15"}, "AB123456C|benefit|2015-01-29"),
        ("cross_keys_homes", {"snapshot_date": "42094"}, "T0001|H001|2015-03-31"),
    ],
)
def test_row_key_format_for_each_source(tmp_path, source, changes, key):
    result = load(tmp_path, source, [row(source, **changes)])
    assert result.raw["row_key"].tolist() == [key]
    assert result.staged["row_key"].tolist() == [key]


def test_row_key_keeps_parts_as_written_while_enumerations_are_canonical(tmp_path):
    result = load(tmp_path, "school_attendance", [row("school_attendance", term="Autumn", gender="f")])
    assert result.staged["row_key"].tolist() == ["A123456789012|2015/16|Autumn"]
    assert result.staged[["term", "gender"]].values.tolist() == [["autumn", "F"]]


@pytest.mark.parametrize(
    ("source", "changes", "column", "reason"),
    [
        ("early_help", {"date_of_birth": "01/01/2016"}, "date_of_birth", "date of birth after the extract's month"),
        ("early_help", {"date_of_birth": "31/12/1899"}, "date_of_birth", "date of birth before 1900"),
        ("school_attendance", {"date_of_birth": "2030-05-03"}, "date_of_birth",
         "date of birth after the extract's month"),
        ("police", {"date_of_birth": "14/02/1885"}, "date_of_birth", "date of birth before 1900"),
        ("police", {"incident_date": "01/01/2016"}, "incident_date", "date after the extract's month"),
        ("dwp", {"start_date": "01/01/2016"}, "start_date", "date after the extract's month"),
        ("dwp", {"end_date": "02/01/2016"}, "end_date", "date after the extract's month"),
        ("cross_keys_homes", {"date_of_birth": "42500"}, "date_of_birth", "date of birth after the extract's month"),
    ],
)
def test_implausible_dates_are_quarantined_with_file_row_and_column(tmp_path, source, changes, column, reason):
    result = load(tmp_path, source, [row(source), row(source, **changes, **_other_key(source))])  # month 2015-12
    assert reasons(result) == [(2, column, reason)]
    assert result.quarantine["source_file"].tolist() == [f"{source}.csv"]
    assert result.rows_loaded == 1


def test_the_last_day_of_the_month_and_1900_are_plausible(tmp_path):
    rows = [row("police", person_ref="A", date_of_birth="01/01/1900", incident_date="31/12/2015"),
            row("police", person_ref="B", date_of_birth="31/12/2015")]
    assert load(tmp_path, "police", rows).rows_loaded == 2


def _other_key(source: str) -> dict[str, str]:
    """A second key, so the changed row is not a duplicate key of the first."""
    return {"early_help": {"person_id": "P002"}, "school_attendance": {"upn": "B123456789012"},
            "police": {"person_ref": "PR002"}, "dwp": {"nino": "CD123456A"},
            "cross_keys_homes": {"person_ref": "H002"}}[source]
