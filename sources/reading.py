"""Reading an extract file into text cells: CSV or XLSX, encodings, column mappings and date formats.

Every cell is read as text (UPNs and NINOs keep their leading zeros and letters); a blank cell is None.
Errors name the file and the column, never a cell's value.
"""

from __future__ import annotations

import codecs
import csv
import itertools
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, ValidationError


class ExtractError(ValueError):
    """A whole extract file cannot be read.

    The message is one line: the file, the row and the column where there is one, and the reason; never a
    cell's value. `reason` alone is kept for the load summary.
    """

    def __init__(self, file: str, reason: str, *, row: int | None = None, column: str | None = None) -> None:
        self.file, self.reason, self.row, self.column = file, reason, row, column
        where = [file, *([f"row {row}"] if row is not None else []), *([f"column {column!r}"] if column else [])]
        super().__init__(f"{', '.join(where)}: {reason}")


class ColumnMapping(BaseModel):
    """`config/mappings/<source>.yaml`: their column name -> our column name, and optional reading hints."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    columns: dict[str, str] = {}
    encoding: str | None = None
    date_format: str | None = None


def load_mapping(path: Path | None) -> ColumnMapping:
    """The mapping at `path`; the default layout when there is no path or no file there."""
    if path is None or not Path(path).exists():
        return ColumnMapping()
    try:
        return ColumnMapping.model_validate(yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {})
    except yaml.YAMLError as error:
        raise ExtractError(Path(path).name, f"mapping is not valid YAML ({error.__class__.__name__})") from None
    except ValidationError as error:
        fields = ", ".join(".".join(str(part) for part in item["loc"]) for item in error.errors())
        raise ExtractError(Path(path).name, f"mapping has invalid settings: {fields}") from None


def detect_encoding(data: bytes) -> str:
    """utf-8-sig when there is a BOM, utf-8 when the bytes decode strictly as UTF-8, else cp1252."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


CHUNK_ROWS = 100_000  # rows read, checked and loaded at a time: memory stays bounded whatever the file's size


def _encoding_of(path: Path, encoding: str | None) -> str:
    """The mapping's encoding, else `detect_encoding`'s answer, reading the file in blocks (never all at once)."""
    with path.open("rb") as handle:
        start = handle.read(4096)
        if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or start.count(0) > len(start) // 4:
            raise ExtractError(path.name, "the file is UTF-16 text; save it as CSV UTF-8 (or Windows-1252)")
        if encoding:
            try:
                return codecs.lookup(encoding).name
            except LookupError:
                raise ExtractError(path.name, f"unknown encoding {encoding!r} in the mapping") from None
        if start.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            for block in iter(lambda: handle.read(1 << 20), b""):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8"


def _undecodable(path: Path, encoding: str) -> ExtractError:
    """The error naming the first line that does not decode (0 = the header, 1 = the first data row)."""
    line_number = 0  # read after the loop: the line that failed (or the last one)
    with path.open("rb") as handle:
        for number, line in enumerate(handle):
            line_number = number
            try:
                line.decode(encoding)
            except UnicodeDecodeError:
                break
    where = " (in the header)" if line_number == 0 else ""
    return ExtractError(path.name, f"cannot be decoded as {encoding}{where}", row=line_number or None)


def _csv_rows(path: Path, encoding: str | None) -> Iterator[list[str]]:
    encoding = _encoding_of(path, encoding)
    rows_read = 0  # the header, then data rows: the next row to read is data row `rows_read`
    try:
        with path.open(encoding=encoding, newline="") as handle:
            for row in csv.reader(handle):
                yield row
                rows_read += 1
    except UnicodeDecodeError:
        raise _undecodable(path, encoding) from None
    except csv.Error as error:  # the csv module's own message (e.g. a field too long): never a cell's value
        raise ExtractError(path.name, f"not a readable CSV ({error})", row=rows_read or None) from None


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)  # a date cell gives "2015-01-01 00:00:00"


def _xlsx_rows(path: Path) -> Iterator[list[str]]:
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises several unrelated types for a damaged file
        raise ExtractError(path.name, "not an XLSX workbook (a CSV or an old .xls file renamed?): "
                                      f"{error.__class__.__name__}") from None
    try:
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            yield [_cell_text(value) for value in row]
    finally:
        workbook.close()


def _chunk(header: list[str], body: list[list[str]], first_row: int,
           renames: dict[str, str]) -> tuple[pd.DataFrame, list[int]]:
    """Data rows as a frame indexed by row number, and the row numbers holding text beyond the header's width."""
    width = len(header)
    overlong = [number for number, cells in enumerate(body, start=first_row)
                if any(cell.strip() for cell in cells[width:])]
    body = [(cells + [""] * width)[:width] for cells in body]
    frame = pd.DataFrame(body, columns=header, dtype=object)
    frame.index = pd.RangeIndex(first_row, first_row + len(frame), name="row_number")
    frame = frame.apply(lambda column: column.str.strip())
    frame = frame.where(frame != "", None).dropna(how="all")
    return frame.rename(columns=renames), overlong


