"""Person views: the rows of one person within an extract become one candidate record.

A pupil over terms shares a UPN; a claimant's spells share a NINO; a tenant is tenancy_ref + person_ref;
a police subject is the rows sharing a PNC id, or failing that the same name + date of birth + postcode.
Each person keeps every row_key behind it, so one decision covers all its rows. Everything is built as
TEMP tables on the caller's connection, from the rows of every month up to the run month.
"""

from __future__ import annotations

import duckdb

from matching.model_settings import PERSON_COLUMNS
from settings import parse_month
from sources.registry import matched_sources

EH_PEOPLE = "cf_eh_people"            # the Early Help register as of the month, one row per person
SOURCE_PEOPLE = "cf_source_people"    # one row per source person
SOURCE_ROWS = "cf_source_rows"        # source, row_key -> unique_id
EH_MODEL_INPUT = "cf_eh_model_input"
SOURCE_MODEL_INPUT = "cf_source_model_input"

_COMMON = ("month, row_number, row_key, forename, surname, date_of_birth, postcode,"
           " forename_std, forename_formal, surname_std, postcode_std, address_std")


def _source_rows_sql() -> str:
    """Every matched source's rows up to the month, as each source's declaration views them (sources/<name>.py,
    its `PersonView`): the person key, the display address, the optional identifiers (NULL where the source has
    none) and the source household (family evidence): the tenancy where the source has one, else NULL for
    "the address as this source writes it"."""
    parts = []
    for source in matched_sources():
        view = source.person
        assert view is not None   # matched_sources() are the sources viewed as people
        columns = ", ".join([
            f"{view.person_key} AS person_key",
            f"{view.gender or 'NULL'} AS gender",
            f"{view.address} AS address",
            f"{view.uprn or 'NULL'} AS uprn",
            f"{'upn' if view.identifier == 'upn' else 'NULL'} AS upn",
            f"{'nino' if view.identifier == 'nino' else 'NULL'} AS nino",
            f"{view.household_ref or 'NULL'} AS household_ref",
        ])
        table = view.rows or source.staging_table
        parts.append(f"SELECT '{source.name}' AS source, {_COMMON}, {columns} FROM {table} WHERE month <= $month")
    return "\nUNION ALL\n".join(parts)


def _person_id(person_key: str) -> str:
    """SQL for a source person's pseudonymous id, from the `source` column and the SQL `person_key`; the callers
    hash it once a person or row key, not once an extract row (millions of hashes at county scale)."""
    return f"source || '-' || left(md5(source || '|' || {person_key}), 16)"


