"""A large extract is read a chunk at a time with the same result as read whole (issue 7, item 6)."""

import pandas as pd
import pytest

import warehouse
from settings import DataDir, Settings
from sources import ExtractError, load_extract
from sources.ingest import ingest_month
from sources.loading import load_extract_chunks
from tests.sources.builders import row, write_csv

MONTH = "2015-03"
ROWS = [
    row("police", person_ref="A"),
    row("police", person_ref="B", incident_date="not a date"),
    row("police", person_ref="C"),
    row("police", person_ref="A"),                      # an exact repeat of row 1, in the next chunk
    row("police", person_ref="D"),
    row("police", person_ref="C", outcome="charge"),    # row 3's key with other content, two chunks later
    row("police", person_ref="E"),
]


def _joined(chunks):
    return (pd.concat([chunk.raw.drop(columns="fields") for chunk in chunks], ignore_index=True),
            pd.concat([chunk.quarantine for chunk in chunks], ignore_index=True),
            pd.concat([chunk.staged for chunk in chunks], ignore_index=True))


def test_chunks_find_repeats_and_duplicate_keys_across_chunks(tmp_path):
    path = write_csv(tmp_path / "police.csv", ROWS)
    whole = load_extract(path, "police", MONTH)
    chunks = list(load_extract_chunks(path, "police", MONTH, chunk_rows=2))
    assert len(chunks) == 4
    raw, quarantine, staged = _joined(chunks)

    assert raw["outcome"].tolist() == ["loaded", "quarantined", "loaded", "duplicate", "loaded", "quarantined",
                                       "loaded"]
    pd.testing.assert_frame_equal(raw, whole.raw.drop(columns="fields"))
    pd.testing.assert_frame_equal(quarantine, whole.quarantine)
    pd.testing.assert_frame_equal(staged, whole.staged)
    assert [chunk.rows_read for chunk in chunks] == [2, 2, 2, 1]


def test_a_file_failing_part_way_leaves_no_rows_of_it(tmp_path):
    paths = DataDir(tmp_path)
    folder = paths.landing_month(MONTH)
    folder.mkdir(parents=True)
    path = write_csv(folder / "police.csv", ROWS)
    path.write_bytes(path.read_bytes() + b"INC9,PR9,\x81\x8d\n")  # row 8: bytes no encoding here decodes
    con = warehouse.connect(paths.warehouse)

    load = ingest_month(con, paths, "police", MONTH, Settings(), chunk_rows=2)
    assert load.failed and load.note == "police.csv, row 8: cannot be decoded as cp1252"
    for table in ("staging.police", "raw.extract_rows", "ops.quarantine"):
        assert con.execute(f"SELECT count(*) FROM {table}").fetchall() == [(0,)], table
    assert con.execute("SELECT status FROM ops.load_summary").fetchall() == [("failed",)]

    path.write_bytes(path.read_bytes().rsplit(b"INC9", 1)[0])
    load = ingest_month(con, paths, "police", MONTH, Settings(), chunk_rows=2)
    assert (load.rows_read, load.rows_loaded, load.rows_quarantined, load.duplicates_removed) == (7, 4, 2, 1)
    assert con.execute("SELECT count(*) FROM raw.extract_rows").fetchall() == [(7,)]


def test_the_first_chunk_with_dates_decides_each_date_column_s_format(tmp_path):
    rows = [row("police", person_ref="A", date_of_birth=""), row("police", person_ref="B", date_of_birth="5-Mar-85"),
            row("police", person_ref="C", date_of_birth="06/03/1985"),
            row("police", person_ref="D", date_of_birth="1985-03-07")]  # ISO is read whatever the format
    chunks = list(load_extract_chunks(write_csv(tmp_path / "police.csv", rows), "police", MONTH, chunk_rows=1))
    _, quarantine, staged = _joined(chunks)
    assert quarantine[["row_number", "column", "reason"]].values.tolist() == [[3, "date_of_birth", "not a date"]]
    assert staged["date_of_birth"].dt.strftime("%Y-%m-%d").fillna("").tolist() == ["", "1985-03-05", "1985-03-07"]


def test_a_csv_the_csv_module_cannot_read_names_the_row(tmp_path):
    path = write_csv(tmp_path / "police.csv", ROWS[:3])
    lines = path.read_bytes().split(b"\n")
    lines[2] = lines[2].rstrip(b"\r") + b"," + b"x" * 200_000 + b"\r"  # row 2: a cell too long to read
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(ExtractError, match=r"^police\.csv, row 2: not a readable CSV \(field larger than field limit"):
        load_extract(path, "police", MONTH)
