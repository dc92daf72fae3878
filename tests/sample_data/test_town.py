"""The generated town: determinism, mess at its rates, Early Help over-representation, and data rich enough
for every rule of the Outcomes Plan to find something."""

from __future__ import annotations

import filecmp
from pathlib import Path

import pandas as pd
import pytest

import sample_data
from sample_data import SourceMess
from sample_data.mess import PERSON_KINDS
from sample_data.options import QUARANTINE_KINDS
from tests.sample_data.conftest import read_truth
from tests.sample_data.test_extracts import extract_files, read_extract

UNCONDITIONAL = ("typo", "name_case", "extra_spaces", "dob_missing", "postcode_lower", "postcode_nospace",
                 "duplicate_row", "bad_date", "missing_key", "invalid_enum")


def _tree(root: Path) -> list[Path]:
    return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())


def test_same_seed_same_bytes_other_seed_differs(tmp_path):
    runs = {}
    for name, seed in (("a", 11), ("b", 11), ("c", 12)):
        sample_data.generate(tmp_path / name, 10, "2016-03", "2016-05", seed=seed)
        runs[name] = tmp_path / name
    files = _tree(runs["a"])
    assert files == _tree(runs["b"]) and any(f.suffix == ".xlsx" for f in files)
    match, mismatch, errors = filecmp.cmpfiles(runs["a"], runs["b"], files, shallow=False)
    assert not mismatch and not errors
    _, differ, _ = filecmp.cmpfiles(runs["a"], runs["c"], files, shallow=False)
    assert len(differ) >= len(files) - 1


def test_every_kind_of_mess_at_about_its_rate(messy_town):
    out, mess = messy_town
    messy = read_truth(out, "messy")
    people = read_truth(out, "people")
    links = read_truth(out, "links")
    partners = people[people.town_person_id.isin(links[links.source != "early_help"].town_person_id)]
    absent = set()  # kinds nobody in this small town's partner extracts is eligible for
    if not partners.surname.str.contains("'").any():
        absent.add("apostrophe_variant")
    if not partners.surname.str.contains("-").any():
        absent.add("hyphen_variant")
    if not (partners.previous_surname != "").any():
        absent.add("surname_changed")
    assert set(messy.kind) | absent == set(SourceMess.kinds())
    rows = {}
    for _month, source, path in extract_files(out):
        rows[source] = rows.get(source, 0) + len(read_extract(path))
    for source, total in rows.items():
        if total < 300:
            continue  # too few rows to measure a rate
        rates = mess.for_source(source)
        mine = messy[messy.source == source]
        for kind in UNCONDITIONAL:
            if kind == "duplicate_row":
                count = (mine.kind == kind).sum()
            else:
                count = mine[mine.kind == kind][["month", "row_number"]].drop_duplicates().shape[0]
            share = count / total
            assert 0.3 * getattr(rates, kind) <= share <= 2.0 * getattr(rates, kind), (source, kind, share)
    # what the pipeline must do with each row
    assert set(messy[messy.kind.isin(QUARANTINE_KINDS)].expected) == {"quarantine"}
    assert set(messy[messy.kind == "duplicate_row"].expected) == {"duplicate"}
    assert set(messy[~messy.kind.isin((*QUARANTINE_KINDS, "duplicate_row"))].expected) <= {"load", "quarantine"}


def test_partner_names_written_differently(messy_town):
    out, _ = messy_town
    messy = read_truth(out, "messy")
    people = read_truth(out, "people").set_index("town_person_id")
    links = read_truth(out, "links")
    nick = messy[(messy.kind == "nickname") & (messy.source == "dwp")]
    assert len(nick)
    frame = read_extract(out / "landing" / nick.month.iloc[0] / "dwp.csv")
    frame["_key"] = frame.nino + "|" + frame.spell_type + "|" + pd.to_datetime(
        frame.start_date, format="%d-%b-%y", errors="coerce").dt.strftime("%Y-%m-%d")
    row = frame.set_index("_key").loc[nick.row_key.iloc[0]]
    row = row.iloc[0] if isinstance(row, pd.DataFrame) else row
    from sample_data.variants import variants_for
    assert row.forename.strip().title() in variants_for(people.loc[nick.town_person_id.iloc[0], "forename"]) \
        or row.forename.strip().upper() != people.loc[nick.town_person_id.iloc[0], "forename"].upper()
    changed = messy[(messy.kind == "surname_changed") & (messy.expected == "load")]
    assert changed.row_key.isin(links.row_key).all()
    assert (people.loc[changed.town_person_id, "previous_surname"] != "").all()


