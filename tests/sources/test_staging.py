"""Each source's staged frame: its derived columns, and that it fits warehouse/schema.sql as it stands."""

import pandas as pd
import pytest

from settings import Settings
from settings.config import TermDates
from sources import load_extract, registered_sources, source_names
from tests.sources.builders import VALID_ROWS, row, write_csv
from warehouse import connect, replace_month


def load(tmp_path, source, rows, month="2015-12", **options):
    return load_extract(write_csv(tmp_path / f"{source}.csv", rows), source, month, **options)


def test_sources_and_snapshots():
    assert source_names() == ("early_help", "school_attendance", "police", "dwp", "cross_keys_homes")
    assert {source.name for source in registered_sources() if source.snapshot} == {"early_help", "dwp",
                                                                                   "cross_keys_homes"}


@pytest.mark.parametrize("source", list(VALID_ROWS))
def test_every_frame_writes_to_its_warehouse_table(tmp_path, source):
    result = load(tmp_path, source, [row(source), row(source, postcode="PE1 2A") if "postcode" in VALID_ROWS[source]
                                     else row(source, forename="Ann"), row(source)])
    con = connect(":memory:")
    table_columns = [name for name, *_ in con.execute(f"DESCRIBE staging.{source}").fetchall()]
    assert list(result.staged.columns) == table_columns
    assert replace_month(con, f"staging.{source}", "2015-12", result.staged) == result.rows_loaded
    assert replace_month(con, "raw.extract_rows", "2015-12", result.raw) == 3
    assert replace_month(con, "ops.quarantine", "2015-12", result.quarantine) == len(result.quarantine)
    assert con.execute(f"SELECT row_key, forename_std, forename_formal FROM staging.{source}").fetchall() == [
        (result.staged["row_key"][0], result.staged["forename_std"][0], result.staged["forename_formal"][0])]
    fields = con.execute("SELECT fields FROM raw.extract_rows WHERE outcome = 'duplicate'").fetchall()[0][0]
    assert fields["forename"] == VALID_ROWS[source]["forename"]


def test_early_help_staging(tmp_path):
    rows = [
        row("early_help"),
        row("early_help", person_id="P002", role="Child", forename="Mary-Jane", middle_names="", known_as="",
            date_of_birth="", gender="f", upn="A123456789012", nino="", identified_needs="",
            csc_status="CP", address_line_1="14A High Street", address_line_2="Flat 2", town="PETERBOROUGH",
            postcode="pe12ab"),
        row("early_help", person_id="P003", identified_needs="School Attendance;housing; gambling;housing"),
    ]
    staged = load(tmp_path, "early_help", rows, month="2016-02").staged
    assert staged["snapshot_date"].tolist() == [pd.Timestamp("2016-02-29")] * 3
    assert staged["identified_needs"].tolist() == [["worklessness", "debt"], [],
                                                   ["school_attendance", "housing", "other"]]
    assert staged["csc_status"].tolist() == ["none", "cp", "none"]
    assert staged["role"].tolist() == ["parent_carer", "child", "parent_carer"]
    first, second = staged.iloc[0], staged.iloc[1]
    assert (first["forename_std"], first["middle_names_std"], first["surname_std"], first["known_as_std"]) == (
        "WILLIAM", "JOHN", "ONEILL", "BILL")
    assert second["forename_std"] == "MARY JANE" and "MARY" in second["forename_formal"]
    assert second["middle_names_std"] is None and second["known_as_std"] is None
    assert pd.isna(second["date_of_birth"]) and second["nino"] is None
    assert sorted(first["address_std"].split()) == sorted(second["address_std"].split())
    assert first["postcode_std"] == second["postcode_std"] == "PE1 2AB"
    assert staged["eha_end_date"].isna().all()
    assert staged["family_plan_date"][0] == pd.Timestamp("2015-09-15")


