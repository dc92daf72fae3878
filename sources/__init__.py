"""Partner extracts and the Early Help register: reading, checking, quarantining and standardising.

The Dagster assets call `find_extract` and `load_extract`; nothing here imports dagster.
"""

from __future__ import annotations

from pathlib import Path

from settings.paths import SOURCES
from sources.loading import ExtractResult, load_extract
from sources.reading import ExtractError

# A month without one of these reuses the latest earlier extract; the others are increments.
SNAPSHOT_SOURCES: frozenset[str] = frozenset({"early_help", "dwp", "cross_keys_homes"})


def find_extract(landing_month_dir: Path, source: str) -> Path | None:
    """`<source>.csv` or `<source>.xlsx` in the month's landing folder (extension in any case); None if neither.

    Both present is an ExtractError: which one the partner meant is not ours to guess.
    """
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}; expected one of {', '.join(SOURCES)}")
    folder = Path(landing_month_dir)
    if not folder.is_dir():
        return None
    found = sorted(path for path in folder.iterdir()
                   if path.is_file() and path.stem == source and path.suffix.lower() in (".csv", ".xlsx"))
    if len(found) > 1:
        raise ExtractError(f"{folder.name}: more than one {source} extract ({', '.join(p.name for p in found)})")
    return found[0] if found else None


__all__ = ["SNAPSHOT_SOURCES", "SOURCES", "ExtractError", "ExtractResult", "find_extract", "load_extract"]
