"""The run's view of the warehouse: month ends, family membership at each of them, and each source's records
linked to a family.

Everything is derived from the data as known in the run month (staging rows of months ≤ the run month, matches
of the run month), so re-running a month, or running months out of order, gives the same tables. Temporary
tables are prefixed `pg_` and live on the caller's connection only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from programme.plan import OutcomesPlan
from settings import month_end, months_between
from warehouse.db import registered

COUNTED_DECISIONS = ("auto_match", "clerical_accept")


@dataclass(frozen=True)
class Run:
    con: duckdb.DuckDBPyConnection
    month: str
    plan: OutcomesPlan

    @property
    def as_of(self) -> date:
        return month_end(self.month)

    def params(self) -> dict:
        return {"month": self.month, "d": self.as_of}

    def execute(self, sql: str, **params: object) -> None:
        """Run a statement; only the parameters the statement names are bound (DuckDB rejects extras)."""
        self.con.execute(sql, _bound(sql, {**self.params(), **params})).fetchall()

    def frame(self, sql: str, **params: object) -> pd.DataFrame:
        return self.con.execute(sql, _bound(sql, {**self.params(), **params})).df()

    def table(self, name: str, sql: str, **params: object) -> None:
        self.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}", **params)


def _bound(sql: str, params: dict[str, object]) -> dict[str, object]:
    """Only the parameters the statement names: DuckDB rejects unused ones."""
    named = set(re.findall(r"\$([a-z_]\w*)", sql))
    return {name: value for name, value in params.items() if name in named}


def prepare(run: Run) -> bool:
    """Build the run's temporary tables; False when no Early Help snapshot exists on or before the run's end."""
    first = run.frame("SELECT min(snapshot_date) AS first FROM staging.early_help "
                      "WHERE month <= $month AND snapshot_date <= $d")["first"].iloc[0]
    if pd.isna(first):
        return False
    adult_age = run.plan.definitions.adult_age
    # Unknown age never hides a problem: a person without a date of birth counts as child and as adult.
    run.execute(f"CREATE OR REPLACE TEMP MACRO pg_adult(dob, d) AS "
                f"(dob IS NULL OR dob + INTERVAL {adult_age} YEAR <= d)")
    run.execute(f"CREATE OR REPLACE TEMP MACRO pg_child(dob, d) AS "
                f"(dob IS NULL OR dob + INTERVAL {adult_age} YEAR > d)")
    # The window [D − n months, D]: D is a month end and so is its start.
    run.execute("CREATE OR REPLACE TEMP MACRO pg_since(d, n) AS (last_day(d - to_months(n)))")

    ends = pd.DataFrame({"as_of": [month_end(m) for m in months_between(pd.Timestamp(first).strftime("%Y-%m"),
                                                                          run.month)]})
    with registered(run.con, "pg_month_ends_frame", ends):
        run.table("pg_month_ends", "SELECT CAST(as_of AS DATE) AS as_of FROM pg_month_ends_frame")

    # A month that reused an earlier snapshot adds nothing: one row per person per family per snapshot date.
    run.table("pg_eh", """
        SELECT * FROM staging.early_help WHERE month <= $month AND snapshot_date <= $d
        QUALIFY row_number() OVER (PARTITION BY snapshot_date, family_id, person_id ORDER BY month DESC) = 1""")
    run.table("pg_members", """
        WITH latest AS (
            SELECT e.as_of, max(s.snapshot_date) AS snapshot_date
            FROM pg_month_ends e JOIN (SELECT DISTINCT snapshot_date FROM pg_eh) s ON s.snapshot_date <= e.as_of
            GROUP BY e.as_of)
        SELECT l.as_of, h.* FROM latest l JOIN pg_eh h USING (snapshot_date)""")
    run.table("pg_families", "SELECT DISTINCT as_of, family_id FROM pg_members")
    run.table("pg_people", """
        SELECT person_id, arg_max(date_of_birth, snapshot_date) FILTER (WHERE date_of_birth IS NOT NULL) AS dob
        FROM pg_eh GROUP BY person_id""")
    run.table("pg_links", """
        SELECT DISTINCT source, row_key, eh_person_id AS person_id, eh_family_id AS family_id
        FROM matching.matches
        WHERE month = $month AND decision IN ('auto_match', 'clerical_accept') AND eh_family_id IS NOT NULL""")
    _link_sources(run)
    return True


def _linked(source: str, table: str, where: str, latest_by: str = "month DESC") -> str:
    """The source's rows as known in the run month, one per row key, each with the family it is matched to and
    the person's date of birth (the register's, else the record's own)."""
    return f"""
        WITH rows AS (
            SELECT * FROM staging.{table} WHERE month <= $month AND {where}
            QUALIFY row_number() OVER (PARTITION BY row_key ORDER BY {latest_by}) = 1)
        SELECT r.*, l.family_id, l.person_id, coalesce(p.dob, r.date_of_birth) AS dob
        FROM rows r
        JOIN pg_links l ON l.source = '{source}' AND l.row_key = r.row_key
        LEFT JOIN pg_people p ON p.person_id = l.person_id"""


def _link_sources(run: Run) -> None:
    definitions = run.plan.definitions
    run.table("pg_police", _linked("police", "police", "incident_date <= $d"))
    run.table("pg_school", _linked("school_attendance", "school_attendance", "term_end <= $d"))
    # A DWP spell seen in any snapshot counts by its dates; the latest snapshot that holds it wins.
    run.table("pg_dwp", f"""
        SELECT *, spell_type = 'benefit' AND (list_contains($oow, benefit)
                  OR (benefit = 'UC' AND list_contains($uc_regimes, uc_regime))) AS out_of_work
        FROM ({_linked("dwp", "dwp", "snapshot_date <= $d", "snapshot_date DESC, month DESC")})""",
              oow=definitions.out_of_work_benefits, uc_regimes=definitions.uc_out_of_work_regimes)
    run.table("pg_ckh", _linked("cross_keys_homes", "cross_keys_homes", "snapshot_date <= $d"))
    run.table("pg_ckh_latest", """
        SELECT e.as_of, max(s.snapshot_date) AS snapshot_date
        FROM pg_month_ends e JOIN (SELECT DISTINCT snapshot_date FROM staging.cross_keys_homes
                                   WHERE month <= $month AND snapshot_date <= $d) s ON s.snapshot_date <= e.as_of
        GROUP BY e.as_of""")