def test_school_attendance_staging_takes_term_dates_from_settings(tmp_path):
    rows = [row("school_attendance", upn="U1", term="autumn"), row("school_attendance", upn="U2", term="spring"),
            row("school_attendance", upn="U3", term="summer", academic_year="2019/20",
                permanent_exclusion="y", alternative_provision="Y", fixed_term_exclusions="2")]
    staged = load(tmp_path, "school_attendance", rows).staged
    assert staged["term_start"].dt.strftime("%Y-%m-%d").tolist() == ["2015-09-01", "2016-01-01", "2020-05-01"]
    assert staged["term_end"].dt.strftime("%Y-%m-%d").tolist() == ["2015-12-31", "2016-04-30", "2020-07-31"]
    assert staged["permanent_exclusion"].tolist() == [False, False, True]
    assert staged["fixed_term_exclusions"].tolist() == [0, 0, 2]
    assert str(staged["sessions_possible"].dtype) == "int64" and staged["permanent_exclusion"].dtype == bool
    assert staged["address_std"].tolist() == ["3 ELM CLOSE"] * 3

    settings = Settings(terms=TermDates(autumn=("09-03", "12-20")))
    moved = load(tmp_path, "school_attendance", rows[:1], settings=settings).staged
    assert moved["term_start"].tolist() == [pd.Timestamp("2015-09-03")]
    assert moved["term_end"].tolist() == [pd.Timestamp("2015-12-20")]


def test_police_staging(tmp_path):
    rows = [row("police"), row("police", person_ref="PR002", outcome="", gender="", pnc_id="12/345678A",
                               incident_type="Domestic_Abuse")]
    staged = load(tmp_path, "police", rows, month="2015-03").staged
    assert staged["outcome"].tolist() == ["caution", None]
    assert staged["gender"].tolist() == ["M", None]
    assert staged["incident_type"].tolist() == ["crime", "domestic_abuse"]
    assert staged["pnc_id"].tolist() == [None, "12/345678A"]
    assert staged["forename_formal"][0] == ["BILL", "ROBERT", "WILL", "WILLIAM", "WILLIS"]
    assert staged["address_std"][0] == "14A HIGH STREET FLAT 2"


def test_dwp_staging(tmp_path):
    rows = [row("dwp"), row("dwp", spell_type="employment", benefit="", uc_regime="", start_date="01/06/2015",
                            end_date="31/10/2015")]
    staged = load(tmp_path, "dwp", rows, month="2015-11").staged
    assert staged["snapshot_date"].tolist() == [pd.Timestamp("2015-11-30")] * 2
    assert staged["benefit"].tolist() == ["UC", None]
    assert staged["end_date"].tolist()[1] == pd.Timestamp("2015-10-31") and pd.isna(staged["end_date"][0])
    assert staged["address_std"][0] == "FLAT 2 14A HIGH STREET"


def test_cross_keys_homes_staging(tmp_path):
    rows = [row("cross_keys_homes"),
            row("cross_keys_homes", person_ref="H002", person_role="household_member", rent_arrears_gbp="",
                weeks_in_arrears="", nosp_served_date="", asb_case_open="Y", date_of_birth="")]
    staged = load(tmp_path, "cross_keys_homes", rows, month="2015-03").staged
    assert staged["rent_arrears_gbp"].iloc[0] == 1250.50 and pd.isna(staged["rent_arrears_gbp"].iloc[1])
    assert staged["weeks_in_arrears"].iloc[0] == 8.5
    assert staged["asb_case_open"].tolist() == [False, True]
    assert staged["snapshot_date"].tolist() == [pd.Timestamp("2015-03-31")] * 2
    assert staged["nosp_served_date"][0] == pd.Timestamp("2015-03-02") and pd.isna(staged["nosp_served_date"][1])
    assert staged["row_key"].tolist() == ["T0001|H001|2015-03-31", "T0001|H002|2015-03-31"]


def test_an_extract_with_every_row_quarantined_gives_an_empty_staged_frame(tmp_path):
    result = load(tmp_path, "school_attendance", [row("school_attendance", term="winter")])
    assert result.rows_loaded == 0 and len(result.staged) == 0
    con = connect(":memory:")
    assert replace_month(con, "staging.school_attendance", "2015-12", result.staged) == 0
