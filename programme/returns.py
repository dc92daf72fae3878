"""The month's returns (contracts/outputs.md) as frames, from the warehouse: the payment-by-results claim with its
summary and the families held back, the audit evidence behind each claim, the National Impact Study file and, in
a quarter's last month, Family Progress Data. The claims come from the ledger, so the files always agree with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb
import pandas as pd

from programme.claims import MonthClaims, ledger
from programme.eligibility import FLAG_COLUMNS
from programme.plan import OutcomesPlan
from programme.refs import References
from programme.reports import PROBLEM_NAMES
from settings import month_end, parse_month

CLAIM_FILE_COLUMNS = ["la_code", "family_ref", "attachment_date", "problems_at_attachment", "result_route",
                      "result_date", "claim_month", "amount_gbp"]
AUDIT_FILE_COLUMNS = ["family_ref", "problem", "problem_name", "kind", "source", "row_key", "record_date", "detail"]
NIS_COLUMNS = ["la_code", "family_ref", "person_ref", "forename", "surname", "date_of_birth", "gender", "postcode",
               "relation", "date_screened", "problems_met", "group", "support_start", "support_end", "upn",
               "school_urn", "nino", "pnc_id"]
ROUTES = ("significant_sustained_progress", "continuous_employment")


@dataclass(frozen=True)
class Returns:
    month: str
    la_code: str
    claim: pd.DataFrame
    summary: pd.DataFrame
    held_back: pd.DataFrame
    audit: pd.DataFrame
    nis: pd.DataFrame
    family_progress: pd.DataFrame | None      # only in a quarter's last month

    @property
    def created(self) -> datetime:
        """The files' as-of time (the month's last day), so a re-run writes the same bytes."""
        return datetime.combine(month_end(self.month), datetime.min.time())

    @property
    def quarter(self) -> str:
        year, month = self.month.split("-")
        return f"{year}Q{(int(month) - 1) // 3 + 1}"


def problem_list(flags: pd.Series) -> str:
    """'4 worklessness/financial exclusion; 5 domestic abuse' from a row's problem_1..6 flags."""
    return "; ".join(f"{n} {PROBLEM_NAMES[n]}" for n in range(1, 7) if bool(flags[f"problem_{n}"]))


def build_returns(con: duckdb.DuckDBPyConnection, decided: MonthClaims, plan: OutcomesPlan, la_code: str,
                  refs: References) -> Returns:
    month = parse_month(decided.month)
    to_date = ledger(con, through=month)
    this_month = to_date[to_date["month"] == month]
    attachments = con.execute(f"SELECT family_id, attached_month, {', '.join(FLAG_COLUMNS)} FROM programme.attachments "
                              "WHERE month = ? ORDER BY family_id", [month]).df()
    claim = _claim(this_month, attachments, month, la_code, refs)
    held_back = decided.held_back.assign(family_ref=decided.held_back["family_id"].map(refs.family)) \
        .drop(columns="family_id")[["family_ref", "attachment_date", "result_route", "result_date", "reason"]]
    return Returns(
        month=month, la_code=la_code, claim=claim,
        summary=_summary(this_month, to_date, attachments, decided, plan, month),
        held_back=held_back, audit=_audit(con, month, refs), nis=_nis(con, month, la_code, refs),
        family_progress=_family_progress(con, month, refs) if int(month[5:]) % 3 == 0 else None)


def _claim(this_month: pd.DataFrame, attachments: pd.DataFrame, month: str, la_code: str,
           refs: References) -> pd.DataFrame:
    problems = attachments.set_index("family_id").apply(problem_list, axis=1) if len(attachments) else pd.Series()
    claim = pd.DataFrame({
        "la_code": la_code, "family_ref": this_month["family_id"].map(refs.family),
        "attachment_date": this_month["attachment_date"],
        "problems_at_attachment": this_month["family_id"].map(problems),
        "result_route": this_month["result_route"], "result_date": this_month["result_date"],
        "claim_month": month, "amount_gbp": this_month["amount_gbp"].astype("int64")})
    return claim[CLAIM_FILE_COLUMNS].sort_values("family_ref").reset_index(drop=True)


