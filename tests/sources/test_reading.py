import datetime as dt

import pandas as pd
import pytest

from sources import ExtractError, find_extract, load_extract
from sources.reading import detect_encoding, parse_dates
from tests.sources.builders import columns_of, row, write_csv, write_xlsx


def test_windows_1252_file_with_pound_sign_and_accents(tmp_path):
    path = write_csv(tmp_path / "cross_keys_homes.csv",
                     [row("cross_keys_homes", forename="Zoë", surname="Brontë", rent_arrears_gbp="£1,250.50")],
                     encoding="cp1252")
    assert detect_encoding(path.read_bytes()) == "cp1252"
    result = load_extract(path, "cross_keys_homes", "2015-03")
    staged = result.staged.iloc[0]
    assert (staged["forename"], staged["surname"]) == ("Zoë", "Brontë")
    assert (staged["forename_std"], staged["surname_std"]) == ("ZOE", "BRONTE")
    assert staged["rent_arrears_gbp"] == 1250.50
    assert result.raw["fields"][0]["rent_arrears_gbp"] == "£1,250.50"


def test_utf8_with_bom_reads_the_first_header(tmp_path):
    path = tmp_path / "police.csv"
    path.write_bytes(b"\xef\xbb\xbf")
    with path.open("a", newline="", encoding="utf-8") as handle:
        handle.write(write_csv(tmp_path / "plain.csv", [row("police", forename="Łukasz")]).read_text(encoding="utf-8"))
    assert detect_encoding(path.read_bytes()) == "utf-8-sig"
    result = load_extract(path, "police", "2015-03")
    assert result.rows_loaded == 1
    assert result.staged["incident_ref"].tolist() == ["INC0001"]
    assert result.staged["forename_std"].tolist() == ["LUKASZ"]


def test_ids_keep_leading_zeros_and_letters(tmp_path):
    rows = [row("school_attendance", upn="0012345678901", school_urn="007")]
    path = write_csv(tmp_path / "school_attendance.csv", rows)
    staged = load_extract(path, "school_attendance", "2015-12").staged
    assert staged["upn"].tolist() == ["0012345678901"]
    assert staged["school_urn"].tolist() == ["007"]


def test_xlsx_with_date_cells_and_excel_serials_matches_the_csv(tmp_path):
    rows = [row("dwp", nino="AB123456C", date_of_birth="14/02/1985", start_date="01/01/2015"),
            row("dwp", nino="CD654321A", date_of_birth="03/05/1990", start_date="02/01/2015", benefit="JSA",
                uc_regime="")]
    csv_result = load_extract(write_csv(tmp_path / "dwp.csv", rows), "dwp", "2015-03")
    cells = [row("dwp", nino="AB123456C", date_of_birth=dt.datetime(1985, 2, 14), start_date=42005),
             row("dwp", nino="CD654321A", date_of_birth=dt.datetime(1990, 5, 3), start_date=42006, benefit="JSA",
                 uc_regime="")]
    (tmp_path / "x").mkdir()
    xlsx_result = load_extract(write_xlsx(tmp_path / "x" / "dwp.xlsx", cells), "dwp", "2015-03")
    assert xlsx_result.raw["fields"][0]["date_of_birth"] == "1985-02-14 00:00:00"
    assert xlsx_result.staged["start_date"].tolist() == [pd.Timestamp("2015-01-01"), pd.Timestamp("2015-01-02")]
    pd.testing.assert_frame_equal(xlsx_result.staged.drop(columns="source_file"),
                                  csv_result.staged.drop(columns="source_file"))


def test_xlsx_row_numbers_count_blank_rows(tmp_path):
    rows = [row("police", person_ref="A"), {column: "" for column in columns_of("police")},
            row("police", person_ref="B", incident_type="theft")]
    result = load_extract(write_xlsx(tmp_path / "police.xlsx", rows), "police", "2015-03")
    assert result.rows_read == 2
    assert result.quarantine["row_number"].tolist() == [3]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (["05/03/2015", "5/3/2015", None], ["2015-03-05", "2015-03-05", None]),
        (["2015-03-05", "2015-03-05 00:00:00"], ["2015-03-05", "2015-03-05"]),
        (["5-Mar-15", "05-mar-15", "28-Feb-16"], ["2015-03-05", "2015-03-05", "2016-02-28"]),
        (["42005", "42036.0"], ["2015-01-01", "2015-02-01"]),
        (["05/03/2015", "2015-03-06", "42005"], ["2015-03-05", "2015-03-06", "2015-01-01"]),
        (["05/03/2015", "13/13/2015", "soon"], ["2015-03-05", None, None]),
    ],
)
def test_date_formats_are_detected_per_column(written, expected):
    dates, _ = parse_dates(pd.Series(written, dtype=object))
    assert [None if pd.isna(value) else value.strftime("%Y-%m-%d") for value in dates] == expected


