"""`output/<YYYY-MM>/index.html`: the month at a glance for the co-ordinator.

Which extracts arrived, were carried forward from an earlier month, failed their blocking checks or were
quarantined in part, with links to every file of the month. Standalone: the chart scripts Splink ships are
inlined, so it opens with no network. Counts only: no personal data.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

import duckdb
import pandas as pd

from warehouse.charts import chart_scripts, embed_script

STATUS_COLUMNS = ["source", "status", "file", "rows_read", "rows_loaded", "rows_quarantined", "duplicates_removed"]


def month_status(con: duckdb.DuckDBPyConnection, month: str, sources: Sequence[str],
                 failed: dict[str, str] | None = None) -> pd.DataFrame:
    """One row per source of `sources` (in order): arrived | arrived, part quarantined | carried forward from
    YYYY-MM | no extract | failed.

    failed: source -> why its blocking check failed (counts and column names only).
    """
    loads = con.execute("""SELECT source, source_file, rows_read, rows_loaded, rows_quarantined, duplicates_removed,
                                  used_from_month FROM ops.load_summary WHERE month = ?""", [month]).df()
    loads = loads.set_index("source")
    failed = failed or {}
    rows: list[dict[str, object]] = []
    for source in sources:
        if source not in loads.index:
            rows.append({"source": source, "status": f"failed: {failed[source]}" if source in failed else "not run",
                         "file": ""})
            continue
        load = loads.loc[source]
        if source in failed:
            status = "failed: " + failed[source]
        elif pd.notna(load["source_file"]):
            status = "arrived, part quarantined" if load["rows_quarantined"] else "arrived"
        elif pd.notna(load["used_from_month"]):
            status = f"carried forward from {load['used_from_month']}"
        else:
            status = "no extract this month"
        counts = {column: int(load[column]) for column in STATUS_COLUMNS[3:]}
        rows.append({"source": source, "status": status,
                     "file": load["source_file"] if pd.notna(load["source_file"]) else "", **counts})
    return pd.DataFrame(rows).reindex(columns=STATUS_COLUMNS)


def status_metadata(status: pd.DataFrame) -> dict[str, int | str]:
    """The same summary as Dagster metadata: a count per status, and each source's status."""
    metadata: dict[str, int | str] = {
        "extracts_arrived": int(status["status"].str.startswith("arrived").sum()),
        "extracts_part_quarantined": int((status["status"] == "arrived, part quarantined").sum()),
        "extracts_carried_forward": int(status["status"].str.startswith("carried forward").sum()),
        "extracts_failed": int(status["status"].str.startswith("failed").sum()),
        "rows_quarantined": int(status["rows_quarantined"].fillna(0).sum()),
    }
    metadata.update({f"status_{row.source}": row.status for row in status.itertuples()})
    return metadata


def _chart(status: pd.DataFrame) -> dict:
    rows = status.dropna(subset=["rows_loaded"]).melt(
        id_vars="source", value_vars=["rows_loaded", "rows_quarantined"], var_name="rows", value_name="count")
    rows["rows"] = rows["rows"].map({"rows_loaded": "loaded", "rows_quarantined": "quarantined"})
    return {"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "width": 480, "height": 150,
            "data": {"values": rows.to_dict("records")}, "mark": "bar",
            "encoding": {"y": {"field": "source", "type": "nominal", "title": None},
                         "x": {"field": "count", "type": "quantitative", "title": "rows"},
                         "color": {"field": "rows", "type": "nominal",
                                   "scale": {"domain": ["loaded", "quarantined"], "range": ["#4c78a8", "#e45756"]}},
                         "tooltip": [{"field": "source"}, {"field": "rows"}, {"field": "count"}]}}


def month_page_html(month: str, status: pd.DataFrame, files: list[str]) -> str:
    """files: the names of the files in the month's output folder (linked relative to it)."""
    def status_class(text: str) -> str:
        return "bad" if text.startswith(("failed", "not run")) else "warn" if "quarantined" in text else "ok"

    table_rows = "".join(
        f"<tr class='{status_class(row.status)}'><td>{html.escape(row.source)}</td><td>{html.escape(row.status)}</td>"
        f"<td>{html.escape(str(row.file or ''))}</td>"
        + "".join(f"<td>{'' if pd.isna(value) else int(value)}</td>"
                  for value in (row.rows_read, row.rows_loaded, row.rows_quarantined, row.duplicates_removed))
        + "</tr>" for row in status.itertuples())
    links = "".join(f"<li><a href='{html.escape(name)}'>{html.escape(name)}</a></li>" for name in files)
    scripts = chart_scripts()
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Connecting Families {month}</title>
<style>
 body {{ font-family: system-ui, sans-serif; margin: 2rem; max-width: 60rem; color: #222; }}
 table {{ border-collapse: collapse; }}
 td, th {{ border-bottom: 1px solid #ddd; padding: .25rem .6rem; text-align: left; }}
 tr.ok td:nth-child(2) {{ color: #1b7837; }} tr.warn td:nth-child(2) {{ color: #b35806; }}
 tr.bad td:nth-child(2) {{ color: #b2182b; font-weight: bold; }}
</style>
{scripts}
</head><body>
<h1>Connecting Families: {month}</h1>
<h2>Extracts</h2>
<table><tr><th>source</th><th>status</th><th>file</th><th>rows read</th><th>loaded</th><th>quarantined</th>
<th>duplicates removed</th></tr>{table_rows}</table>
<figure><div class="chart" id="chart-rows"></div>
<figcaption>Rows loaded and quarantined per source</figcaption></figure>
<p>Quarantined rows, with file, row, column and reason, are in <a href="quarantine.csv">quarantine.csv</a>:
send them back to the partner.</p>
<h2>Files of the month</h2>
<ul>{links}</ul>
<script>{embed_script({"rows": _chart(status)})}</script>
</body></html>
"""


def listed_files(out: Path) -> list[str]:
    """Every file of the month's folder but the page itself and half-written temporary files."""
    if not out.is_dir():
        return []
    return sorted(path.name for path in out.iterdir()
                  if path.is_file() and path.name != "index.html" and not path.name.startswith("."))
