"""`output/<YYYY-MM>/match_quality.html`: the senior analyst's view of how well matching did this month.

One standalone file: the vega, vega-lite and vega-embed scripts Splink ships in its package are inlined, so
it opens with no network (council networks reach no CDN). The model's own charts (m/u parameters, match
weights, waterfalls) come from Splink; the rest are small vega-lite charts over the warehouse's tables.
Run on the connection `match_month` used, after it: the waterfalls score the sample pairs again from the
person views it built.
"""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass, field, replace
from typing import Any

import duckdb
import pandas as pd
from splink import DuckDBAPI, Linker

from matching.person_views import EH_MODEL_INPUT, SOURCE_MODEL_INPUT, SOURCE_ROWS
from matching.quality_charts import (
    OUTCOMES,
    bar_chart,
    rates_chart,
    trend_chart,
    weights_chart,
)
from matching.train import splink_settings
from matching.udfs import register_udfs
from settings import Settings
from warehouse.charts import chart_scripts, embed_script
from warehouse.db import registered

SPOT_CHECKS = 6
@dataclass(frozen=True)
class QualityFigures:
    month: str
    rates: pd.DataFrame          # month, source, outcome, rows, share
    weights: pd.DataFrame        # match_weight (to a quarter), decision, pairs: the scored pairs this month
    queue: pd.DataFrame          # review_id, age_months (pairs queued this month, by first month queued)
    quarantine: pd.DataFrame     # source, reason, rows (this month)
    decisions: pd.DataFrame      # decision, decided (all decisions applied this run)
    estimates: dict[str, float | None]
    spot_checks: pd.DataFrame    # source, row_key, eh_person_id, unique_id, match_probability
    # the run's bars per source and where they came from: source, auto_match, clerical_lower, origin,
    # decisions_in_band (MatchResult.thresholds)
    thresholds: pd.DataFrame = field(default_factory=pd.DataFrame)


def gather(con: duckdb.DuckDBPyConnection, month: str, settings: Settings) -> QualityFigures:
    """Every figure of the report, from the warehouse (and, for the spot checks, the person views)."""
    rates = con.execute("""
        WITH per_row AS (   -- a row's best outcome (a row may have several candidate pairs)
            SELECT month, source, row_key,
                   min(CASE decision WHEN 'auto_match' THEN 1 WHEN 'clerical_accept' THEN 2
                       WHEN 'clerical_review' THEN 3 WHEN 'household_candidate' THEN 4 ELSE 5 END) AS rank
            FROM matching.matches WHERE month <= $month GROUP BY ALL),
        months AS (SELECT DISTINCT month FROM matching.matches WHERE month <= $month),
        extract_rows AS (   -- every row of every month so far, as each run matches them all
            SELECT m.month, r.source, count(DISTINCT r.row_key) AS total
            FROM months m JOIN raw.extract_rows r ON r.month <= m.month
            WHERE r.outcome = 'loaded' AND r.source <> 'early_help' GROUP BY ALL),
        counted AS (SELECT month, source, rank, count(*) AS rows FROM per_row GROUP BY ALL)
        SELECT t.month, t.source, c.rank, coalesce(c.rows, 0) AS rows, t.total
        FROM extract_rows t LEFT JOIN counted c USING (month, source) ORDER BY ALL
    """, {"month": month}).df()
    rates = _rates(rates)
    weights = con.execute("""
        -- counted per quarter of a weight, so the page carries a few hundred numbers, not every pair
        SELECT round(match_weight * 4) / 4 AS match_weight, decision, count(*) AS pairs FROM matching.matches
        WHERE month = ? AND method <> 'exact_id' AND match_weight IS NOT NULL GROUP BY ALL ORDER BY ALL""",
                           [month]).df()
    queue = con.execute("""
        SELECT q.review_id,
               date_diff('month', CAST(first.month || '-01' AS DATE), CAST(? || '-01' AS DATE)) AS age_months
        FROM matching.review_queue q
        JOIN (SELECT review_id, min(month) AS month FROM matching.review_queue GROUP BY ALL) first USING (review_id)
        WHERE q.month = ?""", [month, month]).df()
    quarantine = con.execute("""
        SELECT source, reason, count(*) AS rows FROM ops.quarantine WHERE month = ? GROUP BY ALL ORDER BY ALL""",
                             [month]).df()
    decisions = con.execute("""
        SELECT d.decision, d.review_id, q.match_probability FROM matching.review_decisions d
        LEFT JOIN (SELECT review_id, any_value(match_probability) AS match_probability
                   FROM matching.review_queue GROUP BY ALL) q USING (review_id)
        WHERE d.month = ?""", [month]).df()
    spot_checks = con.execute(f"""
        SELECT m.source, m.row_key, m.eh_person_id, r.unique_id, m.match_probability
        FROM matching.matches m JOIN {SOURCE_ROWS} r USING (source, row_key)
        WHERE m.month = ? AND m.decision = 'auto_match' AND m.method = 'probabilistic'
        QUALIFY row_number() OVER (PARTITION BY r.unique_id, m.eh_person_id ORDER BY m.row_key) = 1
        ORDER BY m.match_probability, m.source, m.row_key LIMIT {SPOT_CHECKS}""", [month]).df()
    return QualityFigures(month, rates, weights, queue, quarantine, decisions,
                          _estimates(con, month, settings, decisions), spot_checks)


