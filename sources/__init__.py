"""Partner extracts and the Early Help register: reading, checking, quarantining and standardising.

The Dagster assets call `find_extract` and `load_extract`; nothing here imports dagster.
"""

from __future__ import annotations

from pathlib import Path

from settings.paths import SOURCES
from sources.landing import LandingFolder, sort_landing_folder
from sources.loading import ExtractResult, load_extract
from sources.reading import ExtractError

# A month without one of these reuses the latest earlier extract; the others are increments.
SNAPSHOT_SOURCES: frozenset[str] = frozenset({"early_help", "dwp", "cross_keys_homes"})


def find_extract(landing_month_dir: Path, source: str) -> Path | None:
    """The source's extract in the month's landing folder (named as `sources.landing` allows); None if none.

    Two candidates are an ExtractError: which one the partner meant is not ours to guess.
    """
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}; expected one of {', '.join(SOURCES)}")
    folder = Path(landing_month_dir)
    found = sort_landing_folder(folder, folder.name).files_for(source)
    if len(found) > 1:
        raise ExtractError(", ".join(path.name for path in found), f"more than one {source} extract; keep one")
    return found[0] if found else None


__all__ = ["SNAPSHOT_SOURCES", "SOURCES", "ExtractError", "ExtractResult", "LandingFolder", "find_extract",
           "load_extract", "sort_landing_folder"]
