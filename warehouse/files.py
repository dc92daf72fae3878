"""Output files: written whole or not at all, and safe to open in a spreadsheet.

Each file is written to a temporary name in the same folder and renamed over the old one, so a crash
leaves the previous version or nothing. A month's files are also published as a set (`month_files`):
`output/<YYYY-MM>` is a link to a version folder that is swapped whole. A text cell that begins with `=`, `+`,
`-` or `@` gets a leading apostrophe so a spreadsheet shows it as text and never runs it (OWASP CSV injection advice).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CREATED = dt.datetime(2015, 1, 1)


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(
                lambda cell: "'" + cell if isinstance(cell, str) and cell.startswith(_FORMULA_STARTS) else cell
            )
    return safe


def _write_atomic(path: Path, write: Callable[[Path], object]) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    os.close(handle)
    try:
        write(Path(temporary))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def write_csv_atomic(frame: pd.DataFrame, path: Path) -> Path:
    """UTF-8 CSV with a header, dates as YYYY-MM-DD."""
    safe = neutralise_formulas(frame)
    return _write_atomic(
        path, lambda target: safe.to_csv(target, index=False, encoding="utf-8", date_format="%Y-%m-%d"))


def write_xlsx_atomic(sheets: dict[str, pd.DataFrame], path: Path, created: dt.datetime | None = None) -> Path:
    """`created`, when given, is the workbook's creation date (else now): a fixed one makes re-runs byte-identical."""
    def write(target: Path) -> None:
        with pd.ExcelWriter(target, engine="xlsxwriter") as writer:
            # not the clock: re-runs write the same bytes
            writer.book.set_properties({"created": created or XLSX_CREATED})
            for name, frame in sheets.items():
                neutralise_formulas(frame).to_excel(writer, sheet_name=name[:31], index=False)

    return _write_atomic(path, write)


def write_text_atomic(text: str, path: Path) -> Path:
    return _write_atomic(path, lambda target: target.write_text(text, encoding="utf-8"))


# ---- A month's files as a set -----------------------------------------------------------------------------
# output/<YYYY-MM>  ->  .versions/<YYYY-MM>.v<ns>   (a relative symlink, swapped by one atomic rename)
# .versions/<YYYY-MM>.staging-*                      a set being written; never published if the writer dies
VERSIONS = ".versions"


@contextmanager
def month_files(output_root: Path, month: str) -> Iterator[Path]:
    """Yield a staging folder holding a copy of the month's published files; on success it replaces them
    whole (readers of `output/<month>` see the old set or the new, never a mix), on error it is discarded.

        with month_files(paths.root / "output", month) as out:
            write_csv_atomic(frame, out / "matches.csv")

    One writer at a time: the run lock sees to it. Left-overs of a killed writer are cleaned first.
    """
    root = Path(output_root)
    versions = root / VERSIONS
    versions.mkdir(mode=0o700, parents=True, exist_ok=True)
    published = clean_month_files(root, month)
    staging = Path(tempfile.mkdtemp(dir=versions, prefix=f"{month}.staging-"))
    try:
        if published is not None:
            shutil.copytree(published, staging, dirs_exist_ok=True)
        yield staging
        for stray in staging.rglob("*.part"):
            stray.unlink()
        version = versions / f"{month}.v{time.time_ns()}"
        os.rename(staging, version)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _point_month_at(root, month, version)
    if published is not None:
        shutil.rmtree(published, ignore_errors=True)


def _point_month_at(root: Path, month: str, version: Path) -> None:
    link = root / f".{month}.link-{os.getpid()}"
    link.unlink(missing_ok=True)
    link.symlink_to(Path(VERSIONS) / version.name)
    os.replace(link, root / month)


def clean_month_files(output_root: Path, month: str) -> Path | None:
    """Clear what a killed writer of `month` left (staging folders, unpublished versions, half-made links,
    `.part` files) and return the published version folder, if any. A plain `output/<month>` folder from
    before sets were published is adopted as the first version."""
    root = Path(output_root)
    versions = root / VERSIONS
    current = root / month
    for link in root.glob(f".{month}.link-*"):
        link.unlink()
    if current.is_dir() and not current.is_symlink():  # the pre-set layout: adopt it
        for stray in current.glob("*.part"):
            stray.unlink()
        adopted = versions / f"{month}.v{time.time_ns()}"
        versions.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.rename(current, adopted)
        _point_month_at(root, month, adopted)
    candidates = sorted(versions.glob(f"{month}.v*")) if versions.is_dir() else []
    if not current.is_symlink() and candidates:  # killed between adopting a folder and linking it
        _point_month_at(root, month, candidates[-1])
    published = current.resolve() if current.is_symlink() and current.resolve().is_dir() else None
    for leftover in [*candidates, *(versions.glob(f"{month}.staging-*") if versions.is_dir() else [])]:
        if leftover.resolve() != published:
            shutil.rmtree(leftover, ignore_errors=True)
    return published