def _rates(counts: pd.DataFrame) -> pd.DataFrame:
    totals = counts.groupby(["month", "source"])["total"].first()
    known = counts.dropna(subset=["rank"])
    rows = known.groupby(["month", "source", "rank"])["rows"].sum()
    records = []
    for (month, source), total in totals.items():
        for rank, outcome in enumerate(OUTCOMES[:-1], start=1):
            records.append((month, source, outcome, int(rows.get((month, source, rank), 0))))
        considered = sum(rows.get((month, source, rank), 0) for rank in range(1, 6))
        records.append((month, source, "unmatched", int(max(total - considered, 0) + rows.get((month, source, 5), 0))))
    frame = pd.DataFrame(records, columns=["month", "source", "outcome", "rows"])
    frame["share"] = frame["rows"] / frame.groupby(["month", "source"])["rows"].transform("sum").clip(lower=1)
    return frame


def _estimates(con: duckdb.DuckDBPyConnection, month: str, settings: Settings,
               decisions: pd.DataFrame) -> dict[str, float | None]:
    """Precision and recall, from the model's own probabilities and from the analyst's decisions.

    Model: the expected share of true matches among auto-matches is their mean probability; the expected
    true matches found, over the expected true matches among every scored pair above the review floor.
    Decisions: the share accepted among pairs decided is the precision of the review band; the recall
    counts the pairs still queued as found at that accept rate.
    """
    row = con.execute("""
        WITH pairs AS (SELECT DISTINCT source, row_key, eh_person_id, match_probability, decision
                       FROM matching.matches WHERE month = ? AND method = 'probabilistic'
                       AND match_probability IS NOT NULL)
        SELECT avg(match_probability) FILTER (decision = 'auto_match'),
               sum(match_probability) FILTER (decision IN ('auto_match', 'clerical_accept')),
               sum(match_probability),
               count(*) FILTER (decision IN ('auto_match', 'clerical_accept')),
               count(*) FILTER (decision = 'clerical_review')
        FROM pairs""", [month]).fetchall()[0]
    auto_mean, found, expected, matched, queued = row
    accepted = float((decisions["decision"] == "accept").sum())
    estimates: dict[str, float | None] = {
        "model_precision_auto": auto_mean,
        "model_recall": (found / expected) if expected else None,
        "decisions_made": float(len(decisions)),
        "decisions_accepted": accepted,
        "review_precision": None, "decisions_recall": None,
    }
    if len(decisions):
        accept_rate = accepted / len(decisions)
        estimates["review_precision"] = accept_rate
        if matched or queued:
            estimates["decisions_recall"] = matched / (matched + accept_rate * (queued or 0)) if matched else 0.0
    return estimates


