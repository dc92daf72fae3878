"""Writing one extract file as its partner's system would (CSV or XLSX, encodings, date formats), and the truth
about every row written: its key, whose it is, and what mess it carries."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

from sample_data._util import EPOCH, NA, ymd
from sample_data.names import fit_encoding
from sample_data.options import SourceFormat

MONTH_ABBR = np.array("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), dtype=object)
EXCEL_EPOCH = (date(1899, 12, 30) - EPOCH).days


def format_dates(days: np.ndarray, fmt: str) -> np.ndarray:
    """Day numbers as text in `fmt` (`%d %-d %m %-m %Y %y %b`); missing dates give ''."""
    days = np.asarray(days).astype(np.int64)
    if not len(days):
        return np.empty(0, dtype=object)
    missing = days == NA
    y, m, d = ymd(days)
    tokens = {
        "%Y": np.char.zfill(y.astype(str), 4), "%y": np.char.zfill((y % 100).astype(str), 2),
        "%m": np.char.zfill(m.astype(str), 2), "%-m": m.astype(str),
        "%d": np.char.zfill(d.astype(str), 2), "%-d": d.astype(str),
        "%b": MONTH_ABBR[m - 1].astype(str),
    }
    out = np.full(len(days), "", dtype=object)
    pieces: list[np.ndarray | str] = []
    i = 0
    while i < len(fmt):
        for token in ("%-d", "%-m", "%Y", "%y", "%m", "%d", "%b"):
            if fmt.startswith(token, i):
                pieces.append(tokens[token])
                i += len(token)
                break
        else:
            pieces.append(fmt[i])
            i += 1
    text = np.full(len(days), "", dtype=object)
    for piece in pieces:
        text = text + (piece.astype(object) if isinstance(piece, np.ndarray) else piece)
    out[~missing] = text[~missing]
    return out


def iso_dates(days: np.ndarray) -> np.ndarray:
    return format_dates(days, "%Y-%m-%d")


def cells(frame: pd.DataFrame, columns: tuple[str, ...], date_columns: tuple[str, ...], fmt: SourceFormat,
          term: str | None, amounts: tuple[str, ...] = ()) -> pd.DataFrame:
    """The frame's contract columns as the file will hold them: text for CSV; for XLSX, dates as date
    objects (or Excel serial numbers), numbers as numbers."""
    out = pd.DataFrame(index=frame.index)
    serial_dob = fmt.dob_as_serial == "all" or (term is not None and term in fmt.dob_as_serial)
    for column in columns:
        values = frame[column].to_numpy()
        if column in date_columns:
            days = values.astype(np.int64)
            if fmt.file == "csv":
                out[column] = format_dates(days, fmt.date_format)
            elif column == "date_of_birth" and serial_dob:
                out[column] = np.where(days == NA, None, (days - EXCEL_EPOCH).astype(object))
            else:
                col = np.empty(len(days), dtype=object)
                present = days != NA
                col[present] = [EPOCH.fromordinal(EPOCH.toordinal() + int(x)) for x in days[present]]
                out[column] = col
        elif column in amounts:
            out[column] = [f"{v:.2f}" for v in values] if fmt.file == "csv" else values
        elif fmt.file == "csv":
            out[column] = values.astype(str) if values.dtype.kind in "iuf" else values
        else:
            out[column] = values
    return out


def write_file(path: Path, table: pd.DataFrame, fmt: SourceFormat, stamp: date) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt.file == "csv":
        if not fmt.encoding.lower().startswith("utf"):   # a system that cannot store a character drops its accent
            table = table.map(lambda cell: fit_encoding(cell, fmt.encoding) if isinstance(cell, str) else cell)
        buffer = io.StringIO()
        table.to_csv(buffer, index=False, lineterminator=fmt.line_terminator)
        data = buffer.getvalue().encode(fmt.encoding)
        tmp = path.with_name(f".{path.name}.part")
        tmp.write_bytes(data)
        tmp.replace(path)
        return
    tmp = path.with_name(f".{path.name}.part")
    workbook = xlsxwriter.Workbook(str(tmp), {"constant_memory": True, "default_date_format": "dd/mm/yyyy",
                                              "strings_to_numbers": False, "strings_to_formulas": False,
                                              "strings_to_urls": False})
    workbook.set_properties({"created": datetime(stamp.year, stamp.month, stamp.day), "author": "MIS export"})
    sheet = workbook.add_worksheet("Attendance")
    sheet.write_row(0, 0, list(table.columns))
    for r, row in enumerate(table.astype(object).to_numpy().tolist(), start=1):
        sheet.write_row(r, 0, row)  # None and "" are blank cells
    workbook.close()
    tmp.replace(path)
