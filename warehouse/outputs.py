"""The month's output files that come from matching and the rules (contracts/outputs.md), written atomically."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from warehouse.files import write_csv_atomic, write_text_atomic, write_xlsx_atomic

MATCHES_COLUMNS = ["source", "row_key", "eh_person_id", "eh_family_id", "match_probability", "match_weight",
                   "decision", "method", "model_version"]


def write_match_files(out: Path, matches: pd.DataFrame, clerical_queue: pd.DataFrame) -> None:
    ordered = matches.sort_values(["source", "row_key", "eh_person_id"], na_position="last")
    write_csv_atomic(ordered[MATCHES_COLUMNS], out / "matches.csv")
    write_csv_atomic(clerical_queue, out / "clerical_review.csv")
    write_xlsx_atomic({"clerical_review": clerical_queue}, out / "clerical_review.xlsx")


def write_programme_files(out: Path, month: str, frames: dict[str, pd.DataFrame]) -> None:
    """eligibility.csv, evidence.csv, progress.csv, drift_<month>.csv, employment_rag_<month>.csv (programme.html
    comes with the returns, after the month's claims)."""
    names = {
        "eligibility": "eligibility.csv",
        "evidence": "evidence.csv",
        "progress": "progress.csv",
        "drift": f"drift_{month}.csv",
        "employment_rag": f"employment_rag_{month}.csv",
    }
    for key, file_name in names.items():
        write_csv_atomic(frames[key], out / file_name)


def write_returns_files(out: Path, returns, programme_html: str) -> list[Path]:
    """The month's returns (programme.returns.Returns) into `out`, each file atomically: the claim as CSV and as
    XLSX (claim, summary and held-back sheets), the audit evidence, the NIS file and, in a quarter's last month,
    Family Progress Data; and programme.html. All the returns' file writing is here, so a caller can point `out` at a staging folder."""
    month, la = returns.month, returns.la_code
    written = [
        write_csv_atomic(returns.claim, out / f"pbr_claim_{la}_{month}.csv"),
        write_xlsx_atomic({"claim": returns.claim, "summary": returns.summary, "held_back": returns.held_back},
                          out / f"pbr_claim_{la}_{month}.xlsx", created=returns.created),
        write_csv_atomic(returns.audit, out / f"audit_evidence_{month}.csv"),
        write_csv_atomic(returns.nis, out / f"nis_{la}_{month}.csv"),
        write_text_atomic(programme_html, out / "programme.html"),
    ]
    if returns.family_progress is not None:
        written.append(write_csv_atomic(returns.family_progress, out / f"family_progress_{la}_{returns.quarter}.csv"))
    return written
