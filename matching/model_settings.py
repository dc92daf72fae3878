"""The Splink model's shape: comparisons and blocking rules, one builder for council data and for FEBRL.

Every input table (a "person record") has these columns; other columns are ignored by Splink:
    unique_id, source_dataset, forename_std, forename_formal (VARCHAR[]), surname_std,
    surname_alt (known-as / previous surname, NULL where the source has none),
    other_forenames (VARCHAR[]: middle names and known-as, NULL where the source has none), dob (DATE), gender,
    postcode_std, address_std, upn, nino (upper case, no spaces; NULL where the source has none)
"""

from __future__ import annotations

from typing import Any, cast

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator
from splink.internals.comparison_level_creator import ComparisonLevelCreator

from matching.udfs import TOKEN_SET_RATIO

PERSON_COLUMNS = ("unique_id", "source_dataset", "forename_std", "forename_formal", "surname_std", "surname_alt",
                  "other_forenames", "dob", "gender", "postcode_std", "address_std", "upn", "nino")


# Forename and surname written the wrong way round: each half is its own level, so one coincidence
# (a surname that is someone's forename) counts once, and a real swap counts in both comparisons.
FORENAME_AS_SURNAME = "jaro_winkler_similarity(forename_std_l, surname_std_r) >= 0.92"
SURNAME_AS_FORENAME = "jaro_winkler_similarity(surname_std_l, forename_std_r) >= 0.92"
# Both halves at once is a level of its own: the whole name written the wrong way round.
NAMES_SWAPPED = f"{FORENAME_AS_SURNAME} AND {SURNAME_AS_FORENAME}"
# Someone who goes by a middle name or a known-as: the register holds it, the extract writes it as the forename.
FORENAME_IS_OTHER_NAME = ("list_contains(other_forenames_l, forename_std_r)"
                          " OR list_contains(other_forenames_r, forename_std_l)")


def _null(column: str) -> ComparisonLevelCreator:  # configure() returns the base class
    return cll.CustomLevel(f"{column}_l IS NULL OR {column}_r IS NULL", "missing").configure(is_null_level=True)


def forename_comparison() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="forename",
        comparison_levels=[
            _null("forename_std"),
            cll.ExactMatchLevel("forename_std", term_frequency_adjustments=True),
            cll.CustomLevel("list_has_any(forename_formal_l, forename_formal_r)", "same formal name (nickname)"),
            cll.CustomLevel(NAMES_SWAPPED, "forename and surname swapped"),
            cll.CustomLevel(FORENAME_IS_OTHER_NAME, "forename is a middle name or known-as"),
            cll.CustomLevel(FORENAME_AS_SURNAME, "forename written as the surname"),
            cll.CustomLevel("jaro_winkler_similarity(forename_std_l, forename_std_r) >= 0.92",
                            "spelling close (JW>=0.92)"),
            cll.CustomLevel("jaro_winkler_similarity(forename_std_l, forename_std_r) >= 0.88",
                            "spelling similar (JW>=0.88)"),
            cll.CustomLevel("left(forename_std_l, 1) = left(forename_std_r, 1)", "same initial only"),
            cll.ElseLevel(),
        ],
    )


def surname_comparison() -> cl.CustomComparison:
    parts = "list_has_any(string_split(surname_std_l, ' '), string_split(surname_std_r, ' '))"
    return cl.CustomComparison(
        output_column_name="surname",
        comparison_levels=[
            _null("surname_std"),
            cll.ExactMatchLevel("surname_std", term_frequency_adjustments=True),
            cll.CustomLevel("surname_alt_l = surname_std_r OR surname_std_l = surname_alt_r",
                            "known-as or previous surname"),
            cll.CustomLevel(SURNAME_AS_FORENAME, "surname written as the forename"),
            cll.CustomLevel(f"(contains(surname_std_l, ' ') OR contains(surname_std_r, ' ')) AND {parts}",
                            "one part of a double-barrelled surname"),
            cll.CustomLevel("jaro_winkler_similarity(surname_std_l, surname_std_r) >= 0.92",
                            "spelling close (JW>=0.92)"),
            cll.CustomLevel("jaro_winkler_similarity(surname_std_l, surname_std_r) >= 0.8",
                            "spelling similar (JW>=0.8)"),
            cll.ElseLevel(),
        ],
    )


