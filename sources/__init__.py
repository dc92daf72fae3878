"""Partner extracts and the Early Help register: reading, checking, quarantining and standardising.

The Dagster assets call `find_extract` and `load_extract`; nothing here imports dagster.
"""

from __future__ import annotations

from pathlib import Path

from sources.landing import LandingFolder, sort_landing_folder
from sources.loading import ExtractResult, load_extract
from sources.reading import ExtractError
from sources.registry import get_source, register_source, registered_sources, source_names


def find_extract(landing_month_dir: Path, source: str) -> Path | None:
    """The source's extract in the month's landing folder (named as `sources.landing` allows); None if none.

    Two candidates are an ExtractError: which one the partner meant is not ours to guess.
    """
    get_source(source)  # an unknown name is a ValueError
    folder = Path(landing_month_dir)
    found = sort_landing_folder(folder, folder.name).files_for(source)
    if len(found) > 1:
        raise ExtractError(", ".join(path.name for path in found), f"more than one {source} extract; keep one")
    return found[0] if found else None


__all__ = ["ExtractError", "ExtractResult", "LandingFolder", "find_extract", "get_source", "load_extract",
           "register_source", "registered_sources", "sort_landing_folder", "source_names"]
