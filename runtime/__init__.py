"""What the Dagster assets and the code location both use: the monthly partitions, the data-folder resource,
the run lock and the Dagster instance. It imports neither `assets/` nor `pipelines/`, so neither imports the
other in a circle: `pipelines/` assembles `assets/`, and both stand on `runtime/`."""
