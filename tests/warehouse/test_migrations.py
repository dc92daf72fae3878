"""A warehouse made by the previous release opens with today's code: migrated, its rows kept."""

from pathlib import Path

import duckdb

import warehouse
from warehouse.migrations import SCHEMA_VERSION

RELEASE_0_1 = Path(__file__).parent / "fixtures" / "release-0.1-schema.sql"


def _columns(path: Path) -> dict[str, list[tuple[str, str]]]:
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute("""SELECT schema_name || '.' || table_name, column_name, data_type FROM duckdb_columns()
                              WHERE database_name = current_database() ORDER BY ALL""").fetchall()
    tables: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in rows:
        tables.setdefault(table, []).append((column, data_type))
    return tables


def test_a_release_0_1_warehouse_is_migrated_to_todays_schema_and_keeps_its_rows(tmp_path):
    old = tmp_path / "old.duckdb"
    with duckdb.connect(str(old)) as con:
        con.execute(RELEASE_0_1.read_text(encoding="utf-8"))
        con.execute("""INSERT INTO matching.matches (month, source, row_key, eh_person_id, decision, method)
                       VALUES ('2015-01', 'police', 'INC1|P1', 'EH1', 'auto_match', 'probabilistic')""")
    assert "reason" not in dict(_columns(old)["matching.matches"])

    warehouse.connect(old).close()
    fresh = tmp_path / "fresh.duckdb"
    warehouse.connect(fresh).close()

    assert _columns(old) == _columns(fresh)
    with duckdb.connect(str(old), read_only=True) as con:
        assert con.execute("SELECT row_key, reason FROM matching.matches").fetchall() == [("INC1|P1", None)]
        assert con.execute("SELECT max(version) FROM ops.schema_version").fetchall()[0][0] == SCHEMA_VERSION


def test_opening_twice_applies_each_migration_once(tmp_path):
    path = tmp_path / "w.duckdb"
    warehouse.connect(path).close()
    warehouse.connect(path).close()
    with duckdb.connect(str(path), read_only=True) as con:
        versions = [row[0] for row in con.execute("SELECT version FROM ops.schema_version ORDER BY 1").fetchall()]
    assert versions == sorted(set(versions))
