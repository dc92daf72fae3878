"""Settings every part of the pipeline shares: where the data folder is, the months, the YAML settings."""

from settings.config import PSEUDONYM_KEY_ENV, Settings, SettingsError, load_settings
from settings.months import month_end, month_start, months_before, months_between, parse_month, previous_month
from settings.paths import DataDir

__all__ = [
    "PSEUDONYM_KEY_ENV",
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
