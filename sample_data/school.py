"""School attendance: one file per term, sent in December (autumn), April (spring) and July (summer)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sample_data._util import NA, from_ymd, person_hash, stream, unit
from sample_data.ids import unique_numbers
from sample_data.town import Town
from sources.school_attendance import LAYOUT

COLUMNS = LAYOUT.columns   # the contract's layout, declared in sources/school_attendance.py
TERM_OF_MONTH = {12: "autumn", 4: "spring", 7: "summer"}
TERM_SESSIONS = {"autumn": (142, 158), "spring": (120, 134), "summer": (120, 130)}


def term_of(month: str) -> tuple[str, str, int, int] | None:
    """(term, academic year, first day, last day) of the term whose file is sent in `month`, or None."""
    year, mon = map(int, month.split("-"))
    term = TERM_OF_MONTH.get(mon)
    if term is None:
        return None
    first_year = year if term == "autumn" else year - 1
    academic = f"{first_year}/{(first_year + 1) % 100:02d}"
    bounds = {"autumn": ((first_year, 9, 1), (first_year, 12, 31)),
              "spring": ((first_year + 1, 1, 1), (first_year + 1, 4, 30)),
              "summer": ((first_year + 1, 5, 1), (first_year + 1, 7, 31))}[term]
    start, end = (int(from_ymd(np.array([y]), np.array([m]), np.array([d]))[0]) for y, m, d in bounds)
    return term, academic, start, end


class School:
    source = "school_attendance"

    def __init__(self, town: Town):
        self.town = town
        rng = stream(town.seed, "schools")
        h = len(town.hh)
        pupils = max(1, int((town.people["slot"] == "child").sum() * 0.7))
        self.primaries = unique_numbers(rng, max(3, pupils // 260), 110000, 112000).astype(str)
        self.secondaries = unique_numbers(rng, max(2, pupils // 1100), 136000, 137000).astype(str)
        self.pru = "139874"  # the pupil referral unit
        self.primary_of = self.primaries[rng.integers(0, len(self.primaries), h)]
        self.secondary_of = self.secondaries[rng.integers(0, len(self.secondaries), h)]
        people = town.people
        n = len(people)
        seed = town.seed
        ids = np.arange(n)
        # each pupil's usual absence rate: most low, a few persistent absentees
        u = unit(person_hash(seed, ids, "absence_base"))
        base = -np.log1p(-u * 0.999) * 0.035
        persistent = unit(person_hash(seed, ids, "absence_persistent")) < 0.04
        base = np.where(persistent, 0.10 + unit(person_hash(seed, ids, "absence_high")) * 0.15, base)
        in_eh = town.hh["is_eh"].to_numpy()[people["household"].to_numpy()]
        self.base_rate = np.where(in_eh, base * 1.5, base)
        # pupils whose absence sits exactly on the 10% line (at least two)
        draw = unit(person_hash(seed, ids, "absence_boundary"))
        young = np.flatnonzero((people["slot"].to_numpy() == "child")
                               & (town.first_day - people["dob"].to_numpy() > 5 * 365)
                               & (town.first_day - people["dob"].to_numpy() < 13 * 365))
        self.boundary = draw < 0.012
        self.boundary[young[np.argsort(draw[young], kind="stable")[:2]]] = True
        self.excluded_before: set[int] = set()
        draw = unit(person_hash(seed, ids, "alternative_provision"))
        # pupils placed in alternative provision while their behaviour is a problem (at least one)
        age = (town.first_day - people["dob"].to_numpy()) / 365.25
        candidates = (people["crime_actor"].to_numpy() | people["school_target"].to_numpy()) & in_eh & \
            (people["slot"].to_numpy() == "child") & (age >= 11.5) & (age < 15)
        placed = candidates & (draw < 0.2)
        if candidates.any() and not placed.any():
            household = people["household"].to_numpy()
            stuck = ~(town.hh["improves_crime"].to_numpy() & town.hh["improves_school"].to_numpy())[household]
            order = np.flatnonzero(candidates)[np.lexsort((draw[candidates], ~stuck[candidates]))]
            placed[order[0]] = True
        self.placed = placed

    def rows(self, t: int) -> pd.DataFrame | None:
        town = self.town
        found = term_of(town.months[t])
        if found is None:
            return None
        term, academic, term_start, term_end = found
        people, hh = town.people, town.hh
        first_year = int(academic[:4])
        aug31 = int(from_ymd(np.array([first_year]), np.array([8]), np.array([31]))[0])
        age_aug = (aug31 - people["dob"].to_numpy()) / 365.25
        pupils = np.flatnonzero((age_aug >= 4) & (age_aug < 16) & (people["slot"].to_numpy() == "child"))
        n = len(pupils)
        rng = stream(town.seed, "school", town.months[t])
        h = people["household"].to_numpy()[pupils]
        age = age_aug[pupils]
        secondary = age >= 11
        urn = np.where(secondary, self.secondary_of[h], self.primary_of[h]).astype(object)

        sessions_lo, sessions_hi = TERM_SESSIONS[term]
        school_sessions = {u: int(sessions_lo + (unit(person_hash(town.seed, np.array([int(u)]), academic, term))[0]
                                                 * (sessions_hi - sessions_lo))) for u in set(urn.tolist())}
        school_sessions[self.pru] = sessions_lo
        sessions = np.array([school_sessions[u] for u in urn.tolist()], dtype=np.int64)
        joiner = rng.random(n) < 0.03
        sessions = np.where(joiner, sessions - rng.integers(10, 60, n), sessions)

        school_day = hh["improve_day_school"].to_numpy()[h]
        crime_day = hh["improve_day_crime"].to_numpy()[h]
        improved_school = hh["improves_school"].to_numpy()[h] & (school_day != NA) & (school_day < term_start)
        target = people["school_target"].to_numpy()[pupils]
        onset = people["school_onset"].to_numpy()[pupils]
        active = target & ((onset == NA) | (onset <= term_end))
        rate = self.base_rate[pupils] * rng.lognormal(0, 0.25, n)
        rate = np.where(active & ~improved_school, rng.uniform(0.12, 0.35, n), rate)
        rate = np.where(active & improved_school, rng.uniform(0.02, 0.07, n), rate)
        absences = rng.binomial(sessions, np.clip(rate, 0, 0.95))
        boundary = self.boundary[pupils]
        sessions = np.where(boundary, (sessions // 10) * 10, sessions)
        absences = np.where(boundary, sessions // 10, absences)
        authorised = rng.binomial(absences, np.where(active, 0.45, 0.65))
        unauthorised = absences - authorised

        actor = people["crime_actor"].to_numpy()[pupils]
        improved_crime = hh["improves_crime"].to_numpy()[h] & (crime_day != NA) & (crime_day < term_start)
        troubled = (actor & ~improved_crime) | (active & ~improved_school & secondary)
        often = unit(person_hash(town.seed, pupils, "often_excluded")) < 0.3
        lam = np.where(troubled, np.where(often, 1.5, 0.5), 0.004) * np.where(age < 7, 0.1, 1.0)
        fixed = rng.poisson(lam)
        already = np.array([p in self.excluded_before for p in pupils.tolist()], dtype=bool)
        permanent = ~already & (rng.random(n) < np.where(troubled & secondary, 0.03, 0.0003))
        self.excluded_before.update(pupils[permanent].tolist())
        alternative = already | (self.placed[pupils] & secondary & ~(improved_crime & improved_school))
        urn = np.where(already, self.pru, urn)

        prop = town.property_at(pupils, term_end)
        frame = pd.DataFrame({
            "upn": people["upn"].to_numpy()[pupils],
            **town.person_fields(pupils, prop, self.source),
            "school_urn": urn,
            "academic_year": academic,
            "term": term,
            "sessions_possible": sessions,
            "authorised_absence": authorised,
            "unauthorised_absence": unauthorised,
            "fixed_term_exclusions": fixed,
            "permanent_exclusion": np.where(permanent, "Y", "N"),
            "alternative_provision": np.where(alternative, "Y", "N"),
            "_person": pupils,
            "_prop": prop,
            "_prev_prop": town.previous_property(pupils, term_end),
            "_day": term_end,
            "_term": term,
        })
        order = np.lexsort((frame["upn"].to_numpy(), frame["school_urn"].to_numpy()))
        return frame.iloc[order].reset_index(drop=True)
