"""One monthly partitions definition: the payment-by-results period, from the programme's phase 2 start."""

import dagster as dg

monthly_partitions = dg.MonthlyPartitionsDefinition(start_date="2015-01-01")


def partition_key(month: str) -> str:
    """`YYYY-MM` → Dagster's monthly partition key `YYYY-MM-01`."""
    return f"{month}-01"
