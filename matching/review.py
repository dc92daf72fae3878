"""The senior analyst's clerical review: the sheet written each month and the decisions read back.

Written: one row per borderline pair, both records field by field in adjacent columns (register, extract),
the probability, the reason in plain English, and `decision`, `decided_by`, `decided_on` to fill in.
Read back: every `.xlsx` and `.csv` in `review/<YYYY-MM>/` for months up to the run month. A file with an
unknown review id, a bad value or a pair whose Early Help person is no longer on the register is refused as
a whole (the message names the file and the row, never a cell's content); the other files still apply.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from matching.match import review_id as pair_id
from matching.reasons import other_family_members_matched, plain_reasons
from settings import parse_month

FIELDS = ["forename", "surname", "date_of_birth", "gender", "postcode", "address"]
SIDES = ("register", "extract")
PAIR_COLUMNS = [f"{side}_{name}" for name in FIELDS for side in SIDES]
DATE_COLUMNS = ["register_date_of_birth", "extract_date_of_birth"]
FILL_IN = ["decision", "decided_by", "decided_on"]
SHEET_COLUMNS = ["review_id", "source", "row_key", "eh_person_id", "eh_family_id", "match_probability",
                 *PAIR_COLUMNS, "why_borderline", *FILL_IN]
DECISIONS = ("accept", "reject")
DECISION_COLUMNS = ["review_month", "review_file", "row_number", "review_id", "source", "row_key", "eh_person_id",
                    "decision", "decided_by", "decided_on"]


def review_sheet(queue: pd.DataFrame, matches: pd.DataFrame, model: dict[str, Any]) -> pd.DataFrame:
    """The clerical queue (match_month's, with eh_/src_ fields and mw_ weights) as the analyst's sheet."""
    sheet = queue.copy()
    for name in FIELDS:
        sheet[f"register_{name}"] = sheet[f"eh_{name}"]
        sheet[f"extract_{name}"] = sheet[f"src_{name}"]
    for column in DATE_COLUMNS:
        sheet[column] = pd.to_datetime(sheet[column], errors="coerce").dt.date
    sheet["why_borderline"] = plain_reasons(sheet, model, other_family_members_matched(sheet, matches))
    for column in FILL_IN:
        sheet[column] = ""
    return sheet.reindex(columns=SHEET_COLUMNS).reset_index(drop=True)


def queue_rows(sheet: pd.DataFrame, month: str) -> pd.DataFrame:
    """The pairs put to the analyst this month, for matching.review_queue (no personal data)."""
    return sheet[["review_id", "source", "row_key", "eh_person_id", "match_probability"]].assign(month=month)


@dataclass
class ReviewRead:
    decisions: pd.DataFrame                       # DECISION_COLUMNS, one row per pair, the latest decision
    problems: list[str] = field(default_factory=list)   # one per refused file: file, row, column, never a value
    files_read: int = 0
    files_refused: int = 0

    def for_matching(self) -> pd.DataFrame:
        """source, row_key, eh_person_id, decision, month: what matching.match_month takes."""
        return self.decisions.rename(columns={"review_month": "month"})[
            ["source", "row_key", "eh_person_id", "decision", "month"]]


class _FileRefused(ValueError):
    pass


def _read_table(path: Path) -> pd.DataFrame:
    if path.suffix.lower() == ".xlsx":
        frame = pd.read_excel(path, dtype=object)
    else:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame.columns = [str(column).strip().lower() for column in frame.columns]
    return frame


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return ""
    return str(value).strip()


def _date(value: Any) -> date | None:
    if value is pd.NaT:
        return None
    if isinstance(value, datetime):   # a date cell of the workbook (pandas Timestamps are datetimes too)
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _read_file(path: Path, review_month: str, known: pd.DataFrame, register: set[str]) -> pd.DataFrame:
    frame = _read_table(path)
    has_pair = {"source", "row_key", "eh_person_id"} <= set(frame.columns)
    missing = [column for column in ("decision", "decided_by", "decided_on") if column not in frame.columns]
    if "review_id" not in frame.columns and not has_pair:
        missing.insert(0, "review_id")
    if missing:
        raise _FileRefused(f"{path}: missing column(s) {', '.join(missing)}")
    by_id = known.drop_duplicates("review_id").set_index("review_id")
    rows = []
    for number, record in enumerate(frame.to_dict("records"), start=1):
        decision = _text(record.get("decision")).lower()
        if not decision:
            continue
        where = f"{path}: data row {number}"
        if decision not in DECISIONS:
            raise _FileRefused(f"{where}, column decision: must be accept, reject or blank")
        review_id = _text(record.get("review_id"))
        if not review_id and has_pair:
            review_id = pair_id(_text(record["source"]), _text(record["row_key"]), _text(record["eh_person_id"]))
        if review_id not in by_id.index:
            raise _FileRefused(f"{where}, column review_id: not a pair put to review")
        pair = by_id.loc[review_id]
        if has_pair and any(_text(record[column]) not in ("", pair[column])
                            for column in ("source", "row_key", "eh_person_id")):
            raise _FileRefused(f"{where}: source, row_key or eh_person_id differ from the review id's pair")
        if pair["eh_person_id"] not in register:
            raise _FileRefused(f"{where}: the Early Help person is no longer on the register")
        decided_by = _text(record.get("decided_by"))
        if not decided_by:
            raise _FileRefused(f"{where}, column decided_by: say who decided")
        decided_on = _date(record.get("decided_on"))
        if decided_on is None:
            raise _FileRefused(f"{where}, column decided_on: a date (YYYY-MM-DD or DD/MM/YYYY)")
        rows.append({"review_month": review_month, "review_file": path.name, "row_number": number,
                     "review_id": review_id, "source": pair["source"], "row_key": pair["row_key"],
                     "eh_person_id": pair["eh_person_id"], "decision": decision, "decided_by": decided_by,
                     "decided_on": decided_on})
    return pd.DataFrame(rows, columns=DECISION_COLUMNS)


def review_files(review_root: Path, up_to_month: str) -> list[tuple[str, Path]]:
    """(month, file) of every workbook or CSV in review/<YYYY-MM>/ up to the month, oldest first."""
    found = []
    root = Path(review_root)
    for folder in sorted(root.iterdir()) if root.is_dir() else []:
        try:
            month = parse_month(folder.name)
        except ValueError:
            continue
        if not folder.is_dir() or month > parse_month(up_to_month):
            continue
        for path in sorted(folder.iterdir()):
            if (path.is_file() and path.suffix.lower() in (".csv", ".xlsx")
                    and not path.name.startswith((".", "~$"))):   # ~$: the lock file Excel leaves
                found.append((month, path))
    return found


def read_reviews(review_root: Path, up_to_month: str, known: pd.DataFrame, register: set[str]) -> ReviewRead:
    """Decisions from review/<YYYY-MM>/ up to the month; for one pair a later month (then file) wins.

    known: review_id, source, row_key, eh_person_id of every pair put to review so far.
    register: the Early Help person ids on the register as of the run month.
    """
    result = ReviewRead(pd.DataFrame(columns=DECISION_COLUMNS))
    frames = []
    for month, path in review_files(review_root, up_to_month):
        result.files_read += 1
        try:
            frames.append(_read_file(path, month, known, register))
        except _FileRefused as refused:
            result.files_refused += 1
            result.problems.append(f"{refused} (nothing in this file was applied)")
    frames = [frame for frame in frames if len(frame)]
    if frames:
        decided = pd.concat(frames, ignore_index=True)
        result.decisions = decided.drop_duplicates("review_id", keep="last").reset_index(drop=True)
    return result


def review_context(con: duckdb.DuckDBPyConnection, month: str) -> tuple[pd.DataFrame, set[str]]:
    """(every pair put to review up to the month, the Early Help person ids on the register as of the month)."""
    known = con.execute("SELECT review_id, source, row_key, eh_person_id FROM matching.review_queue "
                        "WHERE month <= ? ORDER BY month", [month]).df()
    register = {row[0] for row in con.execute(
        "SELECT person_id FROM staging.early_help WHERE month = "
        "(SELECT max(month) FROM staging.early_help WHERE month <= ?)", [month]).fetchall()}
    return known, register
