"""Benchmark and evaluation code: never imported by the pipeline (recordlinkage is a dev-only dependency)."""
