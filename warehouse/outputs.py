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


def write_programme_files(out: Path, month: str, frames: dict[str, pd.DataFrame], html: str) -> None:
    """eligibility.csv, evidence.csv, progress.csv, drift_<month>.csv, employment_rag_<month>.csv, programme.html."""
    names = {
        "eligibility": "eligibility.csv",
        "evidence": "evidence.csv",
        "progress": "progress.csv",
        "drift": f"drift_{month}.csv",
        "employment_rag": f"employment_rag_{month}.csv",
    }
    for key, file_name in names.items():
        write_csv_atomic(frames[key], out / file_name)
    write_text_atomic(html, out / "programme.html")
