"""The one resource every asset uses: the data folder, its settings and its warehouse."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

import warehouse
from settings import DataDir, Settings, load_settings


class CfamStore(dg.ConfigurableResource):
    """The council's data folder (`CFAM_DATA_DIR`): landing extracts, configuration, warehouse and outputs."""

    data_dir: str

    @property
    def paths(self) -> DataDir:
        return DataDir(Path(self.data_dir).resolve())

    def settings(self) -> Settings:
        return load_settings(self.paths.config)

    @contextmanager
    def warehouse(self) -> Iterator[duckdb.DuckDBPyConnection]:
        con = warehouse.connect(self.paths.warehouse)
        try:
            yield con
        finally:
            con.close()


