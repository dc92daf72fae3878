"""Messy data: what each partner's system does to names, dates of birth, postcodes, addresses and ids, and the
rows the pipeline must quarantine or recognise as repeats.

Mess that belongs to how a system holds a person (a typo, a nickname, an old surname, a swapped date of birth,
an old address) sticks to that person in that source: it is drawn from a hash of the seed, the source, the
kind and the person, so every row and every month shows the same mistake. Repeated rows and bad rows are
drawn afresh for each file.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sample_data import names as nm
from sample_data._util import NA, days_in_month, from_ymd, person_hash, unit, ymd
from sample_data.options import SourceMess
from sample_data.places import ADDRESS_VARIANTS, SOURCE_ADDRESS_STYLE, valid_postcode
from sample_data.town import Town
from sample_data.variants import variants_for

# kinds that stick to a person; the rest are per row
PERSON_KINDS = ("surname_changed", "transliterated", "hyphen_variant", "apostrophe_variant", "middle_as_forename",
                "nickname", "initial_only", "names_swapped", "dob_missing_child", "typo", "extra_spaces", "name_case",
                "dob_missing", "dob_swapped", "dob_off",
                "moved_address", "address_variant", "postcode_invalid", "postcode_lower", "postcode_nospace",
                "missing_id")
EH_LINE1_VARIANTS = ("line1_abbrev", "flat_after", "comma_number", "slash_abbrev", "flat_after_abbrev_upper")


@dataclass(frozen=True)
class SourceShape:
    """Which columns of a source each kind of mess touches."""

    address: str                    # the address column
    address_style: str              # the source's own style (places._render)
    ids: tuple[str, ...]            # ids that may go missing (not key parts)
    nickname: bool                  # the system takes the name people give, not the legal one
    missing_key: str                # the key part blanked in a bad row
    bad_date: str                   # the date written unparseably in a bad row
    enum: tuple[str, tuple[str, ...]]  # a column and values it must not hold
    numeric: str | None             # a number written as text in a bad row


SHAPES = {
    "early_help": SourceShape("address_line_1", "line1", ("uprn", "upn", "nino"), False, "person_id",
                              "eha_start_date", ("role", ("parent", "guardian", "carer")), None),
    "school_attendance": SourceShape("address", SOURCE_ADDRESS_STYLE["school_attendance"], (), True, "upn",
                                     "date_of_birth", ("term", ("winter", "term 1", "aut")), "sessions_possible"),
    "police": SourceShape("address", SOURCE_ADDRESS_STYLE["police"], ("pnc_id",), True, "person_ref",
                          "incident_date", ("incident_type", ("burglary", "theft", "public_order")), None),
    "dwp": SourceShape("address", SOURCE_ADDRESS_STYLE["dwp"], (), True, "nino", "start_date",
                       ("spell_type", ("pension", "credit", "other")), None),
    "cross_keys_homes": SourceShape("address", SOURCE_ADDRESS_STYLE["cross_keys_homes"], ("uprn",), True,
                                    "person_ref", "snapshot_date", ("person_role", ("lodger", "occupant")),
                                    "weeks_in_arrears"),
}
BAD_DATES = ("31/02/{y}", "00/00/0000", "unknown", "{y}-13-45", "TBC", "32/13/{y}", "?")
BAD_NUMBERS = ("n/a", "TBC", "1O5", "unknown", "-")


class Messer:
    def __init__(self, town: Town, source: str, rates: SourceMess, encoding: str | None):
        self.town = town
        self.source = source
        self.rates = rates
        self.shape = SHAPES[source]
        self.encoding = encoding
        people = town.people
        self._prev_surname = people["prev_surname"].to_numpy()
        self._middle_names = people["middle_names"].to_numpy()
        self._household = people["household"].to_numpy()
        self._is_child = (people["slot"] == "child").to_numpy()

    # -- helpers -------------------------------------------------------------------------------------------

    def _chosen(self, kind: str, persons: np.ndarray, eligible: np.ndarray) -> np.ndarray:
        rate = getattr(self.rates, kind)
        if rate <= 0:
            return np.zeros(len(persons), bool)
        return eligible & (unit(person_hash(self.town.seed, persons, self.source, kind)) < rate)

    def _salt(self, kind: str, persons: np.ndarray) -> np.ndarray:
        return person_hash(self.town.seed, persons, self.source, kind, "how")

    # -- the values ----------------------------------------------------------------------------------------

    def apply_values(self, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[tuple[np.ndarray, str]]]:
        """Mess up names, dates of birth, addresses, postcodes and ids; return the rows each kind changed."""
        frame = frame.copy()
        persons = frame["_person"].to_numpy().astype(np.int64)
        found: list[tuple[np.ndarray, str]] = []
        n = len(frame)
        if n == 0:
            return frame, found
        fore = frame["forename"].to_numpy(dtype=object).copy()
        sur = frame["surname"].to_numpy(dtype=object).copy()

        def record(kind: str, changed: np.ndarray) -> None:
            if changed.any():
                found.append((np.flatnonzero(changed), kind))

        if self.shape.nickname:
            prev = self._prev_surname[persons]
            sel = self._chosen("surname_changed", persons, prev != "")
            sur[sel] = prev[sel]
            record("surname_changed", sel)
        non_ascii = np.array([not (f.isascii() and s.isascii()) for f, s in zip(fore, sur, strict=True)])
        sel = self._chosen("transliterated", persons, non_ascii)
        before = (fore.copy(), sur.copy())
        fore[sel] = [nm.to_ascii(x) for x in fore[sel]]
        sur[sel] = [nm.to_ascii(x) for x in sur[sel]]
        if self.encoding and self.encoding.replace("-", "").lower() not in ("utf8", "utf8sig"):
            fore = np.array([nm.fit_encoding(x, self.encoding) for x in fore], dtype=object)
            sur = np.array([nm.fit_encoding(x, self.encoding) for x in sur], dtype=object)
        record("transliterated", (fore != before[0]) | (sur != before[1]))

        hyphen = np.array(["-" in s for s in sur])
        sel = self._chosen("hyphen_variant", persons, hyphen)
        salt = self._salt("hyphen_variant", persons)
        sur[sel] = [s.replace("-", " " if k % 2 else "") for s, k in zip(sur[sel], salt[sel].tolist(), strict=True)]
        record("hyphen_variant", sel)
        apostrophe = np.array(["'" in s for s in sur])
        sel = self._chosen("apostrophe_variant", persons, apostrophe)
        salt = self._salt("apostrophe_variant", persons)
        marks = ("", " ", "\u2019") if self.encoding is None or self.encoding != "ascii" else ("", " ")
        sur[sel] = [s.replace("'", marks[k % len(marks)]) for s, k in zip(sur[sel], salt[sel].tolist(), strict=True)]
        record("apostrophe_variant", sel)

        if self.shape.nickname:
            # someone who goes by their middle name: the register has it as a middle name, this system as the forename
            middle = np.array([m.split(" ")[0] if m else "" for m in self._middle_names[persons]], dtype=object)
            sel = self._chosen("middle_as_forename", persons, middle != "")
            fore[sel] = middle[sel]
            record("middle_as_forename", sel)
            options = [variants_for(f) for f in fore]
            sel = self._chosen("nickname", persons, np.array([bool(o) for o in options]))
            salt = self._salt("nickname", persons)
            for i in np.flatnonzero(sel).tolist():
                fore[i] = options[i][int(salt[i] % np.uint64(len(options[i])))]
            record("nickname", sel)
            sel = self._chosen("initial_only", persons, np.array([len(f) > 1 for f in fore]))
            salt = self._salt("initial_only", persons)
            fore[sel] = [f[0] + ("." if k % 3 == 0 else "") for f, k in zip(fore[sel], salt[sel].tolist(), strict=True)]
            record("initial_only", sel)
            sel = self._chosen("names_swapped", persons, np.ones(n, bool))
            fore[sel], sur[sel] = sur[sel], fore[sel].copy()
            record("names_swapped", sel)

        sel = self._chosen("typo", persons, np.ones(n, bool))
        salt = self._salt("typo", persons)
        changed = np.zeros(n, bool)
        for i in np.flatnonzero(sel).tolist():
            r = random.Random(int(salt[i]))
            if r.random() < 0.5 and len(fore[i]) >= 3:
                new = typo(fore[i], r)
                changed[i] = new != fore[i]
                fore[i] = new
            elif len(sur[i]) >= 3:
                new = typo(sur[i], r)
                changed[i] = new != sur[i]
                sur[i] = new
        record("typo", changed)

        sel = self._chosen("extra_spaces", persons, np.ones(n, bool))
        salt = self._salt("extra_spaces", persons)
        address = frame[self.shape.address].to_numpy(dtype=object).copy()
        for i in np.flatnonzero(sel).tolist():
            k = int(salt[i] % np.uint64(4))
            if k == 0:
                fore[i] = fore[i] + " "
            elif k == 1:
                sur[i] = "  " + sur[i] if " " not in sur[i] else sur[i].replace(" ", "  ", 1)
            elif k == 2:
                fore[i] = fore[i].replace(" ", "  ", 1) if " " in fore[i] else " " + fore[i] + "  "
            else:
                address[i] = address[i].replace(" ", "  ", 1)
        record("extra_spaces", sel)

        sel = self._chosen("name_case", persons, np.ones(n, bool))
        salt = self._salt("name_case", persons)
        upper = (salt % np.uint64(3)) != 0
        fore[sel & upper] = [x.upper() for x in fore[sel & upper]]
        sur[sel & upper] = [x.upper() for x in sur[sel & upper]]
        fore[sel & ~upper] = [x.lower() for x in fore[sel & ~upper]]
        sur[sel & ~upper] = [x.lower() for x in sur[sel & ~upper]]
        record("name_case", sel)
        frame["forename"] = fore
        frame["surname"] = sur

        found += self._dob(frame, persons)
        found += self._address(frame, persons, address)
        found += self._ids(frame, persons)
        return frame, found

    def _dob(self, frame: pd.DataFrame, persons: np.ndarray) -> list[tuple[np.ndarray, str]]:
        dob = frame["date_of_birth"].to_numpy().astype(np.int64).copy()
        out = []
        present = dob != NA
        missing = self._chosen("dob_missing", persons, present)
        dob[missing] = NA
        child_missing = self._chosen("dob_missing_child", persons, present & ~missing & self._is_child[persons])
        dob[child_missing] = NA
        missing |= child_missing
        y, m, d = ymd(dob)
        swappable = present & ~missing & (d <= 12) & (m <= 12) & (d != m)
        swapped = self._chosen("dob_swapped", persons, swappable)
        if swapped.any():
            dob[swapped] = from_ymd(y[swapped], d[swapped], m[swapped])
        off = self._chosen("dob_off", persons, present & ~missing & ~swapped)
        if off.any():
            salt = self._salt("dob_off", persons)[off]
            yy, mm, dd = y[off], m[off], d[off]
            part = (salt % np.uint64(3)).astype(int)
            step = np.where((salt >> np.uint64(8)) % np.uint64(2) == 0, 1, -1)
            ny = np.where(part == 2, yy + step, yy)
            nm_ = np.where(part == 1, (mm - 1 + step) % 12 + 1, mm)
            nd = np.where(part == 0, dd + step, dd)
            nd = np.where(nd < 1, 2, nd)
            nd = np.minimum(nd, days_in_month(ny, nm_))
            nd = np.where((part == 0) & (nd == dd), dd - 1, nd)
            dob[off] = from_ymd(ny, nm_, nd)
        frame["date_of_birth"] = dob
        missing &= ~child_missing
        for kind, mask in (("dob_missing", missing), ("dob_missing_child", child_missing), ("dob_swapped", swapped),
                           ("dob_off", off)):
            if mask.any():
                out.append((np.flatnonzero(mask), kind))
        return out

    def _address(self, frame, persons, address) -> list[tuple[np.ndarray, str]]:
        props = self.town.props
        out = []
        prop = frame["_prop"].to_numpy().astype(np.int64).copy()
        prev = frame["_prev_prop"].to_numpy().astype(np.int64)
        postcode = frame["postcode"].to_numpy(dtype=object).copy()
        # drawn per household: a system updates a family's address for all its members or for none
        moved = self._chosen("moved_address", self._household[persons], prev >= 0)
        if moved.any():
            prop[moved] = prev[moved]
            address[moved] = props.render(self.shape.address_style)[prop[moved]]
            postcode[moved] = props.column("postcode")[prop[moved]]
            if self.source == "early_help":
                frame.loc[moved, "address_line_2"] = np.where(frame.loc[moved, "address_line_2"] != "",
                                                              props.column("locality")[prop[moved]], "")
            if "uprn" in frame.columns:
                held = frame.loc[moved, "uprn"] != ""
                frame.loc[moved, "uprn"] = np.where(held, props.column("uprn")[prop[moved]], "")
            out.append((np.flatnonzero(moved), "moved_address"))
        sel = self._chosen("address_variant", persons, np.ones(len(frame), bool))
        if sel.any():
            variants = EH_LINE1_VARIANTS if self.source == "early_help" else tuple(
                v for v in ADDRESS_VARIANTS if v != self.shape.address_style)
            salt = self._salt("address_variant", persons)
            choice = (salt % np.uint64(len(variants))).astype(int)
            new = address.copy()
            for k, style in enumerate(variants):
                rows = sel & (choice == k)
                if rows.any():
                    new[rows] = props.render(style)[prop[rows]]
            changed = sel & (new != address)
            address = np.where(sel, new, address)
            if changed.any():
                out.append((np.flatnonzero(changed), "address_variant"))
        frame[self.shape.address] = address

        valid = np.array([bool(p) for p in postcode])
        invalid = self._chosen("postcode_invalid", persons, valid)
        salt = self._salt("postcode_invalid", persons)
        for i in np.flatnonzero(invalid).tolist():
            postcode[i] = invalid_postcode(postcode[i], int(salt[i]))
        lower = self._chosen("postcode_lower", persons, valid)
        postcode[lower] = [p.lower() for p in postcode[lower]]
        nospace = self._chosen("postcode_nospace", persons, valid)
        postcode[nospace] = [p.replace(" ", "") for p in postcode[nospace]]
        frame["postcode"] = postcode
        for kind, mask in (("postcode_invalid", invalid), ("postcode_lower", lower), ("postcode_nospace", nospace)):
            if mask.any():
                out.append((np.flatnonzero(mask), kind))
        return out

    def _ids(self, frame, persons) -> list[tuple[np.ndarray, str]]:
        if not self.shape.ids:
            return []
        present = np.column_stack([frame[c].to_numpy(dtype=object) != "" for c in self.shape.ids])
        sel = self._chosen("missing_id", persons, present.any(axis=1))
        if not sel.any():
            return []
        salt = self._salt("missing_id", persons)
        for i in np.flatnonzero(sel).tolist():
            have = [c for c, p in zip(self.shape.ids, present[i], strict=True) if p]
            column = have[int(salt[i] % np.uint64(len(have)))]
            frame.iat[i, frame.columns.get_loc(column)] = ""
        return [(np.flatnonzero(sel), "missing_id")]

    # -- whole rows ----------------------------------------------------------------------------------------

    def bad_rows(self, written: pd.DataFrame, rng: np.random.Generator, month: str) -> dict[str, np.ndarray]:
        """Pick rows to spoil so they must be quarantined, and spoil them in `written` (cells as written)."""
        n = len(written)
        rates = self.rates
        kinds = ["bad_date", "missing_key", "invalid_enum"] + (["non_numeric"] if self.shape.numeric else [])
        p = np.array([getattr(rates, k) for k in kinds])
        r = rng.random(n)
        bounds = np.cumsum(p)
        out: dict[str, np.ndarray] = {}
        for k, kind in enumerate(kinds):
            low = bounds[k - 1] if k else 0.0
            rows = np.flatnonzero((r >= low) & (r < bounds[k]))
            if not len(rows):
                continue
            out[kind] = rows
            pick = rng.integers(0, 1000, len(rows))
            column = {"bad_date": self.shape.bad_date, "missing_key": self.shape.missing_key,
                      "invalid_enum": self.shape.enum[0], "non_numeric": self.shape.numeric}[kind]
            if written[column].dtype != object:
                written[column] = written[column].astype(object)
            j = written.columns.get_loc(column)
            for row, choice in zip(rows.tolist(), pick.tolist(), strict=True):
                if kind == "bad_date":
                    value = BAD_DATES[choice % len(BAD_DATES)].format(y=month[:4])
                elif kind == "missing_key":
                    value = ""
                elif kind == "invalid_enum":
                    value = self.shape.enum[1][choice % len(self.shape.enum[1])]
                else:
                    value = BAD_NUMBERS[choice % len(BAD_NUMBERS)]
                written.iat[row, j] = value
        return out


def typo(text: str, r: random.Random) -> str:
    """One or two character edits: a letter changed, dropped, doubled or two letters swapped."""
    for _ in range(1 + (r.random() < 0.25)):
        if len(text) < 3:
            break
        i = r.randrange(1, len(text))
        op = r.randrange(4)
        letters = "aeioulnrstmdhck"
        if op == 0:
            new = letters[r.randrange(len(letters))]
            text = text[:i] + (new.upper() if text[i].isupper() else new) + text[i + 1:]
        elif op == 1:
            text = text[:i] + text[i + 1:]
        elif op == 2:
            text = text[:i] + text[i] + text[i:]
        elif i < len(text) - 1:
            text = text[:i] + text[i + 1] + text[i] + text[i + 2:]
        else:
            text = text[:i - 1] + text[i] + text[i - 1] + text[i + 1:]
    return text


def invalid_postcode(postcode: str, salt: int) -> str:
    """A postcode no reader can validate: a character lost, a letter for a digit, a digit for a letter."""
    outward, _, inward = postcode.partition(" ")
    options = [
        f"{outward} {inward[:-1]}",
        f"{outward} O{inward[1:]}",
        f"{outward} {inward[0]}{inward[1]}{(int(inward[0]) + 1) % 10}",
        f"{outward}{inward[0]}",
        f"{outward[:2]} {inward}",
    ]
    for k in range(len(options)):
        candidate = options[(salt + k) % len(options)]
        if not valid_postcode(candidate.upper()):
            return candidate
    return outward
