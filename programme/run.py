"""One month of the programme rules: eligibility with its evidence, attachment, progress, continuous employment,
the drift list and the employment RAG list; the programme tables keep what later months need."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from programme.attachment import build_attachments
from programme.audit import AUDIT_COLUMNS, result_evidence
from programme.eligibility import FLAG_COLUMNS, build_history
from programme.employment import build_employment
from programme.family import Run, prepare
from programme.indicators import build_evidence
from programme.plan import OutcomesPlan
from programme.progress import build_progress
from programme.reports import drift_frame, employment_rag_frame
from settings import parse_month
from warehouse import replace_month

ELIGIBILITY_COLUMNS = ["family_id", "as_of", *FLAG_COLUMNS, "problems_count", "eligible", "attached",
                       "attachment_date"]
EVIDENCE_COLUMNS = ["family_id", "problem", "indicator", "source", "row_key", "record_date", "person_id"]
PROGRESS_COLUMNS = ["family_id", "attachment_date", "problem", "at_attachment", "progress", "measure_details",
                    "continuous_employment", "wait_over", "family_progress", "result_route", "result_date"]
DRIFT_COLUMNS = ["lead_professional", "lead_agency", "family_id", "problem", "months_since_attachment",
                 "what_is_missing"]
RAG_COLUMNS = ["person_ref", "family_id", "rag", "weeks_in_work"]


@dataclass(frozen=True)
class ProgrammeResult:
    eligibility: pd.DataFrame
    evidence: pd.DataFrame
    progress: pd.DataFrame
    drift: pd.DataFrame
    employment_rag: pd.DataFrame
    stats: dict[str, int]
    # The records behind each attached family's problems at attachment (for the claim's audit evidence).
    attachment_evidence: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=EVIDENCE_COLUMNS))
    # The records behind each result of the month (programme/audit.py), for the claim's audit evidence.
    result_evidence: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=AUDIT_COLUMNS))


def run_month(con: duckdb.DuckDBPyConnection, month: str, plan: OutcomesPlan,
              claimed: Mapping[str, str] | None = None) -> ProgrammeResult:
    """Apply the plan as of the last day of `month`. `claimed` maps family_id → claim month (from the claims
    ledger): a family claimed in an earlier month has left the programme and gets no progress rows."""
    run = Run(con, parse_month(month), plan)
    if not prepare(run):
        _persist(run, *(pd.DataFrame() for _ in range(6)))
        return _empty_result()
    build_evidence(run)
    build_history(run)
    build_attachments(run)
    build_employment(run)
    build_progress(run)

    eligibility = _eligibility(run)
    evidence = run.frame(f"SELECT {', '.join(EVIDENCE_COLUMNS)} FROM pg_evidence WHERE as_of = $d "
                         "ORDER BY family_id, problem, indicator, row_key, record_date, person_id")
    attachment_evidence = run.frame(f"""
        SELECT {', '.join('ev.' + c for c in EVIDENCE_COLUMNS)}, a.attachment_date FROM pg_evidence ev
        JOIN pg_attached a ON a.family_id = ev.family_id AND a.attachment_date = ev.as_of
        ORDER BY ev.family_id, ev.problem, ev.indicator, ev.row_key, ev.record_date, ev.person_id""")
    left = {family for family, claim_month in (claimed or {}).items() if claim_month < run.month}
    progress = _progress(run)
    progress = progress[~progress["family_id"].isin(left)].reset_index(drop=True)
    drift = drift_frame(run)
    drift = drift[~drift["family_id"].isin(left)].reset_index(drop=True)
    rag = employment_rag_frame(run)
    rag = rag[~rag["family_id"].isin(left)].reset_index(drop=True)
    results = progress.loc[progress["result_route"].notna(),
                           ["family_id", "attachment_date", "result_route", "result_date"]].drop_duplicates()
    audit = result_evidence(run, sorted(results["family_id"]))
    _persist(run, eligibility, run.frame("SELECT * FROM pg_attached"), results, progress, audit, drift)
    stats = _stats(run, eligibility, evidence, progress, results, drift, rag)
    return ProgrammeResult(eligibility, evidence, progress, drift, rag, stats, attachment_evidence, audit)


def _eligibility(run: Run) -> pd.DataFrame:
    return run.frame(f"""
        SELECT h.family_id, h.as_of, {', '.join('h.' + c for c in FLAG_COLUMNS)}, h.problems_count, h.eligible,
               a.family_id IS NOT NULL AS attached, a.attachment_date, f.first_eligible_date
        FROM pg_history h
        LEFT JOIN pg_attached a USING (family_id)
        LEFT JOIN pg_first_eligible f USING (family_id)
        WHERE h.as_of = $d ORDER BY h.family_id""")


def _progress(run: Run) -> pd.DataFrame:
    frame = run.frame("""
        SELECT p.family_id, p.attachment_date, p.problem,
               CASE WHEN p.at_attachment THEN 'Y' ELSE 'N' END AS at_attachment,
               CASE WHEN p.progress THEN 'Y' ELSE 'N' END AS progress,
               p.details AS measure_details,
               CASE WHEN r.continuous_employment THEN 'Y' ELSE 'N' END AS continuous_employment,
               CASE WHEN r.wait_over THEN 'Y' ELSE 'N' END AS wait_over,
               CASE WHEN r.family_progress THEN 'Y' ELSE 'N' END AS family_progress,
               -- both results in one month: the route is significant and sustained progress
               CASE WHEN r.wait_over AND r.family_progress THEN 'significant_sustained_progress'
                    WHEN r.continuous_employment THEN 'continuous_employment' END AS result_route
        FROM pg_progress p JOIN pg_results r USING (family_id, attachment_date)
        ORDER BY p.family_id, p.problem""")
    frame["result_date"] = frame["result_route"].map(lambda route: run.as_of if isinstance(route, str) else None)
    return frame[PROGRESS_COLUMNS]


def _persist(run: Run, eligibility: pd.DataFrame, attached: pd.DataFrame, results: pd.DataFrame,
             progress: pd.DataFrame, audit: pd.DataFrame, drift: pd.DataFrame) -> None:
    """Replace the run month's rows of the programme tables: a re-run never duplicates."""
    history = eligibility.drop(columns=["attached", "attachment_date"], errors="ignore").assign(month=run.month)
    replace_month(run.con, "programme.eligibility_history", run.month, history)
    if len(attached):
        attached = attached.assign(month=run.month,
                                   attached_month=pd.to_datetime(attached["attachment_date"]).dt.strftime("%Y-%m"))
    replace_month(run.con, "programme.attachments", run.month, attached)
    replace_month(run.con, "programme.results", run.month, results.assign(month=run.month))
    if len(progress):
        progress = progress[["family_id", "problem"]].assign(at_attachment=progress["at_attachment"] == "Y",
                                                             progress=progress["progress"] == "Y")
        replace_month(run.con, "programme.progress", run.month, progress.assign(month=run.month))
    else:
        replace_month(run.con, "programme.progress", run.month, pd.DataFrame())
    replace_month(run.con, "programme.result_evidence", run.month, audit.assign(month=run.month))
    replace_month(run.con, "programme.drift", run.month, drift.assign(month=run.month))


