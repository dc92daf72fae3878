"""Streets, properties, postcodes and UPRNs of the sample town, and the ways systems write an address."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

TOWN = "Peterborough"

STEMS = (
    "Lincoln Thorpe Park Broadway Eastfield Dogsthorpe Gladstone Cromwell Fengate Bourges Westwood "
    "Ravensthorpe Werrington Bretton Orton Hampton Paston Gunthorpe Walton Millfield Stanground Fletton "
    "Woodston Netherton Longthorpe Oundle Lime Elm Oak Chestnut Willow Ash Beech Birch Hawthorn Laburnum "
    "Lilac Rowan Sycamore Poplar Cedar Maple Hazel Alder Holly Juniper Heather Primrose Bluebell Clover "
    "Foxglove Meadow Orchard Mill Bridge Church Chapel Station Market Victoria Albert Alexandra Queens Kings "
    "Princes Windsor York Gloucester Cambridge Oxford Norfolk Suffolk Rutland Stamford Whittlesey Yaxley "
    "Glinton Newborough Eye Peakirk Helpston Castor Ailsworth Marholm Barnack Wittering Wansford Elton "
    "Nene Welland Ferry Wharf Harbour Mayors Bishops Deanery Cathedral Minster Priory Abbey Manor Grange "
    "Lynch Ayres Hurn Garton Crowland Thistle Gresley Burghley Milton Fitzwilliam Russell Craig Eastgate "
    "Padholme Mountsteven Burmer Belsize Cobden Vere Dickens Keats Tennyson Shelley Wordsworth Byron Milton "
    "Clare Chaucer Newton Darwin Faraday Brunel Telford Stephenson Nightingale Cavell Pankhurst Elgar "
    "Handel Purcell Holst Delius Britten Tallis Byrd Gaunt Mortimer Bolingbroke Cranmer Latimer Ridley "
    "Scotney Garrick Siddons Kemble Irving Sherwood Lansdowne Grosvenor Belgrave Cavendish Portland Bedford "
    "Devonshire Hereford Worcester Warwick Stafford Derby Leicester Nottingham Sutton Barton Preston Ashton"
).split()
STREET_TYPES = (("Street", 0.16), ("Road", 0.26), ("Avenue", 0.10), ("Close", 0.14), ("Way", 0.08),
                ("Drive", 0.09), ("Lane", 0.09), ("Crescent", 0.08))
ABBREVIATIONS = {"Street": "St", "Road": "Rd", "Avenue": "Ave", "Close": "Cl", "Way": "Way", "Drive": "Dr",
                 "Lane": "Ln", "Crescent": "Cres"}
DISTRICTS = (("PE1", 0.24), ("PE2", 0.22), ("PE3", 0.18), ("PE4", 0.16), ("PE6", 0.08), ("PE7", 0.12))
LOCALITIES = {
    "PE1": ["City Centre", "Millfield", "New England", "Eastfield", "Dogsthorpe", "Parnwell", "Fengate"],
    "PE2": ["Fletton", "Woodston", "Orton Goldhay", "Orton Malborne", "Stanground", "Hampton", "Orton Longueville"],
    "PE3": ["Westwood", "Ravensthorpe", "Netherton", "Bretton", "Longthorpe", "Westwood Park"],
    "PE4": ["Werrington", "Walton", "Gunthorpe", "Paston", "Welland"],
    "PE6": ["Eye", "Glinton", "Newborough", "Thorney"],
    "PE7": ["Whittlesey", "Yaxley", "Farcet", "Hampton Vale"],
}
INWARD_LETTERS = np.array(list("ABDEFGHJLNPQRSTUWXYZ"))
POSTCODE_RE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][ABD-HJLNP-UW-Z]{2}$")


@dataclass
class Properties:
    """One row per dwelling: `flat` (0 = none), `number`, `suffix`, street stem and type, locality,
    postcode, uprn; properties are indexed 0..n-1."""

    frame: pd.DataFrame
    _cache: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.frame)

    def column(self, name: str) -> np.ndarray:
        return self.frame[name].to_numpy()

    def render(self, style: str) -> np.ndarray:
        """Every property's address in one system's style (object array of str)."""
        if style not in self._cache:
            self._cache[style] = _render(self.frame, style).to_numpy(dtype=object)
        return self._cache[style]


def build_properties(rng: np.random.Generator, needed: int) -> Properties:
    """At least `needed` dwellings on Peterborough-ish streets, each with a valid postcode and a 12-digit UPRN."""
    per_street = 70
    n_streets = max(40, int(np.ceil(needed / per_street * 1.15)))
    stems = np.array(STEMS, dtype=object)
    types = np.array([t for t, _ in STREET_TYPES], dtype=object)
    tp = np.array([w for _, w in STREET_TYPES])
    combos = pd.DataFrame({"stem": np.repeat(stems, len(types)), "type": np.tile(types, len(stems))})
    combos["w"] = np.tile(tp / tp.sum(), len(stems))
    if n_streets <= len(combos):
        chosen = rng.choice(len(combos), size=n_streets, replace=False, p=combos["w"] / combos["w"].sum())
        streets = combos.iloc[np.sort(chosen)].reset_index(drop=True)
    else:  # a county: repeat street names in other districts, as real counties do
        reps = int(np.ceil(n_streets / len(combos)))
        streets = pd.concat([combos] * reps, ignore_index=True).iloc[:n_streets].reset_index(drop=True)
    streets["stem"] = streets["stem"].where(streets["stem"] != "Mayors", "Mayor's")
    districts = np.array([d for d, _ in DISTRICTS], dtype=object)
    dp = np.array([w for _, w in DISTRICTS])
    streets["district"] = rng.choice(districts, size=len(streets), p=dp / dp.sum())
    # a street name is used once per district
    streets = streets.drop_duplicates(["stem", "type", "district"]).reset_index(drop=True)
    streets["locality"] = [LOCALITIES[d][i % len(LOCALITIES[d])]
                           for d, i in zip(streets["district"], rng.integers(0, 1000, len(streets)), strict=True)]
    lengths = rng.integers(12, 130, len(streets))
    street_idx = np.repeat(np.arange(len(streets)), lengths)
    number = np.concatenate([np.arange(1, n + 1) for n in lengths]) if len(lengths) else np.array([], int)
    # a postcode unit per ~18 numbers of a street
    block = (number - 1) // 18
    houses = pd.DataFrame({"street": street_idx, "number": number, "block": block})
    # `14a` beside `14`
    extra = houses[rng.random(len(houses)) < 0.04].copy()
    extra["suffix"] = np.where(rng.random(len(extra)) < 0.8, "a", "b")
    houses["suffix"] = ""
    houses = pd.concat([houses, extra], ignore_index=True)
    # some numbers are blocks of flats
    flats = np.where(rng.random(len(houses)) < 0.09, rng.integers(2, 9, len(houses)), 1)
    rows = houses.loc[houses.index.repeat(flats)].reset_index(drop=True)
    rows["flat"] = np.concatenate([np.arange(1, f + 1) if f > 1 else np.zeros(1, int) for f in flats])
    rows = rows.sort_values(["street", "number", "suffix", "flat"], kind="mergesort").reset_index(drop=True)
    for column in ("stem", "type", "district", "locality"):
        rows[column] = streets[column].to_numpy()[rows["street"].to_numpy()]
    rows["postcode"] = _postcodes(rng, rows)
    rows["district"] = rows["postcode"].str.split(" ").str[0]
    uprn_offsets = rng.choice(900_000_000, size=len(rows), replace=False)
    rows["uprn"] = (100090000000 + np.sort(uprn_offsets)).astype(str)
    if len(rows) < needed:
        raise ValueError("not enough properties generated")
    return Properties(rows[["flat", "number", "suffix", "stem", "type", "district", "locality", "postcode", "uprn",
                            "street"]])


OVERFLOW_DISTRICTS = ("PE8", "PE9", "PE10", "PE11", "PE12", "PE13", "PE14", "PE15", "PE16", "PE19", "PE26",
                      "PE27", "PE28", "PE29", "CB6", "CB7")


def _postcodes(rng: np.random.Generator, rows: pd.DataFrame) -> np.ndarray:
    """A unit postcode per (street, block); a district holds 4,000 units (sectors 0-9 x 400 letter pairs),
    beyond which a county's units spill into the neighbouring districts."""
    units = rows[["district", "street", "block"]].drop_duplicates().reset_index(drop=True)
    letters = np.array([a + b for a in INWARD_LETTERS for b in INWARD_LETTERS], dtype=object)
    capacity = 10 * len(letters)
    codes = np.empty(len(units), dtype=object)
    spill = list(OVERFLOW_DISTRICTS)
    for district, index in sorted(units.groupby("district").groups.items()):
        index = np.asarray(index)
        for start in range(0, len(index), capacity):
            part = index[start:start + capacity]
            outward = district if start == 0 else spill.pop(0)
            slots = rng.choice(capacity, size=len(part), replace=False)
            codes[part] = [f"{outward} {slot // len(letters)}{letters[slot % len(letters)]}" for slot in slots]
    units["postcode"] = codes
    merged = rows[["district", "street", "block"]].merge(units, how="left", on=["district", "street", "block"])
    return merged["postcode"].to_numpy(dtype=object)


