"""The Early Help register: each month a full snapshot of open families and those closed in the last 12 months."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sample_data._util import NA, add_months, person_hash, unit
from sample_data.places import TOWN
from sample_data.town import Town
from sources.early_help import LAYOUT
from sources.vocabulary import NEEDS

COLUMNS = LAYOUT.columns   # the contract's layout, declared in sources/early_help.py
# problem -> [(need, chance the assessment records it)]
NEED_RECALL = {
    "crime": [("crime", 0.85), ("asb", 0.85)],  # the one matching the family's kind of trouble
    "school": [("school_attendance", 0.85), ("exclusion", 0.25)],
    "csc": [("child_in_need", 0.9), ("child_protection", 0.9), ("early_help_need", 0.3)],
    "work": [("worklessness", 0.8), ("neet", 0.05)],
    "debt": [("debt", 0.7), ("housing", 0.4)],
    "da": [("domestic_abuse", 0.85)],
    "health": [("mental_health", 0.7), ("substance_misuse", 0.3), ("physical_health", 0.3)],
}
FALSE_NEED = 0.03       # a need recorded that the data never show
RESOLVED_AFTER = 60     # days after a problem improves before the assessment may drop its need
ROLE_ORDER = {"parent_carer": 0, "other_adult": 1, "child": 2}


class EarlyHelp:
    source = "early_help"

    def __init__(self, town: Town):
        self.town = town
        hh = town.hh
        self.eh_households = np.flatnonzero(hh["is_eh"].to_numpy())
        people = town.people
        in_eh = hh["is_eh"].to_numpy()[people["household"].to_numpy()]
        self.members = np.flatnonzero(in_eh)
        # the register learns of a move up to two months late
        self.address_lag = (unit(person_hash(town.seed, np.arange(len(hh)), "eh_address_lag")) * 62).astype(np.int64)
        self.has_line2 = unit(person_hash(town.seed, np.arange(len(hh)), "eh_line2")) < 0.6
        self.no_town = unit(person_hash(town.seed, np.arange(len(hh)), "eh_no_town")) < 0.04

    def rows(self, t: int) -> pd.DataFrame:
        town, hh, people = self.town, self.town.hh, self.town.people
        d = int(town.month_ends[t])
        year_ago = int(add_months(np.array([d]), -12)[0])
        start = hh["eh_start"].to_numpy()
        end = hh["eh_end"].to_numpy()
        listed = hh["is_eh"].to_numpy() & (start <= d) & ((end == NA) | (end >= year_ago))
        persons = self.members[listed[people["household"].to_numpy()[self.members]]]
        h = people["household"].to_numpy()[persons]
        p = people.loc[persons]
        when = d - self.address_lag[h]
        prop = town.property_at(persons, when)
        prev = town.previous_property(persons, when)
        props = town.props
        age = town.age_years(persons, d)
        frame = pd.DataFrame({
            "family_id": hh["family_id"].to_numpy()[h],
            "person_id": p["eh_person_id"].to_numpy(),
            "role": p["role"].to_numpy(),
            "forename": p["forename"].to_numpy(),
            "middle_names": p["middle_names"].to_numpy(),
            "surname": p["surname"].to_numpy(),
            "known_as": p["known_as"].to_numpy(),
            "date_of_birth": p["dob"].to_numpy(),
            "gender": np.where(p["eh_gender_u"].to_numpy(), "U", p["gender"].to_numpy()),
            "address_line_1": props.render("line1")[prop],
            "address_line_2": np.where(self.has_line2[h], props.column("locality")[prop], ""),
            "town": np.where(self.no_town[h], "", TOWN),
            "postcode": props.column("postcode")[prop],
            "uprn": np.where(p["eh_has_uprn"].to_numpy(), props.column("uprn")[prop], ""),
            "upn": np.where(p["eh_has_upn"].to_numpy() & (p["slot"].to_numpy() == "child") & (age >= 4),
                            p["upn"].to_numpy(), ""),
            "nino": np.where(p["eh_has_nino"].to_numpy() & (age >= 16), p["nino"].to_numpy(), ""),
            "eha_start_date": start[h],
            "eha_end_date": np.where((end[h] != NA) & (end[h] <= d), end[h], NA),
            "lead_professional": "", "lead_agency": "",
            "family_plan_date": np.where((hh["plan_day"].to_numpy()[h] != NA) & (hh["plan_day"].to_numpy()[h] <= d),
                                         hh["plan_day"].to_numpy()[h], NA),
            "identified_needs": "",
            "csc_status": "none",
        })
        lead_day = hh["lead_day"].to_numpy()[h]
        has_lead = (lead_day != NA) & (lead_day <= d)
        names = town.practitioners[hh["lead_index"].to_numpy()[h] % len(town.practitioners)]
        frame["lead_professional"] = np.where(has_lead, names, "")
        frame["lead_agency"] = np.where(has_lead, hh["lead_agency"].to_numpy()[h], "")
        needs = self._needs(d)
        frame["identified_needs"] = [needs[x] for x in h.tolist()]
        frame["csc_status"] = self._csc(persons, h, d)
        frame["_person"] = persons
        frame["_prop"] = prop
        frame["_prev_prop"] = prev
        frame["_day"] = d
        order = np.lexsort((frame["person_id"].to_numpy(), frame["role"].map(ROLE_ORDER).to_numpy(),
                            frame["family_id"].to_numpy()))
        return frame.iloc[order].reset_index(drop=True)

    def _needs(self, d: int) -> dict[int, str]:
        """Each listed family's recorded needs on day d, `;`-separated in the contract's order."""
        town, hh = self.town, self.town.hh
        out: dict[int, str] = {}
        seed = town.seed
        ids = self.eh_households
        recorded = {need: np.zeros(len(ids), bool) for need in NEEDS}
        for problem, pairs in NEED_RECALL.items():
            has = hh[problem].to_numpy()[ids]
            improve_day = hh[f"improve_day_{problem}"].to_numpy()[ids]
            delay = RESOLVED_AFTER + (unit(person_hash(seed, ids, "need_delay", problem)) * 120).astype(np.int64)
            resolved = hh[f"improves_{problem}"].to_numpy()[ids] & (improve_day != NA) & (d >= improve_day + delay) & \
                (unit(person_hash(seed, ids, "need_resolved", problem)) < 0.75)
            for need, chance in pairs:
                applies = has.copy()
                if problem == "crime":
                    applies &= hh["asb_kind"].to_numpy()[ids] == (need == "asb")
                if need in ("child_in_need", "child_protection"):
                    applies &= (hh["csc_start"].to_numpy()[ids] == "cin") == (need == "child_in_need")
                recorded[need] |= applies & ~resolved & (unit(person_hash(seed, ids, "need", need)) < chance)
        for need in NEEDS:
            chance = 0.1 if need in ("other", "early_help_need") else FALSE_NEED
            recorded[need] |= unit(person_hash(seed, ids, "false_need", need)) < chance
        matrix = np.column_stack([recorded[need] for need in NEEDS])
        for row, hid in enumerate(ids.tolist()):
            out[hid] = ";".join(need for need, on in zip(NEEDS, matrix[row], strict=True) if on)
        return out

    def _csc(self, persons: np.ndarray, h: np.ndarray, d: int) -> np.ndarray:
        hh, people = self.town.hh, self.town.people
        is_child = people["slot"].to_numpy()[persons] == "child"
        csc = hh["csc"].to_numpy()[h]
        improves = hh["improves_csc"].to_numpy()[h]
        improve_day = hh["improve_day_csc"].to_numpy()[h]
        status = np.where(csc, hh["csc_start"].to_numpy()[h], "none").astype(object)
        stepping_down = csc & improves & (status == "cp") & (d >= improve_day - 60) & (d < improve_day)
        status[stepping_down] = "cin"
        status[csc & improves & (d >= improve_day)] = "none"
        start = hh["eh_start"].to_numpy()[h]
        blip = hh["csc_blip"].to_numpy()[h] & (d >= start + 30) & (d <= start + 150)
        status[blip] = "cin"
        lac_day = hh["csc_lac_day"].to_numpy()[h]
        eldest = people["child_no"].to_numpy()[persons] == 1
        status[(lac_day != NA) & (d >= lac_day) & eldest] = "lac"
        return np.where(is_child, status, "none")
