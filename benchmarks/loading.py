"""Benchmark loading: a large police extract against two peers, and a messy town loaded month by month.

    python benchmarks/loading.py [--rows 2700000] [--families 3000] [--work DIR] [--skip-large | --skip-town]

Large extract: writes a police CSV of `--rows` rows (2.7M rows is about 300 MB), then loads it in three fresh
subprocesses, each reporting its wall time and its own peak memory (getrusage maxrss):
  ours               sources.ingest.ingest_month + expectations.validate_month, as the extract asset runs them
  pandas_read_csv    pandas.read_csv(dtype=str) of the same file: reading only, no checks
  duckdb_read_csv    DuckDB read_csv(all_varchar) into a table of a fresh database: reading only, no checks
Town: `--families` Early Help families with the generator's mess rates doubled, on a seed no test uses, every
month loaded (all five sources, each validated): prints each month ok or FAILED and why.
Not a test: run by hand (`make benchmark-loading`); the figures go in the README.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

MONTH = "2016-03"
TOWN_SEED = 90417        # no test uses it
TOWN_MONTHS = ("2015-01", "2016-12")
CHILD_TIMEOUT_SECONDS = 3600
PEERS = ("ours", "pandas_read_csv", "duckdb_read_csv")


def write_police_extract(path: Path, rows: int, seed: int = 5) -> Path:
    """A police extract in the default layout: realistic widths, a few blanks, dates as dd/mm/yyyy."""
    from sources.police import LAYOUT

    rng = np.random.default_rng(seed)
    forenames = np.array(["Jack", "Mary", "Tom", "Zoë", "Aisha", "Łukasz", "Olivia", "Mohammed", "Sean", "Amy"])
    surnames = np.array(["Smith", "O'Neill", "Jones", "Smith-Jones", "Khan", "Nowak", "Brown", "Taylor"])
    streets = np.array(["High Street", "Park Road", "Mill Lane", "Church St", "Lincoln Road", "Bourges Blvd"])
    chunk = 500_000
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(",".join(LAYOUT.columns) + "\n")
        for start in range(0, rows, chunk):
            size = min(chunk, rows - start)
            numbers = np.arange(start, start + size)
            births = pd.Timestamp("1950-01-01") + pd.to_timedelta(rng.integers(0, 60 * 365, size), unit="D")
            incidents = pd.Timestamp("2016-03-01") + pd.to_timedelta(rng.integers(0, 31, size), unit="D")
            frame = pd.DataFrame({
                "incident_ref": [f"INC{n // 2:08d}" for n in numbers],
                "person_ref": [f"P{n:09d}" for n in numbers],
                "incident_date": incidents.strftime("%d/%m/%Y"),
                "incident_type": rng.choice(["crime", "asb", "domestic_abuse"], size),
                "person_role": rng.choice(["offender", "suspect", "victim", "witness"], size),
                "outcome": rng.choice(["charge", "caution", "no_further_action", ""], size),
                "forename": rng.choice(forenames, size),
                "surname": rng.choice(surnames, size),
                "date_of_birth": births.strftime("%d/%m/%Y"),
                "gender": rng.choice(["M", "F", "U"], size),
                "address": [f"{n % 200 + 1} {street}"
                            for n, street in zip(numbers, rng.choice(streets, size), strict=True)],
                "postcode": [f"PE{n % 9 + 1} {n % 10}{'ABDEFGHJ'[n % 8]}{'LNPQRSTU'[n % 7]}" for n in numbers],
                "pnc_id": np.where(rng.random(size) < 0.9, "", [f"{n % 99:02d}/{n:07d}X" for n in numbers]),
            }, columns=list(LAYOUT.columns))
            frame.to_csv(handle, header=False, index=False)
    return path


def _measure(peer: str, extract: Path, work: Path) -> dict:
    """Run in a fresh subprocess: load `extract` the peer's way; return seconds, peak memory and rows."""
    started = time.perf_counter()
    if peer == "ours":
        import warehouse
        from expectations import validate_month
        from settings import DataDir, Settings
        from sources.ingest import ingest_month

        paths = DataDir(work)
        folder = paths.landing_month(MONTH)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "police.csv").unlink(missing_ok=True)
        (folder / "police.csv").symlink_to(extract)
        con = warehouse.connect(paths.warehouse)
        load = ingest_month(con, paths, "police", MONTH, Settings())
        loaded = time.perf_counter()
        suite = validate_month(con, "police", MONTH, rows_read=load.rows_read,
                               rows_quarantined=load.rows_quarantined, settings=Settings())
        con.close()
        rows, detail = load.rows_loaded, (f"loaded in {loaded - started:.0f} s, validated in "
                                          f"{time.perf_counter() - loaded:.0f} s; quarantined {load.rows_quarantined}; "
                                          f"{suite.summary()}")
    elif peer == "pandas_read_csv":
        frame = pd.read_csv(extract, dtype=str, keep_default_na=False)
        rows, detail = len(frame), "read only"
    elif peer == "duckdb_read_csv":
        import duckdb

        con = duckdb.connect(str(work / "peer.duckdb"))
        con.execute("CREATE OR REPLACE TABLE police AS SELECT * FROM read_csv(?, all_varchar = true)", [str(extract)])
        rows, detail = con.execute("SELECT count(*) FROM police").fetchall()[0][0], "read only"
        con.close()
    else:
        raise ValueError(f"unknown peer {peer!r}")
    return {"peer": peer, "seconds": round(time.perf_counter() - started, 1), "peak_mib": round(_peak_kib() / 1024),
            "rows": int(rows), "detail": detail}


