"""`cfam`: generate sample data, run months, run the demo, retrain the matching model.

Exit status (contracts/outputs.md): 0 done; 1 the run failed (the message says which asset and why);
2 bad arguments or configuration. A run that quarantined rows still exits 0 and says how many.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from settings import DataDir, SettingsError, load_settings, months_between, parse_month

DEMO_FAMILIES = 1000
DEMO_MONTHS = ("2015-01", "2015-12")   # the programme's first year, its first claims: within 5 minutes on a slow day


class UsageError(Exception):
    """Bad arguments or configuration: exit 2."""


def _month_range(text: str) -> list[str]:
    try:
        first, last = text.split(":")
        return months_between(parse_month(first), parse_month(last))
    except ValueError as error:
        raise UsageError(f"--months takes YYYY-MM:YYYY-MM ({error})") from None


def _check_months(months: list[str]) -> list[str]:
    from runtime.partitions import monthly_partitions

    first = monthly_partitions.start.strftime("%Y-%m")
    if months[0] < first:
        raise UsageError(f"months start at {first} (the programme's phase 2)")
    current = dt.date.today().strftime("%Y-%m")
    if months[-1] > current:
        raise UsageError(f"{months[-1]} has not begun yet: the latest month to run is {current}")
    last = monthly_partitions.get_last_partition_key()[:7]
    if months[-1] > last:
        raise UsageError(f"months end at {last} (settings period.last_month, or the latest month landed)")
    return months


def _validate_configuration(paths: DataDir) -> None:
    import programme
    from sources.registry import check_source_settings

    try:
        check_source_settings(load_settings(paths.config))   # settings naming a source name a registered one
        programme.load_plan(paths.config / "outcomes_plan.yaml")
    except (SettingsError, programme.PlanError) as error:
        raise UsageError(str(error)) from None
    _check_warehouse_key(paths)


def _check_warehouse_key(paths: DataDir) -> None:
    """A wrong or missing CFAM_ENCRYPTION_KEY is a configuration error (exit 2) before anything runs. Opening
    the warehouse here also converts a plain one when a key is first set."""
    import duckdb

    import warehouse
    from warehouse.db import WarehouseKeyError

    if not paths.warehouse.exists():
        return
    try:
        with _holding_data_folder(paths, "key check"):
            warehouse.connect(paths.warehouse).close()
    except WarehouseKeyError as error:
        raise UsageError(str(error)) from None
    except duckdb.IOException:  # another run has it open; this run waits for the run lock and checks then
        pass


@contextmanager
def _holding_data_folder(paths: DataDir, doing: str) -> Iterator[None]:
    """The run lock, for the CLI's own use of the warehouse between runs (another run may be waiting)."""
    from runtime.run_lock import holder_record, lock_path, run_lock, say_waiting

    with run_lock(lock_path(paths.warehouse), holder_record("-", f"cfam {doing}"), say_waiting):
        yield


def _print_month(run, paths: DataDir) -> None:
    import warehouse

    status = "ok" if run.success else "FAILED"
    print(f"{run.month}  {status}  {run.seconds:5.1f}s")
    with _holding_data_folder(paths, "summary"), warehouse.connect(paths.warehouse) as con:
        loads = con.execute(
            "SELECT source, rows_loaded, rows_quarantined, duplicates_removed, used_from_month, source_file "
            "FROM ops.load_summary WHERE month = ? ORDER BY source", [run.month]).fetchall()
        decisions = con.execute(
            "SELECT decision, count(*) FROM matching.matches WHERE month = ? GROUP BY decision ORDER BY decision",
            [run.month]).fetchall()
    for source, loaded, quarantined, duplicates, used_from, file in loads:
        note = "" if file else (f"  (no extract; snapshot of {used_from})" if used_from else "  (no extract)")
        print(f"    {source:<18} loaded {loaded:>6}  quarantined {quarantined:>4}  duplicates {duplicates:>3}{note}")
    if decisions:
        print("    matched rows       " + "  ".join(f"{decision} {count}" for decision, count in decisions))
    outcomes = run.metadata.get("programme/outcomes", {})
    if outcomes:
        print("    families           " + "  ".join(
            f"{label} {outcomes[key]}" for label, key in (
                ("eligible", "families_eligible"), ("attached", "families_attached"),
                ("showing progress", "families_showing_progress"),
                ("continuous employment", "families_continuous_employment")) if key in outcomes))
    claims = run.metadata.get("returns/claims", {})
    if claims:
        print(f"    claimed            {claims['families_claimed']} families  £{claims['amount_claimed_gbp']:,}  "
              f"(held back {claims['families_held_back']}; to date {claims['families_claimed_to_date']} families, "
              f"£{claims['amount_claimed_to_date_gbp']:,})")
    for problem in run.problems:
        print(f"    ! {problem}")


