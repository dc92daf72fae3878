from collections import Counter

import pandas as pd
import pytest

from sources.standardise import (
    formal_forenames,
    formal_forenames_series,
    postcode_district,
    postcode_sector,
    standardise_address,
    standardise_address_series,
    standardise_name,
    standardise_name_series,
    standardise_postcode,
    standardise_postcode_series,
)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("  william  ", "WILLIAM"),
        ("mARY   jane", "MARY JANE"),
        ("O'Neill", "ONEILL"),
        ("O’Neill", "ONEILL"),
        ("Smith-Jones", "SMITH JONES"),
        ("J. R.", "J R"),
        ("Łukasz", "LUKASZ"),
        ("Zoë Brontë", "ZOE BRONTE"),
        ("Søren Dđ", "SOREN DD"),
        ("Straße", "STRASSE"),
        ("Æthelred Œuvre", "AETHELRED OEUVRE"),
        ("José-María", "JOSE MARIA"),
        (" - ", None),
        ("", None),
        (None, None),
    ],
)
def test_names_are_upper_case_ascii_letters_with_single_spaces(written, expected):
    assert standardise_name(written) == expected


def test_formal_forenames_add_the_nicknames_canonical_forms():
    assert formal_forenames("BILL") == ("BILL", "ROBERT", "WILL", "WILLIAM", "WILLIS")
    assert "WILLIAM" in formal_forenames("BILLY JOE")  # the first forename only
    assert formal_forenames("ZYXQ") == ("ZYXQ",)
    assert formal_forenames(None) is None


def test_series_forms_keep_the_index_and_nulls():
    names = pd.Series(["bill", None, "Bill ", "ann"], index=[5, 6, 7, 8], dtype=object)
    standard = standardise_name_series(names)
    assert standard.tolist() == ["BILL", None, "BILL", "ANN"]
    assert list(standard.index) == [5, 6, 7, 8]
    formal = formal_forenames_series(standard)
    assert formal[5] == ["BILL", "ROBERT", "WILL", "WILLIAM", "WILLIS"]
    assert formal[6] is None


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("PE1 2AB", "PE1 2AB"),
        ("pe12ab", "PE1 2AB"),
        ("  Pe1   2ab ", "PE1 2AB"),
        ("ec1a1bb", "EC1A 1BB"),
        ("W1A 0AX", "W1A 0AX"),
        ("M1 1AE", "M1 1AE"),
        ("DN55 1PT", "DN55 1PT"),
        ("PE1 2A", None),
        ("PE1 ABC", None),
        ("12345", None),
        ("PI1 2AB", None),   # I is never the second letter
        ("not known", None),
        (None, None),
    ],
)
def test_postcodes_standardise_to_the_spaced_form_or_none(written, expected):
    assert standardise_postcode(written) == expected


def test_postcode_sector_and_district():
    assert postcode_sector("PE1 2AB") == "PE1 2"
    assert postcode_district("PE1 2AB") == "PE1"
    assert postcode_sector("EC1A 1BB") == "EC1A 1"
    assert postcode_district("EC1A 1BB") == "EC1A"
    assert postcode_sector(None) is None and postcode_district(None) is None
    assert standardise_postcode_series(pd.Series(["pe12ab", None, "bad"])).tolist() == ["PE1 2AB", None, None]


def test_address_variants_give_the_same_tokens():
    variants = [
        "Flat 2, 14a High St, Peterborough, PE1 2AB",
        "14A HIGH STREET FLAT 2",
        "flat 2 14a high st.",
        "Flat 2,\n14A High Street,\nPETERBOROUGH",
    ]
    token_sets = {frozenset(Counter(standardise_address(variant).split()).items()) for variant in variants}
    assert len(token_sets) == 1
    assert standardise_address(variants[0]) == "FLAT 2 14A HIGH STREET"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("12 Church Rd", "12 CHURCH ROAD"),
        ("3 Elm Cl", "3 ELM CLOSE"),
        ("7 Park Ave", "7 PARK AVENUE"),
        ("9 Oak Dr", "9 OAK DRIVE"),
        ("1 Mill Ln", "1 MILL LANE"),
        ("4 Moor Cres", "4 MOOR CRESCENT"),
        ("5 Kings Ct", "5 KINGS COURT"),
        ("6 Queens Pl", "6 QUEENS PLACE"),
        ("8 Rose Gdns", "8 ROSE GARDENS"),
        ("2 Cathedral Sq", "2 CATHEDRAL SQUARE"),
        ("1 St John's Rd", "1 SAINT JOHNS ROAD"),
        ("Peterborough Road, Whittlesey", "PETERBOROUGH ROAD WHITTLESEY"),  # only a trailing town is removed
        ("Peterborough PE1 2AB", None),
        (None, None),
    ],
)
def test_address_expands_street_types_and_drops_postcode_and_town(written, expected):
    assert standardise_address(written) == expected


def test_address_towns_are_a_parameter():
    assert standardise_address("3 Elm Close, Whittlesey, PE7 1AA", towns=["Whittlesey"]) == "3 ELM CLOSE"
    assert standardise_address("3 Elm Close, March", towns=["March", "Peterborough"]) == "3 ELM CLOSE"
    addresses = pd.Series(["3 Elm Cl, March", None], index=[3, 4])
    assert standardise_address_series(addresses, towns=("March",)).tolist() == ["3 ELM CLOSE", None]
