"""The sample town: households at addresses, the people in them, the Early Help families among them, the
problems each family has and how those problems change over the months.

Everything here is the truth; the extract builders (early_help.py, school.py, police.py, dwp.py, housing.py)
write what each partner's system would hold about it, and mess.py how it gets written down.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sample_data import names as nm
from sample_data._util import NA, month_end_day, month_start_day, shift_month, stream
from sample_data.ids import (
    make_ninos,
    make_pnc_ids,
    make_upns,
    prefixed,
    unique_numbers,
)
from sample_data.places import SOURCE_ADDRESS_STYLE, Properties, build_properties
from sample_data.variants import variants_for

PROBLEMS = ("crime", "school", "csc", "work", "debt", "da", "health")
# chance a household has each problem: Early Help families vs the rest of the town
EH_RATES = {"crime": 0.38, "school": 0.45, "csc": 0.35, "work": 0.55, "debt": 0.32, "da": 0.30, "health": 0.40}
TOWN_RATES = {"crime": 0.03, "school": 0.03, "csc": 0.0, "work": 0.10, "debt": 0.04, "da": 0.012, "health": 0.08}
NON_EH_PER_FAMILY = 2.5
LEAD_AGENCIES = (("Early Help", 0.45), ("Schools", 0.18), ("Health", 0.12), ("Police", 0.05), ("Housing", 0.08),
                 ("Children's Centre", 0.06), ("Youth Service", 0.06))


@dataclass
class Town:
    seed: int
    months: list[str]
    month_ends: np.ndarray      # day numbers of each month's last day
    month_starts: np.ndarray
    props: Properties
    hh: pd.DataFrame            # one row per household, index 0..H-1
    people: pd.DataFrame        # one row per person, index 0..P-1
    hard_negatives: pd.DataFrame
    practitioners: np.ndarray
    housing: dict = field(default_factory=dict)  # arrears simulation (housing.py reads it)

    @property
    def first_day(self) -> int:
        return int(self.month_starts[0])

    @property
    def last_day(self) -> int:
        return int(self.month_ends[-1])

    def property_at(self, persons: np.ndarray, days: np.ndarray | int) -> np.ndarray:
        """Each person's property on a day (their household's address then)."""
        household = self.people["household"].to_numpy()[persons]
        move = self.hh["move_day"].to_numpy()[household]
        moved = (move != NA) & (np.asarray(days) >= move)
        return np.where(moved, self.hh["prop1"].to_numpy()[household], self.hh["prop0"].to_numpy()[household])

    def person_fields(self, persons: np.ndarray, prop: np.ndarray, source: str) -> dict[str, np.ndarray]:
        """The identifying columns every partner extract carries, as that source writes the address."""
        people = self.people
        return {
            "forename": people["forename"].to_numpy()[persons],
            "surname": people["surname"].to_numpy()[persons],
            "date_of_birth": people["dob"].to_numpy()[persons],
            "gender": people["gender"].to_numpy()[persons],
            "address": self.props.render(SOURCE_ADDRESS_STYLE[source])[prop],
            "postcode": self.props.column("postcode")[prop],
        }

    def previous_property(self, persons: np.ndarray, days: np.ndarray | int) -> np.ndarray:
        """The address before a move already made by then, or -1."""
        household = self.people["household"].to_numpy()[persons]
        move = self.hh["move_day"].to_numpy()[household]
        moved = (move != NA) & (np.asarray(days) >= move)
        return np.where(moved, self.hh["prop0"].to_numpy()[household], -1)

    def age_years(self, persons: np.ndarray, days: np.ndarray | int) -> np.ndarray:
        dob = self.people["dob"].to_numpy()[persons]
        return (np.asarray(days) - dob) / 365.25


def build_town(seed: int, families: int, months: list[str]) -> Town:
    rng = stream(seed, "town")
    month_ends = np.array([month_end_day(m) for m in months], dtype=np.int64)
    month_starts = np.array([month_start_day(m) for m in months], dtype=np.int64)
    ref = int(month_starts[0])

    n_eh = families
    n_other = int(round(families * NON_EH_PER_FAMILY))
    is_eh = np.zeros(n_eh + n_other, dtype=bool)
    is_eh[:n_eh] = True
    is_eh = is_eh[rng.permutation(len(is_eh))]
    hh = _compositions(rng, is_eh)
    people = _people(rng, hh, ref)
    props = build_properties(stream(seed, "places"), int(len(hh) * 1.45) + 50)
    hh = _homes(rng, hh, props, month_starts, month_ends)
    district = props.column("district")[hh["prop0"].to_numpy()]
    hh, people, hard = _hard_negatives(rng, hh, people, district)
    hh, people = _problems(rng, hh, people, ref, month_ends)
    hh = _early_help(rng, hh, ref, month_ends)
    people = _identifiers(stream(seed, "ids"), people, hh, ref)
    practitioners = np.array(nm.practitioner_names(stream(seed, "practitioners"), max(12, families // 12)),
                             dtype=object)
    town = Town(seed, months, month_ends, month_starts, props, hh, people, hard, practitioners)
    _simulate_tenancies(stream(seed, "tenancies"), town)
    return town


# --- households and people ------------------------------------------------------------------------------

def _compositions(rng: np.random.Generator, is_eh: np.ndarray) -> pd.DataFrame:
    h = len(is_eh)
    communities = np.array(list(nm.COMMUNITIES), dtype=object)
    cp = np.array(list(nm.COMMUNITIES.values()))
    community = rng.choice(communities, size=h, p=cp / cp.sum())
    # kinds: single_parent, couple, couple_other, single_other, kinship, single, couple_only, pensioners, sharers
    eh_kinds = ["single_parent", "couple", "couple_other", "single_other", "kinship"]
    eh_p = [0.45, 0.38, 0.07, 0.05, 0.05]
    town_kinds = ["single", "couple_only", "couple", "single_parent", "pensioners", "sharers", "couple_other"]
    town_p = [0.22, 0.22, 0.28, 0.10, 0.10, 0.05, 0.03]
    kind = np.where(is_eh, rng.choice(eh_kinds, size=h, p=eh_p), rng.choice(town_kinds, size=h, p=town_p))
    n_parents = np.select(
        [np.isin(kind, ["single_parent", "single_other", "single"]),
         np.isin(kind, ["couple", "couple_other", "couple_only"]),
         kind == "kinship", kind == "pensioners", kind == "sharers"],
        [1, 2, rng.integers(1, 3, h), rng.integers(1, 3, h), rng.integers(2, 4, h)], 0)
    has_children = np.isin(kind, ["single_parent", "couple", "couple_other", "single_other", "kinship"])
    eh_children = rng.choice([1, 2, 3, 4, 5], size=h, p=[0.25, 0.33, 0.22, 0.12, 0.08])
    town_children = rng.choice([1, 2, 3, 4], size=h, p=[0.40, 0.40, 0.15, 0.05])
    n_children = np.where(has_children, np.where(is_eh, eh_children, town_children), 0)
    n_other = np.where(np.isin(kind, ["couple_other", "single_other"]), 1 + (rng.random(h) < 0.15), 0)
    return pd.DataFrame({"is_eh": is_eh, "community": community, "kind": kind, "n_parents": n_parents,
                         "n_children": n_children, "n_other": n_other})


def _draw_names(rng: np.random.Generator, community: np.ndarray, key: np.ndarray) -> np.ndarray:
    """Forenames for people of given community and `<gender>_<generation>` keys."""
    out = np.empty(len(community), dtype=object)
    frame = pd.DataFrame({"c": community, "k": key})
    for (comm, k), index in sorted(frame.groupby(["c", "k"]).groups.items()):
        values, p = nm.weights_to_p(nm.FORENAMES[comm][k])
        out[np.asarray(index)] = rng.choice(values, size=len(index), p=p)
    return out


def _draw_surnames(rng: np.random.Generator, community: np.ndarray) -> np.ndarray:
    """Surname triples (male, female married, female unmarried) as an (n, 3) object array."""
    out = np.empty((len(community), 3), dtype=object)
    for comm in sorted(set(community.tolist())):
        index = np.flatnonzero(community == comm)
        items = nm.SURNAMES[comm]
        p = np.array([w for _, w in items], dtype=float)
        chosen = rng.choice(len(items), size=len(index), p=p / p.sum())
        out[index] = np.array([items[i][0] for i in chosen], dtype=object).reshape(-1, 3)
    return out


def _people(rng: np.random.Generator, hh: pd.DataFrame, ref: int) -> pd.DataFrame:
    h = len(hh)
    n_p, n_c, n_o = (hh[c].to_numpy() for c in ("n_parents", "n_children", "n_other"))
    size = n_p + n_c + n_o
    household = np.repeat(np.arange(h), size)
    starts = np.repeat(np.cumsum(size) - size, size)
    k = np.arange(len(household)) - starts
    np_r, nc_r = n_p[household], n_c[household]
    slot = np.where(k < np_r, "parent", np.where(k < np_r + nc_r, "child", "other"))
    parent_no = np.where(slot == "parent", k + 1, 0)
    child_no = np.where(slot == "child", k - np_r + 1, 0)
    kind = hh["kind"].to_numpy()[household]
    is_eh = hh["is_eh"].to_numpy()[household]
    n = len(household)
    u = rng.random(n)

    # gender
    female_p1 = np.where(np.isin(kind, ["single_parent", "single_other"]), 0.9,
                         np.where(np.isin(kind, ["couple", "couple_other", "couple_only"]), 0.95, 0.5))
    gender = np.where(rng.random(n) < 0.5, "F", "M").astype(object)
    p1 = parent_no == 1
    gender[p1] = np.where(u[p1] < female_p1[p1], "F", "M")
    p2 = parent_no == 2
    p1_gender = pd.Series(gender[p1], index=household[p1])
    partner_of_p1 = p1_gender.reindex(household[p2]).to_numpy()
    opposite = np.where(partner_of_p1 == "F", "M", "F")
    gender[p2] = np.where(rng.random(p2.sum()) < 0.96, opposite, partner_of_p1)
    kinship_parent = (kind == "kinship") & (slot == "parent")
    gender[kinship_parent & p2] = np.where(gender[kinship_parent & p2] == "F", "M", "F")

    # ages in years at the reference day
    eh_eldest = rng.uniform(0.3, 17.9, h)
    eldest = np.where(hh["is_eh"].to_numpy(), eh_eldest, rng.uniform(0.1, 17.9, h))
    gaps = np.where(slot == "child", np.where(child_no == 1, 0.0, 1.0 + rng.poisson(1.2, n) + rng.random(n)), 0.0)
    cum_gap = pd.Series(gaps).groupby(household).cumsum().to_numpy()
    age = np.zeros(n)
    child = slot == "child"
    age[child] = np.maximum(eldest[household][child] - cum_gap[child], rng.uniform(0.05, 1.0, child.sum()))
    mother_at_birth = np.where(is_eh, rng.uniform(16, 36, n), rng.uniform(19, 40, n))
    base_adult = np.select(
        [np.isin(kind, ["single", "couple_only"]), kind == "pensioners", kind == "sharers", kind == "kinship"],
        [rng.uniform(18, 64, n), rng.uniform(65, 90, n), rng.uniform(18, 45, n),
         eldest[household] + rng.uniform(38, 55, n)],
        eldest[household] + mother_at_birth)
    p1_age = pd.Series(np.where(p1, base_adult, np.nan)).groupby(household).transform("max").to_numpy()
    age[p1] = base_adult[p1]
    partner_age = np.maximum(18.2, p1_age[p2] + rng.normal(2.5, 3.5, p2.sum()))
    age[p2] = np.where(kind[p2] == "sharers", base_adult[p2], partner_age)
    p3 = parent_no >= 3
    age[p3] = base_adult[p3]
    other = slot == "other"
    grandparent = rng.random(n) < 0.6
    age[other] = np.where(grandparent[other], p1_age[other] + rng.uniform(19, 30, other.sum()),
                          np.clip(eldest[household][other] + rng.uniform(1, 7, other.sum()), 18.1, 25.0))
    gender[other & grandparent] = np.where(rng.random((other & grandparent).sum()) < 0.7, "F", "M")
    age = np.clip(age, 0.01, 99)
    dob = (ref - np.floor(age * 365.25)).astype(np.int64)

    # names
    community = hh["community"].to_numpy()[household].copy()
    mixed = p2 & (community != "british") & (rng.random(n) < 0.08)
    community[mixed] = "british"
    generation = np.where(dob >= 10957, "child", "adult")  # born in 2000 or later: today's names
    forename = _draw_names(rng, community, np.char.add(np.char.add(gender.astype(str), "_"), generation))
    middle = _draw_names(rng, community, np.char.add(np.char.add(gender.astype(str), "_"), generation))
    middle_p = np.where(community == "british", 0.45, 0.15)
    middle = np.where((rng.random(n) < middle_p) & (middle != forename), middle, "")

    triples = _draw_surnames(rng, hh["community"].to_numpy())            # the household's name
    other_triples = _draw_surnames(rng, hh["community"].to_numpy())      # an absent parent's / maiden name
    prev_triples = _draw_surnames(rng, hh["community"].to_numpy())       # a first husband's name
    double = (hh["community"].to_numpy() == "british") & (rng.random(h) < 0.03)
    if double.any():
        second = _draw_surnames(rng, np.full(double.sum(), "british", dtype=object))
        triples[double] = np.char.add(np.char.add(triples[double].astype(str), "-"), second.astype(str)).astype(object)

    h_married = rng.random(h) < 0.7                # mother took the partner's name
    h_remarried = h_married & (rng.random(h) < 0.2)  # ...and had a first husband's name before
    h_children_other = rng.random(h) < 0.4         # single parent's children carry their father's name
    h_children_prev = h_remarried & (rng.random(h) < 0.5)

    def form(tr: np.ndarray, g: np.ndarray, married: np.ndarray) -> np.ndarray:
        return np.where(g == "M", tr[:, 0], np.where(married, tr[:, 1], tr[:, 2]))

    hh_tr = triples[household]
    surname = form(hh_tr, gender, np.ones(n, bool))
    couple = np.isin(kind, ["couple", "couple_other", "couple_only"])
    # a mother in a couple who did not take her partner's name keeps her own
    keep_own = couple & p1 & ~h_married[household]
    surname[keep_own] = form(other_triples[household][keep_own], gender[keep_own], np.zeros(keep_own.sum(), bool))
    single = np.isin(kind, ["single_parent", "single_other"])
    kids_other = child & single & h_children_other[household]
    surname[kids_other] = form(other_triples[household][kids_other], gender[kids_other],
                               np.zeros(kids_other.sum(), bool))
    kids_prev = child & couple & h_children_prev[household]
    surname[kids_prev] = form(prev_triples[household][kids_prev], gender[kids_prev], np.zeros(kids_prev.sum(), bool))
    girls = child & (gender == "F") & ~kids_other & ~kids_prev
    surname[girls] = hh_tr[girls, 2]
    prev_surname = np.full(n, "", dtype=object)
    remarried_mother = couple & p1 & h_remarried[household] & (gender == "F")
    prev_surname[remarried_mother] = prev_triples[household][remarried_mother, 1]
    single_mother = single & p1 & (gender == "F") & (rng.random(n) < 0.15)
    prev_surname[single_mother] = other_triples[household][single_mother, 1]
    prev_surname = np.where(prev_surname == surname, "", prev_surname)
    known_as = np.where((prev_surname != "") & (rng.random(n) < 0.6), prev_surname, "").astype(object)
    alias = (known_as == "") & (rng.random(n) < 0.03)
    alias_names = np.array([(variants_for(f) or ("",))[0] for f in forename[alias]], dtype=object)
    known_as[np.flatnonzero(alias)] = alias_names

    role = np.where(slot == "parent", "parent_carer", np.where(slot == "child", "child", "other_adult"))
    role = np.where((role == "child") & (age >= 18), "other_adult", role)
    return pd.DataFrame({
        "household": household, "slot": slot, "parent_no": parent_no, "child_no": child_no, "role": role,
        "gender": gender, "dob": dob, "community": community, "forename": forename, "middle_names": middle,
        "surname": surname, "known_as": known_as, "prev_surname": prev_surname,
    })


# --- hard negatives -------------------------------------------------------------------------------------

def _hard_negatives(rng: np.random.Generator, hh: pd.DataFrame, people: pd.DataFrame, district: np.ndarray):
    pairs: list[tuple[int, int, str]] = []
    people = people.copy()
    forename = people["forename"].to_numpy().copy()
    surname = people["surname"].to_numpy().copy()
    dob = people["dob"].to_numpy().copy()
    gender = people["gender"].to_numpy()
    household = people["household"].to_numpy()
    community = people["community"].to_numpy()
    children = people[people["slot"] == "child"]

    # twins: the second child born the same day as the first
    first = children[children["child_no"] == 1]
    second = children[children["child_no"] == 2]
    both = np.intersect1d(first["household"].to_numpy(), second["household"].to_numpy())
    twin_h = both[_at_least(rng, rng.random(len(both)) < 0.07, 2)]
    a = first.index.to_numpy()[np.searchsorted(first["household"].to_numpy(), twin_h)]
    b = second.index.to_numpy()[np.searchsorted(second["household"].to_numpy(), twin_h)]
    dob[b] = dob[a]
    for i, j in zip(a.tolist(), b.tolist(), strict=True):
        if gender[i] == gender[j] and community[i] == "british" and rng.random() < 0.5:
            similar = nm.SIMILAR_FORENAMES[gender[i]]
            forename[i], forename[j] = similar[rng.integers(len(similar))]
        elif forename[i] == forename[j]:
            forename[j] = forename[j] + "ie" if not forename[j].endswith(("ie", "y")) else forename[j][:-1] + "a"
        pairs.append((i, j, "twin"))

    # a son given his father's forename (and surname): "Jr"
    fathers = people[(people["parent_no"] == 2) & (people["gender"] == "M")]
    sons = children[(children["gender"] == "M") & (children["child_no"] == 1)]
    shared = np.intersect1d(fathers["household"].to_numpy(), sons["household"].to_numpy())
    jr = shared[_at_least(rng, rng.random(len(shared)) < 0.04, 2)]
    f_idx = fathers.index.to_numpy()[np.searchsorted(fathers["household"].to_numpy(), jr)]
    s_idx = sons.index.to_numpy()[np.searchsorted(sons["household"].to_numpy(), jr)]
    forename[s_idx] = forename[f_idx]
    surname[s_idx] = surname[f_idx]
    pairs += [(i, j, "father_son") for i, j in zip(f_idx.tolist(), s_idx.tolist(), strict=True)]

    # two unrelated people with the same common name and date of birth in different parts of town
    common = {s for s, _ in nm.BRITISH_SURNAMES[:15]}
    adults = people[(people["slot"] != "child") & people["surname"].isin(common)]
    picks = adults.index.to_numpy()[_at_least(rng, rng.random(len(adults)) < 0.01, 3)]
    others = people[(people["slot"] == "parent")].index.to_numpy()
    used = set(picks.tolist()) | set(a.tolist()) | set(b.tolist()) | set(s_idx.tolist()) | set(f_idx.tolist())
    for i in picks.tolist():
        for _ in range(20):
            j = int(others[rng.integers(len(others))])
            if j in used or gender[j] != gender[i] or district[household[j]] == district[household[i]]:
                continue
            forename[j], surname[j], dob[j] = forename[i], surname[i], dob[i]
            used.add(j)
            pairs.append((i, j, "same_name_dob"))
            break

    # siblings
    kids = people[people["slot"] == "child"][["household"]].reset_index()
    sib = kids.merge(kids, on="household")
    sib = sib[sib["index_x"] < sib["index_y"]]
    people["forename"], people["surname"], people["dob"] = forename, surname, dob
    people["middle_names"] = np.where(people["middle_names"] == people["forename"], "", people["middle_names"])
    hard = pd.DataFrame(pairs, columns=["a", "b", "kind"])
    hard = pd.concat([hard, pd.DataFrame({"a": sib["index_x"].to_numpy(), "b": sib["index_y"].to_numpy(),
                                          "kind": "sibling"})], ignore_index=True)
    # twins are siblings too, but listed once, as twins
    twin_keys = set(zip(a.tolist(), b.tolist(), strict=True))
    is_twin = np.array([(x, y) in twin_keys for x, y in zip(hard["a"], hard["b"], strict=True)], dtype=bool)
    hard = hard[~((hard["kind"] == "sibling").to_numpy() & is_twin)]
    return hh, people, hard.reset_index(drop=True)


def _at_least(rng: np.random.Generator, mask: np.ndarray, count: int) -> np.ndarray:
    """`mask` with more of its positions set at random until at least `count` (or all) are: a small town
    still gets its twins, namesakes and juniors."""
    missing = min(count, len(mask)) - int(mask.sum())
    if missing > 0:
        mask = mask.copy()
        mask[rng.choice(np.flatnonzero(~mask), size=missing, replace=False)] = True
    return mask


# --- homes -----------------------------------------------------------------------------------------------

def _homes(rng, hh, props: Properties, month_starts, month_ends) -> pd.DataFrame:
    hh = hh.copy()
    h = len(hh)
    order = rng.permutation(len(props))
    hh["prop0"] = order[:h]
    vacant = order[h:]
    is_eh = hh["is_eh"].to_numpy()
    hh["social"] = rng.random(h) < np.where(is_eh, 0.60, 0.25)
    movers = rng.random(h) < np.where(is_eh, 0.14, 0.07)
    first, last = int(month_starts[0]), int(month_ends[-1])
    span = max(last - first, 28)
    move_day = np.where(movers, first + 10 + rng.integers(0, span, h), NA)
    hh["move_day"] = np.where(move_day > last, NA, move_day).astype(np.int64)
    hh["prop1"] = vacant[: h] if len(vacant) >= h else np.concatenate([vacant, vacant[: h - len(vacant)]])
    hh["social_after_move"] = hh["social"] & (rng.random(h) < 0.7)
    return hh


# --- problems --------------------------------------------------------------------------------------------

def _problems(rng, hh, people, ref, month_ends):
    hh = hh.copy()
    people = people.copy()
    h = len(hh)
    is_eh = hh["is_eh"].to_numpy()
    has_kids = hh["n_children"].to_numpy() > 0
    for p in PROBLEMS:
        rate = np.where(is_eh, EH_RATES[p], TOWN_RATES[p])
        hh[p] = rng.random(h) < rate
    hh.loc[~has_kids, ["school", "csc"]] = False
    # every Early Help family has at least one problem
    none = is_eh & ~hh[list(PROBLEMS)].any(axis=1).to_numpy()
    pick = rng.choice(["school", "work", "health", "da", "crime"], size=none.sum())
    for p in set(pick.tolist()):
        hh.loc[np.flatnonzero(none)[pick == p], p] = True
    hh.loc[~has_kids, ["school", "csc"]] = False
    hh["asb_kind"] = rng.random(h) < 0.4          # crime problem shows as anti-social behaviour
    responsive = rng.random(h) < 0.6
    for p in PROBLEMS:
        improves = np.where(responsive, rng.random(h) < 0.85, rng.random(h) < 0.2) & is_eh & hh[p].to_numpy()
        hh[f"improves_{p}"] = improves
    hh["improve_lag"] = rng.integers(90, 400, h)

    age = (ref - people["dob"].to_numpy()) / 365.25
    household = people["household"].to_numpy()
    slot = people["slot"].to_numpy()
    n = len(people)
    u = rng.random(n)
    # offenders: a teenager if the family has one, else a parent or other adult
    teen = (slot == "child") & (age >= 11.5)
    adult = slot != "child"
    ranked_teen = _first_in_household(household, teen, u)
    ranked_adult = _first_in_household(household, adult & (people["gender"].to_numpy() == "M"), u)
    ranked_any_adult = _first_in_household(household, adult, u)
    crime_h = hh["crime"].to_numpy()
    actor = np.zeros(n, bool)
    prefer_teen = rng.random(h) < 0.65
    for hid in np.flatnonzero(crime_h):
        if prefer_teen[hid] and hid in ranked_teen:
            actor[ranked_teen[hid]] = True
            if rng.random() < 0.2 and hid in ranked_any_adult:
                actor[ranked_any_adult[hid]] = True
        elif hid in ranked_adult:
            actor[ranked_adult[hid]] = True
        elif hid in ranked_any_adult:
            actor[ranked_any_adult[hid]] = True
        elif hid in ranked_teen:
            actor[ranked_teen[hid]] = True
    people["crime_actor"] = actor
    # school: one or two children miss school; sometimes a second child starts later
    school_age = (slot == "child") & (age >= 3.5) & (age < 16)
    school_h = hh["school"].to_numpy()
    target = np.zeros(n, bool)
    onset = np.full(n, NA, dtype=np.int64)
    kids_by_h = members_of(household, school_age)
    late = rng.random(h) < 0.3
    no_kids = []
    for hid in np.flatnonzero(school_h):
        kids = kids_by_h.get(hid)
        if not kids:
            no_kids.append(hid)
            continue
        order = sorted(kids, key=lambda i: u[i])
        target[order[0]] = True
        if len(order) > 1:
            if late[hid]:
                target[order[1]] = True
                onset[order[1]] = ref + int(rng.integers(90, 500))
            elif rng.random() < 0.35:
                target[order[1]] = True
    hh.loc[no_kids, "school"] = False
    people["school_target"] = target
    people["school_onset"] = onset
    # work and health: adults out of work / on disability benefits
    work_target = np.zeros(n, bool)
    health_target = np.zeros(n, bool)
    adults_by_h = members_of(household, adult & (age >= 18) & (age < 66))
    no_adults = []
    for hid in np.flatnonzero(hh["work"].to_numpy()):
        members = adults_by_h.get(hid)
        if not members:
            no_adults.append(hid)
            continue
        work_target[members[0]] = True
        if len(members) > 1 and rng.random() < 0.45:
            work_target[members[1]] = True
    for hid in np.flatnonzero(hh["health"].to_numpy()):
        members = adults_by_h.get(hid)
        if members:
            health_target[members[int(rng.integers(len(members)))]] = True
    hh.loc[no_adults, "work"] = False
    people["work_target"] = work_target
    people["health_target"] = health_target
    # domestic abuse: the mother the victim; her partner, or an ex-partner elsewhere in town, the offender
    victim = np.zeros(n, bool)
    da_offender = np.full(h, -1, dtype=np.int64)
    p1 = people.index[people["parent_no"] == 1].to_numpy()
    p1_by_h = dict(zip(household[p1].tolist(), p1.tolist(), strict=True))
    p2 = people.index[people["parent_no"] == 2].to_numpy()
    p2_by_h = dict(zip(household[p2].tolist(), p2.tolist(), strict=True))
    men = people.index[(people["gender"] == "M") & (age >= 20) & (age < 60)].to_numpy()
    no_mother = []
    for hid in np.flatnonzero(hh["da"].to_numpy()):
        if hid not in p1_by_h:
            no_mother.append(hid)
            continue
        victim[p1_by_h[hid]] = True
        if hid in p2_by_h:
            da_offender[hid] = p2_by_h[hid]
        else:
            for _ in range(10):
                candidate = int(men[rng.integers(len(men))])
                if household[candidate] != hid:
                    da_offender[hid] = candidate
                    break
    hh.loc[no_mother, "da"] = False
    people["da_victim"] = victim
    hh["da_offender"] = da_offender
    for p in PROBLEMS:  # a problem taken away above cannot improve
        hh[f"improves_{p}"] &= hh[p]
    # a family whose only problem could not be given to anyone has a health problem instead
    none = np.flatnonzero(is_eh & ~hh[list(PROBLEMS)].any(axis=1).to_numpy())
    any_adult = _first_in_household(household, adult, u)
    for hid in none.tolist():
        hh.loc[hid, "health"] = True
        people.loc[any_adult[hid], "health_target"] = True
    return hh, people


def members_of(household: np.ndarray, mask: np.ndarray) -> dict[int, list[int]]:
    """Household -> the people of it in `mask`, in index order."""
    index = np.flatnonzero(mask)
    if not len(index):
        return {}
    order = index[np.argsort(household[index], kind="stable")]
    hs = household[order]
    cuts = np.flatnonzero(hs[1:] != hs[:-1]) + 1
    groups = zip(np.split(order, cuts), np.split(hs, cuts), strict=True)
    return {int(group_h[0]): group.tolist() for group, group_h in groups}


def _first_in_household(household: np.ndarray, mask: np.ndarray, u: np.ndarray) -> dict[int, int]:
    """For each household with a person in `mask`, one of them (at random)."""
    index = np.flatnonzero(mask)
    if not len(index):
        return {}
    order = index[np.lexsort((u[index], household[index]))]
    hs = household[order]
    firsts = np.r_[True, hs[1:] != hs[:-1]]
    return dict(zip(hs[firsts].tolist(), order[firsts].tolist(), strict=True))


# --- the Early Help register ----------------------------------------------------------------------------

def _early_help(rng, hh, ref, month_ends) -> pd.DataFrame:
    hh = hh.copy()
    h = len(hh)
    is_eh = hh["is_eh"].to_numpy()
    months = len(month_ends)
    last = int(month_ends[-1])
    already = rng.random(h) < np.clip(4 / (months + 4), 0.12, 0.8)
    start = np.where(already, ref - rng.integers(1, 365, h), ref + (rng.random(h) * (last - ref + 1)).astype(np.int64))
    start = np.minimum(start, last)
    closes = rng.random(h) < 0.6
    end = np.where(closes, start + rng.integers(183, 549, h), NA)
    hh["eh_start"] = np.where(is_eh, start, NA).astype(np.int64)
    hh["eh_end"] = np.where(is_eh, end, NA).astype(np.int64)
    planned = rng.random(h) < 0.85
    hh["plan_day"] = np.where(is_eh & planned, start + rng.integers(14, 93, h), NA).astype(np.int64)
    lead_mode = rng.random(h)
    hh["lead_day"] = np.where(is_eh & (lead_mode >= 0.08),
                              np.where(lead_mode < 0.2, start + rng.integers(20, 76, h), start), NA).astype(np.int64)
    hh["lead_index"] = rng.integers(0, 1_000_000, h)
    agencies = np.array([a for a, _ in LEAD_AGENCIES], dtype=object)
    ap = np.array([w for _, w in LEAD_AGENCIES])
    hh["lead_agency"] = rng.choice(agencies, size=h, p=ap / ap.sum())
    hh["improve_day"] = np.where(is_eh, hh["eh_start"].to_numpy() + hh["improve_lag"].to_numpy(), NA)
    for p in PROBLEMS:  # each problem turns a little before or after the family's turning point
        hh[f"improve_day_{p}"] = np.where(is_eh, hh["improve_day"].to_numpy() + rng.integers(-30, 150, h), NA)
    # children's social care: cin or cp at the start for `csc` families, lac for a few
    hh["csc_start"] = np.where(rng.random(h) < 0.6, "cin", "cp")
    hh["csc_lac_day"] = np.where(hh["csc"].to_numpy() & ~hh["improves_csc"].to_numpy() & (rng.random(h) < 0.15),
                                 start + rng.integers(60, 400, h), NA).astype(np.int64)
    hh["csc_blip"] = is_eh & ~hh["csc"].to_numpy() & (rng.random(h) < 0.05)
    hh["family_id"] = np.where(is_eh, prefixed("EH", unique_numbers(rng, h, 100000, 999999), 6), "")
    hh["needs_seed"] = rng.integers(0, 2**62, h)
    return hh


def _identifiers(rng, people: pd.DataFrame, hh: pd.DataFrame, ref: int) -> pd.DataFrame:
    people = people.copy()
    n = len(people)
    people["town_person_id"] = prefixed("T", unique_numbers(rng, n, 1_000_000, 9_999_999), 7)
    people["nino"] = make_ninos(rng, n)
    people["upn"] = make_upns(rng, n)
    dob_year = 1970 + (people["dob"].to_numpy() // 365.25).astype(int)
    people["pnc_id"] = make_pnc_ids(rng, np.maximum(dob_year + 16, 1990))
    eh = hh["is_eh"].to_numpy()[people["household"].to_numpy()]
    ids = np.array([str(x) for x in unique_numbers(rng, n, 1_000_000, 9_999_999)], dtype=object)
    people["eh_person_id"] = np.where(eh, ids, "")
    people["eh_family_id"] = hh["family_id"].to_numpy()[people["household"].to_numpy()]
    people["police_ref"] = prefixed("N", unique_numbers(rng, n, 1_000_000, 9_999_999), 7)
    people["ckh_ref"] = prefixed("P", unique_numbers(rng, n, 100_000, 999_999), 6)
    # what the register holds of each id: sometimes, as in life
    u = rng.random((n, 4))
    people["eh_has_upn"] = u[:, 0] < 0.5
    people["eh_has_nino"] = u[:, 1] < 0.4
    people["eh_has_uprn"] = u[:, 2] < 0.6
    people["eh_gender_u"] = u[:, 3] < 0.004
    return people


# --- tenancies and arrears ------------------------------------------------------------------------------

def _simulate_tenancies(rng: np.random.Generator, town: Town) -> None:
    """Monthly arrears (whole weeks of rent) for social tenants from 12 months before the first month,
    notices, possession orders and evictions; an eviction moves the family out of social housing."""
    hh = town.hh
    social = np.flatnonzero(hh["social"].to_numpy())
    sim_months = [shift_month(town.months[0], k) for k in range(-12, len(town.months))]
    ends = np.array([month_end_day(m) for m in sim_months], dtype=np.int64)
    starts = np.array([month_start_day(m) for m in sim_months], dtype=np.int64)
    s = len(social)
    debt = hh["debt"].to_numpy()[social]
    improves = hh["improves_debt"].to_numpy()[social]
    improve_day = hh["improve_day_debt"].to_numpy()[social]
    move_day = hh["move_day"].to_numpy()[social]
    weeks = np.zeros((s, len(sim_months)), dtype=np.int64)
    # families in debt drift towards their own level of arrears (a quarter sit at exactly four weeks);
    # once Early Help works, arrears fall back towards nothing
    steady = debt & (rng.random(s) < 0.25)
    if debt.any() and not (steady & ~improves).any():  # at least one family sits at four weeks throughout
        stuck = np.flatnonzero(debt & ~improves)
        steady[stuck[0] if len(stuck) else np.flatnonzero(debt)[0]] = True
    level = np.where(steady, 4, rng.integers(2, 14, s))
    w = np.where(debt, rng.integers(1, 8, s), np.where(rng.random(s) < 0.15, rng.integers(0, 4, s), 0))
    wobbly = ~debt & (rng.random(s) < 0.15)
    nosp = np.full(s, NA, dtype=np.int64)
    order = np.full(s, NA, dtype=np.int64)
    evict = np.full(s, NA, dtype=np.int64)
    for m in range(len(sim_months)):
        after = (improve_day != NA) & improves & (ends[m] >= improve_day)
        noise = np.where(steady, 0, rng.integers(-1, 2, s))
        towards = np.where(steady, level, np.rint(w + 0.4 * (level - w)).astype(np.int64) + noise)
        down = w - rng.choice([0, 1, 2], size=s, p=[0.3, 0.4, 0.3])
        w = np.where(debt, np.where(after, down, towards), w)
        w = np.where(wobbly, rng.integers(0, 4, s), w)
        w = np.where((move_day != NA) & (starts[m] <= move_day) & (move_day <= ends[m]), 0, w)
        w = np.where(evict != NA, 0, np.clip(w, 0, 30))
        weeks[:, m] = w
        day_in = starts[m] + rng.integers(0, 28, s)
        new_nosp = (nosp == NA) & (w >= 8) & (rng.random(s) < 0.35)
        nosp = np.where(new_nosp, day_in, nosp)
        new_order = (nosp != NA) & (order == NA) & (w >= 8) & (day_in - nosp > 60) & (rng.random(s) < 0.25)
        order = np.where(new_order, day_in, order)
        new_evict = (order != NA) & (evict == NA) & (w >= 8) & (day_in - order > 60) & (rng.random(s) < 0.3) \
            & ((move_day == NA) | (move_day > day_in))
        evict = np.where(new_evict, day_in, evict)
    # an eviction is the family's move, out of social housing
    evicted = evict != NA
    md = hh["move_day"].to_numpy().copy()
    sam = hh["social_after_move"].to_numpy().copy()
    md[social[evicted]] = np.minimum(evict[evicted] + rng.integers(0, 21, evicted.sum()), town.last_day)
    sam[social[evicted]] = False
    hh["move_day"] = md
    hh["social_after_move"] = sam
    first_tenancy = town.first_day - rng.integers(30, 5000, len(hh))
    hh["tenancy_start"] = first_tenancy
    hh["tenancy_ref"] = prefixed("CKH", unique_numbers(rng, len(hh), 100000, 999999), 6)
    hh["tenancy_ref2"] = prefixed("CKH", unique_numbers(rng, len(hh), 1000000, 1999999), 7)
    hh["weekly_rent"] = np.round(rng.uniform(85, 140, len(hh)), 2)
    asb_case = hh["crime"].to_numpy() & hh["asb_kind"].to_numpy() & (rng.random(len(hh)) < 0.5)
    asb_case |= ~hh["is_eh"].to_numpy() & (rng.random(len(hh)) < 0.01)
    hh["asb_case"] = asb_case & hh["social"].to_numpy()
    town.housing = {"social": social, "months": sim_months, "ends": ends, "weeks": weeks,
                    "nosp": nosp, "order": order, "evict": evict}
