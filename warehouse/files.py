"""Output files: written whole or not at all, and safe to open in a spreadsheet.

Each file is written to a temporary name in the same folder and renamed over the old one, so a crash
leaves the previous version or nothing. A text cell that begins with `=`, `+`, `-` or `@` gets a leading
apostrophe so a spreadsheet shows it as text and never runs it (OWASP CSV injection advice).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pandas as pd

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(
                lambda cell: "'" + cell if isinstance(cell, str) and cell.startswith(_FORMULA_STARTS) else cell
            )
    return safe


def _write_atomic(path: Path, write: Callable[[Path], None]) -> Path:
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
    return _write_atomic(path, lambda target: safe.to_csv(target, index=False, encoding="utf-8", date_format="%Y-%m-%d"))


def write_xlsx_atomic(sheets: dict[str, pd.DataFrame], path: Path, created: datetime | None = None) -> Path:
    """`created`, when given, is the workbook's creation date (else now): a fixed one makes re-runs byte-identical."""
    def write(target: Path) -> None:
        with pd.ExcelWriter(target, engine="xlsxwriter") as writer:
            if created is not None:
                writer.book.set_properties({"created": created})
            for name, frame in sheets.items():
                neutralise_formulas(frame).to_excel(writer, sheet_name=name[:31], index=False)

    return _write_atomic(path, write)


def write_text_atomic(text: str, path: Path) -> Path:
    return _write_atomic(path, lambda target: target.write_text(text, encoding="utf-8"))
