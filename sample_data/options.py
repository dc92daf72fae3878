"""How messy each source's extract is, and how each is written (file type, encoding, dates)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

SOURCES = ("early_help", "school_attendance", "police", "dwp", "cross_keys_homes")

# Kinds of mess whose rows the pipeline must quarantine; every other kind loads.
QUARANTINE_KINDS = ("bad_date", "missing_key", "invalid_enum", "non_numeric")


@dataclass(frozen=True)
class SourceMess:
    """Rates of each kind of mess in one source's extract.

    A rate is the chance that an eligible row (or, for the kinds that stick to a person, an eligible person,
    whose every row in that source then shows it) gets that kind: `nickname` applies only to forenames that
    have an everyday nickname, `hyphen_variant` only to hyphenated surnames, `apostrophe_variant` only to
    surnames with an apostrophe, `surname_changed` only to people with a previous surname, `transliterated`
    only to names with letters beyond ASCII, `dob_swapped` only to dates whose day and month are both 12 or
    less and differ, `moved_address` only to people whose family has moved (drawn per household: a system
    updates a family's address for all its members or none), `names_swapped` (forename and surname written
    the wrong way round) to anyone, `middle_as_forename` only to people with a middle name (they go by it),
    `dob_missing_child` only to children (a landlord often holds no date of birth for them). Kinds a source
    cannot have (a nickname in the register, missing sessions in a police extract) are ignored. Nicknames and
    transliterations come from the generator's own lists (sample_data/variants.py), not the matcher's.
    """

    name_case: float = 0.04
    extra_spaces: float = 0.03
    typo: float = 0.03
    nickname: float = 0.05
    initial_only: float = 0.02
    hyphen_variant: float = 0.30
    apostrophe_variant: float = 0.30
    surname_changed: float = 0.30
    transliterated: float = 0.30
    dob_swapped: float = 0.02
    dob_missing: float = 0.02
    dob_off: float = 0.01
    postcode_lower: float = 0.03
    postcode_nospace: float = 0.04
    postcode_invalid: float = 0.01
    address_variant: float = 0.05
    moved_address: float = 0.25
    missing_id: float = 0.03
    names_swapped: float = 0.005
    middle_as_forename: float = 0.02
    dob_missing_child: float = 0.0
    duplicate_row: float = 0.01
    bad_date: float = 0.003
    missing_key: float = 0.003
    invalid_enum: float = 0.003
    non_numeric: float = 0.003

    @classmethod
    def kinds(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    def scaled(self, factor: float) -> SourceMess:
        return replace(self, **{k: min(1.0, getattr(self, k) * factor) for k in self.kinds()})


def _register_mess() -> SourceMess:
    """The Early Help register is the council's own system: cleaner, no nicknames or old surnames."""
    return SourceMess(name_case=0.01, extra_spaces=0.02, typo=0.01, nickname=0.0, initial_only=0.0,
                      hyphen_variant=0.1, apostrophe_variant=0.1, surname_changed=0.0, transliterated=0.05,
                      dob_swapped=0.005, dob_missing=0.01, dob_off=0.005, postcode_lower=0.01, postcode_nospace=0.02,
                      postcode_invalid=0.005, address_variant=0.02, moved_address=0.1, missing_id=0.02,
                      duplicate_row=0.005, bad_date=0.002, missing_key=0.002, invalid_enum=0.002, non_numeric=0.0)


@dataclass(frozen=True)
class MessRates:
    """Per-source mess rates; `MessRates.none()` for clean extracts, `.scaled(k)` to turn every rate up or down."""

    early_help: SourceMess = field(default_factory=_register_mess)
    school_attendance: SourceMess = field(default_factory=lambda: SourceMess(dob_missing=0.005))
    police: SourceMess = field(default_factory=SourceMess)
    dwp: SourceMess = field(default_factory=SourceMess)
    cross_keys_homes: SourceMess = field(default_factory=lambda: SourceMess(dob_missing_child=0.15))

    @classmethod
    def none(cls) -> MessRates:
        zero = SourceMess(**{k: 0.0 for k in SourceMess.kinds()})
        return cls(**{s: zero for s in SOURCES})

    @classmethod
    def uniform(cls, rates: SourceMess) -> MessRates:
        return cls(**{s: rates for s in SOURCES})

    def scaled(self, factor: float) -> MessRates:
        return MessRates(**{s: getattr(self, s).scaled(factor) for s in SOURCES})

    def for_source(self, source: str) -> SourceMess:
        return getattr(self, source)


@dataclass(frozen=True)
class SourceFormat:
    """How one source's file is written.

    `file`: "csv" or "xlsx". `encoding` (CSV): "utf-8", "utf-8-sig" (with BOM) or "cp1252" (names it cannot
    hold lose their accents, as in a system that cannot store them). `date_format` (CSV): `%d`, `%-d` (no
    leading zero), `%m`, `%Y`, `%y`, `%b` and any other text. `dob_as_serial` (XLSX): the terms (`autumn`,
    `spring`, `summer`) whose files write dates of birth as Excel serial numbers rather than date cells;
    "all" for every file. `line_terminator` (CSV). `notes_column`: add a free-text column (holding `£`) that
    readers must ignore.
    """

    file: str = "csv"
    encoding: str = "utf-8"
    date_format: str = "%Y-%m-%d"
    dob_as_serial: tuple[str, ...] | str = ()
    line_terminator: str = "\n"
    notes_column: bool = False

    def __post_init__(self) -> None:
        if self.file not in ("csv", "xlsx"):
            raise ValueError(f"file must be csv or xlsx, not {self.file!r}")
        "".encode(self.encoding)  # an unknown encoding is a LookupError now, not at writing time


@dataclass(frozen=True)
class Formats:
    """Each source's file as in life (the defaults), or any combination a test needs."""

    early_help: SourceFormat = SourceFormat("csv", "utf-8", "%Y-%m-%d")
    school_attendance: SourceFormat = SourceFormat("xlsx", dob_as_serial=("spring",))
    police: SourceFormat = SourceFormat("csv", "cp1252", "%d/%m/%Y", line_terminator="\r\n")
    dwp: SourceFormat = SourceFormat("csv", "utf-8-sig", "%-d-%b-%y")
    cross_keys_homes: SourceFormat = SourceFormat("csv", "utf-8", "%d/%m/%Y", notes_column=True)

    def for_source(self, source: str) -> SourceFormat:
        return getattr(self, source)
