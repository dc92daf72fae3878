"""Loading one extract file: read, check, quarantine, stage."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from settings import Settings, parse_month
from sources.layouts import Layout, StageContext
from sources.quarantine import TOO_MANY_CELLS, Issue, quarantine_frame
from sources.reading import CHUNK_ROWS, ExtractError, load_mapping, read_cell_chunks, select_columns
from sources.registry import get_source
from sources.standardise import DEFAULT_TOWNS
from sources.validate import SeenRows, check_cells
from warehouse import declared_columns

RAW_COLUMNS = ("month", "source", "source_file", "row_number", "row_key", "outcome", "fields")


@dataclass(frozen=True)
class ExtractResult:
    source: str
    file: str                  # the file's name only
    raw: pd.DataFrame          # raw.extract_rows: every row read (the contract's columns), whatever became of it
    staged: pd.DataFrame       # staging.<source>: the rows loaded
    quarantine: pd.DataFrame   # ops.quarantine: one row per reason per quarantined row
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    duplicates_removed: int


def staging_columns(source: str) -> tuple[tuple[str, str, bool], ...]:
    """(name, DuckDB type, nullable) of staging.<source>, as the source declares it (sources/<source>.py)."""
    return declared_columns(get_source(source).staging)


def _as_schema_type(values: pd.Series, column_type: str, nullable: bool) -> pd.Series:
    if column_type == "DATE":
        return pd.to_datetime(values).astype("datetime64[ns]")
    if column_type == "INTEGER":
        return values.astype("Int64" if nullable else "int64")
    if column_type == "BOOLEAN":
        return values.astype("boolean" if nullable else "bool")
    if column_type == "DOUBLE":
        return values.astype("float64")
    if column_type.startswith("DECIMAL"):
        return values.astype("float64").round(int(column_type.rstrip(")").split(",")[1]))
    return values.astype(object).where(values.notna(), None)  # VARCHAR and VARCHAR[]


def _staged(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    return pd.DataFrame({
        name: _as_schema_type(frame[name], column_type, nullable)
        for name, column_type, nullable in staging_columns(source)
    }).reset_index(drop=True)


def load_extract_chunks(path: Path, source: str, month: str, *, mapping_path: Path | None = None,
                        settings: Settings | None = None, towns: tuple[str, ...] = DEFAULT_TOWNS,
                        chunk_rows: int = CHUNK_ROWS) -> Iterator[ExtractResult]:
    """Read one extract `chunk_rows` rows at a time and split each chunk's rows into loaded, quarantined and
    exact repeats (of any earlier row of the file): memory stays bounded whatever the file's size.

    `mapping_path` is `config/mappings/<source>.yaml` (no file there means the default layout); `towns` are
    removed from the end of addresses (standardise_address). Raises ExtractError when the whole file cannot
    be read, possibly after some chunks (a caller that writes them wraps the writes in one transaction);
    a bad row is quarantined and never stops the others.
    """
    layout = get_source(source).layout   # an unknown name is a ValueError
    path, month = Path(path), parse_month(month)
    mapping = load_mapping(mapping_path)
    context = StageContext(month, settings or Settings(), tuple(towns))
    seen = SeenRows()
    for cells, overlong in read_cell_chunks(path, mapping, chunk_rows):
        yield _load_chunk(path, cells, overlong, layout, context, mapping.date_format, seen)


def load_extract(path: Path, source: str, month: str, *, mapping_path: Path | None = None,
                 settings: Settings | None = None, towns: tuple[str, ...] = DEFAULT_TOWNS) -> ExtractResult:
    """The whole extract in one result (`load_extract_chunks` joined): for small files and tests."""
    chunks = list(load_extract_chunks(path, source, month, mapping_path=mapping_path, settings=settings,
                                      towns=towns))
    if len(chunks) == 1:
        return chunks[0]
    return ExtractResult(
        source=source, file=chunks[0].file,
        raw=pd.concat([chunk.raw for chunk in chunks], ignore_index=True),
        staged=pd.concat([chunk.staged for chunk in chunks], ignore_index=True),
        quarantine=pd.concat([chunk.quarantine for chunk in chunks], ignore_index=True),
        **{count: sum(getattr(chunk, count) for chunk in chunks)
           for count in ("rows_read", "rows_loaded", "rows_quarantined", "duplicates_removed")},
    )


def _load_chunk(path: Path, cells: pd.DataFrame, overlong: list[int], layout: Layout, context: StageContext,
                date_format: str | None, seen: SeenRows) -> ExtractResult:
    source, month = layout.source, context.month
    contract_cells = select_columns(path, cells, layout.columns)
    checked = check_cells(contract_cells, layout, month, date_format, seen)
    overlong_rows = pd.Series(cells.index.isin(overlong), index=cells.index) & ~checked.repeats
    issues = [*checked.issues, Issue(overlong_rows, None, TOO_MANY_CELLS)]
    quarantine = quarantine_frame(issues, checked.row_keys, month, source, path.name)

    quarantined = cells.index.isin(quarantine["row_number"])
    loaded = ~quarantined & ~checked.repeats.to_numpy()
    staged = layout.stage(checked.typed[loaded], context).assign(
        month=month, source_file=path.name, row_number=cells.index[loaded], row_key=checked.row_keys[loaded]
    )

    outcome = pd.Series("loaded", index=cells.index).mask(quarantined, "quarantined").mask(checked.repeats, "duplicate")
    raw = pd.DataFrame({
        "month": month, "source": source, "source_file": path.name, "row_number": cells.index.astype("int64"),
        "row_key": checked.row_keys.to_numpy(), "outcome": outcome.to_numpy(),
        # The contract's columns only: a partner's extra (often free-text) columns are never kept.
        "fields": [dict(zip(layout.columns, row, strict=True))
                   for row in contract_cells.itertuples(index=False, name=None)],
    }, columns=list(RAW_COLUMNS))
    return ExtractResult(
        source=source, file=path.name, raw=raw, staged=_staged(staged, source), quarantine=quarantine,
        rows_read=len(cells), rows_loaded=int(loaded.sum()), rows_quarantined=int(quarantined.sum()),
        duplicates_removed=int(checked.repeats.sum()),
    )


__all__ = ["ExtractError", "ExtractResult", "load_extract", "load_extract_chunks", "staging_columns"]
