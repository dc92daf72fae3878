"""Charts in a standalone page: the vega, vega-lite and vega-embed scripts Splink ships in its package are
inlined, so a page opens with no network (council networks reach no CDN)."""

from __future__ import annotations

from typing import Any

from splink.internals.html_utils import json_for_html, load_chart_libraries


def chart_scripts() -> str:
    """The three `<script>` elements, inline."""
    libraries = load_chart_libraries()
    return "\n".join(f"<script>{libraries[name]}</script>" for name in ("vega", "vega-lite", "vega-embed"))


def embed_script(charts: dict[str, dict[str, Any]]) -> str:
    """Render each vega-lite spec into its `#chart-<name>` div; the views are kept in `window.cfamViews` so a
    test can check what was drawn."""
    return (f"const specs = {json_for_html(charts)};\n"
            "window.cfamViews = {};\n"
            "for (const [name, spec] of Object.entries(specs)) {\n"
            "  vegaEmbed('#chart-' + name, spec, {actions: false, renderer: 'svg'})\n"
            "    .then(result => { window.cfamViews[name] = result.view; })\n"
            "    .catch(error => { console.error(error); });\n}")
