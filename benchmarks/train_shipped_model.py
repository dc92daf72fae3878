"""Train the model shipped in matching/models/ on the training town (never on the held-out seed).

    python benchmarks/train_shipped_model.py [--work DIR]

The training town is the benchmark's Peterborough town (seed 7, 6,000 Early Help families, 2016-10..2016-12);
its truth is never read. Per-source thresholds are calibrated from the model's own estimated precision
(matching/calibration.py). The old shipped model is removed so exactly one remains.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TRAINING_SEED, TRAINING_FAMILIES = 7, 6_000
FIRST_MONTH, MONTH = "2016-10", "2016-12"


def main() -> None:
    from benchmarks.evaluate import load_landing
    from matching import train_model
    from sample_data import generate
    from settings import Settings, months_between
    from warehouse import connect

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/cfam-train-shipped-model"))
    args = parser.parse_args()
    database = args.work / "warehouse.duckdb"
    if not database.exists():
        generate(args.work, TRAINING_FAMILIES, FIRST_MONTH, MONTH, seed=TRAINING_SEED)
        con = connect(database)
        load_landing(con, args.work / "landing", months_between(FIRST_MONTH, MONTH))
    else:
        con = connect(database)
    models = ROOT / "matching" / "models"
    old = sorted(models.glob("person-model-*.json"))
    path = train_model(con, MONTH, models, Settings())
    for stale in old:
        if stale != path:
            stale.unlink()
    print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