def _peak_kib() -> int:
    """This process's own peak resident memory. Not getrusage's maxrss: on Linux that keeps the parent's peak
    from before the exec, so every child would report at least what the file-writing parent held."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def large_extract(rows: int, work: Path, peers: tuple[str, ...] = PEERS) -> None:
    extract = work / "police_large.csv"
    if not extract.exists() or extract.stat().st_size == 0:
        started = time.perf_counter()
        write_police_extract(extract, rows)
        print(f"wrote {extract.name}: {rows:,} rows, {extract.stat().st_size / 2**20:.0f} MiB "
              f"in {time.perf_counter() - started:.0f} s", flush=True)
    size_mib = extract.stat().st_size / 2**20
    print(f"\n{'peer':<17} {'seconds':>8} {'peak MiB':>9} {'x file':>7} {'rows':>10}")
    results = {}
    for peer in peers:
        peer_work = work / peer
        peer_work.mkdir(exist_ok=True)
        done = subprocess.run([sys.executable, __file__, "_measure", peer, str(extract), str(peer_work)],
                              capture_output=True, text=True, timeout=CHILD_TIMEOUT_SECONDS, check=False)
        if done.returncode != 0:
            print(f"{peer:<17} failed: {done.stderr.strip().splitlines()[-1] if done.stderr else done.returncode}")
            continue
        result = json.loads(done.stdout.strip().splitlines()[-1])
        results[peer] = result
        print(f"{peer:<17} {result['seconds']:>8.1f} {result['peak_mib']:>9} {result['peak_mib'] / size_mib:>7.1f} "
              f"{result['rows']:>10,}", flush=True)
    if "ours" in results:
        print(f"ours: {results['ours']['detail']}")


def town(families: int, work: Path) -> None:
    import sample_data
    import warehouse
    from expectations import validate_month
    from settings import DataDir, Settings, months_between
    from sources import source_names
    from sources.ingest import ingest_month

    root = work / f"town-{families}"
    if not (root / "landing").is_dir():
        started = time.perf_counter()
        sample_data.generate(root, families, *TOWN_MONTHS, seed=TOWN_SEED, mess=sample_data.MessRates().scaled(2))
        print(f"\ngenerated a town of {families:,} families, mess rates doubled, seed {TOWN_SEED}, "
              f"in {time.perf_counter() - started:.0f} s", flush=True)
    paths, settings = DataDir(root), Settings()
    paths.warehouse.unlink(missing_ok=True)
    con = warehouse.connect(paths.warehouse)
    ok = failed = 0
    for month in months_between(*TOWN_MONTHS):
        started = time.perf_counter()
        problems = []
        for source in source_names():
            load = ingest_month(con, paths, source, month, settings)
            if load.failed:
                problems.append(f"{source}: {load.note}")
                continue
            suite = validate_month(con, source, month, rows_read=load.rows_read,
                                   rows_quarantined=load.rows_quarantined, settings=settings)
            problems += [f"{source}: {outcome.name}: {outcome.detail}" for outcome in suite.blocking_failures]
        ok, failed = ok + (not problems), failed + bool(problems)
        print(f"{month}  {'ok' if not problems else 'FAILED'}  {time.perf_counter() - started:5.1f}s"
              + "".join(f"\n    ! {problem}" for problem in problems), flush=True)
    con.close()
    print(f"months ok {ok}, failed {failed}")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_measure":
        print(json.dumps(_measure(sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]))))
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=2_700_000)
    parser.add_argument("--families", type=int, default=3_000)
    parser.add_argument("--peers", default=",".join(PEERS), help="which of the large-extract loaders to run")
    parser.add_argument("--work", type=Path, default=None, help="kept between runs when given (files are reused)")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--skip-large", action="store_true")
    which.add_argument("--skip-town", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cfam-loading-") as temporary:
        work = args.work or Path(temporary)
        work.mkdir(parents=True, exist_ok=True)
        if not args.skip_large:
            large_extract(args.rows, work, tuple(args.peers.split(",")))
        if not args.skip_town:
            town(args.families, work)


if __name__ == "__main__":
    main()
