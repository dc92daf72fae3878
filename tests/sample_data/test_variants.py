"""The generator's noise is its own (not the matcher's nickname package), and it has the shapes councils see."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from nicknames import NickNamer

from sample_data.variants import variants_for
from tests.sample_data.conftest import read_truth
from tests.sample_data.test_extracts import read_extract, row_keys

SAMPLE_DATA = Path(__file__).resolve().parents[2] / "sample_data"


def test_variants_come_from_the_generators_own_lists_not_the_matchers():
    for path in SAMPLE_DATA.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "from nicknames" not in text and "import nicknames" not in text, path
    namer = NickNamer()
    # pet forms and transliterations the matcher's package does not know are in the generator's lists
    unknown = [(name, variant) for name in ("Małgorzata", "Katarzyna", "Rebecca", "William", "Wojciech")
               for variant in variants_for(name) if variant.lower() not in namer.nicknames_of(name.lower())]
    assert {("Małgorzata", "Gosia"), ("Katarzyna", "Kasia"), ("Rebecca", "Bex")} <= set(unknown)
    assert variants_for("Piotr") == ("Peter", "Piotrek") and variants_for("Nobody") == ()


def _written_rows(out: Path, source: str, messy: pd.DataFrame, kind: str) -> pd.DataFrame:
    """The rows of `kind` in `source` as written, with the person's true names."""
    people = read_truth(out, "people").set_index("town_person_id")
    rows = []
    for month, found in messy[(messy.source == source) & (messy.kind == kind)].groupby("month"):
        frame = read_extract(out / "landing" / month / f"{source}.csv")
        frame = frame.assign(_key=row_keys(source, frame)).drop_duplicates("_key").set_index("_key")
        found = found[found.row_key.isin(frame.index)]   # not the rows spoilt past reading (no key)
        written = frame.loc[found.row_key]
        rows.append(pd.DataFrame({"forename": written["forename"].str.strip().str.upper().to_numpy(),
                                  "surname": written["surname"].str.strip().str.upper().to_numpy(),
                                  "date_of_birth": written["date_of_birth"].to_numpy(),
                                  "person": found.town_person_id.to_numpy()}))
    rows = pd.concat(rows, ignore_index=True)
    truth = people.loc[rows["person"]]
    return rows.assign(true_forename=truth["forename"].str.upper().to_numpy(),
                       true_surname=truth["surname"].str.upper().to_numpy(),
                       middle_names=truth["middle_names"].str.upper().to_numpy(), role=truth["role"].to_numpy(),
                       household=truth["household_id"].to_numpy())


def test_names_written_the_wrong_way_round(messy_town):
    out, _ = messy_town
    rows = _written_rows(out, "cross_keys_homes", read_truth(out, "messy"), "names_swapped")
    assert len(rows) > 20
    # other mess (a typo, a nickname) can touch one of the two names as well
    swapped = (rows["forename"] == rows["true_surname"]) | (rows["surname"] == rows["true_forename"])
    assert swapped.mean() > 0.8


def test_people_who_go_by_their_middle_name(messy_town):
    out, _ = messy_town
    rows = _written_rows(out, "cross_keys_homes", read_truth(out, "messy"), "middle_as_forename")
    assert len(rows) > 10 and (rows["middle_names"] != "").all()
    first_middle = rows["middle_names"].str.split(" ").str[0]
    # at this town's rates a nickname of the middle name (60%), a typo or a swap can follow
    assert ((rows["forename"] == first_middle) | (rows["surname"] == first_middle)).mean() > 0.6


def test_children_without_a_date_of_birth_on_tenancy_records(messy_town):
    out, _ = messy_town
    rows = _written_rows(out, "cross_keys_homes", read_truth(out, "messy"), "dob_missing_child")
    assert len(rows) > 10
    assert (rows["date_of_birth"].fillna("").str.strip() == "").all()
    assert (rows["role"] != "parent_carer").all()


def test_a_family_moves_together(messy_town):
    """A system that has not caught up with a move shows the old address for the whole family, not one member."""
    out, _ = messy_town
    messy = read_truth(out, "messy")
    links = read_truth(out, "links")
    people = read_truth(out, "people").set_index("town_person_id")
    month = "2016-04"
    source_rows = links[(links.source == "cross_keys_homes") | (links.source == "dwp")]
    source_rows = source_rows[source_rows.month == month]
    moved = set(messy[(messy.month == month) & (messy.kind == "moved_address")].town_person_id)
    household = people.loc[source_rows.town_person_id, "household_id"].to_numpy()
    frame = source_rows.assign(household=household, moved=source_rows.town_person_id.isin(moved))
    per_household = frame.groupby(["source", "household"])["moved"].agg(["any", "all"])
    assert per_household["any"].sum() > 3
    assert (per_household["any"] == per_household["all"]).all()