def read_cell_chunks(path: Path, mapping: ColumnMapping,
                     chunk_rows: int = CHUNK_ROWS) -> Iterator[tuple[pd.DataFrame, list[int]]]:
    """The file's rows as text with our column names (trimmed headers, the mapping applied), `chunk_rows` at a
    time, each with the numbers of its rows that have more cells than the header (those cells are not read).

    The index is the row number (1 = first data row, blank rows counted); wholly blank rows are dropped.
    Cells are trimmed text; blank cells are None. Columns the mapping does not name keep their own name.
    A file with a header and no rows gives one empty chunk.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows = _csv_rows(path, mapping.encoding)
    elif suffix == ".xlsx":
        rows = _xlsx_rows(path)  # openpyxl directly: pd.read_excel drops blank rows, shifting row numbers
    else:
        raise ExtractError(path.name, "not a .csv or .xlsx file")
    header = next(rows, None)
    if header is None:
        raise ExtractError(path.name, "the file is empty")
    header = [name.strip() for name in header]
    renames = _renames(path, header, mapping)
    first_row = 1
    while True:
        body = list(itertools.islice(rows, chunk_rows))
        if body or first_row == 1:
            yield _chunk(header, body, first_row, renames)
        if len(body) < chunk_rows:
            return
        first_row += len(body)


def _renames(path: Path, headers: list[str], mapping: ColumnMapping) -> dict[str, str]:
    by_lower = {header.lower(): header for header in headers}
    renames = {}
    for theirs, ours in mapping.columns.items():
        header = by_lower.get(theirs.strip().lower())
        if header is None:
            raise ExtractError(path.name, "the mapping names this column, which the file lacks", column=theirs.strip())
        renames[header] = ours.strip()
    return renames


def select_columns(path: Path, cells: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """The layout's columns, matched case-insensitively, in the layout's order; extra columns are left out.

    A missing column, or one present twice (e.g. a mapped header and an unmapped one both giving
    `date_of_birth`), is an ExtractError naming it.
    """
    positions: dict[str, list[int]] = {column: [] for column in columns}
    for position, header in enumerate(cells.columns):
        if header.lower() in positions:
            positions[header.lower()].append(position)
    for column, found in positions.items():
        if len(found) != 1:
            problem = "required column is missing" if not found else "column appears more than once"
            if not found and len(cells.columns) == 1 and any(mark in cells.columns[0] for mark in ";\t|"):
                problem += " (the header is one column: is the file separated by commas?)"
            raise ExtractError(Path(path).name, problem, column=column)
    selected = cells.iloc[:, [positions[column][0] for column in columns]]
    selected.columns = list(columns)
    return selected


EXCEL_SERIAL = "excel serial"
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%b-%y", EXCEL_SERIAL)
_TIME_OF_DAY = r"[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$"  # "2015-01-01 00:00:00" is how an XLSX date cell reads


def _parse_with(text: pd.Series, date_format: str) -> pd.Series:
    if date_format == EXCEL_SERIAL:
        numbers = pd.to_numeric(text.where(text.str.fullmatch(r"\d{1,6}(?:\.0+)?")), errors="coerce")
        days = numbers[numbers.between(1, 100_000)].astype("int64")  # whole days: no float rounding
        dates = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
        dates[days.index] = pd.Timestamp("1899-12-30") + pd.to_timedelta(days, unit="D")
        return dates
    return pd.to_datetime(text, format=date_format, errors="coerce")


def parse_dates(values: pd.Series, date_format: str | None = None) -> tuple[pd.Series, str]:
    """Parse a column of date text; return the dates (NaT where blank or unparsed) and the format used.

    Without `date_format` the column's format is the one of DATE_FORMATS that parses the most values.
    A time of day after the date is ignored. ISO dates and Excel serial numbers are unambiguous, so they are
    accepted whatever the column's format.
    """
    distinct = pd.Series(values.dropna().unique(), dtype=object)
    text = distinct.str.strip().str.replace(_TIME_OF_DAY, "", regex=True)
    if date_format is None:
        candidates = {candidate: _parse_with(text, candidate) for candidate in DATE_FORMATS}
        date_format = max(candidates, key=lambda candidate: candidates[candidate].notna().sum())
        parsed = candidates[date_format]
    else:
        parsed = _parse_with(text, date_format)
    for unambiguous in ("%Y-%m-%d", EXCEL_SERIAL):
        parsed = parsed.fillna(_parse_with(text, unambiguous))
    lookup = dict(zip(distinct, parsed, strict=True))
    return pd.to_datetime(values.map(lookup)), date_format
