"""`generate`: a synthetic town's monthly extracts in the contract's default layouts, and their ground truth.

    out/landing/<YYYY-MM>/<source>.csv|.xlsx   what the partners send (contracts/extracts.md)
    out/truth/people.csv                        everyone in the town, as they really are
    out/truth/links.csv                         which person each extract row is about
    out/truth/hard_negatives.csv                pairs a matcher must keep apart (twins, father and son, ...)
    out/truth/messy.csv                         every piece of mess written, and whether the row must load,
                                                be quarantined or be recognised as a repeat
    out/truth/families.csv                      the Early Help families' real problems and progress

The pipeline never reads truth/.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sample_data import dwp, early_help, housing, police, school
from sample_data._util import NA, stream, to_date
from sample_data.mess import Messer
from sample_data.options import SOURCES, Formats, MessRates
from sample_data.town import PROBLEMS, Town, build_town
from sample_data.writing import cells, iso_dates, write_file
from settings.months import months_between

KEYS = {
    "early_help": ("person_id",),
    "school_attendance": ("upn", "academic_year", "term"),
    "police": ("incident_ref", "person_ref"),
    "dwp": ("nino", "spell_type", "start_date"),
    "cross_keys_homes": ("tenancy_ref", "person_ref", "snapshot_date"),
}
COLUMNS = {
    "early_help": early_help.COLUMNS, "school_attendance": school.COLUMNS, "police": police.COLUMNS,
    "dwp": dwp.COLUMNS, "cross_keys_homes": housing.COLUMNS,
}
DATE_COLUMNS = {
    "early_help": ("date_of_birth", "eha_start_date", "eha_end_date", "family_plan_date"),
    "school_attendance": ("date_of_birth",),
    "police": ("incident_date", "date_of_birth"),
    "dwp": ("date_of_birth", "start_date", "end_date"),
    "cross_keys_homes": ("date_of_birth", "snapshot_date", "nosp_served_date", "possession_order_date",
                         "eviction_date", "tenancy_start_date", "tenancy_end_date"),
}
AMOUNTS = {"cross_keys_homes": ("rent_arrears_gbp",)}
BUILDERS = {"early_help": early_help.EarlyHelp, "school_attendance": school.School, "police": police.Police,
            "dwp": dwp.Dwp, "cross_keys_homes": housing.Housing}
LINK_COLUMNS = ("source", "month", "row_key", "town_person_id", "eh_person_id", "eh_family_id")
MESSY_COLUMNS = ("source", "month", "row_key", "row_number", "kind", "expected", "town_person_id")


@dataclass
class GenerationSummary:
    """What was generated: counts only, never personal data."""

    out: Path
    months: list[str]
    seed: int
    families: int
    households: int
    people: int
    early_help_people: int
    rows: dict[str, int] = field(default_factory=dict)        # data rows written per source, all months
    files: dict[str, int] = field(default_factory=dict)       # files written per source
    messy: dict[str, int] = field(default_factory=dict)       # messy.csv rows per expected outcome
    hard_negatives: dict[str, int] = field(default_factory=dict)

    def to_text(self) -> str:
        lines = [
            f"Sample town written to {self.out}",
            f"  months: {self.months[0]} to {self.months[-1]} ({len(self.months)}), seed {self.seed}",
            f"  {self.families} Early Help families ({self.early_help_people} people) in a town of "
            f"{self.households} households, {self.people} people",
        ]
        for source in SOURCES:
            files = self.files.get(source, 0)
            lines.append(f"  {source}: {self.rows.get(source, 0)} rows in {files} file{'' if files == 1 else 's'}")
        lines.append("  messy rows: " + ", ".join(f"{k} {v}" for k, v in sorted(self.messy.items())))
        lines.append("  hard negatives: " + ", ".join(f"{k} {v}" for k, v in sorted(self.hard_negatives.items())))
        lines.append(f"  ground truth (never read by the pipeline): {self.out / 'truth'}")
        return "\n".join(lines)


def generate(out: Path, families: int, first_month: str, last_month: str, seed: int = 1,
             mess: MessRates | None = None, formats: Formats | None = None) -> GenerationSummary:
    """Write `out/landing/<month>/<source>.*` for each month from `first_month` to `last_month` and
    `out/truth/*.csv`. The same arguments always write the same bytes."""
    if families < 1:
        raise ValueError("families must be at least 1")
    months = months_between(first_month, last_month)
    mess = MessRates() if mess is None else mess
    formats = Formats() if formats is None else formats
    out = Path(out)
    town = build_town(seed, families, months)
    builders = {source: BUILDERS[source](town) for source in SOURCES}
    messers = {source: Messer(town, source, mess.for_source(source), _encoding(formats, source)) for source in SOURCES}
    truth = out / "truth"
    truth.mkdir(parents=True, exist_ok=True)
    people = town.people
    tpid = people["town_person_id"].to_numpy()
    eh_pid = people["eh_person_id"].to_numpy()
    eh_fid = people["eh_family_id"].to_numpy()
    summary = GenerationSummary(out, months, seed, families, len(town.hh), len(people),
                                int((eh_pid != "").sum()))
    with open(truth / "links.csv", "w", encoding="utf-8", newline="") as links_file, \
            open(truth / "messy.csv", "w", encoding="utf-8", newline="") as messy_file:
        links = csv.writer(links_file, lineterminator="\n")
        messy = csv.writer(messy_file, lineterminator="\n")
        links.writerow(LINK_COLUMNS)
        messy.writerow(MESSY_COLUMNS)
        for t, month in enumerate(months):
            folder = out / "landing" / month
            for source in SOURCES:
                frame = builders[source].rows(t)
                _remove_stale(folder, source)
                if frame is None:
                    continue
                fmt = formats.for_source(source)
                path = folder / f"{source}.{fmt.file}"
                result = _write_extract(source, month, frame, messers[source], fmt, path, town)
                summary.rows[source] = summary.rows.get(source, 0) + result["rows"]
                summary.files[source] = summary.files.get(source, 0) + 1
                persons = result["link_persons"]
                for key, p in zip(result["link_keys"], persons.tolist(), strict=True):
                    links.writerow((source, month, key, tpid[p], eh_pid[p], eh_fid[p]))
                for key, number, kind, expected, p in result["messy"]:
                    messy.writerow((source, month, key, number, kind, expected, tpid[p]))
                    summary.messy[expected] = summary.messy.get(expected, 0) + 1
    _write_people(town, truth / "people.csv")
    summary.hard_negatives = _write_hard_negatives(town, truth / "hard_negatives.csv")
    _write_families(town, truth / "families.csv")
    return summary


def _encoding(formats: Formats, source: str) -> str | None:
    fmt = formats.for_source(source)
    return fmt.encoding if fmt.file == "csv" else None


def _remove_stale(folder: Path, source: str) -> None:
    for suffix in ("csv", "xlsx"):
        (folder / f"{source}.{suffix}").unlink(missing_ok=True)


def _write_extract(source: str, month: str, frame: pd.DataFrame, messer: Messer, fmt, path: Path,
                   town: Town) -> dict:
    rng = stream(town.seed, "rows", source, month)
    frame, found = messer.apply_values(frame)
    term = frame["_term"].iloc[0] if "_term" in frame.columns and len(frame) else None
    table = cells(frame, COLUMNS[source], DATE_COLUMNS[source], fmt, term, AMOUNTS.get(source, ()))
    if fmt.notes_column and "notes" in frame.columns:
        table["notes"] = frame["notes"].to_numpy()
    n = len(table)
    bad = messer.bad_rows(table, rng, month)
    spoiled = np.zeros(n, bool)
    for rows in bad.values():
        spoiled[rows] = True
    keys = _row_keys(source, table, frame, spoiled_dates={r for kind, rows in bad.items() if kind == "bad_date"
                                                          for r in rows.tolist()})
    dup = np.flatnonzero(~spoiled & (rng.random(n) < messer.rates.duplicate_row))
    order = np.sort(np.concatenate([np.arange(n), dup]), kind="stable")
    write_file(path, table.iloc[order], fmt, to_date(int(town.month_ends[0])))
    first_number = np.searchsorted(order, np.arange(n)) + 1
    persons = frame["_person"].to_numpy().astype(np.int64)
    messy: list[tuple[str, int, str, str, int]] = []
    for rows, kind in found:
        for r in rows.tolist():
            messy.append((keys[r], int(first_number[r]), kind, "quarantine" if spoiled[r] else "load", int(persons[r])))
    for kind, rows in bad.items():
        for r in rows.tolist():
            messy.append((keys[r], int(first_number[r]), kind, "quarantine", int(persons[r])))
    for r in dup.tolist():
        messy.append((keys[r], int(first_number[r]) + 1, "duplicate_row", "duplicate", int(persons[r])))
    messy.sort(key=lambda item: (item[1], item[2]))
    loadable = np.flatnonzero(~spoiled)
    if pd.Series([keys[r] for r in loadable.tolist()]).duplicated().any():
        raise AssertionError(f"{source} {month}: two rows share a key")  # a generator bug, never data
    return {"rows": len(order), "link_keys": [keys[r] for r in loadable.tolist()], "link_persons": persons[loadable],
            "messy": messy}


def _row_keys(source: str, table: pd.DataFrame, frame: pd.DataFrame,
              spoiled_dates: set[int] | None = None) -> list[str]:
    """contracts/extracts.md: key columns joined by `|`, dates as YYYY-MM-DD, the rest as written and trimmed;
    '' when a part is blank or not a date."""
    parts = []
    for column in KEYS[source]:
        if column in DATE_COLUMNS[source]:
            values = iso_dates(frame[column].to_numpy().astype(np.int64))
            if spoiled_dates:
                values = values.copy()
                values[list(spoiled_dates)] = ""
        else:
            values = np.array([str(v).strip() if v is not None else "" for v in table[column].to_numpy()], dtype=object)
        parts.append(values)
    keys = []
    for items in zip(*parts, strict=True):
        keys.append("" if any(item == "" for item in items) else "|".join(items))
    return keys


# --- truth -----------------------------------------------------------------------------------------------

def _write_people(town: Town, path: Path) -> None:
    p, hh = town.people, town.hh
    hard = town.hard_negatives
    ids = p["town_person_id"].to_numpy()
    twin_of = np.full(len(p), "", dtype=object)
    same_name_as = np.full(len(p), "", dtype=object)
    for a, b, kind in hard[hard["kind"] != "sibling"].itertuples(index=False, name=None):
        target = twin_of if kind == "twin" else same_name_as
        target[a], target[b] = ids[b], ids[a]
    household_ids = np.array([f"H{i:07d}" for i in range(len(hh))], dtype=object)
    table = pd.DataFrame({
        "town_person_id": ids,
        "household_id": household_ids[p["household"].to_numpy()],
        "eh_person_id": p["eh_person_id"].to_numpy(),
        "eh_family_id": p["eh_family_id"].to_numpy(),
        "forename": p["forename"].to_numpy(),
        "middle_names": p["middle_names"].to_numpy(),
        "surname": p["surname"].to_numpy(),
        "previous_surname": p["prev_surname"].to_numpy(),
        "known_as": p["known_as"].to_numpy(),
        "date_of_birth": iso_dates(p["dob"].to_numpy()),
        "gender": p["gender"].to_numpy(),
        "role": p["role"].to_numpy(),
        "community": p["community"].to_numpy(),
        "upn": p["upn"].to_numpy(),
        "nino": p["nino"].to_numpy(),
        "pnc_id": p["pnc_id"].to_numpy(),
        "uprn": town.props.column("uprn")[hh["prop0"].to_numpy()[p["household"].to_numpy()]],
        "twin_of": twin_of,
        "same_name_as": same_name_as,
    })
    table.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


def _write_hard_negatives(town: Town, path: Path) -> dict[str, int]:
    ids = town.people["town_person_id"].to_numpy()
    hard = town.hard_negatives
    table = pd.DataFrame({"town_person_id_a": ids[hard["a"].to_numpy()], "town_person_id_b": ids[hard["b"].to_numpy()],
                          "kind": hard["kind"].to_numpy()})
    table.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
    return table["kind"].value_counts().sort_index().to_dict()


def _write_families(town: Town, path: Path) -> None:
    hh = town.hh
    eh = hh[hh["is_eh"]]

    def day(values: pd.Series) -> np.ndarray:
        return iso_dates(values.to_numpy().astype(np.int64))

    table = pd.DataFrame({
        "eh_family_id": eh["family_id"].to_numpy(),
        "household_id": [f"H{i:07d}" for i in eh.index],
        "eha_start_date": day(eh["eh_start"]),
        "eha_end_date": day(eh["eh_end"].where(eh["eh_end"] <= town.last_day, NA)),
        "family_plan_date": day(eh["plan_day"]),
        "lead_professional_from": day(eh["lead_day"]),
        "problems": _joined([np.where(eh[p], p, "") for p in PROBLEMS]),
        "improving": _joined([np.where(eh[f"improves_{p}"], p + ":" + day(eh[f"improve_day_{p}"]).astype(str), "")
                              for p in PROBLEMS]),
        "social_tenant": np.where(eh["social"], "Y", "N"),
        "moved_on": day(eh["move_day"]),
    })
    table.sort_values("eh_family_id").to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


def _joined(columns: list[np.ndarray]) -> list[str]:
    """Row by row, the non-blank values of the columns joined by `;`."""
    return [";".join(value for value in row if value) for row in zip(*columns, strict=True)]
