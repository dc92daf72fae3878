"""Police: each month the incidents reported that month, one row per person per incident."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sample_data._util import NA, empty_rows, person_hash, stream, unit
from sample_data.town import Town, members_of
from sources.police import LAYOUT

COLUMNS = LAYOUT.columns   # the contract's layout, declared in sources/police.py
BACKGROUND_RATE = 0.0012     # incidents a month as offender, anyone aged 12-70
ACTOR_RATE = {True: 0.22, False: 0.12}   # Early Help family or not
DA_RATE = {True: 0.16, False: 0.08}
AFTER_IMPROVING = 0.008

OUTCOMES = {
    ("crime", "offender"): {"charge": 0.15, "caution": 0.08, "youth_caution": 0.07, "youth_conditional_caution": 0.04,
                            "conviction": 0.10, "community_resolution": 0.12, "no_further_action": 0.27, "": 0.17},
    ("crime", "suspect"): {"no_further_action": 0.55, "charge": 0.10, "": 0.35},
    ("asb", "offender"): {"asb_warning": 0.35, "acceptable_behaviour_contract": 0.10, "asb_injunction": 0.03,
                          "criminal_behaviour_order": 0.02, "dispersal": 0.07, "no_further_action": 0.15, "": 0.28},
    ("asb", "suspect"): {"asb_warning": 0.25, "dispersal": 0.05, "no_further_action": 0.30, "": 0.40},
    ("domestic_abuse", "offender"): {"charge": 0.25, "caution": 0.10, "conviction": 0.05, "no_further_action": 0.40,
                                     "": 0.20},
    ("domestic_abuse", "suspect"): {"no_further_action": 0.60, "": 0.40},
    ("any", "victim"): {"": 0.9, "no_further_action": 0.1},
    ("any", "witness"): {"": 0.95, "no_further_action": 0.05},
}


class Police:
    source = "police"

    def __init__(self, town: Town):
        self.town = town
        people = town.people
        ids = np.arange(len(people))
        self.pnc_known = unit(person_hash(town.seed, ids, "pnc_known")) < 0.45
        self.children_of = members_of(people["household"].to_numpy(), people["slot"].to_numpy() == "child")

    def rows(self, t: int) -> pd.DataFrame:
        town, people, hh = self.town, self.town.people, self.town.hh
        rng = stream(town.seed, "police", town.months[t])
        start, end = int(town.month_starts[t]), int(town.month_ends[t])
        n = len(people)
        household = people["household"].to_numpy()
        age = town.age_years(np.arange(n), start)
        is_eh = hh["is_eh"].to_numpy()

        def improved(problem: str) -> np.ndarray:
            day = hh[f"improve_day_{problem}"].to_numpy()
            return hh[f"improves_{problem}"].to_numpy() & (day != NA) & (day <= end)

        # offenders: everybody a little, the troubled families' offenders a lot
        actor = people["crime_actor"].to_numpy()
        rate = np.where((age >= 12) & (age < 70), BACKGROUND_RATE, 0.0)
        actor_rate = np.where(is_eh[household], ACTOR_RATE[True], ACTOR_RATE[False])
        actor_rate = np.where(improved("crime")[household], AFTER_IMPROVING,
                              np.where(is_eh[household] & ~hh["improves_crime"].to_numpy()[household],
                                       actor_rate * 0.8, actor_rate))
        rate = np.where(actor, actor_rate, rate)
        counts = rng.poisson(rate)
        offenders = np.repeat(np.arange(n), counts)
        asb_household = hh["asb_kind"].to_numpy()[household[offenders]] & actor[offenders]
        kinds = np.where(rng.random(len(offenders)) < np.where(asb_household, 0.8, 0.3), "asb", "crime")

        # domestic abuse: the family's victim, the partner or ex-partner the offender
        da_h = np.flatnonzero(hh["da"].to_numpy() & (hh["da_offender"].to_numpy() >= 0))
        da_rate = np.where(is_eh[da_h], DA_RATE[True], DA_RATE[False])
        da_rate = np.where(improved("da")[da_h], AFTER_IMPROVING * 0.5,
                           np.where(is_eh[da_h] & ~hh["improves_da"].to_numpy()[da_h], da_rate * 0.7, da_rate))
        da_counts = rng.poisson(da_rate)
        da_incidents = np.repeat(da_h, da_counts)
        victims_by_h = dict(zip(household[people["da_victim"].to_numpy()].tolist(),
                                np.flatnonzero(people["da_victim"].to_numpy()).tolist(), strict=True))

        rows: list[tuple[int, int, str, str]] = []  # (incident, person, type, role)
        adults = np.flatnonzero(age >= 18)
        older = np.flatnonzero(age >= 10)
        teens = np.flatnonzero((age >= 12) & (age < 30))
        incident = 0
        for person, kind in zip(offenders.tolist(), kinds.tolist(), strict=True):
            rows.append((incident, person, kind, "offender" if rng.random() < 0.7 else "suspect"))
            if rng.random() < 0.15:
                rows.append((incident, int(teens[rng.integers(len(teens))]), kind, "suspect"))
            if rng.random() < (0.75 if kind == "crime" else 0.4):
                rows.append((incident, int(adults[rng.integers(len(adults))]), kind, "victim"))
            if rng.random() < (0.25 if kind == "crime" else 0.2):
                rows.append((incident, int(older[rng.integers(len(older))]), kind, "witness"))
            incident += 1
        for hid in da_incidents.tolist():
            victim = victims_by_h.get(hid)
            if victim is None:
                continue
            rows.append((incident, victim, "domestic_abuse", "victim"))
            rows.append((incident, int(hh["da_offender"].to_numpy()[hid]), "domestic_abuse",
                         "offender" if rng.random() < 0.75 else "suspect"))
            for child in self.children_of.get(hid, []):
                if age[child] >= 5 and rng.random() < 0.3:
                    rows.append((incident, child, "domestic_abuse", "witness"))
            incident += 1
        columns = pd.DataFrame(rows, columns=["incident", "_person", "incident_type", "person_role"])
        columns = columns.drop_duplicates(["incident", "_person"], keep="first").reset_index(drop=True)
        if columns.empty:
            return empty_rows(COLUMNS)
        days = start + rng.integers(0, end - start + 1, incident)
        order = np.argsort(days, kind="stable")
        rank = np.empty(incident, dtype=np.int64)
        rank[order] = np.arange(incident)
        month = town.months[t]
        prefix = f"CF{month[2:4]}{month[5:7]}"
        inc = columns["incident"].to_numpy()
        persons = columns["_person"].to_numpy()
        roles = columns["person_role"].to_numpy()
        types = columns["incident_type"].to_numpy()
        date = days[inc]
        person_age = (date - people["dob"].to_numpy()[persons]) / 365.25
        outcome = np.empty(len(columns), dtype=object)
        u = rng.random(len(columns))
        for i, (kind, role) in enumerate(zip(types.tolist(), roles.tolist(), strict=True)):
            table = OUTCOMES.get((kind, role)) or OUTCOMES[("any", role)]
            outcome[i] = _pick(table, u[i])
        adult = person_age >= 18
        youth = np.isin(outcome, ["youth_caution", "youth_conditional_caution"])
        outcome[youth & adult] = np.where(outcome[youth & adult] == "youth_caution", "caution", "charge")
        outcome[(outcome == "caution") & ~adult & (rng.random(len(columns)) < 0.7)] = "youth_caution"
        prop = town.property_at(persons, date)
        show_pnc = np.isin(roles, ["offender", "suspect"]) & self.pnc_known[persons] & (person_age >= 10)
        frame = pd.DataFrame({
            "incident_ref": [f"{prefix}{r:05d}" for r in rank[inc].tolist()],
            "person_ref": people["police_ref"].to_numpy()[persons],
            "incident_date": date,
            "incident_type": types,
            "person_role": roles,
            "outcome": outcome,
            **town.person_fields(persons, prop, self.source),
            "pnc_id": np.where(show_pnc, people["pnc_id"].to_numpy()[persons], ""),
            "_person": persons,
            "_prop": prop,
            "_prev_prop": town.previous_property(persons, date),
            "_day": date,
        })
        order = np.lexsort((frame["person_ref"].to_numpy(), frame["incident_ref"].to_numpy()))
        return frame.iloc[order].reset_index(drop=True)


def _pick(table: dict[str, float], u: float) -> str:
    total = 0.0
    for value, p in table.items():
        total += p
        if u < total:
            return value
    return next(reversed(table))