def dob_comparison() -> cl.CustomComparison:
    one_part_off = (
        "(year(dob_l) = year(dob_r) AND month(dob_l) = month(dob_r))"
        " OR (year(dob_l) = year(dob_r) AND day(dob_l) = day(dob_r))"
        " OR (month(dob_l) = month(dob_r) AND day(dob_l) = day(dob_r))"
        " OR levenshtein(strftime(dob_l, '%Y%m%d'), strftime(dob_r, '%Y%m%d')) <= 1"
    )
    return cl.CustomComparison(
        output_column_name="dob",
        comparison_levels=[
            _null("dob"),
            cll.CustomLevel("dob_l = dob_r", "exact"),
            cll.CustomLevel("year(dob_l) = year(dob_r) AND month(dob_l) = day(dob_r) AND day(dob_l) = month(dob_r)",
                            "day and month swapped"),
            cll.CustomLevel(one_part_off, "one part different"),
            cll.CustomLevel("abs(date_diff('day', dob_l, dob_r)) <= 365", "within a year"),
            cll.ElseLevel(),
        ],
    )


def _postcode_prefixes(uk_postcodes: bool) -> tuple[tuple[int, str], tuple[int, str]]:
    # UK: the inward code is always 3 characters after a space, so the sector drops 2 characters, the district 4.
    if uk_postcodes:
        return (2, "same postcode sector"), (4, "same postcode district")
    return (1, "postcode: first 3 digits"), (2, "postcode: first 2 digits")


def _same_prefix(cut: int) -> str:
    return (f"left(postcode_std_l, length(postcode_std_l) - {cut})"
            f" = left(postcode_std_r, length(postcode_std_r) - {cut})")


def location_comparison(uk_postcodes: bool = True) -> cl.CustomComparison:
    """Postcode and address together: they say the same thing (where someone lives), so scoring them as two
    independent fields would count one household twice and let a brother at the same address outscore a
    date of birth that disagrees."""
    similarity = f"{TOKEN_SET_RATIO}(address_std_l, address_std_r)"
    same_postcode = "postcode_std_l = postcode_std_r"
    near, far = _postcode_prefixes(uk_postcodes)

    return cl.CustomComparison(
        output_column_name="location",
        comparison_levels=[
            cll.CustomLevel("(postcode_std_l IS NULL OR postcode_std_r IS NULL)"
                            " AND (address_std_l IS NULL OR address_std_r IS NULL)", "missing")
            .configure(is_null_level=True),
            cll.CustomLevel(f"{same_postcode} AND {similarity} >= 95", "same address and postcode"),
            cll.CustomLevel(f"{similarity} >= 95", "same address, postcode differs or missing"),
            cll.CustomLevel(f"{same_postcode} AND {similarity} >= 85", "same postcode, similar address (>= 85)"),
            cll.CustomLevel(f"{similarity} >= 85", "similar address (>= 85), postcode differs"),
            cll.CustomLevel(same_postcode, "same postcode, different address"),
            cll.CustomLevel(f"{similarity} >= 70", "partly the same address (>= 70)"),
            cll.CustomLevel(_same_prefix(near[0]), near[1]),
            cll.CustomLevel(_same_prefix(far[0]), far[1]),
            cll.ElseLevel(),
        ],
    )


def postcode_comparison(uk_postcodes: bool = True) -> cl.CustomComparison:
    """Postcode on its own, for data without households (FEBRL), where address and postcode err independently."""
    near, far = _postcode_prefixes(uk_postcodes)
    return cl.CustomComparison(
        output_column_name="postcode",
        comparison_levels=[
            _null("postcode_std"),
            cll.CustomLevel("postcode_std_l = postcode_std_r", "exact"),
            cll.CustomLevel(_same_prefix(near[0]), near[1]),
            cll.CustomLevel(_same_prefix(far[0]), far[1]),
            cll.ElseLevel(),
        ],
    )


def address_comparison() -> cl.CustomComparison:
    similarity = f"{TOKEN_SET_RATIO}(address_std_l, address_std_r)"
    return cl.CustomComparison(
        output_column_name="address",
        comparison_levels=[
            _null("address_std"),
            cll.CustomLevel(f"{similarity} >= 95", "same address (>= 95)"),
            cll.CustomLevel(f"{similarity} >= 85", "similar address (>= 85)"),
            cll.CustomLevel(f"{similarity} >= 70", "partly the same address (>= 70)"),
            cll.ElseLevel(),
        ],
    )


def id_number_comparison() -> cl.CustomComparison:
    """UPN or NINO on both records. The same number is matched exactly before the model runs, so here the
    useful level is a different number: two people, even with the same name and date of birth."""
    both = "(upn_l IS NOT NULL AND upn_r IS NOT NULL) OR (nino_l IS NOT NULL AND nino_r IS NOT NULL)"
    return cl.CustomComparison(
        output_column_name="id_number",
        comparison_levels=[
            cll.CustomLevel(f"NOT ({both})", "missing").configure(is_null_level=True),
            cll.CustomLevel("upn_l = upn_r OR nino_l = nino_r", "same UPN or NINO"),
            cll.ElseLevel(),
        ],
    )