def test_date_format_is_the_one_parsing_most_values_and_a_mapping_overrides_it():
    values = pd.Series(["03/05/2015", "04/06/2015", "2015-03-05"], dtype=object)
    assert parse_dates(values)[1] == "%d/%m/%Y"
    dates, used = parse_dates(values, "%m/%d/%Y")
    assert used == "%m/%d/%Y"
    assert dates.tolist() == [pd.Timestamp("2015-03-05"), pd.Timestamp("2015-04-06"), pd.Timestamp("2015-03-05")]


def test_two_digit_year_dates_of_birth_are_never_after_the_month(tmp_path):
    rows = [row("police", person_ref="A", date_of_birth="5-Mar-15", incident_date="1-Mar-16"),
            row("police", person_ref="B", date_of_birth="5-Mar-68", incident_date="1-Mar-16"),
            row("police", person_ref="C", date_of_birth="5-Mar-70", incident_date="1-Mar-16")]
    staged = load_extract(write_csv(tmp_path / "police.csv", rows), "police", "2016-03").staged
    assert staged["date_of_birth"].dt.strftime("%Y-%m-%d").tolist() == ["2015-03-05", "1968-03-05", "1970-03-05"]
    assert staged["incident_date"].dt.strftime("%Y-%m-%d").tolist() == ["2016-03-01"] * 3


MAPPING = """
columns:
  Incident Reference: incident_ref
  " Person Ref ": person_ref
  Date Of Incident: incident_date
  TYPE: incident_type
  Role: person_role
  Result: outcome
  First Name: forename
  Last Name: surname
  DOB: date_of_birth
  Sex: gender
  Home Address: address
  Post Code: postcode
  PNC: pnc_id
encoding: cp1252
date_format: "%d-%b-%y"
"""
RENAMED = {"incident_ref": "Incident Reference", "person_ref": "Person Ref", "incident_date": "Date Of Incident",
           "incident_type": "Type", "person_role": "ROLE", "outcome": "Result", "forename": "first name",
           "surname": "Last Name", "date_of_birth": "DOB", "gender": "Sex", "address": "Home Address",
           "postcode": "Post Code", "pnc_id": "PNC"}


def test_mapped_layout_gives_exactly_the_default_staged_frame(tmp_path):
    default_rows = [row("police", person_ref="A", forename="Zoë", incident_date="05/03/2015"),
                    row("police", person_ref="B", date_of_birth="", incident_date="06/03/2015")]
    mapped_rows = [row("police", person_ref="A", forename="Zoë", incident_date="5-Mar-15", date_of_birth="14-Feb-85"),
                   row("police", person_ref="B", date_of_birth="", incident_date="6-Mar-15")]
    (tmp_path / "default").mkdir()
    default = load_extract(write_csv(tmp_path / "default" / "police.csv", default_rows), "police", "2015-03")
    # Renamed, reordered (reversed), two extra columns, and Windows-1252.
    their_rows = [{"Station": "Thorpe Wood", **{RENAMED[column]: value for column, value in item.items()},
                   "Officer notes": "x"} for item in mapped_rows]
    their_columns = ["Station", *reversed([RENAMED[column] for column in columns_of("police")]), "Officer notes"]
    path = write_csv(tmp_path / "police.csv", their_rows, columns=their_columns, encoding="cp1252")
    (tmp_path / "mapping.yaml").write_text(MAPPING, encoding="utf-8")
    mapped = load_extract(path, "police", "2015-03", mapping_path=tmp_path / "mapping.yaml")
    pd.testing.assert_frame_equal(mapped.staged, default.staged)
    assert mapped.raw["row_key"].tolist() == default.raw["row_key"].tolist() == ["INC0001|A", "INC0001|B"]
    assert "Station" not in mapped.raw["fields"][0]  # columns outside the contract are never kept
    assert set(mapped.raw["fields"][0]) == set(columns_of("police"))
    assert mapped.raw["fields"][0]["incident_date"] == "5-Mar-15"


def test_mapping_naming_a_column_the_file_lacks_is_an_error_naming_it(tmp_path):
    path = write_csv(tmp_path / "dwp.csv", [row("dwp")])
    mapping = tmp_path / "dwp.yaml"
    mapping.write_text("columns:\n  National Insurance No: nino\n", encoding="utf-8")
    with pytest.raises(ExtractError, match=r"dwp\.csv.*'National Insurance No'"):
        load_extract(path, "dwp", "2015-03", mapping_path=mapping)


