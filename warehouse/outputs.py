"""The month's output files that come from matching and the rules (contracts/outputs.md), written atomically."""

from __future__ import annotations

import datetime
from pathlib import Path

import pandas as pd
import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from warehouse.files import XLSX_CREATED, _write_atomic, write_csv_atomic, write_text_atomic, write_xlsx_atomic

MATCHES_COLUMNS = ["source", "row_key", "eh_person_id", "eh_family_id", "match_probability", "match_weight",
                   "decision", "method", "model_version"]


def write_match_files(out: Path, matches: pd.DataFrame, review_sheet: pd.DataFrame) -> None:
    """matches.csv, and the analyst's review sheet (matching.review.review_sheet) as .csv and a workbook."""
    ordered = matches.sort_values(["source", "row_key", "eh_person_id"], na_position="last")
    write_csv_atomic(ordered[MATCHES_COLUMNS], out / "matches.csv")
    write_csv_atomic(review_sheet, out / "clerical_review.csv")
    _write_atomic(out / "clerical_review.xlsx", lambda target: write_review_workbook(review_sheet, target))


# The workbook a person works in: register and extract values side by side, agreeing pairs shaded green.
_AGREE_FILL = {"bg_color": "#C6EFCE", "font_color": "#006100"}
_MAX_WIDTH = 40


def write_review_workbook(sheet: pd.DataFrame, path: Path) -> None:
    """One sheet: frozen header, fitted widths, dates as dates, probabilities as percentages, agreeing fields
    marked, and drop-downs for the decision (accept/reject) and the date decided."""
    columns = list(sheet.columns)
    with xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False}) as book:
        book.set_properties({"created": XLSX_CREATED})  # not the clock: a re-run writes the same bytes
        page = book.add_worksheet("clerical_review")
        header = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7",
                                  "border": 1})
        formats = {"date": book.add_format({"num_format": "dd/mm/yyyy"}),
                   "percent": book.add_format({"num_format": "0.0%"}),
                   "text": book.add_format({"text_wrap": False}),
                   "fill_in": book.add_format({"bg_color": "#FFF2CC", "border": 1})}
        agree = book.add_format(_AGREE_FILL)
        widths = [len(column) for column in columns]
        for col, column in enumerate(columns):
            page.write_string(0, col, column, header)
        for row, record in enumerate(sheet.itertuples(index=False), start=1):
            for col, (column, value) in enumerate(zip(columns, record, strict=True)):
                fill_in = column in ("decision", "decided_by", "decided_on")
                if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "":
                    page.write_blank(row, col, None, formats["fill_in"] if fill_in else None)
                elif column == "match_probability":
                    page.write_number(row, col, float(value), formats["percent"])
                    widths[col] = max(widths[col], 6)
                elif isinstance(value, datetime.date):
                    page.write_datetime(row, col, datetime.datetime.combine(value, datetime.time()),
                                        formats["date"])
                    widths[col] = max(widths[col], 10)
                else:
                    page.write_string(row, col, str(value))
                    widths[col] = max(widths[col], len(str(value)))
        last = max(len(sheet), 1)
        for col, width in enumerate(widths):
            page.set_column(col, col, min(width + 2, _MAX_WIDTH))
        page.freeze_panes(1, 1)
        page.autofilter(0, 0, last, len(columns) - 1)
        page.set_row(0, 30)
        for col, column in enumerate(columns):     # register_x next to extract_x: shade both when they agree
            if (column.startswith("register_") and col + 1 < len(columns)
                    and columns[col + 1] == "extract_" + column[9:]):
                left, right = xl_col_to_name(col), xl_col_to_name(col + 1)
                page.conditional_format(1, col, last, col + 1, {
                    "type": "formula", "format": agree,
                    "criteria": f'=AND(${left}2<>"",TRIM(UPPER(${left}2))=TRIM(UPPER(${right}2)))'})
        if "decision" in columns:
            col = columns.index("decision")
            page.data_validation(1, col, last, col, {
                "validate": "list", "source": ["accept", "reject"], "input_title": "Decision",
                "input_message": "accept: the same person; reject: two people", "error_title": "Decision",
                "error_message": "Choose accept or reject (or leave blank)"})
        if "decided_on" in columns:
            col = columns.index("decided_on")
            page.set_column(col, col, 12, formats["date"])
            page.data_validation(1, col, last, col, {
                "validate": "date", "criteria": ">=", "value": datetime.date(2015, 1, 1),
                "error_message": "The date you decided, e.g. 01/12/2026"})


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
    Family Progress Data; and programme.html. All the returns' file writing is here, so a caller can point `out`
    at a staging folder."""
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