def gender_comparison() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="gender",
        comparison_levels=[
            cll.CustomLevel("gender_l IS NULL OR gender_r IS NULL OR gender_l = 'U' OR gender_r = 'U'", "missing")
            .configure(is_null_level=True),
            cll.CustomLevel("gender_l = gender_r", "exact"),
            cll.ElseLevel(),
        ],
    )


# Rules a true pair must satisfy at least one of to be scored. Their recall is measured on the sample data
# (tests/matching/test_blocking.py; 99.91% at county scale) and their pair counts at county scale (7.4M for
# 240k register people x 660k source people).
# Every rule pairs a common key (a date of birth, a postcode) with a second one, because pairs on a single
# common key grow with the square of the population and blow the budget at county scale.
PREDICTION_BLOCKING_RULES = (
    "l.dob = r.dob AND left(l.forename_std, 1) = left(r.forename_std, 1)",
    "l.dob = r.dob AND left(l.surname_std, 1) = left(r.surname_std, 1)",
    "l.surname_std = r.surname_std AND year(l.dob) = year(r.dob) AND left(l.forename_std, 1) = left(r.forename_std, 1)",
    # the same forename and a surname alike, born the same year or a date missing. (Near the same postcode
    # district was a third branch: across a county everyone is, and it tripled this rule's pairs for 0.01% recall.)
    "l.forename_std = r.forename_std AND left(l.surname_std, 3) = left(r.surname_std, 3) AND year(l.dob) = year(r.dob)",
    "l.forename_std = r.forename_std AND left(l.surname_std, 3) = left(r.surname_std, 3)"
    " AND (l.dob IS NULL OR r.dob IS NULL)",
    # a child with no date of birth on a tenancy record, written by a nickname, a typo or an initial, at the
    # address the family moved to: only family evidence can match it, and only if it is scored at all
    "l.surname_std = r.surname_std AND left(l.forename_std, 1) = left(r.forename_std, 1)"
    " AND (l.dob IS NULL OR r.dob IS NULL)",
    "l.postcode_std = r.postcode_std AND left(l.forename_std, 1) = left(r.forename_std, 1)",
    "l.postcode_std = r.postcode_std AND left(l.surname_std, 1) = left(r.surname_std, 1)",
    "l.forename_std = r.surname_std AND l.surname_std = r.forename_std",
)

# EM needs rules that leave the compared fields free: each rule fixes different fields. Never an address rule:
# within one address the family members outnumber the true pairs, and EM learns "same household" instead.
TRAINING_BLOCKING_RULES = (
    "l.dob = r.dob",
    "l.forename_std = r.forename_std AND l.surname_std = r.surname_std",
)

# Near-certain matches, used only to estimate how often two random records match (the prior).
DETERMINISTIC_RULES = (
    "l.forename_std = r.forename_std AND l.surname_std = r.surname_std AND l.dob = r.dob",
    "l.forename_std = r.forename_std AND l.dob = r.dob AND l.postcode_std = r.postcode_std",
)


def settings_creator(*, uk_postcodes: bool = True, with_gender: bool = True, with_id_numbers: bool = True,
                     households: bool = True, extra_blocking_rules: tuple[str, ...] = ()) -> SettingsCreator:
    """The model's settings. `households=False` (FEBRL: one record per address) scores postcode and address
    as two fields; with households they are one location comparison (see location_comparison).
    `extra_blocking_rules`: broader rules a small data set can afford (FEBRL: 5,000 records a side)."""
    location = [location_comparison(uk_postcodes)] if households else [postcode_comparison(uk_postcodes),
                                                                        address_comparison()]
    comparisons: list[Any] = [forename_comparison(), surname_comparison(), dob_comparison(), *location]
    if with_id_numbers:
        comparisons.append(id_number_comparison())
    if with_gender:
        comparisons.append(gender_comparison())
    return SettingsCreator(
        link_type="link_only",
        unique_id_column_name="unique_id",
        source_dataset_column_name="source_dataset",
        comparisons=comparisons,
        # Splink turns SQL strings into rules (to_blocking_rule_creator); its annotation leaves str out.
        blocking_rules_to_generate_predictions=cast(list[Any], [*PREDICTION_BLOCKING_RULES, *extra_blocking_rules]),
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )
