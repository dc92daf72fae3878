"""A small builder of programme scenarios: families on the Early Help register and the partner records about them.

`Scenario.load(con)` inserts the staged rows of every month and each month's matches into a warehouse;
`Scenario.write_extracts(root)` writes the same scenario as extract files in the contracts' default layout
(`root/landing/<YYYY-MM>/<source>.csv`) for the real loader and matcher. UPN and NINO link school and DWP rows
exactly; the register holds no PNC id, so police and tenancy rows are linked by the Splink model on name, date
of birth and address: every person gets a distinct, realistic name and every family its own address, written
the same way in every extract (a partner row can be written differently with `written=`).
Snapshots (early_help, dwp, cross_keys_homes) are taken at every month end; police rows land in the month of
the incident and a term's attendance in the month the term ends.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd

from settings import Settings, month_end, months_between
from warehouse.db import registered

TERMS = Settings().terms
TOWN = "Peterborough"

# Names and streets for the scenario's people: unlike one another, so the model never confuses two of them.
SURNAMES = ("Thompson Okafor Kowalski Fitzgerald Hussain Pemberton Lindqvist Ramsbottom Achterberg Mazur "
            "Blackwell Castellano Dunmore Eriksen Featherstone Gallagher Hollingworth Ingram Jablonski Kavanagh "
            "Lockhart Montgomery Nakamura Oyelaran Pilkington Quartermaine Rutherford Szymanski Trevelyan Umberto "
            "Vickerstaff Whitmore Xuereb Yardley Zielinski Abernethy Bottomley Cartwright Drummond Ellingham "
            "Fairweather Greenhalgh Hetherington Illingworth Jennings Kilbride Llewellyn Macpherson Northcott "
            "Oduya Prendergast Quayle Rowbotham Sinclair Tattersall Underwood Valentine Wainwright Youngman "
            "Zacharias").split()
FORENAMES = ("Margaret Oliver Priya Tomasz Amelia Kwame Bethany Ruairi Hannah Dominik Isabel Fraser Yasmin "
             "Callum Eleanor Marek Georgia Ahmed Rosalind Declan Felicity Bartholomew Naomi Ignacy Philippa "
             "Desmond Anastasia Leopold Imogen Winston Lucinda Cornelius Henrietta Rupert Octavia Barnaby "
             "Clementine Horatio Wilhelmina Percival").split()
STREETS = ("Lincoln Road", "Gladstone Street", "Cromwell Close", "Fengate Avenue", "Bourges Way", "Westwood Drive",
           "Ravensthorpe Lane", "Werrington Crescent", "Bretton Street", "Orton Road", "Hampton Close",
           "Paston Avenue", "Gunthorpe Way", "Walton Drive", "Millfield Lane", "Stanground Crescent")
INWARD = "ABDEFGHJLNPQRSTUWXYZ"


@dataclass(frozen=True)
class Person:
    person_id: str
    family_id: str
    role: str
    date_of_birth: date | None
    forename: str
    surname: str
    gender: str
    upn: str | None = None
    nino: str | None = None
    pnc_id: str | None = None
    address: str = "1 High Street"        # address_line_1 on the register; "<address>, <town>" in the extracts
    postcode: str = "PE1 2AB"


@dataclass
class Member:
    """A person's register fields that may change from a month on."""
    person: Person
    csc_status: dict[str, str] = field(default_factory=dict)   # from month -> status


@dataclass
class Family:
    family_id: str
    from_month: str
    fields: dict[str, dict[str, object]]                       # from month -> register fields
    members: list[Member] = field(default_factory=list)
    address: str = "1 High Street"
    postcode: str = "PE1 2AB"


def _as_of(changes: dict[str, object], month: str, default: object) -> object:
    """A step function: the value set by the latest change at or before `month`."""
    current = default
    for start in sorted(changes):
        if start <= month:
            current = changes[start]
    return current


def term_dates(academic_year: str, term: str) -> tuple[date, date]:
    first_year = int(academic_year[:4])
    year = first_year if term == "autumn" else first_year + 1
    start, end = getattr(TERMS, term)
    return date.fromisoformat(f"{year}-{start}"), date.fromisoformat(f"{year}-{end}")


