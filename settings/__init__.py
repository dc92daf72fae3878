"""Settings every part of the pipeline shares: where the data folder is, the months, the YAML settings."""

from settings.config import Settings, SettingsError, load_settings
from settings.months import month_end, month_start, months_before, months_between, parse_month, previous_month
from settings.paths import DataDir

__all__ = [
    "DataDir",
    "Settings",
    "SettingsError",
    "load_settings",
    "month_end",
    "month_start",
    "months_before",
    "months_between",
    "parse_month",
    "previous_month",
]
