"""The monthly returns: the claims ledger (self-dependent: a month's claims depend on every earlier month's), a
blocking check that no family is claimed twice, and the month's claim, audit, NIS and Family Progress files."""

import dagster as dg

import programme
from programme.claims import (
    decide_claims,
    families_claimed_twice,
    ledger,
    record_claims,
)
from programme.refs import references
from programme.returns import ROUTES, build_returns
from runtime.partitions import monthly_partitions
from runtime.resources import CfamStore
from settings import parse_month
from warehouse.outputs import write_returns_files

CLAIMS = dg.AssetKey(["returns", "claims"])


@dg.asset(
    key=CLAIMS,
    group_name="returns",
    kinds={"duckdb"},
    partitions_def=monthly_partitions,
    pool="duckdb",
    deps=[dg.AssetKey(["programme", "outcomes"]),
          # The ledger of the month before: a backfill runs in order, and re-running a month marks later ones stale.
          dg.AssetDep(CLAIMS, partition_mapping=dg.TimeWindowPartitionMapping(start_offset=-1, end_offset=-1))],
    description="The claims ledger: the month's results claimed once per family, up to the commitment and the "
                "programme end; families past either are held back with the reason. Append-only.",
)
def claims(context: dg.AssetExecutionContext, cfam: CfamStore) -> dg.MaterializeResult:
    month = parse_month(context.partition_key)
    plan = programme.load_plan(cfam.paths.config / "outcomes_plan.yaml")
    with cfam.warehouse() as con:
        decided = decide_claims(con, month, plan)
        changed = record_claims(con, decided, context.run_id)
        to_date = ledger(con, through=month)
    metadata = {
        "families_claimed": len(decided.claims),
        **{f"families_claimed_{route}": int((decided.claims["result_route"] == route).sum()) for route in ROUTES},
        "amount_claimed_gbp": int(decided.claims["amount_gbp"].sum()),
        "families_held_back": len(decided.held_back),
        "families_claimed_to_date": len(to_date),
        "amount_claimed_to_date_gbp": int(to_date["amount_gbp"].sum()),
        "commitment_left_families": plan.money.commitment_families - len(to_date),
        "ledger_changed": changed,
    }
    return dg.MaterializeResult(metadata=metadata)


@dg.asset_check(asset=CLAIMS, name="no_family_claimed_twice", blocking=True,
                description="No family is in the claims ledger twice; when one is, the claim files are not written.")
def no_family_claimed_twice(cfam: CfamStore) -> dg.AssetCheckResult:
    with cfam.warehouse() as con:
        twice = families_claimed_twice(con)
    return dg.AssetCheckResult(passed=not twice, metadata={"families_claimed_twice": len(twice)},
                               description=f"{len(twice)} families are in the claims ledger more than once"
                               if twice else None)


@dg.asset(
    key=["returns", "files"],
    group_name="returns",
    kinds={"csv", "xlsx"},
    partitions_def=monthly_partitions,
    pool="duckdb",
    deps=[CLAIMS],
    description="`pbr_claim_LA_YYYY-MM.csv/.xlsx` (claim, summary, held back), `audit_evidence_YYYY-MM.csv`, "
                "`nis_LA_YYYY-MM.csv`, in a quarter's last month `family_progress_LA_YYYYQN.csv`, and "
                "programme.html (identified, attached, results and claims against the targets).",
)
def returns_files(context: dg.AssetExecutionContext, cfam: CfamStore) -> dg.MaterializeResult:
    month = parse_month(context.partition_key)
    settings = cfam.settings()
    plan = programme.load_plan(cfam.paths.config / "outcomes_plan.yaml")
    with cfam.warehouse() as con:
        returns = build_returns(con, decide_claims(con, month, plan), plan, settings.la_code, references(settings))
        html = programme.programme_html(con, month, plan)
    with cfam.month_files(month) as out:
        written = write_returns_files(out, returns, html)
    return dg.MaterializeResult(metadata={
        "files": len(written), "claim_rows": len(returns.claim), "audit_rows": len(returns.audit),
        "nis_people": len(returns.nis),
        "family_progress_rows": -1 if returns.family_progress is None else len(returns.family_progress)})


returns_assets = [claims, returns_files]
returns_checks = [no_family_claimed_twice]
