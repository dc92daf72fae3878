"""The month's management reports: the drift list for lead professionals, the employment advisers' RAG list and
programme.html (identified, attached and results by month against the targets). Counts and references only."""

from __future__ import annotations

from html import escape
from typing import Any

import duckdb
import pandas as pd

from programme.family import Run
from programme.plan import OutcomesPlan
from settings import month_end, months_between, parse_month

PROBLEM_NAMES = {1: "crime/ASB", 2: "school", 3: "children who need help", 4: "worklessness/financial exclusion",
                 5: "domestic abuse", 6: "health"}
# eligibility.csv's flag columns: the contract's problem_1..6 with the problem's name after the number.
FLAG_FILE_COLUMNS = {"problem_1": "problem_1_crime_asb", "problem_2": "problem_2_school",
                     "problem_3": "problem_3_children_who_need_help",
                     "problem_4": "problem_4_worklessness_financial_exclusion", "problem_5": "problem_5_domestic_abuse",
                     "problem_6": "problem_6_health"}


def named_problems(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame for a person to read: problem flags named, and a problem_name after each `problem` number."""
    frame = frame.rename(columns=FLAG_FILE_COLUMNS)
    if "problem" in frame.columns:
        frame.insert(frame.columns.get_loc("problem") + 1, "problem_name",
                     frame["problem"].map(lambda n: PROBLEM_NAMES.get(int(n), "") if pd.notna(n) else ""))
    return frame


def drift_frame(run: Run) -> pd.DataFrame:
    """Attached families past the 6-month wait with a problem whose progress measure does not hold, by lead
    professional (inside the wait a measure not yet holding is expected, not drift)."""
    frame = run.frame("""
        SELECT l.lead_professional, l.lead_agency, p.family_id, p.problem,
               CAST(date_diff('month', p.attachment_date, $d) AS INTEGER) AS months_since_attachment,
               p.details AS what_is_missing
        FROM pg_progress p
        JOIN pg_results r ON r.family_id = p.family_id AND r.wait_over   -- families in the 6-month wait: not yet
        LEFT JOIN (SELECT family_id, max(lead_professional) AS lead_professional, max(lead_agency) AS lead_agency
                   FROM pg_members WHERE as_of = $d GROUP BY family_id) l ON l.family_id = p.family_id
        WHERE NOT p.progress
        ORDER BY l.lead_professional NULLS LAST, p.family_id, p.problem""")
    frame["what_is_missing"] = [f"{PROBLEM_NAMES[problem]}: {details}"
                                for problem, details in zip(frame["problem"], frame["what_is_missing"], strict=True)]
    return frame


def employment_rag_frame(run: Run) -> pd.DataFrame:
    """red: on an out-of-work benefit for 6 months or more; amber: on one for less, or in work below the
    continuous-employment bar; green: continuous employment, or not claiming."""
    return run.frame("""
        SELECT person_id AS person_ref, family_id,
               CASE WHEN on_benefit_now AND claim_start <= pg_since($d, $red_months) THEN 'red'
                    WHEN on_benefit_now THEN 'amber'
                    WHEN achieved THEN 'green'
                    WHEN weeks_in_work > 0 AND weeks_in_work < weeks_required THEN 'amber'
                    ELSE 'green' END AS rag,
               weeks_in_work
        FROM pg_employment ORDER BY family_id, person_id""", red_months=run.plan.employment.red_after_months)


def monthly_figures(con: duckdb.DuckDBPyConnection, month: str, plan: OutcomesPlan) -> pd.DataFrame:
    """Per month up to `month`: families identified (first eligible), attached, with a first result and claimed
    (with the money), with the cumulative figures and targets, as recorded by the run of `month` (results and
    claims: by every run up to it)."""
    month = parse_month(month)
    events = con.execute("""
        SELECT strftime(first_eligible_date, '%Y-%m') AS month, 'identified' AS kind, count(*) AS n
        FROM programme.eligibility_history WHERE month = $m AND first_eligible_date IS NOT NULL GROUP BY ALL
        UNION ALL
        SELECT attached_month, 'attached', count(*) FROM programme.attachments WHERE month = $m GROUP BY ALL
        UNION ALL
        SELECT first_month, 'results', count(*) FROM (
            SELECT family_id, min(month) AS first_month FROM programme.results WHERE month <= $m GROUP BY family_id)
        GROUP BY ALL""", {"m": month}).df()
    first = min([month, *events["month"].dropna(),
                 *(row[0] for row in con.execute("SELECT month FROM programme.claims WHERE month <= ?", [month])
                   .fetchall())])
    figures = pd.DataFrame({"month": months_between(first, month)})
    for kind in ("identified", "attached", "results"):
        counts = events[events["kind"] == kind].set_index("month")["n"]
        figures[kind] = figures["month"].map(counts).fillna(0).astype(int)
        figures[f"{kind}_cumulative"] = figures[kind].cumsum()
    claims = con.execute("""SELECT month, count(*) AS families, CAST(sum(amount_gbp) AS BIGINT) AS gbp
                            FROM programme.claims WHERE month <= ? GROUP BY month""", [month]).df().set_index("month")
    figures["claimed"] = figures["month"].map(claims["families"]).fillna(0).astype(int)
    figures["claimed_cumulative"] = figures["claimed"].cumsum()
    figures["claimed_gbp"] = figures["month"].map(claims["gbp"]).fillna(0).astype(int)
    figures["claimed_gbp_cumulative"] = figures["claimed_gbp"].cumsum()
    figures["identified_target_cumulative"] = plan.money.identified_target_per_month * (figures.index + 1)
    figures["attachment_fees_gbp"] = figures["attached_cumulative"] * plan.money.attachment_fee_gbp
    figures["results_value_gbp"] = figures["results_cumulative"] * plan.money.result_fee_gbp
    return figures


def _line_chart(figures: pd.DataFrame, series: dict[str, tuple[str, str]], title: str) -> str:
    """An inline SVG line chart: series maps column → (label, colour)."""
    width, height, pad = 760, 260, 48
    top = max(1, *(int(figures[column].max()) for column in series))
    count = max(1, len(figures) - 1)

    def point(index: int, value: float) -> str:
        x = pad + index * (width - 2 * pad) / count
        y = height - pad - value * (height - 2 * pad) / top
        return f"{x:.1f},{y:.1f}"

    lines = [f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="'
             + " ".join(point(i, v) for i, v in enumerate(figures[column])) + '"/>'
             for column, (_, colour) in series.items()]
    legend = [f'<text x="{pad + 180 * i}" y="16" fill="{colour}" font-size="12">{escape(label)}</text>'
              for i, (label, colour) in enumerate(series.values())]
    axes = (f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" stroke="#555"/>'
            f'<line x1="{pad}" y1="{pad}" x2="{pad}" y2="{height - pad}" stroke="#555"/>'
            f'<text x="4" y="{pad + 4}" font-size="11">{top:,}</text>'
            f'<text x="{pad}" y="{height - pad + 16}" font-size="11">{escape(figures["month"].iloc[0])}</text>'
            f'<text x="{width - pad - 40}" y="{height - pad + 16}" font-size="11">'
            f'{escape(figures["month"].iloc[-1])}</text>')
    return (f'<figure><figcaption>{escape(title)}</figcaption><svg xmlns="http://www.w3.org/2000/svg" '
            f'width="{width}" height="{height}" role="img">{axes}{"".join(lines)}{"".join(legend)}</svg></figure>')


def _pounds(value: int) -> str:
    return f"£{int(value):,}"


def _table(frame: pd.DataFrame, money_columns: tuple[str, ...] = ()) -> str:
    """An HTML table; money columns as £39,000, other whole numbers with thousands separators."""
    def cell(column: str, value: Any) -> str:  # a DataFrame cell: a number, a string or a null
        if column in money_columns:
            return _pounds(value)
        if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
            return ""
        if pd.api.types.is_number(value) and not pd.api.types.is_bool(value):
            return f"{int(value):,}"
        return escape(str(value))

    header = "".join(f"<th>{escape(str(c).replace('_', ' '))}</th>" for c in frame.columns)
    rows = "".join("<tr>" + "".join(f"<td>{cell(c, row[c])}</td>" for c in frame.columns) + "</tr>"
                   for _, row in frame.iterrows())
    return f"<table><thead><tr>{header}</tr></thead><tbody>{rows}</tbody></table>"


def _by_problem(con: duckdb.DuckDBPyConnection, month: str) -> pd.DataFrame:
    """Per problem: families eligible this month with it, families attached with it at attachment."""
    counts = con.execute(f"""
        SELECT {', '.join(f"count(*) FILTER (h.eligible AND h.problem_{n}) AS e{n}" for n in range(1, 7))}
        FROM programme.eligibility_history h WHERE h.month = $m""", {"m": month}).fetchall()[0]
    attached = con.execute(f"""
        SELECT {', '.join(f"count(*) FILTER (problem_{n}) AS a{n}" for n in range(1, 7))}
        FROM programme.attachments WHERE month = $m""", {"m": month}).fetchall()[0]
    return pd.DataFrame({"problem": [f"{n} {PROBLEM_NAMES[n]}" for n in range(1, 7)],
                         "eligible families this month": [int(v or 0) for v in counts],
                         "attached families with it at attachment": [int(v or 0) for v in attached]})


def _by_route(con: duckdb.DuckDBPyConnection, month: str) -> pd.DataFrame:
    frame = con.execute("""
        WITH firsts AS (SELECT family_id, arg_min(result_route, month) AS route FROM programme.results
                        WHERE month <= $m GROUP BY family_id),
             routes(route) AS (VALUES ('significant_sustained_progress'), ('continuous_employment'))
        SELECT k.route,
               (SELECT count(*) FROM firsts f WHERE f.route = k.route),
               (SELECT count(*) FROM programme.claims c WHERE c.month <= $m AND c.result_route = k.route),
               (SELECT CAST(coalesce(sum(c.amount_gbp), 0) AS BIGINT) FROM programme.claims c
                WHERE c.month <= $m AND c.result_route = k.route)
        FROM routes k""", {"m": month}).df()
    frame.columns = ["result route", "families with a first result", "families claimed", "money claimed"]
    return frame


def programme_html(con: duckdb.DuckDBPyConnection, month: str, plan: OutcomesPlan) -> str:
    """A standalone page (inline SVG, no scripts, no network) of the programme's progress to `month`, for the
    programme lead: identified, attached, results and claims against the targets, by problem, by route and by
    month, and the drift list (families past the 6-month wait with a problem not progressing)."""
    month = parse_month(month)
    figures = monthly_figures(con, month, plan)
    money = plan.money
    last = figures.iloc[-1]
    eligible_now = int(con.execute("SELECT count(*) FILTER (eligible) FROM programme.eligibility_history "
                                   "WHERE month = ?", [month]).fetchall()[0][0])
    drift = con.execute("""SELECT lead_professional, lead_agency, family_id, problem, months_since_attachment,
                                  what_is_missing FROM programme.drift WHERE month = ?
                           ORDER BY lead_professional NULLS LAST, family_id, problem""", [month]).df()
    monthly = figures[["month", "identified", "identified_cumulative", "identified_target_cumulative", "attached",
                       "attached_cumulative", "results", "results_cumulative", "claimed", "claimed_cumulative",
                       "claimed_gbp", "claimed_gbp_cumulative", "attachment_fees_gbp"]]
    money_columns = ("claimed_gbp", "claimed_gbp_cumulative", "attachment_fees_gbp", "money claimed")
    left = money.commitment_families - int(last.claimed_cumulative)
    identified = (f"Families identified (first eligible): {last.identified_cumulative:,}, against a target of "
                  f"{last.identified_target_cumulative:,} ({money.identified_target_per_month} a month)")
    with_result = ("Families with a result (significant and sustained progress or continuous employment): "
                   f"{last.results_cumulative:,}")
    claimed = (f"Families claimed: {last.claimed_cumulative:,}, {_pounds(last.claimed_gbp_cumulative)} at "
               f"{_pounds(money.result_fee_gbp)} a family; {left:,} of the commitment of "
               f"{money.commitment_families:,} left (claims stop there and after the programme ends on "
               f"{money.programme_end.isoformat()}).")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Connecting Families: programme {escape(month)}</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:1100px}}table{{border-collapse:collapse;font-size:12px;
margin-bottom:1.5em}}td,th{{border:1px solid #ccc;padding:3px 6px;text-align:right;white-space:nowrap}}
figcaption{{font-weight:bold}}
</style></head>
<body>
<h1>Programme to {escape(month)} (as of {month_end(month).isoformat()})</h1>
<ul>
<li>{identified}</li>
<li>Families eligible this month: {eligible_now:,}. This differs from the families identified to date: a family is
identified once, the first month it is eligible, and stays counted; eligibility is read afresh each month, so a family
whose problems have eased, or that has left the Early Help register, is no longer eligible.</li>
<li>Families attached: {last.attached_cumulative:,} of the commitment of {money.commitment_families:,}</li>
<li>{with_result}</li>
<li>{claimed}</li>
<li>Attachment fees: {_pounds(last.attachment_fees_gbp)} ({_pounds(money.attachment_fee_gbp)} a family attached).</li>
</ul>
{_line_chart(figures, {"identified_cumulative": ("identified", "#1f77b4"),
                       "identified_target_cumulative": ("identified target", "#aec7e8")},
             "Families identified, cumulative, against the target")}
{_line_chart(figures, {"attached_cumulative": ("attached", "#2ca02c"),
                       "results_cumulative": ("with a result", "#d62728"),
                       "claimed_cumulative": ("claimed", "#9467bd")},
             f"Families attached, with a result and claimed, cumulative (the commitment of "
             f"{money.commitment_families:,} is off this scale)")}
<h2>By problem</h2>
{_table(_by_problem(con, month))}
<h2>By result route, to date</h2>
{_table(_by_route(con, month), money_columns)}
<h2>By month</h2>
{_table(monthly, money_columns)}
<h2>Drift: families past the 6-month wait with a problem not progressing ({len(drift):,} problems)</h2>
{_table(drift)}
</body></html>
"""
