"""Thin Dagster assets: read, call the pure code in the domain folders, write, report counts."""

import warnings

# Checks carry the monthly partitions so each month's result shows on its partition; Dagster 1.13 marks
# that as a preview feature and warns at every import.
warnings.filterwarnings("ignore", message="Specifying a partitions_def on an AssetCheckSpec")
