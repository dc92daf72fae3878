"""Thin Dagster assets: read, call the pure code in the domain folders, write, report counts."""
