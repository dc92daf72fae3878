"""`config/settings.yaml`: every setting has a default; a bad one is a clear error naming it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

PSEUDONYM_KEY_ENV = "CFAM_PSEUDONYM_KEY"  # the key of the keyed hash behind pseudonymised references


class SettingsError(ValueError):
    """Configuration that cannot be used; the CLI exits 2 with this message."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MatchingSettings(_Strict):
    auto_match_probability: float = Field(0.99, gt=0, lt=1)
    clerical_lower_probability: float = Field(0.5, gt=0, lt=1)
    household_address_similarity: float = Field(90, ge=0, le=100)
    # The match-rate check warns when a source's share of rows matched moves more than this from last month.
    max_match_rate_change: float = Field(0.1, gt=0, le=1)
    # The model in force: a file name in <data>/models, or `shipped`; unset: the one models/CURRENT names
    # (training rewrites it), else the shipped model.
    model: str | None = None
    # Where the person views, exact pass, scoring and conflict flags run: DuckDB, or Spark in local mode
    # (matching/spark_backend.py; needs Java). Both give the same answers.
    backend: Literal["duckdb", "spark"] = "duckdb"

    @model_validator(mode="after")
    def _ordered(self) -> MatchingSettings:
        if self.clerical_lower_probability >= self.auto_match_probability:
            raise ValueError("matching.clerical_lower_probability must be below matching.auto_match_probability")
        return self


class TermDates(_Strict):
    """Term start and end as MM-DD; an autumn term belongs to the first year of the academic year."""

    autumn: tuple[str, str] = ("09-01", "12-31")
    spring: tuple[str, str] = ("01-01", "04-30")
    summer: tuple[str, str] = ("05-01", "07-31")


class ValidationSettings(_Strict):
    min_valid_postcode_share: float = Field(0.8, ge=0, le=1)
    max_quarantine_share: float = Field(0.2, ge=0, le=1)


class PeriodSettings(_Strict):
    """The months the pipeline runs (Dagster's partitions): the programme's first month to its last, or to
    the latest month landed when that is earlier."""

    first_month: str = "2015-01"   # phase 2 of the programme
    last_month: str = "2025-03"

    @model_validator(mode="after")
    def _months(self) -> PeriodSettings:
        from settings.months import parse_month

        if parse_month(self.first_month) > parse_month(self.last_month):
            raise ValueError("period.first_month must not be after period.last_month")
        return self


class LoadingSettings(_Strict):
    """What the co-ordinator decides about the month's landing folder and how long rows are kept."""

    # A month with no landing folder is an error unless every snapshot is to be carried forward
    # (also `cfam run --carry-forward`, or the run tag `cfam/carry_forward: true` in the UI).
    carry_forward: bool = False
    # A snapshot source whose latest extract is older than this many months fails its check.
    max_snapshot_age_months: int = Field(2, ge=0)
    # Months of rows kept per source, as each information-sharing agreement requires (e.g. {police: 72});
    # a source not listed is kept for good. Older months are purged from raw, staging and quarantine at each run.
    # (The names are checked against the registered sources by sources.registry.check_source_settings.)
    retention_months: dict[str, int] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _kept_a_month_or_more(self) -> LoadingSettings:
        short = [source for source, months in self.retention_months.items() if months < 1]
        if short:
            raise ValueError(f"loading.retention_months must be at least 1 month ({', '.join(short)})")
        return self


class Settings(_Strict):
    la_code: str = "874"  # the council's code in the department's files (Peterborough: 874)
    # Town names dropped from addresses before comparing them ("14 High St, Peterborough" = "14 High Street").
    towns: tuple[str, ...] = ("PETERBOROUGH",)
    matching: MatchingSettings = MatchingSettings()
    terms: TermDates = TermDates()
    validation: ValidationSettings = ValidationSettings()
    period: PeriodSettings = PeriodSettings()
    loading: LoadingSettings = LoadingSettings()
    # Returns: family_ref and person_ref as HMAC-SHA256 of the council's ids with the key in CFAM_PSEUDONYM_KEY.
    pseudonymise_refs: bool = False
    # The memory DuckDB may hold for one step's connection; beyond it DuckDB writes to <warehouse>.tmp (owner-only,
    # encrypted when the warehouse is). 2GB keeps a county month (60,000 families) within 4 GiB in all; a town
    # never reaches it. Unset (null): DuckDB's own default, 80% of the machine's memory.
    duckdb_memory_limit: str | None = Field("2GB", pattern=r"^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$")

    @model_validator(mode="after")
    def _pseudonym_key(self) -> Settings:
        if self.pseudonymise_refs and not os.environ.get(PSEUDONYM_KEY_ENV):
            raise ValueError(f"pseudonymise_refs is on but the environment variable {PSEUDONYM_KEY_ENV} "
                             "(the key of the keyed hash) is not set")
        return self


def load_settings(config_dir: Path) -> Settings:
    path = Path(config_dir) / "settings.yaml"
    if not path.exists():
        return Settings()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return Settings.model_validate(raw)
    except yaml.YAMLError as error:
        raise SettingsError(f"{path}: not valid YAML ({error.__class__.__name__})") from None
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in item['loc']) or '(top level)'}: {item['msg']}" for item in error.errors()
        )
        raise SettingsError(f"{path}: {problems}") from None