class Scenario:
    def __init__(self, first_month: str = "2015-01", last_month: str = "2017-12") -> None:
        self.months = months_between(first_month, last_month)
        self.families: dict[str, Family] = {}
        self.police_rows: list[dict] = []
        self.school_rows: list[dict] = []
        self.spells: list[dict] = []
        self.tenancies: list[dict] = []
        self._ids = itertools.count(1)

    # --- the register -------------------------------------------------------------------------------------
    def family(self, family_id: str, *, from_month: str | None = None, eha_start: date | None = date(2015, 1, 5),
               lead_professional: str | None = "Jo Lead", lead_agency: str | None = "Early Help Hub",
               family_plan_date: date | None = date(2015, 1, 20), needs: tuple[str, ...] = (),
               eha_end: date | None = None) -> str:
        start = from_month or self.months[0]
        address, postcode = _home(len(self.families))
        self.families[family_id] = Family(family_id, start, address=address, postcode=postcode, fields={start: {
            "eha_start_date": eha_start, "eha_end_date": eha_end, "lead_professional": lead_professional,
            "lead_agency": lead_agency, "family_plan_date": family_plan_date, "identified_needs": list(needs)}})
        return family_id

    def update(self, family_id: str, from_month: str, **fields: object) -> None:
        """Change register fields (needs=..., family_plan_date=..., eha_end_date=...) from a month on."""
        family = self.families[family_id]
        latest = _as_of(family.fields, from_month, {})
        if "needs" in fields:
            fields["identified_needs"] = list(fields.pop("needs"))
        family.fields[from_month] = {**latest, **fields}

    def _member(self, family_id: str, role: str, dob: date | None) -> Person:
        number = next(self._ids)
        family = self.families[family_id]
        ids = {"nino": f"QQ{number:06d}A", "upn": f"A{number:011d}1" if role == "child" else None}
        person = Person(person_id=f"P{number:04d}", family_id=family_id, role=role, date_of_birth=dob,
                        forename=_forename(sum(len(f.members) for f in self.families.values())),
                        surname=_surname(list(self.families).index(family_id)), gender="F" if number % 2 else "M",
                        pnc_id=f"15/{number:06d}X", address=family.address, postcode=family.postcode, **ids)
        family.members.append(Member(person))
        return person

    def adult(self, family_id: str, dob: date | None = date(1980, 6, 15), role: str = "parent_carer") -> Person:
        return self._member(family_id, role, dob)

    def child(self, family_id: str, dob: date | None = date(2006, 3, 1)) -> Person:
        return self._member(family_id, "child", dob)

    def social_care(self, person: Person, from_month: str, status: str) -> None:
        member = next(m for m in self.families[person.family_id].members if m.person == person)
        member.csc_status[from_month] = status

    # --- partner records ----------------------------------------------------------------------------------
    def police(self, person: Person, incident_date: date, incident_type: str = "crime", role: str = "offender",
               outcome: str | None = "charge", incident_ref: str | None = None,
               decision: str = "auto_match", written: dict[str, object] | None = None) -> str:
        """`written`: how the police extract writes the person where it differs from the register (forename,
        surname, date_of_birth, address, postcode, pnc_id), e.g. to make a borderline match."""
        ref = incident_ref or f"INC{next(self._ids):05d}"
        written = written or {}
        row = {"incident_ref": ref, "person_ref": f"PR{person.person_id}", "incident_date": incident_date,
               "incident_type": incident_type, "person_role": role, "outcome": outcome,
               "pnc_id": written.get("pnc_id", person.pnc_id), "person": person, "decision": decision,
               "month": incident_date.strftime("%Y-%m"), "written": written}
        self.police_rows.append(row)
        return f"{ref}|PR{person.person_id}"

    def school(self, person: Person, academic_year: str, term: str, *, possible: int = 100, authorised: int = 0,
               unauthorised: int = 0, exclusions: int = 0, permanent: bool = False,
               alternative_provision: bool = False, decision: str = "auto_match") -> str:
        start, end = term_dates(academic_year, term)
        self.school_rows.append({
            "upn": person.upn, "academic_year": academic_year, "term": term, "term_start": start, "term_end": end,
            "sessions_possible": possible, "authorised_absence": authorised, "unauthorised_absence": unauthorised,
            "fixed_term_exclusions": exclusions, "permanent_exclusion": permanent,
            "alternative_provision": alternative_provision, "person": person, "decision": decision,
            "month": end.strftime("%Y-%m"), "school_urn": "110001"})
        return f"{person.upn}|{academic_year}|{term}"

    def spell(self, person: Person, spell_type: str, start: date, end: date | None = None,
              benefit: str | None = None, uc_regime: str | None = None, decision: str = "auto_match") -> str:
        self.spells.append({"nino": person.nino, "spell_type": spell_type, "benefit": benefit,
                            "uc_regime": uc_regime, "start_date": start, "end_date": end, "person": person,
                            "decision": decision})
        return f"{person.nino}|{spell_type}|{start.isoformat()}"

    def tenancy(self, person: Person, tenancy_ref: str, *, arrears_weeks: dict[str, float] | None = None,
                asb_case_open: dict[str, bool] | None = None, nosp: date | None = None,
                possession_order: date | None = None, eviction: date | None = None,
                from_month: str | None = None, decision: str = "auto_match") -> None:
        """A tenancy seen on every monthly snapshot from `from_month`; arrears and the ASB case are step functions
        of the month; a notice, order or eviction shows on snapshots dated on or after it."""
        self.tenancies.append({"person": person, "tenancy_ref": tenancy_ref, "arrears": arrears_weeks or {},
                               "asb": asb_case_open or {}, "nosp": nosp, "order": possession_order,
                               "eviction": eviction, "from_month": from_month or self.months[0],
                               "decision": decision})

    # --- staged rows --------------------------------------------------------------------------------------
    def early_help_rows(self) -> pd.DataFrame:
        rows = []
        for month in self.months:
            snapshot = month_end(month)
            for family in self.families.values():
                if family.from_month > month:
                    continue
                fields = _as_of(family.fields, month, {})
                for number, member in enumerate(family.members, start=1):
                    person = member.person
                    rows.append({
                        "month": month, "snapshot_date": snapshot, "source_file": "early_help.csv",
                        "row_number": number, "row_key": person.person_id, "family_id": family.family_id,
                        "person_id": person.person_id, "role": person.role, "forename": person.forename,
                        "surname": person.surname, "date_of_birth": person.date_of_birth, "gender": person.gender,
                        "postcode": person.postcode, "upn": person.upn, "nino": person.nino,
                        "csc_status": _as_of(member.csc_status, month, "none"), **fields})
        return pd.DataFrame(rows)

    def police_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{**_without(row, "person", "decision", "written"), "source_file": "police.csv",
                              "row_number": n,
                              "row_key": f"{row['incident_ref']}|{row['person_ref']}",
                              "date_of_birth": row["person"].date_of_birth}
                             for n, row in enumerate(self.police_rows, start=1)])

    def school_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{**_without(row, "person", "decision"), "source_file": "school_attendance.csv",
                              "row_number": n, "row_key": f"{row['upn']}|{row['academic_year']}|{row['term']}",
                              "date_of_birth": row["person"].date_of_birth}
                             for n, row in enumerate(self.school_rows, start=1)])

    def dwp_frame(self) -> pd.DataFrame:
        """Each month's snapshot: spells open at its date or ended in the 12 months before; an end date shows
        only on snapshots dated on or after it."""
        rows = []
        for month in self.months:
            snapshot = month_end(month)
            for spell in self.spells:
                end = spell["end_date"]
                if spell["start_date"] > snapshot or (end is not None and end < snapshot - timedelta(days=365)):
                    continue
                rows.append({**_without(spell, "person", "decision"), "month": month, "snapshot_date": snapshot,
                             "end_date": end if end is not None and end <= snapshot else None,
                             "source_file": "dwp.csv", "row_number": len(rows) + 1,
                             "row_key": _dwp_key(spell), "date_of_birth": spell["person"].date_of_birth})
        return pd.DataFrame(rows)

    def cross_keys_frame(self) -> pd.DataFrame:
        rows = []
        for month in self.months:
            snapshot = month_end(month)
            for tenancy in self.tenancies:
                if tenancy["from_month"] > month:
                    continue
                person = tenancy["person"]

                def shown(value: date | None, snapshot: date = snapshot) -> date | None:
                    return value if value is not None and value <= snapshot else None

                rows.append({
                    "month": month, "source_file": "cross_keys_homes.csv", "row_number": len(rows) + 1,
                    "row_key": f"{tenancy['tenancy_ref']}|CK{person.person_id}|{snapshot.isoformat()}",
                    "tenancy_ref": tenancy["tenancy_ref"], "person_ref": f"CK{person.person_id}",
                    "person_role": "lead_tenant", "date_of_birth": person.date_of_birth, "snapshot_date": snapshot,
                    "weeks_in_arrears": float(_as_of(tenancy["arrears"], month, 0.0)),
                    "rent_arrears_gbp": 100.0 * float(_as_of(tenancy["arrears"], month, 0.0)),
                    "nosp_served_date": shown(tenancy["nosp"]),
                    "possession_order_date": shown(tenancy["order"]), "eviction_date": shown(tenancy["eviction"]),
                    "asb_case_open": bool(_as_of(tenancy["asb"], month, False)),
                    "tenancy_start_date": date(2010, 1, 1), "postcode": person.postcode})
        return pd.DataFrame(rows)

    def matches_frame(self) -> pd.DataFrame:
        """Each month's complete set: every partner row staged in that month or earlier, with its decision."""
        linked = [("police", f"{r['incident_ref']}|{r['person_ref']}", r["person"], r["decision"], r["month"])
                  for r in self.police_rows]
        linked += [("school_attendance", f"{r['upn']}|{r['academic_year']}|{r['term']}", r["person"],
                    r["decision"], r["month"]) for r in self.school_rows]
        dwp = self.dwp_frame()
        for spell in self.spells:
            seen = dwp.loc[dwp["row_key"] == _dwp_key(spell), "month"] if len(dwp) else pd.Series(dtype=str)
            if len(seen):
                linked.append(("dwp", _dwp_key(spell), spell["person"], spell["decision"], seen.min()))
        ckh = self.cross_keys_frame()
        for tenancy in self.tenancies:
            for _, row in ckh[ckh["tenancy_ref"] == tenancy["tenancy_ref"]].iterrows():
                if row["person_ref"] == f"CK{tenancy['person'].person_id}":
                    linked.append(("cross_keys_homes", row["row_key"], tenancy["person"], tenancy["decision"],
                                   row["month"]))
        rows = [{"month": month, "source": source, "row_key": key, "eh_person_id": person.person_id,
                 "eh_family_id": person.family_id, "match_probability": 1.0, "match_weight": 20.0,
                 "decision": decision, "method": "exact_id", "model_version": "scenario"}
                for month in self.months for source, key, person, decision, staged in linked if staged <= month]
        return pd.DataFrame(rows)

    def load(self, con: duckdb.DuckDBPyConnection) -> None:
        tables = {"staging.early_help": self.early_help_rows(), "staging.police": self.police_frame(),
                  "staging.school_attendance": self.school_frame(), "staging.dwp": self.dwp_frame(),
                  "staging.cross_keys_homes": self.cross_keys_frame(), "matching.matches": self.matches_frame()}
        for table, frame in tables.items():
            if len(frame):
                columns = ", ".join(f'"{c}"' for c in frame.columns)
                with registered(con, "scenario_frame", frame):
                    con.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM scenario_frame").fetchall()

    # --- the same scenario as extract files ---------------------------------------------------------------
    def write_extracts(self, root: Path) -> list[Path]:
        """Write `root/landing/<YYYY-MM>/<source>.csv` in the default layouts (contracts/extracts.md)."""
        frames = {
            "early_help": (self.early_help_rows(), EXTRACT_COLUMNS["early_help"]),
            "police": (_with_people(self.police_frame(), self.police_rows, [r["written"] for r in self.police_rows]),
                       EXTRACT_COLUMNS["police"]),
            "school_attendance": (_with_people(self.school_frame(), self.school_rows),
                                  EXTRACT_COLUMNS["school_attendance"]),
            "dwp": (self._dwp_with_people(), EXTRACT_COLUMNS["dwp"]),
            "cross_keys_homes": (self._ckh_with_people(), EXTRACT_COLUMNS["cross_keys_homes"]),
        }
        written = []
        for source, (frame, columns) in frames.items():
            if not len(frame):
                continue
            frame = frame.copy()
            if source == "early_help":
                frame["identified_needs"] = frame["identified_needs"].map(";".join)
                homes = {f.family_id: f.address for f in self.families.values()}
                frame["address_line_1"] = frame["family_id"].map(homes)
                frame["town"] = TOWN
            for column in ("permanent_exclusion", "alternative_provision", "asb_case_open"):
                if column in frame:
                    frame[column] = frame[column].map({True: "Y", False: "N"})
            for month, rows in frame.groupby("month"):
                path = root / "landing" / str(month) / f"{source}.csv"
                path.parent.mkdir(parents=True, exist_ok=True)
                rows.reindex(columns=columns).to_csv(path, index=False, date_format="%Y-%m-%d")
                written.append(path)
        return written

    def _dwp_with_people(self) -> pd.DataFrame:
        frame = self.dwp_frame()
        people = {_dwp_key(s): s["person"] for s in self.spells}
        return _add_person_fields(frame, [people[key] for key in frame["row_key"]]) if len(frame) else frame

    def _ckh_with_people(self) -> pd.DataFrame:
        frame = self.cross_keys_frame()
        people = {t["tenancy_ref"]: t["person"] for t in self.tenancies}
        return _add_person_fields(frame, [people[ref] for ref in frame["tenancy_ref"]]) if len(frame) else frame


