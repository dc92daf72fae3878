"""The claims ledger (contracts/outcomes-plan.md, Claims): which of the month's results are claimed, which are held
back (past the commitment or after the programme end) and why, and the append-only ledger write.

A month's claims depend only on its results and the ledger of earlier months, so re-running a month gives the same
claims; the ledger keeps a month's rows untouched when a re-run claims the same, and never writes a family that is
in the ledger in another month (a double claim is refused, not merely unlikely).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import duckdb
import pandas as pd

from programme.plan import OutcomesPlan
from settings import parse_month
from warehouse.db import registered

CLAIM_COLUMNS = ["family_id", "attachment_date", "result_route", "result_date", "amount_gbp", "plan_version",
                 "model_version"]
HELD_BACK_COLUMNS = ["family_id", "attachment_date", "result_route", "result_date", "reason"]


class DoubleClaimError(RuntimeError):
    """A claim for a family already in the ledger in another month; the message gives pseudonymous ids only."""


@dataclass(frozen=True)
class MonthClaims:
    month: str
    claims: pd.DataFrame       # CLAIM_COLUMNS, one row per family claimed this month
    held_back: pd.DataFrame    # HELD_BACK_COLUMNS, results not claimed and why


def plan_version(plan: OutcomesPlan) -> str:
    """A short fingerprint of the plan's settings: the same settings give the same version."""
    return hashlib.sha256(plan.model_dump_json().encode("utf-8")).hexdigest()[:12]


def model_version(con: duckdb.DuckDBPyConnection, month: str) -> str | None:
    """The matching model version behind the month's matches (None when the month has none)."""
    return con.execute("SELECT max(model_version) FROM matching.matches WHERE month = ?", [month]).fetchall()[0][0]


def claimed_before(con: duckdb.DuckDBPyConnection, month: str) -> dict[str, str]:
    """family_id → claim month, for the ledger's months before `month`: these families have left the programme."""
    rows = con.execute("SELECT family_id, month FROM programme.claims WHERE month < ? ORDER BY family_id",
                       [parse_month(month)]).fetchall()
    return dict(rows)


def decide_claims(con: duckdb.DuckDBPyConnection, month: str, plan: OutcomesPlan) -> MonthClaims:
    """The month's results (programme.results, written by programme.run_month) split into claims and held back.

    Families already claimed in an earlier month are never claimed again. The commitment counts the families
    claimed in earlier months; within a month families are taken in family_id order, so the split is stable.
    """
    month = parse_month(month)
    money = plan.money
    results = con.execute("""
        SELECT r.family_id, r.attachment_date, r.result_route, r.result_date FROM programme.results r
        WHERE r.month = $m AND r.family_id NOT IN (SELECT family_id FROM programme.claims WHERE month < $m)
        ORDER BY r.family_id""", {"m": month}).df()
    already = con.execute("SELECT count(*) FROM programme.claims WHERE month < ?", [month]).fetchall()[0][0]
    after_end = pd.to_datetime(results["result_date"]).dt.date > money.programme_end
    in_time = results[~after_end]
    room = max(0, money.commitment_families - already)
    claims, over_cap = in_time.iloc[:room], in_time.iloc[room:]
    held_back = pd.concat([
        results[after_end].assign(reason=f"result after the programme end ({money.programme_end.isoformat()})"),
        over_cap.assign(reason=f"past the commitment of {money.commitment_families:,} families"),
    ]).sort_values("family_id").reset_index(drop=True)
    claims = claims.assign(amount_gbp=int(money.result_fee_gbp), plan_version=plan_version(plan),
                           model_version=model_version(con, month)).reset_index(drop=True)
    claims["amount_gbp"] = claims["amount_gbp"].astype("int64")
    return MonthClaims(month, claims[CLAIM_COLUMNS], held_back.reindex(columns=HELD_BACK_COLUMNS))


def record_claims(con: duckdb.DuckDBPyConnection, decided: MonthClaims, run_id: str) -> bool:
    """Write the month's claims to the ledger in one transaction; True when the ledger changed.

    Rows of other months are never touched. When the month's rows already hold exactly these claims they are kept
    as they are (with the run that first wrote them). A family in the ledger in another month is refused.
    """
    month = decided.month
    with registered(con, "pg_new_claims", decided.claims):
        con.execute("BEGIN TRANSACTION")
        try:
            existing = con.execute(f"SELECT {', '.join(CLAIM_COLUMNS)} FROM programme.claims WHERE month = ? "
                                   "ORDER BY family_id", [month]).df()
            if _same_claims(existing, decided.claims):
                con.execute("COMMIT")
                return False
            count, first = con.execute("""
                SELECT count(*), min(c.family_id) FROM programme.claims c JOIN pg_new_claims n USING (family_id)
                WHERE c.month <> ?""", [month]).fetchall()[0]
            if count:
                raise DoubleClaimError(f"{month}: {count} families are already in the claims ledger in another "
                                       f"month (first: {first}); run the months in order")
            con.execute("DELETE FROM programme.claims WHERE month = ?", [month])
            con.execute(f"""INSERT INTO programme.claims (month, {', '.join(CLAIM_COLUMNS)}, run_id)
                            SELECT ?, {', '.join(CLAIM_COLUMNS)}, ? FROM pg_new_claims""", [month, run_id])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return True


def families_claimed_twice(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Families the ledger holds in more than one row (always empty unless the ledger was edited by hand)."""
    rows = con.execute("SELECT family_id FROM programme.claims GROUP BY family_id HAVING count(*) > 1 "
                       "ORDER BY family_id").fetchall()
    return [row[0] for row in rows]


def ledger(con: duckdb.DuckDBPyConnection, through: str | None = None) -> pd.DataFrame:
    """The ledger's rows (up to and including the month `through`), by month and family."""
    return con.execute("SELECT * FROM programme.claims WHERE $through IS NULL OR month <= $through "
                       "ORDER BY month, family_id", {"through": through}).df()


def _same_claims(existing: pd.DataFrame, claims: pd.DataFrame) -> bool:
    if len(existing) != len(claims):
        return False

    def rows(frame: pd.DataFrame) -> list[tuple]:
        return [tuple(str(value) for value in row) for row in frame[CLAIM_COLUMNS].itertuples(index=False)]
    return rows(existing) == rows(claims)



def totals_to_date(con: duckdb.DuckDBPyConnection, plan: OutcomesPlan) -> list[str]:
    """Lines for the terminal: families and money claimed to date, by route, against the commitment."""
    claimed = ledger(con)
    money = int(claimed["amount_gbp"].sum())
    commitment = plan.money.commitment_families
    lines = [(f"Claimed to date: {len(claimed):,} families, £{money:,}, of a commitment of {commitment:,} families "
              f"({commitment - len(claimed):,} left)")]
    for route, group in claimed.groupby("result_route"):
        lines.append(f"    {route:<31} {len(group):>5,} families  £{int(group['amount_gbp'].sum()):,}")
    return lines
