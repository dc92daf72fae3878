"""One monthly partitions definition, bounded by the settings: the programme's first month to its last, or to
the latest month landed when that is earlier, so the launchpad opens on a month with data, not on today.

The bounds are read when the code location loads: after a new month lands, reload the code location
(the sensor says so) to see its partition.
"""

from datetime import timedelta

import dagster as dg

from settings import (
    DataDir,
    Settings,
    SettingsError,
    load_settings,
    month_end,
    month_start,
    parse_month,
)


def partition_key(month: str) -> str:
    """`YYYY-MM` → Dagster's monthly partition key `YYYY-MM-01`."""
    return f"{month}-01"


def latest_landed_month(paths: DataDir) -> str | None:
    months = []
    for folder in paths.landing.iterdir() if paths.landing.is_dir() else []:
        try:
            if folder.is_dir() and any(folder.iterdir()):
                months.append(parse_month(folder.name))
        except ValueError:
            continue
    return max(months, default=None)


def partition_months(paths: DataDir, settings: Settings) -> tuple[str, str]:
    """(first, last) month of the partitions."""
    first, last = settings.period.first_month, settings.period.last_month
    landed = latest_landed_month(paths)
    if landed and first <= landed < last:
        last = landed
    return first, last


def monthly_partitions_for(paths: DataDir) -> dg.MonthlyPartitionsDefinition:
    try:
        settings = load_settings(paths.config)
    except SettingsError:   # the CLI reports a bad setting with exit 2; the code location still loads
        settings = Settings()
    first, last = partition_months(paths, settings)
    end = month_end(last) + timedelta(days=1)   # end_date is exclusive
    return dg.MonthlyPartitionsDefinition(start_date=month_start(first).isoformat(), end_date=end.isoformat())


monthly_partitions = monthly_partitions_for(DataDir.from_env())
