"""The generated extracts: layouts, file formats and encodings, keys, and the truth about every row."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sample_data
from sample_data import Formats, MessRates, SourceFormat
from sample_data.ids import upn_check_letter
from sample_data.places import valid_postcode
from tests.sample_data.conftest import read_truth

# contracts/extracts.md, column for column
CONTRACT = {
    "early_help": (
        "family_id", "person_id", "role", "forename", "middle_names", "surname", "known_as", "date_of_birth",
        "gender", "address_line_1", "address_line_2", "town", "postcode", "uprn", "upn", "nino",
        "eha_start_date", "eha_end_date", "lead_professional", "lead_agency", "family_plan_date",
        "identified_needs", "csc_status"),
    "school_attendance": (
        "upn", "forename", "surname", "date_of_birth", "gender", "address", "postcode", "school_urn",
        "academic_year", "term", "sessions_possible", "authorised_absence", "unauthorised_absence",
        "fixed_term_exclusions", "permanent_exclusion", "alternative_provision"),
    "police": (
        "incident_ref", "person_ref", "incident_date", "incident_type", "person_role", "outcome",
        "forename", "surname", "date_of_birth", "gender", "address", "postcode", "pnc_id"),
    "dwp": (
        "nino", "forename", "surname", "date_of_birth", "gender", "address", "postcode",
        "spell_type", "benefit", "uc_regime", "start_date", "end_date"),
    "cross_keys_homes": (
        "tenancy_ref", "person_ref", "uprn", "address", "postcode", "person_role", "forename", "surname",
        "date_of_birth", "snapshot_date", "rent_arrears_gbp", "weeks_in_arrears", "nosp_served_date",
        "possession_order_date", "eviction_date", "asb_case_open", "tenancy_start_date", "tenancy_end_date"),
}
KEYS = {
    "early_help": ("person_id",), "school_attendance": ("upn", "academic_year", "term"),
    "police": ("incident_ref", "person_ref"), "dwp": ("nino", "spell_type", "start_date"),
    "cross_keys_homes": ("tenancy_ref", "person_ref", "snapshot_date"),
}
KEY_DATE_FORMAT = {("dwp", "start_date"): "%d-%b-%y", ("cross_keys_homes", "snapshot_date"): "%d/%m/%Y"}
ENCODING = {"early_help": "utf-8", "police": "cp1252", "dwp": "utf-8-sig", "cross_keys_homes": "utf-8"}


def read_extract(path: Path) -> pd.DataFrame:
    if path.suffix == ".xlsx":
        frame = pd.read_excel(path, dtype=str, keep_default_na=False)
    else:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=ENCODING.get(path.stem, "utf-8"))
    return frame


def extract_files(out: Path) -> list[tuple[str, str, Path]]:
    return [(path.parent.name, path.stem, path) for path in sorted((out / "landing").glob("*/*.*"))]


def row_keys(source: str, frame: pd.DataFrame) -> pd.Series:
    parts = []
    for column in KEYS[source]:
        text = frame[column].str.strip()
        if (source, column) in KEY_DATE_FORMAT:
            dates = pd.to_datetime(text, format=KEY_DATE_FORMAT[(source, column)], errors="coerce")
            text = dates.dt.strftime("%Y-%m-%d")
        parts.append(text)
    return parts[0].str.cat(parts[1:], sep="|") if len(parts) > 1 else parts[0]


def test_every_file_has_the_contract_columns_in_order(town):
    out, _ = town
    files = extract_files(out)
    assert {source for _, source, _ in files} == set(CONTRACT)
    for _, source, path in files:
        columns = tuple(read_extract(path).columns)
        assert columns[: len(CONTRACT[source])] == CONTRACT[source], path
        # only Cross Keys Homes adds a column (a free-text one, which readers ignore)
        assert columns[len(CONTRACT[source]):] == (("notes",) if source == "cross_keys_homes" else ()), path


def test_snapshots_every_month_school_only_after_each_term(town):
    out, summary = town
    months = summary.months
    for source in ("early_help", "dwp", "cross_keys_homes", "police"):
        assert [m for m, s, _ in extract_files(out) if s == source] == months
    school_months = [m for m, s, _ in extract_files(out) if s == "school_attendance"]
    assert school_months == ["2015-07", "2015-12", "2016-04", "2016-07"]
    for month in school_months:
        frame = read_extract(out / "landing" / month / "school_attendance.xlsx")
        term = {"12": "autumn", "04": "spring", "07": "summer"}[month[5:]]
        assert set(frame["term"]) - {"winter", "term 1", "aut"} == {term}


def test_encodings_as_in_life(town):
    out, _ = town
    accented = 0
    for _month, source, path in extract_files(out):
        data = path.read_bytes()
        if source == "dwp":
            assert data.startswith(b"\xef\xbb\xbf")
        elif source in ("early_help", "cross_keys_homes"):
            assert not data.startswith(b"\xef\xbb\xbf")
            data.decode("utf-8")
        elif source == "police":
            data.decode("cp1252")
            assert b"\r\n" in data
            if any(byte >= 0x80 for byte in data):
                accented += 1
                with pytest.raises(UnicodeDecodeError):
                    data.decode("utf-8")
        else:
            assert data[:2] == b"PK"  # an XLSX workbook
    assert accented >= 1, "no accented name in any police file"
    homes = b"".join(p.read_bytes() for _, s, p in extract_files(out) if s == "cross_keys_homes")
    assert "£".encode() in homes


def test_dates_written_in_each_sources_format(town):
    out, _ = town
    month = "2016-04"
    patterns = {"early_help": r"^\d{4}-\d{2}-\d{2}$", "police": r"^\d{2}/\d{2}/\d{4}$",
                "dwp": r"^\d{1,2}-[A-Z][a-z]{2}-\d{2}$", "cross_keys_homes": r"^\d{2}/\d{2}/\d{4}$"}
    columns = {"early_help": "eha_start_date", "police": "incident_date", "dwp": "start_date",
               "cross_keys_homes": "snapshot_date"}
    messy = read_truth(out, "messy")
    for source, pattern in patterns.items():
        frame = read_extract(out / "landing" / month / f"{source}.csv")
        spoiled = set(messy[(messy.source == source) & (messy.month == month) & (messy.kind == "bad_date")]
                      ["row_number"].astype(int))
        values = frame[columns[source]].iloc[[i for i in range(len(frame)) if i + 1 not in spoiled]]
        assert values.str.match(pattern).all(), source
    # school: date cells, and Excel serial numbers in the spring term's file
    spring = pd.read_excel(out / "landing" / "2016-04" / "school_attendance.xlsx", dtype=object)
    summer = pd.read_excel(out / "landing" / "2016-07" / "school_attendance.xlsx", dtype=object)
    assert spring["date_of_birth"].map(lambda v: isinstance(v, int)).mean() > 0.9
    assert summer["date_of_birth"].map(lambda v: hasattr(v, "year")).mean() > 0.9


def test_links_point_at_rows_written_and_whose_they_are(town):
    out, _ = town
    links = read_truth(out, "links")
    people = read_truth(out, "people").set_index("town_person_id")
    messy = read_truth(out, "messy")
    for month, source, path in extract_files(out):
        frame = read_extract(path)
        keys = row_keys(source, frame)
        mine = links[(links.source == source) & (links.month == month)]
        assert set(mine.row_key) <= set(keys.dropna()), (month, source)
        assert not mine.row_key.duplicated().any()
        quarantined = messy[(messy.source == source) & (messy.month == month) & (messy.expected == "quarantine")]
        repeats = messy[(messy.source == source) & (messy.month == month) & (messy.expected == "duplicate")]
        assert len(mine) == len(frame) - quarantined.row_number.nunique() - len(repeats), (month, source)
        # the person on the row is the person in the truth (for rows whose date of birth was not messed up)
        dob_mess = set(messy[(messy.source == source) & (messy.month == month)
                             & messy.kind.str.startswith("dob_")].row_key)
        sample = mine[~mine.row_key.isin(dob_mess)].head(40)
        by_key = frame.assign(_key=keys).drop_duplicates("_key").set_index("_key")
        for key, person in zip(sample.row_key, sample.town_person_id, strict=True):
            written = by_key.loc[key, "date_of_birth"]
            truth = people.loc[person, "date_of_birth"]
            if source == "school_attendance":
                continue
            fmt = {"early_help": "%Y-%m-%d", "police": "%d/%m/%Y", "dwp": "%d-%b-%y",
                   "cross_keys_homes": "%d/%m/%Y"}[source]
            parsed = pd.to_datetime(written, format=fmt)
            if parsed.year > 2016:
                parsed = parsed.replace(year=parsed.year - 100)
            assert parsed.strftime("%Y-%m-%d") == truth, (source, key)
    # Early Help rows carry the register's ids
    eh = links[links.source == "early_help"]
    assert (eh.eh_person_id == eh.row_key).all()
    assert (eh.eh_family_id != "").all()


def test_row_keys_in_the_contract_format(town):
    out, _ = town
    links = read_truth(out, "links")
    formats = {
        "early_help": r"^\d{7}$",
        "school_attendance": r"^[A-Z]\d{12}\|\d{4}/\d{2}\|(autumn|spring|summer)$",
        "police": r"^CF\d{4}\d{5}\|N\d{7}$",
        "dwp": r"^[A-Z]{2}\d{6}[A-D]\|(benefit|employment)\|\d{4}-\d{2}-\d{2}$",
        "cross_keys_homes": r"^CKH\d{6,7}\|P\d{6}\|\d{4}-\d{2}-\d{2}$",
    }
    for source, pattern in formats.items():
        keys = links[links.source == source].row_key
        assert len(keys) and keys.str.match(pattern).all(), source


def test_identifiers_are_format_valid(town):
    out, _ = town
    people = read_truth(out, "people")
    assert people.upn.str.match(r"^[A-Z]874\d{9}$").all()
    assert all(upn_check_letter(u[1:]) == u[0] for u in people.upn)
    assert people.nino.str.match(r"^[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]$").all()
    assert not people.nino.str[:2].isin(["BG", "GB", "NK", "KN", "TN", "NT", "ZZ"]).any()
    assert people.pnc_id.str.match(r"^\d{2}/\d{7}[A-Z]$").all()
    assert people.uprn.str.match(r"^\d{12}$").all()
    assert people.town_person_id.is_unique and people.nino.is_unique and people.upn.is_unique
    register = pd.concat(read_extract(p) for _, s, p in extract_files(out) if s == "early_help")
    assert register.postcode.map(valid_postcode).mean() > 0.9
    assert (register.uprn == "").mean() > 0.2 and (register.uprn != "").mean() > 0.3  # held only sometimes
    assert (register.nino == "").mean() > 0.4


def test_register_realism(town):
    out, _ = town
    register = pd.concat(read_extract(p).assign(_month=m) for m, s, p in extract_files(out) if s == "early_help")
    assert set(register.role) - {"parent", "guardian", "carer"} == {"parent_carer", "child", "other_adult"}
    assert set(register.csc_status) <= {"none", "cin", "cp", "lac"}
    needs = {n for value in register.identified_needs for n in value.split(";") if n}
    assert needs <= {"crime", "asb", "school_attendance", "exclusion", "child_in_need", "child_protection",
                     "early_help_need", "worklessness", "debt", "housing", "neet", "domestic_abuse",
                     "mental_health", "substance_misuse", "physical_health", "other"}
    assert len(needs) >= 10
    # families join over the months, and some have no plan or lead professional
    first_seen = register.groupby("family_id")._month.min()
    assert first_seen.nunique() >= 6
    latest = register[register._month == register._month.max()]
    assert (latest.family_plan_date == "").any() and (latest.family_plan_date != "").mean() > 0.5
    assert (latest.lead_professional == "").any()
    assert (latest.eha_end_date != "").any()  # closed in the last 12 months, still listed
    # a family that moved shows its new address in a later snapshot
    addresses = register.groupby("person_id").address_line_1.nunique()
    assert (addresses > 1).any()


def test_hard_negatives_are_what_they_say(town):
    out, summary = town
    hard = read_truth(out, "hard_negatives")
    people = read_truth(out, "people").set_index("town_person_id")
    assert {"twin", "father_son", "same_name_dob", "sibling"} <= set(hard.kind)
    for a, b, kind in hard.itertuples(index=False, name=None):
        pa, pb = people.loc[a], people.loc[b]
        if kind == "twin":
            assert pa.date_of_birth == pb.date_of_birth and pa.household_id == pb.household_id
            assert pa.forename != pb.forename
        elif kind == "father_son":
            assert (pa.forename, pa.surname) == (pb.forename, pb.surname) and pa.household_id == pb.household_id
            assert pa.date_of_birth < pb.date_of_birth
        elif kind == "same_name_dob":
            assert (pa.forename, pa.surname, pa.date_of_birth) == (pb.forename, pb.surname, pb.date_of_birth)
            assert pa.household_id != pb.household_id
        else:
            assert pa.household_id == pb.household_id
    assert summary.hard_negatives == hard.kind.value_counts().sort_index().to_dict()


def test_duplicates_are_exact_copies_and_bad_rows_are_spoiled(town):
    out, _ = town
    messy = read_truth(out, "messy")
    seen = {"duplicate_row": 0, "bad_date": 0, "missing_key": 0, "invalid_enum": 0}
    for (source, month), rows in messy.groupby(["source", "month"]):
        path = next((out / "landing" / month).glob(f"{source}.*"))
        frame = read_extract(path)
        for number, kind, expected in zip(rows.row_number.astype(int), rows.kind, rows.expected, strict=True):
            row = frame.iloc[number - 1]
            if kind == "duplicate_row":
                assert expected == "duplicate"
                assert row.equals(frame.iloc[number - 2])
            elif kind == "missing_key":
                assert expected == "quarantine"
                assert (row[list(KEYS[source])] == "").any()
            elif kind == "invalid_enum":
                assert expected == "quarantine"
            if kind in seen:
                seen[kind] += 1
    assert all(seen.values()), seen


def test_clean_extracts_without_mess(tmp_path):
    summary = sample_data.generate(tmp_path, 8, "2016-03", "2016-04", seed=5, mess=MessRates.none())
    messy = read_truth(tmp_path, "messy")
    links = read_truth(tmp_path, "links")
    assert messy.empty
    assert len(links) == sum(summary.rows.values())


def test_formats_are_settable(tmp_path):
    formats = Formats(
        early_help=SourceFormat("xlsx"),
        school_attendance=SourceFormat("csv", "cp1252", "%d/%m/%Y"),
        police=SourceFormat("csv", "utf-8", "%Y-%m-%d"),
        dwp=SourceFormat("csv", "utf-8", "%d/%m/%Y"),
        cross_keys_homes=SourceFormat("xlsx", dob_as_serial="all"),
    )
    sample_data.generate(tmp_path, 6, "2016-04", "2016-04", seed=2, formats=formats)
    folder = tmp_path / "landing" / "2016-04"
    assert sorted(p.name for p in folder.iterdir()) == [
        "cross_keys_homes.xlsx", "dwp.csv", "early_help.xlsx", "police.csv", "school_attendance.csv"]
    assert not (folder / "dwp.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    school = pd.read_csv(folder / "school_attendance.csv", dtype=str, keep_default_na=False, encoding="cp1252")
    assert school.date_of_birth.str.match(r"^(\d{2}/\d{2}/\d{4})?$").mean() > 0.95
    homes = pd.read_excel(folder / "cross_keys_homes.xlsx", dtype=object)
    assert homes.date_of_birth.dropna().map(lambda v: isinstance(v, int)).mean() > 0.9
    with pytest.raises(ValueError):
        SourceFormat("json")


def test_summary_has_counts_but_no_personal_data(town):
    out, summary = town
    text = summary.to_text()
    people = read_truth(out, "people")
    words = set(re.findall(r"[A-Za-z']+", text))
    assert not words & set(people.surname[people.surname.str.len() > 3])
    assert not any(pid in text for pid in people.town_person_id)
    for source in CONTRACT:
        assert f"{source}: {summary.rows[source]} rows" in text
    total = sum(len(read_extract(p)) for _, _, p in extract_files(out))
    assert total == sum(summary.rows.values())
    assert summary.people == len(people)
    assert summary.early_help_people == int((people.eh_person_id != "").sum())


def test_register_families_over_the_period(town):
    out, summary = town
    families = read_truth(out, "families")
    assert len(families) == summary.families == 40
    register = pd.concat(read_extract(p) for _, s, p in extract_files(out) if s == "early_help")
    assert set(register.family_id) == set(families.eh_family_id)
    assert np.all(families.problems != "")


def test_a_cp1252_extract_holds_names_it_cannot_store_without_their_accents(tmp_path):
    from datetime import date

    import pandas as pd

    from sample_data.options import SourceFormat
    from sample_data.writing import write_file

    path = tmp_path / "police.csv"
    write_file(path, pd.DataFrame({"forename": ["Jonė", "Zoë"], "surname": ["Kazlauskienė", "Brontë"]}),
               SourceFormat("csv", "cp1252"), date(2015, 1, 31))
    assert path.read_bytes().decode("cp1252").splitlines()[1:] == ["Jone,Kazlauskiene", "Zoë,Brontë"]