def _stats(run: Run, eligibility: pd.DataFrame, evidence: pd.DataFrame, progress: pd.DataFrame,
           results: pd.DataFrame, drift: pd.DataFrame, rag: pd.DataFrame) -> dict[str, int]:
    attached_dates = pd.to_datetime(eligibility.loc[eligibility["attached"], "attachment_date"])
    routes = results["result_route"].value_counts()
    return {
        "families": len(eligibility),
        "families_eligible": int(eligibility["eligible"].sum()),
        "families_attached": int(run.frame("SELECT count(*) AS n FROM pg_attached")["n"].iloc[0]),
        "families_attached_this_month": int((attached_dates.dt.date == run.as_of).sum()),
        "families_eligible_not_attached": int((eligibility["eligible"] & ~eligibility["attached"]).sum()),
        "families_showing_progress": int(routes.get("significant_sustained_progress", 0)),
        "families_continuous_employment": int(routes.get("continuous_employment", 0)),
        "families_with_result": len(results),
        "evidence_rows": len(evidence),
        "progress_rows": len(progress),
        "drift_rows": len(drift),
        "adults_red": int((rag["rag"] == "red").sum()),
    }


def _empty_result() -> ProgrammeResult:
    return ProgrammeResult(
        eligibility=pd.DataFrame(columns=ELIGIBILITY_COLUMNS), evidence=pd.DataFrame(columns=EVIDENCE_COLUMNS),
        progress=pd.DataFrame(columns=PROGRESS_COLUMNS), drift=pd.DataFrame(columns=DRIFT_COLUMNS),
        employment_rag=pd.DataFrame(columns=RAG_COLUMNS),
        stats=dict.fromkeys(["families", "families_eligible", "families_attached", "families_with_result"], 0))
