"""Loading a month is idempotent, snapshots carry forward, and the month's load files are written whole."""

import pandas as pd

import warehouse
from settings import DataDir, Settings
from sources.ingest import ingest_month, write_load_files

POLICE_HEADER = ("incident_ref,person_ref,incident_date,incident_type,person_role,outcome,forename,surname,"
                 "date_of_birth,gender,address,postcode,pnc_id\n")
POLICE_ROWS = [
    "INC001,P01,03/02/2015,crime,offender,charge,Jack,Smith,01/05/1998,M,14 High Street,PE1 2AB,\n",
    "INC001,P02,03/02/2015,crime,victim,,Mary,Jones,12/11/1980,F,2 Park Road,pe12ab,\n",
    "INC002,P03,31/02/2015,asb,suspect,asb_warning,Tom,Brown,07/07/2001,M,5 Mill Lane,PE3 6XY,\n",  # bad date
    "INC001,P01,03/02/2015,crime,offender,charge,Jack,Smith,01/05/1998,M,14 High Street,PE1 2AB,\n",  # same row twice
]
DWP_HEADER = ("nino,forename,surname,date_of_birth,gender,address,postcode,"
              "spell_type,benefit,uc_regime,start_date,end_date\n")
DWP_ROW = "AB123456C,Mary,Jones,12/11/1980,F,2 Park Road,PE1 2AB,benefit,JSA,,29/04/2015,\n"


def _land(paths: DataDir, month: str, source: str, text: str) -> None:
    folder = paths.landing_month(month)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{source}.csv").write_text(text, encoding="utf-8")


def _tables(con) -> dict[str, pd.DataFrame]:
    tables = ["staging.police", "raw.extract_rows", "ops.quarantine", "ops.load_summary"]
    return {table: con.execute(f"SELECT * EXCLUDE (fields) FROM {table} ORDER BY ALL" if table == "raw.extract_rows"
                               else f"SELECT * FROM {table} ORDER BY ALL").df() for table in tables}


def test_rerunning_a_month_leaves_identical_tables(tmp_path):
    paths = DataDir(tmp_path)
    _land(paths, "2015-02", "police", POLICE_HEADER + "".join(POLICE_ROWS))
    con = warehouse.connect(paths.warehouse)
    first = ingest_month(con, paths, "police", "2015-02", Settings())
    before = _tables(con)
    second = ingest_month(con, paths, "police", "2015-02", Settings())
    after = _tables(con)

    assert first == second
    assert (first.rows_read, first.rows_loaded, first.rows_quarantined, first.duplicates_removed) == (4, 2, 1, 1)
    for table, frame in before.items():
        pd.testing.assert_frame_equal(frame, after[table], check_dtype=False)
    assert len(after["raw.extract_rows"]) == 4  # nothing lost: every row read is kept with its outcome


def test_snapshot_month_without_a_file_uses_the_latest_earlier_snapshot(tmp_path):
    paths = DataDir(tmp_path)
    _land(paths, "2015-04", "dwp", DWP_HEADER + DWP_ROW)
    con = warehouse.connect(paths.warehouse)
    ingest_month(con, paths, "dwp", "2015-04", Settings())
    paths.landing_month("2015-05").mkdir()  # the month's folder, without a DWP file
    carried = ingest_month(con, paths, "dwp", "2015-05", Settings())
    assert carried.file is None and carried.used_from_month == "2015-04"
    assert (carried.status, carried.note) == ("carried forward", None)
    assert con.execute("SELECT count(*) FROM staging.dwp WHERE month = '2015-05'").fetchall() == [(0,)]

    absent = ingest_month(con, paths, "police", "2015-05", Settings())  # an increment: none that month
    assert absent.used_from_month is None and absent.rows_read == 0


def test_load_files_list_every_source_and_quarantined_row(tmp_path):
    paths = DataDir(tmp_path)
    _land(paths, "2015-02", "police", POLICE_HEADER + "".join(POLICE_ROWS))
    con = warehouse.connect(paths.warehouse)
    ingest_month(con, paths, "police", "2015-02", Settings())
    ingest_month(con, paths, "dwp", "2015-02", Settings())
    write_load_files(con, paths, "2015-02")

    summary = pd.read_csv(paths.output("2015-02") / "load_summary.csv")
    assert list(summary.columns) == ["source", "file", "rows_read", "rows_loaded", "rows_quarantined",
                                     "duplicates_removed", "used_from_month", "status", "note", "rows_purged"]
    assert summary.set_index("source").loc["police", "rows_quarantined"] == 1
    quarantine = pd.read_csv(paths.output("2015-02") / "quarantine.csv", dtype=str)
    assert quarantine[["source", "file", "row_number", "column"]].values.tolist() == [
        ["police", "police.csv", "3", "incident_date"]]
    assert not list(paths.output("2015-02").glob(".*part"))  # no half-written files left behind