def _links_with_people(out: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    links = read_truth(out, "links")
    people = read_truth(out, "people")
    people["eh"] = people.eh_person_id != ""
    people["age"] = (pd.Timestamp("2016-01-01") - pd.to_datetime(people.date_of_birth)).dt.days / 365.25
    return links.merge(people[["town_person_id", "eh", "age"]], on="town_person_id"), people


def test_early_help_families_over_represented(town):
    out, _ = town
    links, people = _links_with_people(out)
    adults = people[people.age >= 18]
    children = people[people.age < 16]

    def per_head(source: str, group: pd.DataFrame, rows: pd.DataFrame | None = None) -> tuple[float, float]:
        rows = links[links.source == source] if rows is None else rows
        eh = rows.town_person_id.isin(group[group.eh].town_person_id).sum() / max(group.eh.sum(), 1)
        rest = rows.town_person_id.isin(group[~group.eh].town_person_id).sum() / max((~group.eh).sum(), 1)
        return eh, rest

    eh, rest = per_head("police", people)
    assert eh > 2 * rest
    eh, rest = per_head("cross_keys_homes", people)
    assert eh > 1.5 * rest
    benefits = pd.concat(read_extract(p).assign(_m=m) for m, s, p in extract_files(out) if s == "dwp")
    out_of_work = benefits[benefits.benefit.isin(["JSA", "ESA", "IS", "IB", "CA"])
                           | benefits.uc_regime.isin(["searching_for_work", "preparing_for_work", "planning_for_work"])]
    claimants = adults.nino.isin(set(out_of_work.nino))
    assert claimants[adults.eh].mean() > 2 * claimants[~adults.eh].mean()
    # absence: Early Help children miss more school
    school = pd.concat(read_extract(p) for m, s, p in extract_files(out) if s == "school_attendance")
    school = school[school.sessions_possible.str.isdigit()]
    school["rate"] = (school.authorised_absence.astype(int) + school.unauthorised_absence.astype(int)) \
        / school.sessions_possible.astype(int)
    upn_eh = read_truth(out, "people").set_index("upn").eh_person_id != ""
    school["eh"] = school.upn.map(upn_eh).eq(True)
    assert school[school.eh].rate.mean() > 1.3 * school[~school.eh].rate.mean()
    assert len(children) and school.upn.isin(children.upn).mean() > 0.9


def test_absence_rich_enough_for_the_school_rules(town):
    out, _ = town
    files = [(m, p) for m, s, p in extract_files(out) if s == "school_attendance"]
    school = pd.concat(read_extract(p).assign(_m=m) for m, p in files)
    school = school[school.sessions_possible.str.isdigit() & (school.upn != "")]
    for c in ("sessions_possible", "authorised_absence", "unauthorised_absence", "fixed_term_exclusions"):
        school[c] = school[c].astype(int)
    school["absence"] = school.authorised_absence + school.unauthorised_absence
    last3 = school[school._m.isin(sorted(school._m.unique())[-3:])]
    pooled = last3.groupby("upn")[["absence", "sessions_possible"]].sum()
    rate = pooled.absence / pooled.sessions_possible
    assert (rate >= 0.10).any() and (rate < 0.10).mean() > 0.5
    assert ((school.absence * 10) == school.sessions_possible).any()  # exactly on the 10% line
    assert school.sessions_possible.between(60, 160).all()
    assert (school.fixed_term_exclusions > 0).any()
    assert (last3.groupby("upn").fixed_term_exclusions.sum() >= 3).any()
    assert (school.alternative_provision == "Y").any()


def test_employment_rich_enough_for_the_continuous_employment_rule(town):
    out, _ = town
    dwp = pd.concat(read_extract(p).assign(_m=m) for m, s, p in extract_files(out) if s == "dwp")
    dwp = dwp[dwp.start_date.str.match(r"^\d{1,2}-[A-Z][a-z]{2}-\d{2}$") & (dwp.nino != "")]
    dwp["start"] = pd.to_datetime(dwp.start_date, format="%d-%b-%y")
    dwp["end"] = pd.to_datetime(dwp.end_date, format="%d-%b-%y", errors="coerce")
    latest = dwp.sort_values("_m").drop_duplicates(["nino", "spell_type", "start"], keep="last")
    last_day = pd.Timestamp("2016-07-31")
    oow = latest[(latest.spell_type == "benefit") & (latest.benefit.isin(["JSA", "ESA", "IS", "IB", "CA"])
                 | latest.uc_regime.isin(["searching_for_work", "preparing_for_work", "planning_for_work"]))]
    jobs = latest[latest.spell_type == "employment"]
    back = jobs.merge(oow[["nino", "end", "benefit"]].dropna(subset=["end"]), on="nino", suffixes=("", "_benefit"))
    back = back[(back.start > back.end_benefit) & (back.start <= back.end_benefit + pd.Timedelta(days=14))]
    weeks = ((back.end.fillna(last_day) - back.start).dt.days + 1) / 7
    assert (weeks >= 26).any(), "nobody sustained 26 weeks of work after an out-of-work benefit"
    assert ((weeks >= 13) & (weeks < 26)).any()
    assert back.end.notna().any()  # some jobs end, and some of those return to benefit
    assert set(latest.benefit) >= {"JSA", "ESA", "UC", "PIP", "HB"}
    assert "searching_for_work" in set(latest.uc_regime)
    assert set(latest.uc_regime) & {"working_with_requirements", "working_enough"}


def test_police_and_housing_rich_enough(town):
    out, _ = town
    police = pd.concat(read_extract(p) for m, s, p in extract_files(out) if s == "police")
    assert set(police.incident_type) >= {"crime", "asb", "domestic_abuse"}
    assert set(police.person_role) == {"offender", "suspect", "victim", "witness"}
    proven = {"charge", "caution", "youth_caution", "youth_conditional_caution", "conviction"}
    asb = {"asb_warning", "acceptable_behaviour_contract", "asb_injunction", "criminal_behaviour_order", "dispersal"}
    assert police.outcome.isin(proven).any() and police.outcome.isin(asb).any() and (police.outcome == "").any()
    assert police.groupby("incident_ref").size().max() > 1
    assert (police.pnc_id != "").any() and (police.pnc_id == "").mean() > 0.5
    homes = pd.concat(read_extract(p) for m, s, p in extract_files(out) if s == "cross_keys_homes")
    weeks = pd.to_numeric(homes.weeks_in_arrears, errors="coerce")
    assert (weeks >= 4).any() and (weeks == 4).any() and (weeks == 0).mean() > 0.5
    assert (homes.asb_case_open == "Y").any()
    assert set(homes.person_role) - {"lodger", "occupant"} == {"lead_tenant", "joint_tenant", "household_member"}
    assert homes.snapshot_date.str.endswith(("/01/2016", "/12/2015")).any()


@pytest.mark.parametrize("families", [1, 3])
def test_tiny_towns_still_generate(tmp_path, families):
    summary = sample_data.generate(tmp_path, families, "2016-04", "2016-04", seed=4)
    assert summary.families == families
    assert (tmp_path / "landing" / "2016-04" / "early_help.csv").exists()


def test_a_persons_mess_sticks_to_them_month_after_month(messy_town):
    out, _ = messy_town
    messy = read_truth(out, "messy")
    links = read_truth(out, "links")
    source = "dwp"
    months = sorted(links[links.source == source].month.unique())
    first, last = months[0], months[-1]
    in_both = set(links[(links.source == source) & (links.month == first)].town_person_id) & \
        set(links[(links.source == source) & (links.month == last)].town_person_id)
    for kind in ("typo", "nickname", "dob_swapped", "postcode_lower", "name_case"):
        assert kind in PERSON_KINDS
        mine = messy[(messy.source == source) & (messy.kind == kind) & messy.town_person_id.isin(in_both)]
        then = set(mine[mine.month == first].town_person_id)
        now = set(mine[mine.month == last].town_person_id)
        assert then and then == now, kind