# ---- charts ----------------------------------------------------------------------------------------------

def _splink_linker(con: duckdb.DuckDBPyConnection, model: dict[str, Any]) -> Linker:
    register_udfs(con)
    splink_model, term_frequencies = splink_settings(model)
    splink_model = {**splink_model, "retain_intermediate_calculation_columns": True, "retain_matching_columns": True}
    db_api = DuckDBAPI(connection=con)
    linker = Linker([db_api.register(EH_MODEL_INPUT, dataset_display_name=EH_MODEL_INPUT),
                     db_api.register(SOURCE_MODEL_INPUT, dataset_display_name=SOURCE_MODEL_INPUT)],
                    splink_model, log_level=logging.WARNING)
    for column, frequencies in (term_frequencies or {}).items():
        lookup = pd.DataFrame({column: list(frequencies), f"tf_{column}": list(frequencies.values())})
        linker.table_management.register_term_frequency_lookup(db_api.register(lookup), column)
    return linker


def _waterfalls(con: duckdb.DuckDBPyConnection, linker: Linker, spot_checks: pd.DataFrame) -> list[dict[str, Any]]:
    """Splink's waterfall chart of each spot-check pair, scored again with the same model."""
    if spot_checks.empty:
        return []
    db_api = linker._db_api
    with registered(con, "_qr_pairs", spot_checks[["eh_person_id", "unique_id"]]):
        left = con.execute(
            f"SELECT * FROM {EH_MODEL_INPUT} WHERE unique_id IN (SELECT eh_person_id FROM _qr_pairs)").df()
        right = con.execute(
            f"SELECT * FROM {SOURCE_MODEL_INPUT} WHERE unique_id IN (SELECT unique_id FROM _qr_pairs)").df()
    scored = linker.inference.score_pairs(db_api.register(left), db_api.register(right)).as_pandas_dataframe()
    charts = []
    for pair in spot_checks.itertuples():
        record = scored[(scored["unique_id_l"] == pair.eh_person_id) & (scored["unique_id_r"] == pair.unique_id)]
        if len(record):
            chart = linker.visualisations.waterfall_chart(record.to_dict("records"), filter_nulls=False)
            charts.append(_in_a_stable_order(chart.chart_dict))
    return charts


def _in_a_stable_order(spec: dict[str, Any]) -> dict[str, Any]:
    """Splink joins a comparison's input columns (postcode and address) in the order of a Python set, which
    changes from one process to the next; sort the parts so a re-run writes the same page."""
    for datum in spec.get("data", {}).get("values", []):
        for side in ("value_l", "value_r"):
            if isinstance(datum.get(side), str) and ", " in datum[side]:
                datum[side] = ", ".join(sorted(datum[side].split(", ")))
    return spec


# ---- page ------------------------------------------------------------------------------------------------

def _percent(value: float | None, places: int = 1) -> str:
    return "not yet known" if value is None or pd.isna(value) else f"{value:.{places}%}"


