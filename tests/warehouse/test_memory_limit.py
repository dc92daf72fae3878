"""DuckDB's memory: the setting duckdb_memory_limit bounds it; what does not fit is written beside the warehouse,
owner-only, encrypted when the warehouse is, and removed when the connection closes."""

import os

import pytest
import yaml

import warehouse
from settings import Settings, SettingsError, load_settings
from warehouse.db import ENCRYPTION_KEY_VARIABLE

MARKER = "SURNAME-WOJCIECHOWSKA-"   # stands for personal data that must never reach a disk in the clear


def _spill(con) -> list[bytes]:
    """Make DuckDB spill (a sort far larger than its memory) and return what its temporary files hold meanwhile."""
    con.execute(f"""CREATE TEMP TABLE people AS
                    SELECT '{MARKER}' || (range * 7919 % 1000003) AS surname, md5(range::VARCHAR) AS other
                    FROM range(1500000)""")
    result = con.execute("SELECT surname, other FROM people ORDER BY other DESC, surname")
    result.fetchmany(10)   # the sort has run; its spilled runs are on disk until the result is consumed
    spill = [file for file in os.scandir(_spill_folder(con)) if file.is_file()]
    return [open(file.path, "rb").read() for file in spill]


def _spill_folder(con) -> str:
    return con.execute("SELECT current_setting('temp_directory')").fetchall()[0][0]


@pytest.mark.parametrize("encrypted", [False, True])
def test_what_does_not_fit_goes_beside_the_warehouse_owner_only_and_encrypted_with_it(tmp_path, monkeypatch, encrypted):
    if encrypted:
        monkeypatch.setenv(ENCRYPTION_KEY_VARIABLE, "a council's long passphrase 7f3a")
    else:
        monkeypatch.delenv(ENCRYPTION_KEY_VARIABLE, raising=False)
    previous = os.umask(0o077)   # as every run sets it (runtime/resources.py)
    try:
        path = tmp_path / "warehouse" / "cfam.duckdb"
        con = warehouse.connect(path, memory_limit="64MB")
        assert con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0].endswith("MiB")
        assert _spill_folder(con) == str(path.with_name("cfam.duckdb.tmp"))
        spilled = _spill(con)
        assert spilled, "DuckDB wrote nothing to disk: the test did not exceed the memory limit"
        assert oct(os.stat(_spill_folder(con)).st_mode & 0o777) == "0o700"
        in_the_clear = any(MARKER.encode() in content for content in spilled)
        assert in_the_clear is not encrypted
        con.close()
    finally:
        os.umask(previous)
    assert not path.with_name("cfam.duckdb.tmp").exists()


def test_the_memory_limit_is_a_size(tmp_path):
    assert Settings().duckdb_memory_limit == "2GB"
    assert Settings.model_validate({"duckdb_memory_limit": "1536MB"}).duckdb_memory_limit == "1536MB"
    assert Settings.model_validate({"duckdb_memory_limit": None}).duckdb_memory_limit is None
    (tmp_path / "settings.yaml").write_text(yaml.safe_dump({"duckdb_memory_limit": "2GB'; DROP TABLE x; --"}))
    with pytest.raises(SettingsError, match="duckdb_memory_limit"):
        load_settings(tmp_path)
