"""Exact pass: a pupil's UPN or a claimant's NINO that the Early Help register holds is a certain match.

The register has no PNC id, so police subjects go through the probabilistic pass. An identifier that more
than one register person holds is a data error, not evidence: those go through the probabilistic pass too.
"""

from __future__ import annotations

import duckdb

from matching.person_views import EH_PEOPLE, SOURCE_PEOPLE
from sources.registry import identifier_columns

EXACT_MATCHES = "cf_exact_matches"   # unique_id (source person) -> eh_person_id


def exact_matches_statement() -> str:
    """The statement (DuckDB SQL) that creates the TEMP table of exact-id matches from the person views."""
    parts = [f"""
        SELECT s.unique_id, e.unique_id AS eh_person_id
        FROM {SOURCE_PEOPLE} s
        JOIN (SELECT {column}, any_value(unique_id) AS unique_id
              FROM {EH_PEOPLE} WHERE {column} IS NOT NULL GROUP BY 1 HAVING count(*) = 1) e
          ON s.{column} = e.{column}
        WHERE s.source_dataset = '{source}'""" for source, column in identifier_columns().items()]
    return f"CREATE OR REPLACE TEMP TABLE {EXACT_MATCHES} AS {' UNION ALL '.join(parts)}"


def find_exact_matches(con: duckdb.DuckDBPyConnection) -> None:
    """Create the TEMP table of exact-id matches from the person views."""
    con.execute(exact_matches_statement()).fetchall()
