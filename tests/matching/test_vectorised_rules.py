"""The vectorised family evidence and decision rules give the frames the per-pair loops gave, bit for bit.

Random small towns with many ties (weights on a 1.5-bit grid, so differences land exactly on the 3-bit margin),
checked against the loop versions kept in loop_reference.
"""

from __future__ import annotations

from types import ModuleType

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching import decisions, family_evidence
from matching.decisions import Thresholds
from tests.matching import loop_reference

PEOPLE = [f"s{number}" for number in range(6)]
MEMBERS = [f"e{number}" for number in range(6)]
# repeated entries are drawn more often: most pairs clear the support floor, most forenames agree
WEIGHTS = [-3.0, 0.0, 1.5, 3.0, 4.5, 6.0, 6.0, 7.5, 10.5, 10.5, 15.0]
FEW_WEIGHTS = [-3.0, -3.0, 7.5, 10.5]   # ties on the best score, some of them namesakes below the review bar
FIELD_WEIGHTS = [float("nan"), -1.5, 0.0, 1.5, 3.0, 3.0, 4.5, 4.5, 6.0]
CHECKS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def towns(draw: st.DrawFn, weights: list[float] = WEIGHTS) -> dict:
    """Scored pairs of a few source people and register members, with their households and families."""
    pairs = draw(st.lists(st.tuples(st.sampled_from(PEOPLE), st.sampled_from(MEMBERS)), min_size=8, max_size=30,
                          unique=True))
    dates = draw(st.sampled_from([FIELD_WEIGHTS, [float("nan"), 0.0]]))   # some towns record no dates of birth
    rows = []
    for person, member in pairs:
        fields = {f"mw_{name}": draw(st.sampled_from(dates if name == "dob" else FIELD_WEIGHTS))
                  for name in ("forename", "surname", "dob", "location")}
        weight = draw(st.sampled_from(weights))
        rows.append({"unique_id": person, "eh_person_id": member, "match_weight": weight,
                     "match_probability": 1 / (1 + 2 ** -weight),
                     "conflict": draw(st.sampled_from([None] * 5 + ["dates of birth more than a year apart"])),
                     "weak": draw(st.sampled_from([None, False, False, True])),
                     "caution": draw(st.sampled_from([None, "a common name"])), **fields})
    households = {person: draw(st.sampled_from(["h1", "h1", "h2", None])) for person in PEOPLE}
    families = {member: draw(st.sampled_from(["F1", "F2"])) for member in MEMBERS}
    family_of = pd.Series(families)
    namesakes = pd.DataFrame(
        [(member, other) for member in MEMBERS for other in MEMBERS
         if member != other and families[member] == families[other] and draw(st.booleans())],
        columns=["eh_person_id", "namesake"])
    return {"scored": pd.DataFrame(rows), "household_of": pd.Series(households).dropna(), "family_of": family_of,
            "family_size": family_of.value_counts(), "namesakes": namesakes,
            "listed_once": frozenset(person for person in PEOPLE if draw(st.booleans()))}


def _evidence(module: ModuleType, town: dict) -> pd.DataFrame:
    return module.with_family_evidence(town["scored"], town["household_of"], town["family_of"], town["family_size"],
                                       1e-4, 0.5, town["namesakes"], town["listed_once"])


@CHECKS
@given(towns())
def test_one_to_one_pairs_as_the_greedy_loop_does(town):
    pairs = town["scored"].assign(household=town["scored"]["unique_id"].map(town["household_of"]).fillna("h0"),
                                  family=town["scored"]["eh_person_id"].map(town["family_of"]))
    pd.testing.assert_frame_equal(family_evidence._one_to_one(pairs), loop_reference._one_to_one(pairs))


@CHECKS
@given(towns())
def test_family_evidence_as_the_loops_gave_it(town):
    pd.testing.assert_frame_equal(_evidence(family_evidence, town), _evidence(loop_reference, town))