def _run(paths: DataDir, months: list[str], carry_forward: bool = False) -> int:
    from pipelines.runner import run_month
    from runtime.instance import instance_for

    _validate_configuration(paths)
    instance = instance_for(paths)
    failed = False
    for month in months:
        run = run_month(paths, month, instance, carry_forward=carry_forward)
        _print_month(run, paths)
        failed = failed or not run.success
    print(f"Files: {paths.root / 'output'}/<YYYY-MM>/   Dagster UI: make dev")
    return 1 if failed else 0


def _generate(out: Path, families: int, months: list[str], seed: int) -> None:
    import sample_data

    summary = sample_data.generate(out, families, months[0], months[-1], seed=seed)
    print(summary.to_text())


def _demo(paths: DataDir, families: int, months: list[str], seed: int) -> int:
    started = time.perf_counter()
    marker = paths.root / "landing" / f".generated-{families}-{months[0]}-{months[-1]}-{seed}"
    if not marker.exists():
        print(f"Generating a sample town: {families} Early Help families, {months[0]} to {months[-1]} …")
        _generate(paths.root, families, months, seed)
        marker.touch()
    status = _run(paths, months)
    _print_claim_totals(paths)
    last = paths.output(months[-1])
    print(f"Files of {months[-1]} in {last}:")
    for path in sorted(last.iterdir()) if last.is_dir() else []:
        print(f"    {path.name}")
    print(f"Demo finished in {time.perf_counter() - started:.0f}s. Data folder: {paths.root}")
    return status


def _print_claim_totals(paths: DataDir) -> None:
    import programme
    import warehouse
    from programme.claims import totals_to_date

    plan = programme.load_plan(paths.config / "outcomes_plan.yaml")
    with warehouse.connect(paths.warehouse) as con:
        print("\n".join(totals_to_date(con, plan)))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cfam", description="Connecting Families data pipeline")
    commands = parser.add_subparsers(dest="command", required=True)

    generate = commands.add_parser("generate", help="write realistic sample extracts and their ground truth")
    generate.add_argument("--out", type=Path, required=True)
    generate.add_argument("--families", type=int, required=True)
    generate.add_argument("--months", required=True, help="YYYY-MM:YYYY-MM")
    generate.add_argument("--seed", type=int, default=1)

    run = commands.add_parser("run", help="run every asset for a month or a range of months")
    which = run.add_mutually_exclusive_group(required=True)
    which.add_argument("--month")
    which.add_argument("--months", help="YYYY-MM:YYYY-MM")
    run.add_argument("--carry-forward", action="store_true",
                     help="a month with no landing folder uses the latest snapshots instead of failing")

    demo = commands.add_parser("demo", help="sample data for a realistic council, every month run")
    demo.add_argument("--families", type=int, default=DEMO_FAMILIES)
    demo.add_argument("--months", default=":".join(DEMO_MONTHS))
    demo.add_argument("--seed", type=int, default=1)

    commands.add_parser("train", help="retrain the person-matching model on the warehouse")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    os.umask(0o077)  # everything cfam writes (warehouse, outputs, models, event log) is owner-only
    paths = DataDir.from_env()
    try:
        if args.command == "generate":
            if args.families < 1:
                raise UsageError("--families must be at least 1")
            _generate(args.out, args.families, _month_range(args.months), args.seed)
            return 0
        if args.command == "run":
            months = [parse_month(args.month)] if args.month else _month_range(args.months)
            return _run(paths, _check_months(months), carry_forward=args.carry_forward)
        if args.command == "demo":
            return _demo(paths, args.families, _check_months(_month_range(args.months)), args.seed)
        if args.command == "train":
            from pipelines.runner import train_model

            _check_warehouse_key(paths)
            result = train_model(paths)
            print("model trained" if result.success else "training failed: see the Dagster UI")
            return 0 if result.success else 1
    except UsageError as error:
        print(f"cfam: {error}", file=sys.stderr)
        return 2
    except ValueError as error:  # a bad month and the like
        print(f"cfam: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("cfam: interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