EXTRACT_COLUMNS = {
    "early_help": ["family_id", "person_id", "role", "forename", "middle_names", "surname", "known_as",
                   "date_of_birth", "gender", "address_line_1", "address_line_2", "town", "postcode", "uprn", "upn",
                   "nino", "eha_start_date", "eha_end_date", "lead_professional", "lead_agency", "family_plan_date",
                   "identified_needs", "csc_status"],
    "school_attendance": ["upn", "forename", "surname", "date_of_birth", "gender", "address", "postcode",
                          "school_urn", "academic_year", "term", "sessions_possible", "authorised_absence",
                          "unauthorised_absence", "fixed_term_exclusions", "permanent_exclusion",
                          "alternative_provision"],
    "police": ["incident_ref", "person_ref", "incident_date", "incident_type", "person_role", "outcome", "forename",
               "surname", "date_of_birth", "gender", "address", "postcode", "pnc_id"],
    "dwp": ["nino", "forename", "surname", "date_of_birth", "gender", "address", "postcode", "spell_type",
            "benefit", "uc_regime", "start_date", "end_date"],
    "cross_keys_homes": ["tenancy_ref", "person_ref", "uprn", "address", "postcode", "person_role", "forename",
                         "surname", "date_of_birth", "snapshot_date", "rent_arrears_gbp", "weeks_in_arrears",
                         "nosp_served_date", "possession_order_date", "eviction_date", "asb_case_open",
                         "tenancy_start_date", "tenancy_end_date"],
}


