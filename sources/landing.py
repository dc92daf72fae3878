"""Which file in a month's landing folder is which source's extract.

Partners name files by hand: `Police.csv`, `dwp 2015-03.csv`, `DWP_2015-03.xlsx` and `cross keys homes.csv`
all name a source. A name is matched ignoring case, spaces, hyphens and underscores, with the folder's month
allowed before or after the source. Every other file is reported, never silently ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from sources.registry import source_names

EXTENSIONS = (".csv", ".xlsx")
_SEPARATORS = re.compile(r"[\s_\-.]+")
_MONTH = re.compile(r"(?:^|_)(\d{4})_?(\d{2})(?:_|$)")


@dataclass(frozen=True)
class LandingFolder:
    """The month's files sorted out: each source's candidates, and the files that are nobody's (with why)."""

    candidates: dict[str, list[Path]] = field(default_factory=dict)
    unrecognised: dict[str, str] = field(default_factory=dict)  # file name -> why it was not read

    def files_for(self, source: str) -> list[Path]:
        return self.candidates.get(source, [])


def _words(stem: str) -> str:
    return _SEPARATORS.sub("_", stem.strip().lower()).strip("_")


def source_of(path: Path, month: str) -> tuple[str | None, str | None]:
    """(source, None) when the file name names a source; (None, why not) otherwise."""
    name = _words(path.stem)
    found = _MONTH.search(name)
    if found:
        named_month = f"{found.group(1)}-{found.group(2)}"
        if named_month != month:
            return None, f"the name says {named_month}, not {month}"
        name = _words(name[:found.start()] + "_" + name[found.end():])
    if name not in source_names():
        return None, "not the name of an extract (" + ", ".join(source_names()) + ")"
    if path.suffix.lower() not in EXTENSIONS:
        return None, f"a {name} file but not .csv or .xlsx"
    return name, None


def sort_landing_folder(folder: Path, month: str) -> LandingFolder:
    """Every visible file in `folder` (hidden files such as `.DS_Store` are not partners' files)."""
    sorted_out = LandingFolder()
    if not folder.is_dir():
        return sorted_out
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.name.startswith("."):
            continue
        source, why_not = source_of(path, month)
        if source is None:
            sorted_out.unrecognised[path.name] = why_not or "not recognised"
        else:
            sorted_out.candidates.setdefault(source, []).append(path)
    return sorted_out
