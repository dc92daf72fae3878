"""The month's management reports: the drift list for lead professionals, the employment advisers' RAG list and
programme.html (identified, attached and results by month against the targets). Counts and references only."""

from __future__ import annotations

from html import escape

import duckdb
import pandas as pd

from programme.family import Run
from programme.plan import OutcomesPlan
from programme.tables import ensure_tables
from settings import month_end, months_between, parse_month

PROBLEM_NAMES = {1: "crime/ASB", 2: "school", 3: "children who need help", 4: "worklessness/financial exclusion",
                 5: "domestic abuse", 6: "health"}


def drift_frame(run: Run) -> pd.DataFrame:
    """Attached families with a problem whose progress measure does not hold, by lead professional."""
    frame = run.frame("""
        SELECT l.lead_professional, l.lead_agency, p.family_id, p.problem,
               CAST(date_diff('month', p.attachment_date, $d) AS INTEGER) AS months_since_attachment,
               p.details AS what_is_missing
        FROM pg_progress p
        LEFT JOIN (SELECT family_id, max(lead_professional) AS lead_professional, max(lead_agency) AS lead_agency
                   FROM pg_members WHERE as_of = $d GROUP BY family_id) l USING (family_id)
        WHERE NOT p.progress
        ORDER BY l.lead_professional NULLS LAST, p.family_id, p.problem""")
    frame["what_is_missing"] = [f"{PROBLEM_NAMES[problem]}: {details}"
                                for problem, details in zip(frame["problem"], frame["what_is_missing"])]
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
    """Per month up to `month`: families identified (first eligible), attached and with a first result, with
    the cumulative figures and targets, as recorded by the run of `month` (results: by every run up to it)."""
    month = parse_month(month)
    ensure_tables(con)
    events = con.execute("""
        SELECT strftime(first_eligible_date, '%Y-%m') AS month, 'identified' AS kind, count(*) AS n
        FROM programme.eligibility_history WHERE month = $m AND first_eligible_date IS NOT NULL GROUP BY ALL
        UNION ALL
        SELECT attached_month, 'attached', count(*) FROM programme.attachments WHERE month = $m GROUP BY ALL
        UNION ALL
        SELECT first_month, 'results', count(*) FROM (
            SELECT family_id, min(month) AS first_month FROM programme.results WHERE month <= $m GROUP BY family_id)
        GROUP BY ALL""", {"m": month}).df()
    first = min([month, *events["month"].dropna()])
    figures = pd.DataFrame({"month": months_between(first, month)})
    for kind in ("identified", "attached", "results"):
        counts = events[events["kind"] == kind].set_index("month")["n"]
        figures[kind] = figures["month"].map(counts).fillna(0).astype(int)
        figures[f"{kind}_cumulative"] = figures[kind].cumsum()
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
            f'<text x="4" y="{pad + 4}" font-size="11">{top}</text>'
            f'<text x="{pad}" y="{height - pad + 16}" font-size="11">{escape(figures["month"].iloc[0])}</text>'
            f'<text x="{width - pad - 40}" y="{height - pad + 16}" font-size="11">'
            f'{escape(figures["month"].iloc[-1])}</text>')
    return (f'<figure><figcaption>{escape(title)}</figcaption><svg xmlns="http://www.w3.org/2000/svg" '
            f'width="{width}" height="{height}" role="img">{axes}{"".join(lines)}{"".join(legend)}</svg></figure>')


def programme_html(con: duckdb.DuckDBPyConnection, month: str, plan: OutcomesPlan) -> str:
    """A standalone page (inline SVG, no scripts, no network) of the programme's progress to `month`."""
    figures = monthly_figures(con, month, plan)
    money = plan.money
    last = figures.iloc[-1]
    table_columns = ["month", "identified", "identified_cumulative", "identified_target_cumulative", "attached",
                     "attached_cumulative", "results", "results_cumulative", "attachment_fees_gbp",
                     "results_value_gbp"]
    rows = "".join("<tr>" + "".join(f"<td>{escape(str(row[c]))}</td>" for c in table_columns) + "</tr>"
                   for _, row in figures.iterrows())
    header = "".join(f"<th>{escape(c.replace('_', ' '))}</th>" for c in table_columns)
    commitment = figures.assign(commitment=money.commitment_families)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Connecting Families: programme {escape(month)}</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:1000px}}table{{border-collapse:collapse;font-size:12px}}
td,th{{border:1px solid #ccc;padding:3px 6px;text-align:right}}figcaption{{font-weight:bold}}</style></head>
<body>
<h1>Programme to {escape(month)} (as of {month_end(month).isoformat()})</h1>
<ul>
<li>Families identified (first eligible): {last.identified_cumulative:,}, against a target of \
{last.identified_target_cumulative:,} ({money.identified_target_per_month} a month)</li>
<li>Families attached: {last.attached_cumulative:,} of the commitment of {money.commitment_families:,}</li>
<li>Families with a result (significant and sustained progress or continuous employment): \
{last.results_cumulative:,}</li>
<li>Attachment fees earned: £{last.attachment_fees_gbp:,} (£{money.attachment_fee_gbp:,} a family);
results achieved are worth £{last.results_value_gbp:,} at £{money.result_fee_gbp:,} a family.
Claims, and the money claimed, come with the claims ledger; the programme ends {money.programme_end.isoformat()}.</li>
</ul>
{_line_chart(figures, {"identified_cumulative": ("identified", "#1f77b4"),
                       "identified_target_cumulative": ("identified target", "#aec7e8")},
             "Families identified, cumulative, against the target")}
{_line_chart(commitment, {"attached_cumulative": ("attached", "#2ca02c"),
                          "results_cumulative": ("results", "#d62728"),
                          "commitment": ("commitment", "#999999")},
             "Families attached and with a result, cumulative, against the commitment")}
<table><thead><tr>{header}</tr></thead><tbody>{rows}</tbody></table>
</body></html>
"""