def _dwp_key(spell: dict) -> str:
    return f"{spell['nino']}|{spell['spell_type']}|{spell['start_date'].isoformat()}"


def _without(row: dict, *keys: str) -> dict:
    return {key: value for key, value in row.items() if key not in keys}


def _add_person_fields(frame: pd.DataFrame, people: list[Person],
                       written: list[dict[str, object]] | None = None) -> pd.DataFrame:
    """The person's name, gender and address as the extract writes them: as on the register unless `written`
    (one dict per row) says otherwise."""
    written = written or [{}] * len(people)
    fields = [{"forename": p.forename, "surname": p.surname, "gender": p.gender, "date_of_birth": p.date_of_birth,
               "address": f"{p.address}, {TOWN}", "postcode": p.postcode, **w}
              for p, w in zip(people, written, strict=True)]
    frame = frame.copy()
    for column in ("forename", "surname", "gender", "date_of_birth", "address", "postcode"):
        frame[column] = [f[column] for f in fields]
    return frame


def _with_people(frame: pd.DataFrame, rows: list[dict], written: list[dict] | None = None) -> pd.DataFrame:
    return _add_person_fields(frame, [row["person"] for row in rows], written) if len(frame) else frame


def _home(family_number: int) -> tuple[str, str]:
    """A family's own address and postcode: a street, house number and postcode unit per family."""
    street = STREETS[family_number % len(STREETS)]
    district, unit = divmod(family_number, len(INWARD) ** 2)
    inward = f"{1 + district % 9}{INWARD[unit // len(INWARD)]}{INWARD[unit % len(INWARD)]}"
    return f"{3 + 2 * family_number} {street}", f"PE{1 + family_number % 7} {inward}"


