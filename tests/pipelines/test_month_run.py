"""A month materialised in-process through the Dagster job, as `cfam run` and the UI do."""

import dagster as dg
import pandas as pd
import pytest

import sample_data
import warehouse
from pipelines.runner import run_month
from settings import DataDir

MONTH = "2015-04"  # a month with a school term file, so every source lands
MONTH_FILES = ["load_summary.csv", "quarantine.csv", "matches.csv", "clerical_review.csv", "clerical_review.xlsx",
               "match_quality.html", "index.html",
               "eligibility.csv", "evidence.csv", "progress.csv", f"drift_{MONTH}.csv",
               f"employment_rag_{MONTH}.csv", "programme.html",
               # the returns (no Family Progress Data: April is not a quarter's last month)
               f"pbr_claim_874_{MONTH}.csv", f"pbr_claim_874_{MONTH}.xlsx", f"audit_evidence_{MONTH}.csv",
               f"nis_874_{MONTH}.csv"]


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    root = tmp_path_factory.mktemp("town")
    sample_data.generate(root, 40, "2015-03", MONTH, seed=7)
    return DataDir(root)


def _tables(paths: DataDir) -> dict[str, pd.DataFrame]:
    with warehouse.connect(paths.warehouse) as con:
        return {table: con.execute(f"SELECT * FROM {table} WHERE month = ? ORDER BY ALL", [MONTH]).df()
                for table in ("staging.police", "staging.dwp", "ops.quarantine", "ops.load_summary",
                              "matching.matches")}


@pytest.mark.slow
def test_a_month_runs_through_dagster_and_a_rerun_changes_nothing(town):
    instance = dg.DagsterInstance.ephemeral()
    first = run_month(town, MONTH, instance)
    assert first.success, first.problems
    out = town.output(MONTH)
    assert sorted(path.name for path in out.iterdir()) == sorted(MONTH_FILES)
    assert set(first.metadata) >= {"staging/police", "staging/early_help", "matching/matches", "programme/outcomes",
                                    "returns/claims", "returns/files"}
    checks = [run for run in instance.get_runs()][0]
    assert checks.is_success

    tables_before = _tables(town)
    files_before = {name: (out / name).read_bytes() for name in MONTH_FILES if name.endswith(".csv")}
    assert len(tables_before["matching.matches"]) > 0

    second = run_month(town, MONTH, instance)
    assert second.success, second.problems
    for table, frame in _tables(town).items():
        pd.testing.assert_frame_equal(frame, tables_before[table], check_dtype=False, obj=table)
    for name, content in files_before.items():
        assert (out / name).read_bytes() == content, name


def test_a_failed_blocking_check_stops_matching_and_says_why(tmp_path):
    paths = DataDir(tmp_path)
    folder = paths.landing_month("2015-02")
    folder.mkdir(parents=True)
    header = ("incident_ref,person_ref,incident_date,incident_type,person_role,outcome,forename,surname,"
              "date_of_birth,gender,address,postcode,pnc_id\n")
    rows = [f"INC{n},P{n},not a date,crime,offender,charge,Jo,Bloggs,01/01/1990,M,1 Main St,PE1 1AA,\n"
            for n in range(8)]
    rows.append("INC9,P9,01/02/2015,crime,offender,charge,Jo,Bloggs,01/01/1990,M,1 Main St,PE1 1AA,\n")
    (folder / "police.csv").write_text(header + "".join(rows), encoding="utf-8")

    run = run_month(paths, "2015-02", dg.DagsterInstance.ephemeral())
    assert not run.success
    assert any(problem.startswith("staging/police: blocking check failed") for problem in run.problems)
    assert "matching/matches" not in run.metadata and "programme/outcomes" not in run.metadata
    # The co-ordinator still gets the quarantine file to send back to the partner.
    quarantine = pd.read_csv(paths.output("2015-02") / "quarantine.csv")
    assert len(quarantine) == 8 and set(quarantine["column"]) == {"incident_date"}
    page = (paths.output("2015-02") / "index.html").read_text(encoding="utf-8")
    assert "blocking check failed" in page and "quarantine.csv" in page
