"""Generated towns loaded into a warehouse, shared by the benchmarks (cached: generated and loaded once)."""

from __future__ import annotations

import time
from pathlib import Path

SAMPLE_SEED = 7   # the sample town; the shipped model is trained on it


def prepare_town(folder: Path, families: int, first_month: str, last_month: str, *, data: str = "sample",
                 label: str = "") -> Path:
    """Generate a town (`data`: the sample, held-out or development seed) of `families` Early Help families for
    first_month..last_month and load every month into folder/warehouse.duckdb, once; return the warehouse path
    (the generator's truth is in folder/truth)."""
    from benchmarks.evaluate import load_landing
    from benchmarks.heldout import DEV_MESS, DEV_SEED, HELD_OUT_MESS, HELD_OUT_SEED
    from sample_data import MessRates, generate
    from settings import months_between
    from warehouse import connect

    database = folder / "warehouse.duckdb"
    if database.exists():
        return database
    started = time.perf_counter()
    seed, mess = {"sample": (SAMPLE_SEED, MessRates()), "heldout": (HELD_OUT_SEED, HELD_OUT_MESS),
                  "dev": (DEV_SEED, DEV_MESS)}[data]
    generate(folder, families, first_month, last_month, seed=seed, mess=mess)
    generated = time.perf_counter()
    partial = database.with_name("warehouse.loading.duckdb")   # a crash leaves no warehouse that looks finished
    partial.unlink(missing_ok=True)
    con = connect(partial)
    load_landing(con, folder / "landing", months_between(first_month, last_month))
    con.close()
    partial.rename(database)
    print(f"{label or folder.name}: generated in {generated - started:.0f} s, "
          f"loaded in {time.perf_counter() - generated:.0f} s", flush=True)
    return database