def test_missing_required_column_is_an_error_naming_it_never_a_value(tmp_path):
    rows = [{key: value for key, value in row("dwp").items() if key != "start_date"}]
    path = write_csv(tmp_path / "dwp.csv", rows)
    with pytest.raises(ExtractError, match=r"dwp\.csv.*'start_date'") as raised:
        load_extract(path, "dwp", "2015-03")
    assert "AB123456C" not in str(raised.value)


def test_headers_match_after_trimming_and_in_any_case(tmp_path):
    columns = [f"  {column.upper()} " for column in columns_of("dwp")]
    rows = [{f"  {key.upper()} ": value for key, value in row("dwp").items()}]
    result = load_extract(write_csv(tmp_path / "dwp.csv", rows, columns=columns), "dwp", "2015-03")
    assert result.staged["nino"].tolist() == ["AB123456C"]


@pytest.mark.parametrize(
    ("mapping_text", "message"),
    [
        ("encoding: klingon\n", "unknown encoding"),
        ("columns: [a, b]\n", "invalid settings"),
        ("colums:\n  a: b\n", "invalid settings"),
        ("columns: {a: [\n", "not valid YAML"),
    ],
)
def test_bad_mappings_are_clear_errors(tmp_path, mapping_text, message):
    path = write_csv(tmp_path / "dwp.csv", [row("dwp")])
    (tmp_path / "dwp.yaml").write_text(mapping_text, encoding="utf-8")
    with pytest.raises(ExtractError, match=message):
        load_extract(path, "dwp", "2015-03", mapping_path=tmp_path / "dwp.yaml")


def test_a_mapping_path_with_no_file_means_the_default_layout(tmp_path):
    path = write_csv(tmp_path / "dwp.csv", [row("dwp")])
    assert load_extract(path, "dwp", "2015-03", mapping_path=tmp_path / "none.yaml").rows_loaded == 1


def test_undecodable_file_is_an_error(tmp_path):
    path = tmp_path / "dwp.csv"
    path.write_bytes(b"nino,forename\nAB\x81\x8d,x\n")  # bytes Windows-1252 leaves undefined
    with pytest.raises(ExtractError, match="cannot be decoded as cp1252"):
        load_extract(path, "dwp", "2015-03")


def test_find_extract(tmp_path):
    month = tmp_path / "landing" / "2015-03"
    assert find_extract(month, "police") is None
    month.mkdir(parents=True)
    (month / "police.CSV").write_text("x", encoding="utf-8")
    (month / "dwp.xlsx").write_bytes(b"")
    (month / "police_old.csv").write_text("x", encoding="utf-8")
    assert find_extract(month, "police") == month / "police.CSV"
    assert find_extract(month, "dwp") == month / "dwp.xlsx"
    assert find_extract(month, "early_help") is None
    (month / "dwp.csv").write_text("x", encoding="utf-8")
    with pytest.raises(ExtractError, match="more than one dwp extract"):
        find_extract(month, "dwp")
    with pytest.raises(ValueError, match="unknown source"):
        find_extract(month, "nhs")


def test_a_time_of_day_after_a_date_is_ignored():
    dates, _ = parse_dates(pd.Series(["05/03/2015 13:45", "2015-03-06T08:00:00", "06/03/2015"], dtype=object))
    assert dates.dt.strftime("%Y-%m-%d").tolist() == ["2015-03-05", "2015-03-06", "2015-03-06"]


def test_header_only_file_loads_nothing_and_an_empty_file_is_an_error(tmp_path):
    path = tmp_path / "police.csv"
    path.write_text(",".join(columns_of("police")) + "\n", encoding="utf-8")
    result = load_extract(path, "police", "2015-03")
    assert (result.rows_read, len(result.staged), len(result.raw), len(result.quarantine)) == (0, 0, 0, 0)
    path.write_text("", encoding="utf-8")
    with pytest.raises(ExtractError, match=r"police\.csv: the file is empty"):
        load_extract(path, "police", "2015-03")


def test_a_row_with_more_cells_than_the_header_is_quarantined_not_the_file(tmp_path):
    path = write_csv(tmp_path / "police.csv", [row("police", person_ref="A"), row("police", person_ref="B"),
                                                row("police", person_ref="C")])
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] += ",stray"  # row 2
    lines[3] += ",,"      # row 3: empty trailing cells are harmless
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = load_extract(path, "police", "2015-03")
    assert result.quarantine[["row_number", "column", "reason"]].values.tolist() == [
        [2, None, "more cells than the header"]]
    assert result.staged["person_ref"].tolist() == ["A", "C"]
