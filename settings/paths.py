"""The data folder (contracts/outputs.md): one folder holds everything a council's install keeps."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class DataDir:
    root: Path

    @classmethod
    def from_env(cls) -> DataDir:
        return cls(Path(os.environ.get("CFAM_DATA_DIR", "data")).resolve())

    @property
    def landing(self) -> Path:
        return self.root / "landing"

    def landing_month(self, month: str) -> Path:
        return self.landing / month

    @property
    def config(self) -> Path:
        return self.root / "config"

    def mapping(self, source: str) -> Path:
        return self.config / "mappings" / f"{source}.yaml"

    def review(self, month: str) -> Path:
        return self.root / "review" / month

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse" / "cfam.duckdb"

    def output(self, month: str) -> Path:
        return self.root / "output" / month

    @property
    def models(self) -> Path:
        """Trained matching models saved by the training asset (a shipped model is the fallback)."""
        return self.root / "models"

    @property
    def dagster_home(self) -> Path:
        return Path(os.environ.get("DAGSTER_HOME") or self.root / "dagster")

    @property
    def truth(self) -> Path:
        """Ground truth of generated sample data: never read by the pipeline, only by tests and benchmarks."""
        return self.root / "truth"