@CHECKS
@given(towns())
def test_family_evidence_household_by_household_is_the_evidence_of_the_whole_town(town):
    # the Spark backend relies on it: it works out family evidence a partition of households at a time
    scored = town["scored"]
    keyed = scored.assign(household_key=scored["unique_id"].map(town["household_of"]),
                          family_id=scored["eh_person_id"].map(town["family_of"]),
                          listed_once=scored["unique_id"].isin(town["listed_once"]))
    keyed["family_size"] = keyed["family_id"].map(town["family_size"])
    parts = [family_evidence.with_family_evidence_of_households(part, 1e-4, 0.5, town["namesakes"])
             for _, part in keyed.groupby("household_key", dropna=False, sort=False)]
    pd.testing.assert_frame_equal(pd.concat(parts).sort_index(), _evidence(family_evidence, town))
    # and all at once, in the pairs' own order: the pairs alone in their household and family skip the rules
    whole = family_evidence.with_family_evidence_of_households(keyed, 1e-4, 0.5, town["namesakes"])
    pd.testing.assert_frame_equal(whole, _evidence(family_evidence, town))


@st.composite
def candidates(draw: st.DrawFn) -> pd.DataFrame:
    """Candidates as decide hands them on: many tied on the best score, some with a conflict or a reason."""
    town = draw(towns(draw(st.sampled_from([WEIGHTS, FEW_WEIGHTS]))))
    scored = town["scored"]
    return scored.assign(family=scored["eh_person_id"].map(town["family_of"]),
                         reason=[draw(st.sampled_from(["", "family evidence: 1 co-member"]))
                                 for _ in range(len(scored))])


THRESHOLDS = Thresholds(auto_match=0.99, clerical_lower=0.5)


@CHECKS
@given(candidates())
def test_best_candidates_as_the_per_person_loop_chose_them(candidates):
    columns = ["unique_id", "eh_person_id", "match_probability", "match_weight", "conflict", "reason", "family"]
    for tie_break in (["mw_forename", "mw_dob"], ["mw_forename"], []):
        frame = candidates[columns + tie_break]
        pd.testing.assert_frame_equal(decisions._best_candidates(frame, THRESHOLDS),
                                      loop_reference._best_candidates(frame, THRESHOLDS))


@CHECKS
@given(towns(), st.data())
def test_decide_as_the_loops_decided(town, data):
    scored = _evidence(family_evidence, town).drop(columns=["caution"])
    reviewed = pd.DataFrame(data.draw(st.lists(st.tuples(st.sampled_from(PEOPLE), st.sampled_from(MEMBERS),
                                                         st.sampled_from(["accept", "reject"])), max_size=6)),
                            columns=["unique_id", "eh_person_id", "decision"])
    exact = pd.DataFrame(data.draw(st.lists(st.tuples(st.sampled_from(PEOPLE), st.sampled_from(MEMBERS)),
                                            max_size=3)), columns=["unique_id", "eh_person_id"])
    source_of = pd.Series({person: data.draw(st.sampled_from(["police", "dwp"])) for person in PEOPLE})
    arguments = (scored, exact, reviewed, source_of, town["family_of"], THRESHOLDS)
    pd.testing.assert_frame_equal(decisions.decide(*arguments), loop_reference.decide(*arguments))


def test_a_chain_of_pairs_each_outscored_by_the_next_is_paired_as_the_greedy_loop_does():
    # s(k) fits e(k-1) a shade better than e(k), which e(k) fits better than s(k+1): the pairs can only be taken
    # one a round, from the top of the chain (the most rounds the pairing can take)
    size = 200
    pairs = pd.DataFrame({"unique_id": [f"s{k + step:03}" for k in range(size) for step in (0, 1)],
                          "eh_person_id": [f"e{k:03}" for k in range(size) for _ in (0, 1)],
                          "match_weight": [1000.0 - 2 * k - step for k in range(size) for step in (0, 1)],
                          "household": "h1", "family": "F1"})
    paired = family_evidence._one_to_one(pairs)
    assert list(zip(paired["unique_id"], paired["eh_person_id"], strict=True)) == [
        (f"s{k:03}", f"e{k:03}") for k in range(size)]
    pd.testing.assert_frame_equal(paired, loop_reference._one_to_one(pairs))
