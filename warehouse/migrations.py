"""Schema versions: an existing warehouse from an older release is brought up to date when it is opened.

`schema.sql` creates what is missing (every statement is CREATE ... IF NOT EXISTS, so a new table reaches an
old warehouse by itself); a change to a table that already exists is a numbered migration here, applied once,
in order, and recorded in `ops.schema_version`. Release 0.1 (before versions were kept) is version 1.
"""

from __future__ import annotations

import duckdb

# (version, what changes, SQL). Append only; never edit a migration that has shipped.
MIGRATIONS: tuple[tuple[int, str, str], ...] = (
    (2, "matching.matches gains the plain reason shown to the analyst",
     "ALTER TABLE matching.matches ADD COLUMN IF NOT EXISTS reason VARCHAR"),
    (3, "the load summary says each source's status, why, and the rows purged under retention",
     "ALTER TABLE ops.load_summary ADD COLUMN IF NOT EXISTS status VARCHAR;"
     "ALTER TABLE ops.load_summary ADD COLUMN IF NOT EXISTS note VARCHAR;"
     "ALTER TABLE ops.load_summary ADD COLUMN IF NOT EXISTS rows_purged INTEGER"),
)
SCHEMA_VERSION = MIGRATIONS[-1][0]


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Apply the migrations this warehouse has not had; return its schema version."""
    # No timestamp: a re-run must leave the same warehouse, byte for byte in every table.
    con.execute("""CREATE TABLE IF NOT EXISTS ops.schema_version (
                       version INTEGER NOT NULL, description VARCHAR NOT NULL)""")
    current = con.execute("SELECT coalesce(max(version), 1) FROM ops.schema_version").fetchall()[0][0]
    for version, description, sql in MIGRATIONS:
        if version <= current:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(sql)
            con.execute("INSERT INTO ops.schema_version VALUES (?, ?)", [version, description])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        current = version
    return current