def person_view_statements(month: str) -> list[str]:
    """The statements (DuckDB SQL, in order) that (re)create the TEMP tables for `month`; the month is bound
    as a literal, so each backend runs them as they are (matching/spark_backend.py renders them for Spark)."""
    statements = [f"""
        CREATE OR REPLACE TEMP TABLE {EH_PEOPLE} AS
        SELECT 'early_help' AS source_dataset, person_id AS unique_id, family_id,
               forename_std, forename_formal, surname_std, known_as_std AS surname_alt,
               -- names someone may go by instead of the forename: middle names, and a known-as that is not a surname
               list_filter(list_concat(string_split(middle_names_std, ' '), [known_as_std]),
                           lambda name: name IS NOT NULL AND name <> '' AND name <> coalesce(forename_std, ''))
                   AS other_forenames,
               date_of_birth AS dob, gender, postcode_std, address_std, uprn,
               upper(replace(upn, ' ', '')) AS upn, upper(replace(nino, ' ', '')) AS nino,
               forename, surname, date_of_birth, postcode,
               concat_ws(', ', address_line_1, address_line_2, town) AS address
        FROM staging.early_help
        WHERE month = (SELECT max(month) FROM staging.early_help WHERE month <= $month)
        -- a person in two families: the open case, then the latest assessment
        QUALIFY row_number() OVER (PARTITION BY person_id
                                   ORDER BY eha_end_date IS NULL DESC, eha_start_date DESC NULLS LAST, family_id,
                                            row_number) = 1
    """, f"""
        -- a view, not a table: the two aggregates below read the extracts' columns straight from the warehouse,
        -- and the memory a copy of every row would hold is left to them (at county scale, under the 2GB memory
        -- limit, half the time of the person views)
        CREATE OR REPLACE TEMP VIEW cf_source_all_rows AS
        SELECT *,
               -- (month, row_number) as one number, in the same order: arg_max over a tuple compares structs,
               -- twice as slow at county scale
               CAST(replace(month, '-', '') AS BIGINT) * 10000000000 + row_number AS row_order
        FROM ({_source_rows_sql()})
    """, f"""
        CREATE OR REPLACE TEMP TABLE {SOURCE_ROWS} AS
        SELECT source, row_key, {_person_id("arg_max(person_key, month)")} AS unique_id
        FROM cf_source_all_rows GROUP BY source, row_key
    """,
    # Attributes from the person's latest row; the earliest row_key stands for the person in the review queue
    # (it stays the same as later months add rows, so the review_id is stable).
    f"""
        CREATE OR REPLACE TEMP TABLE {SOURCE_PEOPLE} AS
        SELECT source AS source_dataset, {_person_id("person_key")} AS unique_id,
               arg_max(forename_std, row_order) AS forename_std,
               arg_max(forename_formal, row_order) AS forename_formal,
               arg_max(surname_std, row_order) AS surname_std,
               CAST(NULL AS VARCHAR) AS surname_alt,
               CAST(NULL AS VARCHAR[]) AS other_forenames,
               arg_max(date_of_birth, row_order) AS dob,
               arg_max(gender, row_order) AS gender,
               arg_max(postcode_std, row_order) AS postcode_std,
               arg_max(address_std, row_order) AS address_std,
               arg_max(uprn, row_order) AS uprn,
               upper(replace(arg_max(upn, row_order), ' ', '')) AS upn,
               upper(replace(arg_max(nino, row_order), ' ', '')) AS nino,
               arg_max(forename, row_order) AS forename,
               arg_max(surname, row_order) AS surname,
               arg_max(date_of_birth, row_order) AS date_of_birth,
               arg_max(postcode, row_order) AS postcode,
               arg_max(address, row_order) AS address,
               arg_min(row_key, (month, row_key)) AS review_row_key,
               source || '|' || coalesce(arg_max(household_ref, row_order),
                                         arg_max(postcode_std || '|' || address_std, row_order))
                   AS household_key
        FROM cf_source_all_rows GROUP BY source, person_key
    """, "DROP VIEW cf_source_all_rows",
        f"CREATE OR REPLACE TEMP VIEW {EH_MODEL_INPUT} AS SELECT {', '.join(PERSON_COLUMNS)} FROM {EH_PEOPLE}"]
    literal = f"'{parse_month(month)}'"   # YYYY-MM, checked: safe to write into the SQL
    return [statement.replace("$month", literal) for statement in statements]


def build_person_views(con: duckdb.DuckDBPyConnection, month: str) -> None:
    """(Re)create the TEMP tables for `month` on `con`."""
    for statement in person_view_statements(month):
        con.execute(statement).fetchall()


def source_model_input_statement(excluded_table: str | None) -> str:
    """The statement (DuckDB SQL) behind restrict_source_model_input."""
    # One source_dataset for every extract, so link_only compares them with the register and never each other.
    columns = ", ".join("'extracts' AS source_dataset" if column == "source_dataset" else f"s.{column}"
                        for column in PERSON_COLUMNS)
    where = f"WHERE s.unique_id NOT IN (SELECT unique_id FROM {excluded_table})" if excluded_table else ""
    return f"CREATE OR REPLACE TEMP TABLE {SOURCE_MODEL_INPUT} AS SELECT {columns} FROM {SOURCE_PEOPLE} s {where}"


def restrict_source_model_input(con: duckdb.DuckDBPyConnection, excluded_table: str | None) -> None:
    """The source people to score: all, less those in `excluded_table` (unique_id column), e.g. exact matches."""
    con.execute(source_model_input_statement(excluded_table)).fetchall()
