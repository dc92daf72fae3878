"""The returns through Dagster, as `cfam run` and the UI run them: the self-dependent claims ledger, the blocking
check, a 24-month backfill with its claim and quarter months rerun, and the pseudonymisation setting's
configuration error."""

from __future__ import annotations

import dagster as dg
import pandas as pd
import pytest

import sample_data
import warehouse
from assets.returns import CLAIMS
from pipelines.cli import main
from pipelines.definitions import build_definitions
from pipelines.runner import run_month
from settings import PSEUDONYM_KEY_ENV, DataDir, months_between


def test_each_months_claims_depend_on_the_previous_months_ledger(tmp_path):
    graph = build_definitions(DataDir(tmp_path)).resolve_asset_graph()

    def parents(key: str) -> list[str]:
        subset = graph.get_parent_partition_keys_for_child(key, CLAIMS, CLAIMS).partitions_subset
        return list(subset.get_partition_keys())

    assert parents("2015-03-01") == ["2015-02-01"]
    assert parents("2015-01-01") == []                    # the first month has no ledger before it
    assert CLAIMS in graph.get(dg.AssetKey(["returns", "files"])).parent_keys


@pytest.mark.slow
def test_a_family_twice_in_the_ledger_blocks_the_claim_files(tmp_path):
    paths = DataDir(tmp_path)
    sample_data.generate(tmp_path, 20, "2015-01", "2015-01", seed=3)
    with warehouse.connect(paths.warehouse) as con:
        con.execute("CREATE SCHEMA IF NOT EXISTS programme")
        for month in ("2014-11", "2014-12"):
            con.execute("INSERT INTO programme.claims VALUES (?, 'FX', DATE '2014-01-31', 'continuous_employment', "
                        "DATE '2014-10-31', 800, 'v', NULL, 'by hand')", [month])
    run = run_month(paths, "2015-01", dg.DagsterInstance.ephemeral())
    assert not run.success
    assert any(problem.startswith("returns/claims: blocking check failed: 1 families are in the claims ledger")
               for problem in run.problems), run.problems
    assert "returns/files" not in run.metadata
    assert not list(paths.output("2015-01").glob("pbr_claim_*"))


def test_pseudonymisation_on_without_a_key_exits_2_before_anything_runs(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CFAM_DATA_DIR", str(tmp_path))
    monkeypatch.delenv(PSEUDONYM_KEY_ENV, raising=False)
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "settings.yaml").write_text("pseudonymise_refs: true\n", encoding="utf-8")
    assert main(["run", "--month", "2015-01"]) == 2
    assert PSEUDONYM_KEY_ENV in capsys.readouterr().err
    assert not (tmp_path / "warehouse").exists()


def _returns_files(paths: DataDir) -> dict[str, bytes]:
    names = ("pbr_claim_", "audit_evidence_", "nis_", "family_progress_")
    return {str(path.relative_to(paths.root)): path.read_bytes() for path in sorted(paths.root.glob("output/*/*"))
            if path.name.startswith(names)}


def _ledger(paths: DataDir) -> pd.DataFrame:
    with warehouse.connect(paths.warehouse) as con:
        return con.execute("SELECT * FROM programme.claims ORDER BY month, family_id").df()


@pytest.mark.slow
def test_a_24_month_backfill_then_its_claim_and_quarter_months_rerun_give_the_same_ledger_and_files(
        tmp_path, monkeypatch):
    monkeypatch.setenv(PSEUDONYM_KEY_ENV, "a council's secret")
    paths = DataDir(tmp_path)
    months = months_between("2015-01", "2016-12")
    sample_data.generate(tmp_path, 60, months[0], months[-1], seed=5)
    (tmp_path / "config").mkdir(exist_ok=True)
    (tmp_path / "config" / "settings.yaml").write_text("pseudonymise_refs: true\n", encoding="utf-8")
    instance = dg.DagsterInstance.ephemeral()
    for month in months:
        assert run_month(paths, month, instance).success, month
    ledger, files = _ledger(paths), _returns_files(paths)
    assert len(ledger) > 0 and ledger["family_id"].is_unique
    assert len([name for name in files if "family_progress_" in name]) == 8      # one per quarter
    # Rerun, latest first, every month that claimed (each now runs with later months' claims in the ledger: the
    # case that would claim a family twice) and every quarter's end (the Family Progress Data files). The other
    # months write the same kinds of file as these; the whole 24 again took 9 minutes of a 17-minute make test.
    quarter_ends = {month for month in months if int(month[-2:]) % 3 == 0}
    rerun = sorted(set(ledger["month"]) | quarter_ends, reverse=True)
    assert len(rerun) > len(quarter_ends)
    for month in rerun:
        assert run_month(paths, month, instance).success, month
    pd.testing.assert_frame_equal(_ledger(paths), ledger)
    assert _returns_files(paths) == files
    # Every claimed family is in its month's claim file only, under its pseudonymous reference.
    claimed = pd.concat(pd.read_csv(paths.output(m) / f"pbr_claim_874_{m}.csv", dtype=str) for m in months)
    assert claimed["family_ref"].is_unique and len(claimed) == len(ledger)
    assert not set(claimed["family_ref"]) & set(ledger["family_id"])


def test_cfam_run_prints_the_families_and_money_claimed(tmp_path, capsys):
    from pipelines.cli import _print_month
    from pipelines.runner import MonthRun

    metadata = {"returns/claims": {"families_claimed": 3, "amount_claimed_gbp": 2400, "families_held_back": 1,
                                   "families_claimed_to_date": 52, "amount_claimed_to_date_gbp": 41600}}
    _print_month(MonthRun("2015-09", True, 1.0, [], metadata), DataDir(tmp_path))
    printed = capsys.readouterr().out
    assert "claimed            3 families  £2,400  (held back 1; to date 52 families, £41,600)" in printed
