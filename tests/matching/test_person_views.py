"""Person views: one candidate record per person per extract, keeping every row behind it."""

from matching.person_views import SOURCE_PEOPLE, SOURCE_ROWS, build_person_views

from .conftest import LAST_MONTH


def test_every_extract_row_up_to_the_month_belongs_to_exactly_one_person(sample):
    build_person_views(sample.con, "2016-06")
    for source in ("school_attendance", "police", "dwp", "cross_keys_homes"):
        staged, mapped, distinct = sample.con.execute(f"""
            SELECT (SELECT count(DISTINCT row_key) FROM staging.{source} WHERE month <= '2016-06'),
                   (SELECT count(*) FROM {SOURCE_ROWS} WHERE source = '{source}'),
                   (SELECT count(DISTINCT row_key) FROM {SOURCE_ROWS} WHERE source = '{source}')
        """).fetchall()[0]
        assert staged == mapped == distinct > 0, source


def test_a_pupil_is_one_person_over_terms_and_a_claimant_over_spells(sample):
    build_person_views(sample.con, LAST_MONTH)
    for source, key in (("school_attendance", "upn"), ("dwp", "nino")):
        people_per_key, keys_per_person = sample.con.execute(f"""
            SELECT max(people), (SELECT max(n) FROM (SELECT count(DISTINCT s.{key}) AS n
                                 FROM staging.{source} s JOIN {SOURCE_ROWS} r ON r.source = '{source}'
                                 AND r.row_key = s.row_key GROUP BY r.unique_id))
            FROM (SELECT s.{key}, count(DISTINCT r.unique_id) AS people FROM staging.{source} s
                  JOIN {SOURCE_ROWS} r ON r.source = '{source}' AND r.row_key = s.row_key GROUP BY 1)
        """).fetchall()[0]
        assert people_per_key == 1 and keys_per_person == 1, source
    several_rows = sample.con.execute(f"""
        SELECT count(*) FROM (SELECT unique_id FROM {SOURCE_ROWS} WHERE source = 'school_attendance'
                              GROUP BY unique_id HAVING count(*) > 1)
        WHERE unique_id IN (SELECT unique_id FROM {SOURCE_PEOPLE})""").fetchall()[0][0]
    assert several_rows > 100   # pupils appear once per term


def test_police_rows_sharing_a_pnc_id_or_name_dob_and_postcode_are_one_person(sample):
    build_person_views(sample.con, LAST_MONTH)
    split_pnc, split_same_details = sample.con.execute(f"""
        WITH rows AS (SELECT p.*, r.unique_id FROM staging.police p
                      JOIN {SOURCE_ROWS} r ON r.source = 'police' AND r.row_key = p.row_key)
        SELECT (SELECT count(*) FROM (SELECT pnc_id FROM rows WHERE pnc_id IS NOT NULL
                                      GROUP BY 1 HAVING count(DISTINCT unique_id) > 1)),
               (SELECT count(*) FROM (SELECT forename_std, surname_std, date_of_birth, postcode_std FROM rows
                                      WHERE pnc_id IS NULL AND forename_std IS NOT NULL AND surname_std IS NOT NULL
                                        AND date_of_birth IS NOT NULL AND postcode_std IS NOT NULL
                                      GROUP BY ALL HAVING count(DISTINCT unique_id) > 1))
    """).fetchall()[0]
    assert split_pnc == 0 and split_same_details == 0
