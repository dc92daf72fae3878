"""Watch `landing/`: a new or changed `landing/YYYY-MM/` requests that month's run.

The cursor keeps a signature (file names, sizes, modification times) per month, so a month runs again
when a partner re-sends a file, and never twice for the same files. Switching the sensor on only takes
note of what is already there: months landed before then are run from the launchpad or `cfam run`.
"""


import json
import re
from pathlib import Path

import dagster as dg

from pipelines.jobs import monthly_job
from runtime.partitions import monthly_partitions, partition_key
from runtime.resources import CfamStore

_MONTH_FOLDER = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def landing_signatures(landing: Path) -> dict[str, str]:
    """Month → signature of the extract files in `landing/<month>/` (hidden and partial files ignored)."""
    signatures = {}
    if not landing.is_dir():
        return signatures
    for folder in sorted(landing.iterdir()):
        if not (folder.is_dir() and _MONTH_FOLDER.match(folder.name)):
            continue
        files = sorted(path for path in folder.iterdir()
                       if path.is_file() and not path.name.startswith(".") and path.suffix.lower() in {".csv", ".xlsx"})
        if files:
            signatures[folder.name] = "|".join(
                f"{path.name}:{path.stat().st_size}:{int(path.stat().st_mtime)}" for path in files)
    return signatures


@dg.sensor(job=monthly_job, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.STOPPED,
           description="Requests a month's run when files land in `landing/YYYY-MM/` or change there after the "
                       "sensor was switched on (months already there when it was switched on are left alone).")
def landing_sensor(context: dg.SensorEvaluationContext, cfam: CfamStore) -> dg.SensorResult:
    current = landing_signatures(cfam.paths.landing)
    if context.cursor is None:   # first evaluation since switched on: note what is there, run nothing
        return dg.SensorResult(run_requests=[], cursor=json.dumps(current, sort_keys=True))
    seen = json.loads(context.cursor)
    valid = set(monthly_partitions.get_partition_keys())
    changed = [month for month, signature in current.items() if seen.get(month) != signature]
    outside = [month for month in changed if partition_key(month) not in valid]
    if outside:   # left out of the cursor, so they are requested once the code location is reloaded
        context.log.info(f"months landed outside the partitions (reload the code location): {', '.join(outside)}")
    requests = [dg.RunRequest(partition_key=partition_key(month), run_key=f"{month}:{current[month]}")
                for month in changed if month not in outside]
    cursor = {month: signature for month, signature in current.items() if month not in outside}
    cursor.update({month: seen[month] for month in outside if month in seen})
    return dg.SensorResult(run_requests=requests, cursor=json.dumps(cursor, sort_keys=True))
