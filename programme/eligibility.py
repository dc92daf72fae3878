"""The six problems and eligibility at every month end, from the evidence (contracts/outcomes-plan.md)."""

from __future__ import annotations

from programme.family import Run

PROBLEMS = range(1, 7)
FLAG_COLUMNS = [f"problem_{n}" for n in PROBLEMS]


def build_history(run: Run) -> None:
    """`pg_history`: one row per family on the register at each month end, with its problem flags."""
    flags = ",\n".join(f"coalesce(bool_or(ev.problem = {n}), false) AS problem_{n}" for n in PROBLEMS)
    run.table("pg_history", f"""
        SELECT f.as_of, f.family_id, {flags},
               CAST(count(DISTINCT ev.problem) AS INTEGER) AS problems_count,
               count(DISTINCT ev.problem) >= $min_problems AS eligible
        FROM pg_families f
        LEFT JOIN pg_evidence ev ON ev.as_of = f.as_of AND ev.family_id = f.family_id
        GROUP BY f.as_of, f.family_id""", min_problems=run.plan.eligibility.min_problems)
    run.table("pg_first_eligible", """
        SELECT family_id, min(as_of) AS first_eligible_date FROM pg_history WHERE eligible GROUP BY family_id""")
