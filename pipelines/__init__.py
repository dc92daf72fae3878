"""Dagster wiring: the code location, partitions, resources, jobs, schedules, sensors and the `cfam` CLI."""
