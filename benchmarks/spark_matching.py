"""One month matched cold on each backend (matching.backend duckdb, then spark in local mode), same data.

    python benchmarks/spark_matching.py [--scale peterborough|county] [--work DIR]

Each backend runs in its own subprocess on its own copy of the warehouse. Peak memory is the whole process
tree's (Spark's JVM is a child of the Python process), sampled from /proc every 0.2 s. Prints wall time, peak
memory, pairs scored, and whether the two backends' decisions are the same. Not a test: run by hand.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.matching import MONTH, prepare  # noqa: E402
from benchmarks.process_tree import TreeMeter  # noqa: E402

BACKENDS = ("duckdb", "spark")


def child(backend: str, database: Path, out: Path) -> None:
    import duckdb

    import matching
    from settings import Settings
    from settings.config import MatchingSettings

    meter = TreeMeter().start()
    con = duckdb.connect(str(database))
    for table in ("scored_pairs", "scored_people"):   # cold: no scores from an earlier run
        con.execute(f"DELETE FROM matching.{table}").fetchall()
    started = time.perf_counter()
    result = matching.match_month(con, MONTH, Settings(matching=MatchingSettings(backend=backend)),  # type: ignore[arg-type]
                                  model_path=matching.SHIPPED_MODEL)
    seconds = time.perf_counter() - started
    meter.stop()
    result.matches.to_parquet(out)
    print(json.dumps({"backend": backend, "seconds": round(seconds, 1), "peak_mib": round(meter.peak_bytes / 2**20),
                      "pairs_scored": result.stats["pairs_scored"], "matches": len(result.matches)}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="peterborough", choices=("peterborough", "county"))
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "out")
    parser.add_argument("--child", nargs=3, metavar=("BACKEND", "DATABASE", "OUT"))
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]), Path(args.child[2]))
        return
    database = prepare(args.scale, "sample", args.work)
    import pandas as pd

    decisions = {}
    for backend in BACKENDS:
        copy = database.with_name(f"warehouse-{backend}.duckdb")
        shutil.copy(database, copy)
        out = copy.with_suffix(".matches.parquet")
        run = subprocess.run([sys.executable, __file__, "--child", backend, str(copy), str(out)],
                             capture_output=True, text=True, check=True)
        print(run.stdout.strip().splitlines()[-1], flush=True)
        matches = pd.read_parquet(out)
        decisions[backend] = set(map(tuple, matches[["source", "row_key", "eh_person_id", "decision"]]
                                     .astype(str).to_numpy()))
        copy.unlink()
        out.unlink()
    print(f"same decisions: {decisions['duckdb'] == decisions['spark']} "
          f"({len(decisions['duckdb'] ^ decisions['spark'])} differ)")


if __name__ == "__main__":
    main()
