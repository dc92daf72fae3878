"""How the match step grows with the town: 1x, 2x, 5x, 10x Peterborough (6,000 Early Help families = 1x).

    python benchmarks/scaling.py [--scales 1,2,5,10] [--backends duckdb[,spark]] [--spark-scales 1,2] [--work DIR]

Spark local mode runs only the --spark-scales (on two cores it is about ten times DuckDB's time: its larger
scales are for a cluster, see the README's national plan).

Each town (the sample town's generator, seed 7, default mess) is generated for 2016-10..2017-01 and loaded once,
cached under --work. Per scale and backend, two child processes (peak memory and CPU time
are the child's and its descendants', Spark's JVM included: benchmarks/process_tree.py):
  cold    the score cache emptied, then matching.match_month for 2016-12 (three months of extracts)
  cached  matching.match_month for 2017-01 on the cache the cold run left: the incremental case as it really
          happens, the next month's extracts arrive (new rows, new people, changed addresses) and only the
          new or changed people are scored; the rest comes from matching.scored_pairs
Printed per run: people on each side (and of them, those new or changed since the cache's month), extract
rows, candidate pairs (blocked pairs scored, and pairs taken from the cache), wall time, CPU time (all threads
and processes), peak memory, the load average while it ran (the machine is shared: wall times are inflated by
other work, CPU time and memory are not), and cost per record (microseconds per source person and per
candidate pair). Not a test: run by hand (`make benchmark-scaling`), figures go in the README.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from benchmarks.towns import prepare_town  # noqa: E402

PETERBOROUGH_FAMILIES = 6_000
FIRST_MONTH, COLD_MONTH, NEXT_MONTH = "2016-10", "2016-12", "2017-01"
BACKENDS = ("duckdb", "spark")
RUNS = ("cold", "cached")
CHILD_TIMEOUT_SECONDS = 3600


def town(scale: int, work: Path) -> Path:
    return prepare_town(work / f"x{scale}", PETERBOROUGH_FAMILIES * scale, FIRST_MONTH, NEXT_MONTH,
                        label=f"{scale}x Peterborough")


def _settings(backend: str):  # noqa: ANN202 (Settings, imported in the child)
    from settings import Settings

    # matching.backend exists once the Spark backend is merged; DuckDB runs leave it at its default
    return Settings() if backend == "duckdb" else Settings.model_validate({"matching": {"backend": backend}})


def child(run: str, backend: str, database: Path) -> None:
    """One match_month in this process; print one JSON line of figures."""
    import matching
    import warehouse
    from benchmarks.process_tree import TreeMeter
    from sources.registry import matched_sources

    settings = _settings(backend)
    # as a run opens it: DuckDB's memory bounded by the setting duckdb_memory_limit
    con = warehouse.connect(database, memory_limit=settings.duckdb_memory_limit)
    month = COLD_MONTH if run == "cold" else NEXT_MONTH
    if run == "cold":
        for table in ("scored_pairs", "scored_people"):
            con.execute(f"DELETE FROM matching.{table}").fetchall()
    extract_rows = sum(con.execute(f"SELECT count(*) FROM staging.{source} WHERE month <= ?", [month]).fetchall()[0][0]
                       for source in (source.name for source in matched_sources()))
    load_before = os.getloadavg()[0]
    meter, started = TreeMeter().start(), time.perf_counter()   # this process and Spark's JVM, if any
    result = matching.match_month(con, month, settings, model_path=matching.SHIPPED_MODEL)
    seconds = time.perf_counter() - started
    meter.stop()
    cpu_seconds = meter.cpu_seconds
    peak_mib = max(meter.peak_bytes / 2**20, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    stats = result.stats
    print(json.dumps({
        "run": run, "month": month, "eh_people": stats["eh_people"], "source_people": stats["source_people"],
        "extract_rows": int(extract_rows), "pairs_scored": stats["pairs_scored"],
        "pairs_from_cache": stats["pairs_from_cache"],
        # the month's churn: people new or changed since the cache's month, each scored afresh against the other side
        "eh_people_new": stats.get("eh_people_new", stats["eh_people"]),
        "source_people_new": stats.get("source_people_new", stats["source_people"]), "seconds": round(seconds, 1),
        "cpu_seconds": round(cpu_seconds, 1), "peak_mib": round(peak_mib),
        "load": round((load_before + os.getloadavg()[0]) / 2, 1),
        "matches": len(result.matches)}))


def bench(scale: int, backend: str, work: Path) -> list[dict]:
    database = town(scale, work)
    results = []
    for run in RUNS:
        try:
            done = subprocess.run([sys.executable, __file__, "--child", run, "--backend", backend,
                                   "--database", str(database)], capture_output=True, text=True, check=False,
                                  timeout=CHILD_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            print(f"{scale}x {backend} {run}: did not finish in {CHILD_TIMEOUT_SECONDS} s", flush=True)
            break
        if done.returncode != 0:
            print(f"{scale}x {backend} {run}: failed\n{done.stderr[-2000:]}", flush=True)
            break   # a cached run needs the cold run's cache
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        figures = {"scale": f"{scale}x", "backend": backend, **figures,
                   "us_per_source_person": round(figures["seconds"] * 1e6 / max(figures["source_people"], 1)),
                   "us_per_pair": round(figures["seconds"] * 1e6 / max(figures["pairs_scored"]
                                                                       + figures["pairs_from_cache"], 1), 1)}
        print(f"{scale}x {backend} {run}: {json.dumps(figures)}", flush=True)
        results.append(figures)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,2,5,10", help="multiples of Peterborough, comma-separated")
    parser.add_argument("--backends", default="duckdb", help="comma-separated, from " + ", ".join(BACKENDS))
    parser.add_argument("--spark-scales", default="1,2", help="the scales Spark local mode runs at")
    parser.add_argument("--work", type=Path, default=Path("/tmp/cfam-scaling-benchmark"))
    parser.add_argument("--child", choices=RUNS, help=argparse.SUPPRESS)
    parser.add_argument("--backend", choices=BACKENDS, help=argparse.SUPPRESS)
    parser.add_argument("--database", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.backend, args.database)
        return
    backends = [backend for backend in args.backends.split(",") if backend]
    unknown = set(backends) - set(BACKENDS)
    if unknown:
        parser.error(f"unknown backend(s): {', '.join(sorted(unknown))}")
    spark_scales = {int(value) for value in args.spark_scales.split(",")}
    rows = [row for scale in (int(value) for value in args.scales.split(",")) for backend in backends
            if backend != "spark" or scale in spark_scales for row in bench(scale, backend, args.work)]
    with pd.option_context("display.width", 250, "display.max_columns", 30):
        print(pd.DataFrame(rows).to_string(index=False))


if __name__ == "__main__":
    main()
