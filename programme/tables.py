"""The programme's own warehouse tables: what must survive across months. Every run replaces its month's rows."""

from __future__ import annotations

import duckdb

PROBLEM_FLAGS = ", ".join(f"problem_{n} BOOLEAN NOT NULL" for n in range(1, 7))

DDL = f"""
CREATE TABLE IF NOT EXISTS programme.attachments (
    month VARCHAR NOT NULL,               -- the run month that recorded the row
    family_id VARCHAR NOT NULL,
    attachment_date DATE NOT NULL,        -- the last day of the first month at whose end every condition held
    attached_month VARCHAR NOT NULL,      -- the month first attached (YYYY-MM)
    {PROBLEM_FLAGS},                      -- the problems at attachment
    problems_count INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS programme.eligibility_history (
    month VARCHAR NOT NULL,               -- the run month; as_of is its last day
    family_id VARCHAR NOT NULL,
    as_of DATE NOT NULL,
    {PROBLEM_FLAGS},
    problems_count INTEGER NOT NULL,
    eligible BOOLEAN NOT NULL,
    first_eligible_date DATE              -- the first month end the family was eligible, as known this month
);
CREATE TABLE IF NOT EXISTS programme.results (
    month VARCHAR NOT NULL,               -- the run month in which the result held
    family_id VARCHAR NOT NULL,
    attachment_date DATE NOT NULL,
    result_route VARCHAR NOT NULL,        -- significant_sustained_progress | continuous_employment
    result_date DATE NOT NULL
);
CREATE TABLE IF NOT EXISTS programme.progress (
    month VARCHAR NOT NULL,               -- the run month; one row per attached family and assessed problem
    family_id VARCHAR NOT NULL,
    problem INTEGER NOT NULL,
    at_attachment BOOLEAN NOT NULL,
    progress BOOLEAN NOT NULL
);
CREATE TABLE IF NOT EXISTS programme.drift (
    month VARCHAR NOT NULL,               -- the run month: drift_<month>.csv, for programme.html
    lead_professional VARCHAR, lead_agency VARCHAR, family_id VARCHAR NOT NULL, problem INTEGER NOT NULL,
    months_since_attachment INTEGER NOT NULL, what_is_missing VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS programme.result_evidence (
    month VARCHAR NOT NULL,               -- the run month; the records behind each result of that month
    family_id VARCHAR NOT NULL,
    problem INTEGER,
    kind VARCHAR NOT NULL,                -- eligibility | progress | employment
    source VARCHAR NOT NULL,
    row_key VARCHAR,
    record_date DATE,
    detail VARCHAR NOT NULL
);
"""


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(DDL).fetchall()
