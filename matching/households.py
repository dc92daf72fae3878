"""Households: a source person who matches no Early Help member but lives at an Early Help family's address.

Same UPRN where both records have one; otherwise the same postcode, the same house and flat numbers and a
similar address (against the sample data's truth, right for 99% of candidates at Peterborough scale and 91%
at county scale). A household candidate is never evidence until the analyst accepts a person match.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from matching.person_views import EH_PEOPLE, SOURCE_PEOPLE
from matching.udfs import TOKEN_SET_RATIO, register_udfs
from warehouse.db import registered

# The numbers in an address (house, flat: "FLAT 2 14A HIGH STREET" -> [14A, 2]) must be the same: the
# neighbours at 14 and 16 High Street share a postcode and score 92 on token similarity.
HOUSE_NUMBERS = r"list_sort(regexp_extract_all({side}.address_std, '\d+[A-Z]?'))"


# On the Spark backend, every source person's candidate households, computed in Spark with the scoring and read
# back into this TEMP table; household_candidates then only picks the unmatched people's.
HOUSEHOLD_HOMES = "cf_household_homes"


def household_homes_sql(people: str, address_similarity: float) -> str:
    """unique_id, eh_family_id for each person of the table `people` at an Early Help family's address (DuckDB SQL;
    the Spark backend renders the same string). A person's rows depend on nobody else's."""
    return f"""
        WITH people AS (SELECT unique_id, uprn, postcode_std, address_std FROM {people}),
             homes AS (SELECT DISTINCT family_id, uprn, postcode_std, address_std FROM {EH_PEOPLE})
        SELECT DISTINCT p.unique_id, h.family_id AS eh_family_id
        FROM people p JOIN homes h ON p.uprn = h.uprn
        UNION
        SELECT DISTINCT p.unique_id, h.family_id AS eh_family_id
        FROM people p JOIN homes h ON p.postcode_std = h.postcode_std
        WHERE (p.uprn IS NULL OR h.uprn IS NULL)
          AND {HOUSE_NUMBERS.format(side="p")} = {HOUSE_NUMBERS.format(side="h")}
          AND {TOKEN_SET_RATIO}(p.address_std, h.address_std) >= {float(address_similarity)!r}
    """


def household_candidates(con: duckdb.DuckDBPyConnection, unmatched: pd.Series, address_similarity: float,
                         computed: str | None = None) -> pd.DataFrame:
    """unique_id, eh_family_id for each unmatched source person at an Early Help family's address; from the table
    `computed` (household_homes_sql of every source person, as the Spark backend leaves it) when given."""
    with registered(con, "_cf_unmatched", pd.DataFrame({"unique_id": unmatched.astype(str).unique()})):
        if computed is not None:
            return con.execute(f"SELECT h.* FROM {computed} h SEMI JOIN _cf_unmatched USING (unique_id) "
                               "ORDER BY 1, 2").df()
        register_udfs(con)
        people = f"(SELECT s.* FROM {SOURCE_PEOPLE} s SEMI JOIN _cf_unmatched USING (unique_id))"
        return con.execute(f"{household_homes_sql(people, address_similarity)} ORDER BY 1, 2").df()
