"""DWP: benefit and employment spells; each month a snapshot of open spells and those ended in the last 12 months.

Adults move between out-of-work benefits and work in the ways the continuous-employment rules must tell
apart: work sustained for 26 weeks and more, exactly 25 or 26 weeks, 13 weeks after ESA/IS/IB/CA, two jobs
with a week between them, and a return to benefit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sample_data._util import NA, add_months, stream
from sample_data.town import Town
from sources.dwp import LAYOUT

COLUMNS = LAYOUT.columns   # the contract's layout, declared in sources/dwp.py
OUT_OF_WORK_UC = ("searching_for_work", "preparing_for_work", "planning_for_work")
# (name, weeks in work before it ends or None for lasting, chance)
JOB_LENGTHS = (("lasting", None, 0.42), ("25_weeks", 25, 0.10), ("26_weeks", 26, 0.08), ("13_weeks", 13, 0.10),
               ("12_weeks", 12, 0.05), ("short", -1, 0.15), ("two_jobs", -2, 0.10))


class Dwp:
    source = "dwp"

    def __init__(self, town: Town):
        self.town = town
        self.spells = _spells(town)

    def rows(self, t: int) -> pd.DataFrame:
        town, people = self.town, self.town.people
        d = int(town.month_ends[t])
        year_ago = int(add_months(np.array([d]), -12)[0])
        s = self.spells
        start, end = s["start"].to_numpy(), s["end"].to_numpy()
        shown = (start <= d) & ((end == NA) | (end >= year_ago))
        s = s[shown]
        persons = s["person"].to_numpy()
        end = s["end"].to_numpy()
        prop = town.property_at(persons, d)
        frame = pd.DataFrame({
            "nino": people["nino"].to_numpy()[persons],
            **town.person_fields(persons, prop, self.source),
            "spell_type": s["spell_type"].to_numpy(),
            "benefit": s["benefit"].to_numpy(),
            "uc_regime": s["uc_regime"].to_numpy(),
            "start_date": s["start"].to_numpy(),
            "end_date": np.where((end != NA) & (end <= d), end, NA),
            "_person": persons,
            "_prop": prop,
            "_prev_prop": town.previous_property(persons, d),
            "_day": d,
        })
        order = np.lexsort((frame["start_date"].to_numpy(), frame["spell_type"].to_numpy(), frame["nino"].to_numpy()))
        return frame.iloc[order].reset_index(drop=True)


def _spells(town: Town) -> pd.DataFrame:
    rng = stream(town.seed, "dwp_spells")
    people, hh = town.people, town.hh
    ref, last = town.first_day, town.last_day
    household = people["household"].to_numpy()
    age = (ref - people["dob"].to_numpy()) / 365.25
    is_eh = hh["is_eh"].to_numpy()[household]
    slot = people["slot"].to_numpy()
    kind = hh["kind"].to_numpy()[household]
    social = hh["social"].to_numpy()[household]
    work_target = people["work_target"].to_numpy()
    health_target = people["health_target"].to_numpy()
    improves = hh["improves_work"].to_numpy()[household]
    improve_day = hh["improve_day_work"].to_numpy()[household]
    health_in_home = pd.Series(health_target).groupby(household).transform("any").to_numpy()
    adults = np.flatnonzero((age >= 18) & (slot != "child") | (age >= 18.5))
    u = rng.random((len(people), 16))
    lengths = np.array([w for _, _, w in JOB_LENGTHS])
    job_kind = rng.choice(len(JOB_LENGTHS), size=len(people), p=lengths / lengths.sum())
    first_target = np.zeros(len(people), bool)
    seen: set[int] = set()
    for i in np.flatnonzero(work_target).tolist():
        if household[i] not in seen:
            first_target[i] = True
            seen.add(household[i])

    # when back to work: the family's improvement, for the first adult of it and some others
    back_day = np.where(improves & (improve_day != NA) & (first_target | (u[:, 8] < 0.6)) & work_target,
                        improve_day + (-30 + u[:, 9] * 90).astype(np.int64), NA)
    _make_sure_of_returns(town, work_target & (age >= 18) & (age < 66), back_day, job_kind, u)

    out: list[tuple[int, str, str, str, int, int]] = []

    def add(i: int, spell_type: str, benefit: str, regime: str, start: int, end: int) -> None:
        out.append((i, spell_type, benefit, regime, int(start), int(end)))

    def out_of_work_benefit(i: int) -> tuple[str, str]:
        r = u[i, 0]
        if health_target[i]:
            return ("ESA", "") if r < 0.6 else (("UC", "preparing_for_work") if r < 0.9 else ("IB", ""))
        if kind[i] in ("single_parent", "single_other") and slot[i] == "parent":
            return ("IS", "") if r < 0.45 else (("UC", "searching_for_work") if r < 0.8 else ("JSA", ""))
        if r < 0.30:
            return "JSA", ""
        if r < 0.75:
            regime = "searching_for_work" if u[i, 1] < 0.7 else ("preparing_for_work" if u[i, 1] < 0.85
                                                                  else "planning_for_work")
            return "UC", regime
        return ("ESA", "") if r < 0.85 else (("CA", "") if r < 0.93 else ("IS", ""))

    def back_to_work(i: int, benefit: str, regime: str, x: int) -> None:
        """Off benefit the day before x, in work from x; then maybe back on benefit."""
        name, weeks, _ = JOB_LENGTHS[job_kind[i]]
        if name == "short":
            weeks = int(4 + u[i, 5] * 8)
        if name == "two_jobs":
            first_end = x + int(40 + u[i, 5] * 80)
            add(i, "employment", "", "", x, first_end)
            add(i, "employment", "", "", first_end + 8, NA)
            job_end = NA
        else:
            job_end = NA if weeks is None else x + 7 * weeks - 1
            add(i, "employment", "", "", x, job_end)
        if benefit == "UC":
            add(i, "benefit", "UC", "working_with_requirements" if u[i, 6] < 0.6 else "working_enough", x, job_end)
        if job_end != NA and u[i, 7] < 0.7:
            add(i, "benefit", benefit, regime, job_end + 1, NA)

    for i in adults.tolist():
        a = age[i]
        if health_target[i] or (a >= 66 and u[i, 13] < 0.05):
            benefit = "PIP" if a < 64 else "DLA"
            starts_now = u[i, 14] < 0.2
            start = ref + int(u[i, 15] * max(last - ref, 1)) if starts_now else ref - int(100 + u[i, 15] * 2400)
            add(i, "benefit", benefit, "", start, NA)
        if work_target[i] and a < 66:
            benefit, regime = out_of_work_benefit(i)
            b_start = ref - int(30 + u[i, 2] * 1470)
            if u[i, 3] < 0.3:
                add(i, "employment", "", "", b_start - int(200 + u[i, 4] * 1800), b_start - 1)
            x = back_day[i]
            if x == NA and is_eh[i] and u[i, 10] < 0.12:
                x = ref + int(u[i, 11] * max(last - ref, 1))
                job_kind[i] = 5  # a short job, then back on benefit
            if x != NA and x > b_start + 14:
                add(i, "benefit", benefit, regime, b_start, x - 1)
                back_to_work(i, benefit, regime, x)
                if social[i] and benefit != "UC":
                    add(i, "benefit", "HB", "", b_start, x - 1)
            else:
                add(i, "benefit", benefit, regime, b_start, NA)
                if social[i] and benefit != "UC":
                    add(i, "benefit", "HB", "", b_start, NA)
        elif a < 66:
            employed_p = 0.55 if is_eh[i] else 0.80
            r = u[i, 0]
            if r < employed_p:
                job_start = ref - int(30 + u[i, 2] * min(7000, max(60, (a - 16) * 365)))
                r2 = u[i, 3]
                if r2 < 0.10:  # changes job
                    change = ref - 365 + int(u[i, 4] * (last - ref + 365))
                    if change > job_start + 30:
                        add(i, "employment", "", "", job_start, change)
                        add(i, "employment", "", "", change + 1 + int(u[i, 5] * 45), NA)
                        continue
                elif r2 < (0.20 if is_eh[i] else 0.14):  # loses the job, claims, maybe back to work
                    lost = ref - 200 + int(u[i, 4] * (last - ref + 200))
                    if lost > job_start + 30:
                        add(i, "employment", "", "", job_start, lost)
                        benefit = "JSA" if u[i, 5] < 0.4 else "UC"
                        regime = "searching_for_work" if benefit == "UC" else ""
                        claim = lost + 1 + int(u[i, 6] * 20)
                        if u[i, 7] < 0.5:
                            back = claim + int(60 + u[i, 8] * 240)
                            add(i, "benefit", benefit, regime, claim, back - 1)
                            back_to_work(i, benefit, regime, back)
                        else:
                            add(i, "benefit", benefit, regime, claim, NA)
                        continue
                add(i, "employment", "", "", job_start, NA)
            elif r < employed_p + 0.08:
                benefit, regime = ("ESA", "") if u[i, 1] < 0.4 else (("UC", "no_work_requirements") if u[i, 1] < 0.7
                                                                      else ("IS", ""))
                add(i, "benefit", benefit, regime, ref - int(60 + u[i, 2] * 2500), NA)
            elif health_in_home[i] and not health_target[i] and u[i, 12] < 0.5:
                add(i, "benefit", "CA", "", ref - int(60 + u[i, 2] * 2000), NA)

    spells = pd.DataFrame(out, columns=["person", "spell_type", "benefit", "uc_regime", "start", "end"])
    # the key is nino + spell_type + start_date: two spells of one type never start the same day
    spells = spells.sort_values(["person", "spell_type", "start", "benefit"], kind="mergesort").reset_index(drop=True)
    for _ in range(10):
        clash = spells.duplicated(["person", "spell_type", "start"], keep="first")
        if not clash.any():
            break
        spells.loc[clash, "start"] += 1
        spells.loc[clash & (spells["end"] != NA), "end"] = np.maximum(
            spells.loc[clash & (spells["end"] != NA), "end"], spells.loc[clash & (spells["end"] != NA), "start"])
    return spells.astype({"start": np.int64, "end": np.int64})


def _make_sure_of_returns(town: Town, targets: np.ndarray, back_day: np.ndarray, job_kind: np.ndarray,
                          u: np.ndarray) -> None:
    """Even a small town has adults who leave an out-of-work benefit for work lasting 26 weeks or more,
    exactly 25 weeks and 13 weeks inside the months generated (when they are long enough)."""
    ref, last = town.first_day, town.last_day
    if last - ref < 200:
        return
    names = [name for name, _, _ in JOB_LENGTHS]
    wanted = (("lasting", 2), ("25_weeks", 1), ("13_weeks", 1))
    inside = (back_day != NA) & (back_day >= ref + 14) & (back_day <= last - 190)
    in_eh = town.hh["is_eh"].to_numpy()[town.people["household"].to_numpy()]
    candidates = np.flatnonzero(targets & ~inside)
    spare = candidates[np.lexsort((u[candidates, 8], ~in_eh[candidates]))].tolist()  # Early Help adults first
    for name, count in wanted:
        have = int((inside & (job_kind == names.index(name))).sum())
        for _ in range(count - have):
            if not spare:
                return
            i = spare.pop(0)
            job_kind[i] = names.index(name)
            back_day[i] = ref + 14 + int(u[i, 9] * min(60, last - 190 - ref - 14))
