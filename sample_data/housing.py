"""Cross Keys Homes: each month a snapshot of its tenancies, one row per household member per tenancy."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sample_data._util import NA, empty_rows, person_hash, unit
from sample_data.places import SOURCE_ADDRESS_STYLE
from sample_data.town import Town
from sources.cross_keys_homes import LAYOUT

COLUMNS = LAYOUT.columns   # the contract's layout, declared in sources/cross_keys_homes.py
KEEP_ENDED_DAYS = 92  # an ended tenancy stays in the snapshot for three months


class Housing:
    source = "cross_keys_homes"

    def __init__(self, town: Town):
        self.town = town
        hh = town.hh
        sim = town.housing
        self.position = {int(h): k for k, h in enumerate(sim["social"].tolist())}
        social = sim["social"]
        move = hh["move_day"].to_numpy()[social]
        moved = move != NA
        second = moved & hh["social_after_move"].to_numpy()[social]
        # one row per tenancy: the first for every social household, a second after a move within social housing
        self.tenancies = pd.DataFrame({
            "household": np.concatenate([social, social[second]]),
            "sim": np.concatenate([np.arange(len(social)), np.flatnonzero(second)]),
            "ref": np.concatenate([hh["tenancy_ref"].to_numpy()[social],
                                   hh["tenancy_ref2"].to_numpy()[social[second]]]),
            "start": np.concatenate([hh["tenancy_start"].to_numpy()[social], move[second]]),
            "end": np.concatenate([np.where(moved, move, NA), np.full(second.sum(), NA)]),
            "prop": np.concatenate([hh["prop0"].to_numpy()[social], hh["prop1"].to_numpy()[social[second]]]),
            "first": np.concatenate([np.ones(len(social), bool), np.zeros(second.sum(), bool)]),
        })
        people = town.people
        household = people["household"].to_numpy()
        self.first_member = np.searchsorted(household, np.arange(len(hh)))
        self.size = np.bincount(household, minlength=len(hh))
        self.joint = unit(person_hash(town.seed, np.arange(len(hh)), "joint_tenancy")) < 0.7
        self.notes = unit(person_hash(town.seed, np.arange(len(hh)), "ckh_notes"))

    def rows(self, t: int) -> pd.DataFrame:
        town, hh, people = self.town, self.town.hh, self.town.people
        sim = town.housing
        d = int(town.month_ends[t])
        m = t + 12
        ten = self.tenancies
        ends = ten["end"].to_numpy()
        listed = (ten["start"].to_numpy() <= d) & ((ends == NA) | (ends >= d - KEEP_ENDED_DAYS))
        ten = ten[listed]
        if ten.empty:
            return empty_rows(COLUMNS)
        # people are stored household by household: each tenancy's members are one run of them
        sizes = self.size[ten["household"].to_numpy()]
        runs = np.repeat(np.arange(len(ten)), sizes)
        within = np.arange(len(runs)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        f = ten.iloc[runs].reset_index(drop=True).rename(columns={
            "household": "_household", "sim": "_sim", "ref": "_tenancy", "start": "_start", "end": "_end",
            "prop": "_prop", "first": "_first"})
        f["_person"] = self.first_member[f["_household"].to_numpy()] + within
        persons = f["_person"].to_numpy()
        h = f["_household"].to_numpy()
        k = f["_sim"].to_numpy()
        end = f["_end"].to_numpy()
        ended = (end != NA) & (end <= d)
        # arrears: the month's figure, frozen at the move for a tenancy that has ended
        move_month = np.searchsorted(sim["ends"], np.where(ended, end, d))
        month_index = np.where(ended, np.maximum(move_month - 1, 0), m)
        weeks = sim["weeks"][k, month_index]
        rent = hh["weekly_rent"].to_numpy()[h]
        arrears = np.round(weeks * rent, 2)
        start = f["_start"].to_numpy()

        def event(values: np.ndarray) -> np.ndarray:
            v = values[k]
            mine = np.where(f["_first"].to_numpy(), (end == NA) | (v <= end), v >= start)
            return np.where((v != NA) & (v <= d) & mine, v, NA)

        slot = people["slot"].to_numpy()[persons]
        parent_no = people["parent_no"].to_numpy()[persons]
        role = np.where(parent_no == 1, "lead_tenant",
                        np.where((parent_no == 2) & self.joint[h], "joint_tenant", "household_member"))
        role = np.where(slot == "child", "household_member", role)
        improve_day = hh["improve_day_crime"].to_numpy()[h]
        asb_open = hh["asb_case"].to_numpy()[h] & ~(hh["improves_crime"].to_numpy()[h] & (improve_day != NA)
                                                     & (d >= improve_day)) & ~ended
        frame = pd.DataFrame({
            "tenancy_ref": f["_tenancy"].to_numpy(),
            "person_ref": people["ckh_ref"].to_numpy()[persons],
            "uprn": town.props.column("uprn")[f["_prop"].to_numpy()],
            "address": town.props.render(SOURCE_ADDRESS_STYLE[self.source])[f["_prop"].to_numpy()],
            "postcode": town.props.column("postcode")[f["_prop"].to_numpy()],
            "person_role": role,
            "forename": people["forename"].to_numpy()[persons],
            "surname": people["surname"].to_numpy()[persons],
            "date_of_birth": people["dob"].to_numpy()[persons],
            "snapshot_date": d,
            "rent_arrears_gbp": arrears,
            "weeks_in_arrears": weeks,
            "nosp_served_date": event(sim["nosp"]),
            "possession_order_date": event(sim["order"]),
            "eviction_date": event(sim["evict"]),
            "asb_case_open": np.where(asb_open, "Y", "N"),
            "tenancy_start_date": start,
            "tenancy_end_date": np.where(ended, end, NA),
            "_person": persons,
            "_prop": f["_prop"].to_numpy(),
            "_prev_prop": -1,
            "_day": d,
        })
        lead = role == "lead_tenant"
        plan = self.notes[h] < 0.3
        frame["notes"] = np.where(lead & (weeks > 0),
                                  np.where(plan, [f"Arrangement £{r * 1.5:.2f}/wk" for r in rent.tolist()],
                                           [f"Arrears £{a:,.2f}" for a in arrears.tolist()]), "")
        order = np.lexsort((frame["person_ref"].to_numpy(), frame["tenancy_ref"].to_numpy()))
        return frame.iloc[order].reset_index(drop=True)