def _summary(this_month: pd.DataFrame, to_date: pd.DataFrame, attachments: pd.DataFrame, decided: MonthClaims,
             plan: OutcomesPlan, month: str) -> pd.DataFrame:
    """measure, this_month, to_date: whole numbers (families or pounds)."""
    money = plan.money
    rows: list[tuple[str, int, int | None]] = []
    for route in ROUTES:
        rows.append((f"families claimed: {route}", int((this_month["result_route"] == route).sum()),
                     int((to_date["result_route"] == route).sum())))
    rows.append(("families claimed", len(this_month), len(to_date)))
    rows.append(("money claimed (GBP)", int(this_month["amount_gbp"].sum()), int(to_date["amount_gbp"].sum())))
    attached_now = int((attachments["attached_month"] == month).sum())
    rows.append(("families attached", attached_now, len(attachments)))
    rows.append(("attachment fees (GBP)", attached_now * money.attachment_fee_gbp,
                 len(attachments) * money.attachment_fee_gbp))
    rows.append(("commitment (families)", money.commitment_families, money.commitment_families))
    rows.append(("commitment left (families)", money.commitment_families - len(to_date),
                 money.commitment_families - len(to_date)))
    reasons = decided.held_back["reason"]
    rows.append(("families held back: past the commitment", int(reasons.str.startswith("past").sum()), None))
    rows.append(("families held back: after the programme end", int(reasons.str.startswith("result after").sum()),
                 None))
    summary = pd.DataFrame(rows, columns=["measure", "this_month", "to_date"])
    summary["to_date"] = summary["to_date"].astype("Int64")
    return summary


def _audit(con: duckdb.DuckDBPyConnection, month: str, refs: References) -> pd.DataFrame:
    audit = con.execute("""
        SELECT e.* EXCLUDE (month) FROM programme.result_evidence e
        JOIN programme.claims c ON c.family_id = e.family_id AND c.month = e.month
        WHERE e.month = ?
        ORDER BY e.family_id, e.kind, e.problem NULLS LAST, e.source, e.record_date, e.row_key NULLS FIRST, e.detail""",
                        [month]).df()
    audit["family_ref"] = audit["family_id"].map(refs.family)
    audit["problem"] = audit["problem"].astype("Int64")
    audit["problem_name"] = audit["problem"].map(lambda n: PROBLEM_NAMES.get(n, "") if pd.notna(n) else "")
    return audit[AUDIT_FILE_COLUMNS]