# --- rendering ---------------------------------------------------------------------------------------

def _render(frame: pd.DataFrame, style: str) -> pd.Series:
    flat = frame["flat"].astype(int)
    has_flat = flat > 0
    number = frame["number"].astype(str) + frame["suffix"]
    street_type = frame["type"]
    if "abbrev" in style:
        street_type = street_type.map(ABBREVIATIONS)
    street = frame["stem"] + " " + street_type
    house = number + " " + street
    flat_text = "Flat " + flat.astype(str)
    if style.startswith("line1"):  # Early Help address_line_1
        text = house.where(~has_flat, flat_text + ", " + house)
    elif style.startswith("flat_after"):  # 14A HIGH STREET FLAT 2
        text = house.where(~has_flat, house + " " + flat_text)
    elif style.startswith("comma_number"):  # 14a, High Street
        text = (number + ", " + street).where(~has_flat, flat_text + ", " + number + ", " + street)
    elif style.startswith("slash"):  # 2/14a High Street
        text = house.where(~has_flat, flat.astype(str) + "/" + house)
    else:  # Flat 2, 14a High Street
        text = house.where(~has_flat, flat_text + ", " + house)
    if "locality" in style:
        text = text + ", " + frame["locality"]
    if "town" in style:
        text = text + (" " if "nocomma" in style else ", ") + TOWN
    if "postcode" in style:
        text = text + ", " + frame["postcode"]
    if "upper" in style:
        text = text.str.upper()
    return text


# Each partner's own way of writing an address (one string), and the other ways a partner might write one.
SOURCE_ADDRESS_STYLE = {
    "school_attendance": "full_town",
    "police": "full_town_nocomma_upper",
    "dwp": "full_town_upper",
    "cross_keys_homes": "full",
}
ADDRESS_VARIANTS = (
    "full_abbrev_town", "flat_after_upper", "flat_after_town_upper", "full", "full_town_postcode",
    "comma_number_town", "full_locality_town", "slash_abbrev", "full_abbrev_upper", "flat_after_abbrev_town",
)


def valid_postcode(text: str) -> bool:
    return bool(POSTCODE_RE.match(text))
