"""Household candidates: the same dwelling, never the neighbours'."""

import duckdb
import pandas as pd

from matching.households import household_candidates
from matching.person_views import EH_PEOPLE, SOURCE_PEOPLE


def test_same_house_numbers_are_needed_and_uprn_decides_where_both_have_one():
    con = duckdb.connect()
    con.execute(f"""CREATE TEMP TABLE {EH_PEOPLE} AS SELECT * FROM (VALUES
        ('F1', NULL, 'PE1 2AB', '14 HIGH STREET'),
        ('F2', NULL, 'PE1 2AB', 'FLAT 2 30 HIGH STREET'),
        ('F3', '100001', 'PE3 9ZZ', '1 MILL LANE')) t(family_id, uprn, postcode_std, address_std)""")
    con.execute(f"""CREATE TEMP TABLE {SOURCE_PEOPLE} AS SELECT * FROM (VALUES
        ('next door', NULL, 'PE1 2AB', '16 HIGH STREET'),
        ('same house', NULL, 'PE1 2AB', 'HIGH STREET 14'),
        ('other flat', NULL, 'PE1 2AB', 'FLAT 3 30 HIGH STREET'),
        ('same flat', NULL, 'PE1 2AB', '30 HIGH STREET FLAT 2'),
        ('same uprn', '100001', 'PE3 9ZZ', '1 MILL LN'),
        ('other uprn', '100002', 'PE3 9ZZ', '1 MILL LANE')) t(unique_id, uprn, postcode_std, address_std)""")
    people = pd.Series(["next door", "same house", "other flat", "same flat", "same uprn", "other uprn"])
    found = household_candidates(con, people, 90)
    assert sorted(zip(found["unique_id"], found["eh_family_id"], strict=True)) == [
        ("same flat", "F2"), ("same house", "F1"), ("same uprn", "F3")]