def _table(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "<p class='none'>None.</p>"
    return frame.to_html(index=False, border=0, classes="figures", escape=True)


def render(figures: QualityFigures, settings: Settings, model_charts: dict[str, dict[str, Any]],
           waterfalls: list[dict[str, Any]], model_version: str) -> str:
    """The whole page as one HTML string."""
    month = figures.month
    charts: dict[str, dict[str, Any]] = {
        "rates": rates_chart(figures.rates, month),
        "trend": trend_chart(match_rates(figures)),
        "weights": weights_chart(figures.weights, settings),
        **model_charts,
    }
    if len(figures.queue):
        ages = figures.queue.groupby("age_months").size().reset_index(name="pairs")
        ages["waiting"] = ages["age_months"].map(lambda age: "queued this month" if age == 0 else f"{age} months")
        charts["queue"] = bar_chart(ages.sort_values("age_months"), "pairs", "waiting", None, "pairs waiting",
                                    in_order=True)
    if len(figures.quarantine):
        charts["quarantine"] = bar_chart(figures.quarantine, "rows", "source", "reason", "rows quarantined")
    for number, spec in enumerate(waterfalls, start=1):
        charts[f"waterfall_{number}"] = spec

    estimates = figures.estimates
    now = figures.rates[figures.rates["month"] == month].pivot_table(
        index="source", columns="outcome", values="rows", aggfunc="sum", fill_value=0)
    now = now.reindex(columns=OUTCOMES, fill_value=0)
    now.columns.name = None
    spot = figures.spot_checks.assign(match_probability=figures.spot_checks["match_probability"].map(_percent))
    spot.insert(0, "chart", [f"waterfall {n}" for n in range(1, len(spot) + 1)])
    oldest = int(figures.queue["age_months"].max()) if len(figures.queue) else 0

    def chart(name: str, caption: str) -> str:
        if name not in charts:
            return f"<p class='none'>{html.escape(caption)}: nothing to show this month.</p>"
        return (f"<figure><div class='chart' id='chart-{name}'></div>"
                f"<figcaption>{html.escape(caption)}</figcaption></figure>")

    sections = [
        "<h2>Match rates per source</h2>",
        "<p>Every extract row received so far, by what matching made of it in this month's run.</p>",
        chart("rates", f"Rows per source by outcome, {month}"), _table(now.reset_index()),
        chart("trend", "Share of rows matched (automatically or accepted by the analyst), by run month"),
        "<h2>Match weights</h2>",
        chart("weights", "Match weight of every scored pair, with the auto-match bar and the review floor"),
        "<h2>Estimated precision and recall</h2>",
        ("<table class='figures'><tr><th>estimate</th><th>from the model</th><th>from the analyst's decisions</th></tr>"
        f"<tr><td>precision</td><td>{_percent(estimates['model_precision_auto'], 2)} (auto-matches)</td>"
        f"<td>{_percent(estimates['review_precision'])} (pairs accepted among those decided)</td></tr>"
        f"<tr><td>recall</td><td>{_percent(estimates['model_recall'])}</td>"
        f"<td>{_percent(estimates['decisions_recall'])}</td></tr></table>"),
        (f"<p>Decisions applied in this run: {int(estimates['decisions_made'] or 0)} "
        f"({int(estimates['decisions_accepted'] or 0)} accepted, "
        f"{int((estimates['decisions_made'] or 0) - (estimates['decisions_accepted'] or 0))} rejected).</p>"),
        "<h2>Thresholds in force</h2>",
        ("<p>Per source: at or above the auto bar a pair is matched, from the review floor to the bar it goes to "
         "the queue. <em>model</em>: chosen when the model was trained; <em>decisions</em>: chosen again this run "
         "from the analyst's decisions (enough of them at or above the floor); <em>settings</em>: the "
         "configured ones.</p>"),
        _table(figures.thresholds.rename(columns={"auto_match": "auto bar", "clerical_lower": "review floor",
                                                  "origin": "from", "decisions_in_band": "decisions counted"})),
        "<h2>The clerical queue</h2>",
        f"<p>{len(figures.queue)} pairs await review; the oldest has waited {oldest} month(s).</p>",
        chart("queue", "Pairs waiting, by how long they have been in the queue"),
        "<h2>The model</h2>", f"<p>Model <code>{html.escape(model_version)}</code>.</p>",
        chart("match_weights", "Splink: the match weight of each comparison level"),
        chart("m_u", "Splink: m and u probabilities of each comparison level"),
        "<h2>Spot checks: auto-matches nearest the bar</h2>",
        "<p>Open the pair in the warehouse or the register and confirm it is the same person.</p>", _table(spot),
        *(chart(f"waterfall_{n}", f"waterfall {n}: how the match weight of the pair was built")
          for n in range(1, len(waterfalls) + 1)),
        "<h2>Quarantined rows</h2>",
        chart("quarantine", f"Rows quarantined in {month}, per source and reason"), _table(figures.quarantine),
    ]
    scripts = chart_scripts()
    embed = embed_script(charts)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Match quality {month}</title>
<style>
 body {{ font-family: system-ui, sans-serif; margin: 2rem; max-width: 72rem; color: #222; }}
 .sensitive {{ background: #fde0dd; border: 1px solid #c51b8a; padding: .6rem 1rem; }}
 table.figures {{ border-collapse: collapse; margin: .5rem 0 1rem; }}
 table.figures td, table.figures th {{ border-bottom: 1px solid #ddd; padding: .2rem .6rem; text-align: left; }}
 figure {{ margin: 1rem 0; }} figcaption {{ color: #555; font-size: .9rem; }} .none {{ color: #777; }}
</style>
{scripts}
</head><body>
<h1>Match quality, {month}</h1>
<p class="sensitive"><strong>Sensitive: for the senior analyst only.</strong> The waterfall charts show the
compared values of real people; this file sits beside the clerical review workbook and is handled like it.</p>
{''.join(sections)}
<script>{embed}</script>
</body></html>
"""


def match_rates(figures: QualityFigures) -> pd.DataFrame:
    """month, source, matched: the share of a source's rows auto-matched or accepted, per run month."""
    rates = figures.rates.assign(matched=figures.rates["share"].where(
        figures.rates["outcome"].isin(["auto-matched", "accepted by analyst"]), 0.0))
    return rates.groupby(["month", "source"], as_index=False)["matched"].sum()


def headline(figures: QualityFigures) -> dict[str, float | int]:
    """The report's numbers for Dagster metadata (counts and shares only), plotted per partition."""
    numbers: dict[str, float | int] = {"clerical_queue": len(figures.queue),
                                       "decisions_applied": int(figures.estimates["decisions_made"] or 0)}
    rates = match_rates(figures)
    for row in rates[rates["month"] == figures.month].itertuples():
        numbers[f"match_rate_{row.source}"] = round(float(row.matched), 4)
    return numbers


def match_rate_changes(figures: QualityFigures) -> pd.DataFrame:
    """source, previous, now, change: each source's match rate against the previous run month's."""
    rates = match_rates(figures)
    months = sorted(rates["month"].unique())
    if figures.month not in months or months.index(figures.month) == 0:
        return pd.DataFrame(columns=["source", "previous", "now", "change"])
    previous = months[months.index(figures.month) - 1]
    both = rates[rates["month"] == figures.month].merge(
        rates[rates["month"] == previous], on="source", suffixes=("", "_previous"))
    return pd.DataFrame({"source": both["source"], "previous": both["matched_previous"], "now": both["matched"],
                         "change": both["matched"] - both["matched_previous"]})


def match_quality_html(con: duckdb.DuckDBPyConnection, month: str, settings: Settings, model: dict[str, Any],
                       model_version: str, thresholds: pd.DataFrame | None = None) -> tuple[str, QualityFigures]:
    """(the page, the figures behind it). thresholds: the run's MatchResult.thresholds."""
    figures = gather(con, month, settings)
    if thresholds is not None:
        figures = replace(figures, thresholds=thresholds)
    linker = _splink_linker(con, model)
    try:
        model_charts = {"match_weights": linker.visualisations.match_weights_chart().chart_dict,
                        "m_u": linker.visualisations.m_u_parameters_chart().chart_dict}
        waterfalls = _waterfalls(con, linker, figures.spot_checks)
    finally:
        linker.table_management.delete_tables_created_by_splink_from_db()
    return render(figures, settings, model_charts, waterfalls, model_version), figures