def _nis(con: duckdb.DuckDBPyConnection, month: str, la_code: str, refs: References) -> pd.DataFrame:
    """Every person of an attached family (intervention) and of an eligible family not attached (comparison),
    as on the latest Early Help snapshot holding the family."""
    flags = ", ".join(FLAG_COLUMNS)
    nis = con.execute(f"""
        WITH families AS (
            SELECT a.family_id, 'intervention' AS "group", a.attachment_date AS support_start,
                   h.first_eligible_date, {', '.join('a.' + f for f in FLAG_COLUMNS)}
            FROM programme.attachments a
            LEFT JOIN programme.eligibility_history h ON h.month = a.month AND h.family_id = a.family_id
            WHERE a.month = $m
            UNION ALL
            SELECT h.family_id, 'comparison', NULL, h.first_eligible_date, {', '.join('h.' + f for f in FLAG_COLUMNS)}
            FROM programme.eligibility_history h
            WHERE h.month = $m AND h.eligible
              AND h.family_id NOT IN (SELECT family_id FROM programme.attachments WHERE month = $m)),
        people AS (
            SELECT * FROM staging.early_help
            WHERE month <= $m AND snapshot_date <= $d AND family_id IN (SELECT family_id FROM families)
            QUALIFY dense_rank() OVER (PARTITION BY family_id ORDER BY snapshot_date DESC) = 1
                AND row_number() OVER (PARTITION BY family_id, person_id, snapshot_date ORDER BY month DESC) = 1),
        links AS (
            SELECT source, row_key, eh_person_id AS person_id FROM matching.matches
            WHERE month = $m AND decision IN ('auto_match', 'clerical_accept')),
        schools AS (
            SELECT l.person_id, arg_max(s.school_urn, s.term_end) AS school_urn
            FROM links l JOIN staging.school_attendance s ON l.source = 'school_attendance' AND s.row_key = l.row_key
            WHERE s.month <= $m AND s.school_urn IS NOT NULL GROUP BY l.person_id),
        pnc AS (
            SELECT l.person_id, arg_max(p.pnc_id, p.incident_date) AS pnc_id
            FROM links l JOIN staging.police p ON l.source = 'police' AND p.row_key = l.row_key
            WHERE p.month <= $m AND p.pnc_id IS NOT NULL GROUP BY l.person_id)
        SELECT f.family_id, p.person_id, p.forename, p.surname, p.date_of_birth, p.gender, p.postcode,
               p.role AS relation, f.first_eligible_date AS date_screened, {flags}, f."group", f.support_start,
               CASE WHEN f.support_start IS NOT NULL THEN p.eha_end_date END AS support_end,
               p.upn, s.school_urn, p.nino, n.pnc_id
        FROM families f JOIN people p USING (family_id)
        LEFT JOIN schools s USING (person_id) LEFT JOIN pnc n USING (person_id)
        ORDER BY f."group" DESC, f.family_id, p.person_id""", {"m": month, "d": month_end(month)}).df()
    nis["problems_met"] = nis.apply(problem_list, axis=1) if len(nis) else pd.Series(dtype=str)
    nis["la_code"] = la_code
    nis["family_ref"] = nis["family_id"].map(refs.family)
    nis["person_ref"] = nis["person_id"].map(refs.person)
    return nis[NIS_COLUMNS]


def _family_progress(con: duckdb.DuckDBPyConnection, month: str, refs: References) -> pd.DataFrame:
    """One row per attached family: problems at attachment, each problem's status this month, result and claim.
    References, flags and routes only: no personal data."""
    year, mon = month.split("-")
    quarter = f"{year}Q{(int(mon) - 1) // 3 + 1}"
    status = ", ".join(
        f"""CASE WHEN c.family_id IS NOT NULL AND c.month < $m THEN 'claimed'
                 WHEN bool_or(p.problem = {n} AND p.progress) THEN 'progress'
                 WHEN bool_or(p.problem = {n}) THEN 'no progress'
                 ELSE 'not a problem' END AS status_problem_{n}""" for n in range(1, 7))
    at_attachment = ", ".join(f"CASE WHEN a.problem_{n} THEN 'Y' ELSE 'N' END AS at_attachment_problem_{n}"
                              for n in range(1, 7))
    frame = con.execute(f"""
        SELECT a.family_id, $quarter AS quarter, {at_attachment}, {status},
               CASE WHEN coalesce(c.result_route, r.result_route) IS NOT NULL THEN 'Y' ELSE 'N' END AS result_achieved,
               coalesce(c.result_route, r.result_route) AS result_route,
               CASE WHEN c.family_id IS NOT NULL THEN 'Y' ELSE 'N' END AS claimed
        FROM programme.attachments a
        LEFT JOIN programme.progress p ON p.month = a.month AND p.family_id = a.family_id
        LEFT JOIN programme.results r ON r.month = a.month AND r.family_id = a.family_id
        LEFT JOIN programme.claims c ON c.family_id = a.family_id AND c.month <= $m
        WHERE a.month = $m
        GROUP BY a.family_id, {', '.join(f'a.problem_{n}' for n in range(1, 7))}, c.family_id, c.month,
                 c.result_route, r.result_route
        ORDER BY a.family_id""", {"m": month, "quarter": quarter}).df()
    frame.insert(0, "family_ref", frame.pop("family_id").map(refs.family))
    return frame.sort_values("family_ref").reset_index(drop=True)
