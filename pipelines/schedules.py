"""Partners send the month's extracts in the first week of the next month: run the month on the 10th."""

import dagster as dg

from pipelines.jobs import monthly_job

monthly_schedule = dg.build_schedule_from_partitioned_job(
    monthly_job,
    name="monthly_pipeline_schedule",
    day_of_month=10,
    hour_of_day=6,
    default_status=dg.DefaultScheduleStatus.STOPPED,
)