def _surname(family_number: int) -> str:
    first = SURNAMES[family_number % len(SURNAMES)]
    return first if family_number < len(SURNAMES) else f"{first}-{SURNAMES[family_number // len(SURNAMES)]}"


def _forename(person_number: int) -> str:
    return FORENAMES[person_number % len(FORENAMES)]


def fresh_warehouse() -> duckdb.DuckDBPyConnection:
    """An in-memory warehouse; one thread, as tiny queries run faster without thread hand-offs."""
    import warehouse

    con = warehouse.connect(":memory:")
    con.execute("SET threads = 1").fetchall()
    return con


def run_scenario(scenario: Scenario, month: str, plan: object | None = None,
                 con: duckdb.DuckDBPyConnection | None = None):
    """Load the scenario into a fresh in-memory warehouse (or `con`) and run the programme for `month`."""
    import programme

    if con is None:
        con = fresh_warehouse()
        scenario.load(con)
    return programme.run_month(con, month, plan or programme.load_plan(None))


def indicators(result, family_id: str = "F1") -> set[str]:
    return set(result.evidence.loc[result.evidence["family_id"] == family_id, "indicator"])


def problems(result, family_id: str = "F1") -> dict[int, str]:
    """problem → progress (Y/N) for an attached family."""
    rows = result.progress[result.progress["family_id"] == family_id]
    return dict(zip(rows["problem"], rows["progress"], strict=True))
