"""What safety costs: a month's run on a plain and on an encrypted warehouse, the one-off conversion of a
plain warehouse, and publishing a month's files as a set.

    .venv/bin/python -m benchmarks.safety [--families 300] [--out /tmp/cfam-safety-bench]

(as a module: run as a script, benchmarks/matching.py would shadow the `matching` package)
"""

from __future__ import annotations

import argparse
import os
import shutil
import time
import warnings
from pathlib import Path

import dagster as dg

import sample_data
import warehouse
from pipelines.runner import run_month
from settings import DataDir
from warehouse.db import encrypt_plain_warehouse
from warehouse.files import month_files

MONTHS = ("2015-01", "2015-02", "2015-03")
KEY = "benchmark passphrase"


def _run_months(paths: DataDir) -> list[float]:
    seconds = []
    for month in MONTHS:
        run = run_month(paths, month, dg.DagsterInstance.ephemeral())
        assert run.success, run.problems
        seconds.append(run.seconds)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--families", type=int, default=300)
    parser.add_argument("--out", type=Path, default=Path("/tmp/cfam-safety-bench"))
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    shutil.rmtree(args.out, ignore_errors=True)
    sample_data.generate(args.out / "plain", args.families, MONTHS[0], MONTHS[-1], seed=41)
    shutil.copytree(args.out / "plain" / "landing", args.out / "encrypted" / "landing")

    os.environ.pop("CFAM_ENCRYPTION_KEY", None)
    plain = DataDir(args.out / "plain")
    plain_seconds = _run_months(plain)
    size = plain.warehouse.stat().st_size

    copy = args.out / "converted.duckdb"
    shutil.copy(plain.warehouse, copy)
    started = time.perf_counter()
    encrypt_plain_warehouse(copy, KEY)
    conversion = time.perf_counter() - started

    os.environ["CFAM_ENCRYPTION_KEY"] = KEY
    encrypted_seconds = _run_months(DataDir(args.out / "encrypted"))
    started = time.perf_counter()
    for _ in range(20):
        warehouse.connect(DataDir(args.out / "encrypted").warehouse).close()
    connect_ms = (time.perf_counter() - started) / 20 * 1000
    os.environ.pop("CFAM_ENCRYPTION_KEY")
    started = time.perf_counter()
    for _ in range(20):
        warehouse.connect(plain.warehouse).close()
    plain_connect_ms = (time.perf_counter() - started) / 20 * 1000

    files = sum(1 for _ in plain.output(MONTHS[-1]).iterdir())
    started = time.perf_counter()
    for _ in range(20):
        with month_files(plain.root / "output", MONTHS[-1]):
            pass
    publish_ms = (time.perf_counter() - started) / 20 * 1000

    print(f"town: {args.families} Early Help families, months {MONTHS[0]}..{MONTHS[-1]}, warehouse {size / 1e6:.1f} MB")
    print("month run, plain     (s): " + "  ".join(f"{s:.1f}" for s in plain_seconds))
    print("month run, encrypted (s): " + "  ".join(f"{s:.1f}" for s in encrypted_seconds))
    print(f"connect: plain {plain_connect_ms:.0f} ms, encrypted {connect_ms:.0f} ms")
    print(f"converting the plain warehouse to an encrypted one: {conversion:.2f} s")
    print(f"publishing a month's set of {files} files (copy, swap the link): {publish_ms:.0f} ms")


if __name__ == "__main__":
    main()
