"""What each user sees, in a real browser: Debian's Chromium driven by Playwright (never a browser download).

The month's pages open from disk with no console errors and no network requests, and their charts draw;
`dagster dev` shows the asset graph, a month launched from the launchpad materialises with no "may fail"
dialog, and its metadata shows the match rates. Screenshots go to docs/images/ for the README.
"""

from __future__ import annotations

import datetime
import html
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from tests.ui.conftest import LAST

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
REPO = Path(__file__).resolve().parents[2]
IMAGES = REPO / "docs" / "images"

# Each chart drawn again onto a canvas by its own vega view: how many pixels are neither blank nor white.
_INKED_PIXELS = """async () => {
  const counts = {};
  for (const [name, view] of Object.entries(window.cfamViews || {})) {
    const canvas = await view.toCanvas();
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let inked = 0;
    for (let i = 0; i < pixels.length; i += 4) {
      if (pixels[i + 3] > 0 && (pixels[i] < 240 || pixels[i + 1] < 240 || pixels[i + 2] < 240)) inked++;
    }
    counts[name] = inked;
  }
  return counts;
}"""


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: `make chromium` installs it")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _open_offline(browser, path: Path):
    """Open a file from disk, recording console errors and every request that is not for a local file."""
    page = browser.new_page(viewport={"width": 1200, "height": 1400})
    errors: list[str] = []
    network: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: None if request.url.startswith(("file:", "data:", "blob:"))
            else network.append(request.url))
    page.goto(path.as_uri())
    charts = page.locator("div.chart").count()
    page.wait_for_function(f"Object.keys(window.cfamViews || {{}}).length >= {charts}", timeout=30_000)
    return page, errors, network, charts


def test_match_quality_report_opens_offline_and_every_chart_draws(town, browser):
    page, errors, network, charts = _open_offline(browser, town.paths.output(LAST) / "match_quality.html")
    inked = page.evaluate(_INKED_PIXELS)
    assert errors == [] and network == []
    assert charts >= 7 and len(inked) == charts
    assert {"rates", "trend", "weights", "match_weights", "m_u", "waterfall_1"} <= set(inked)
    blank = [name for name, count in inked.items() if count < 500]
    assert blank == [], f"charts with nothing drawn: {blank}"
    text = page.inner_text("body")
    assert "Sensitive: for the senior analyst only" in text and "auto-match bar" in page.content()
    IMAGES.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=IMAGES / "match_quality.png")
    page.close()


def test_month_page_opens_offline_lists_every_file_and_draws(town, browser):
    out = town.paths.output(LAST)
    page, errors, network, charts = _open_offline(browser, out / "index.html")
    inked = page.evaluate(_INKED_PIXELS)
    assert errors == [] and network == [] and charts == 1 and inked["rows"] > 500
    links = {page.locator("a").nth(index).get_attribute("href") for index in range(page.locator("a").count())}
    files = {path.name for path in out.iterdir() if path.name != "index.html" and not path.name.startswith(".")}
    assert files <= links and "match_quality.html" in files
    statuses = page.locator("table tr td:nth-child(2)").all_inner_texts()
    assert len(statuses) == 5 and all(status.startswith(("arrived", "carried forward", "no extract"))
                                      for status in statuses)
    page.screenshot(path=IMAGES / "month_page.png")
    page.close()


def _workbook_as_html(path: Path) -> str:
    """The review workbook as a spreadsheet program shows it: number formats, the shading its own conditional
    formatting rules give (register and extract values agree), the drop-down's choices, a frozen header row."""
    sheet = openpyxl.load_workbook(path).active
    rows = [list(row) for row in sheet.iter_rows(max_row=9)]
    header = [cell.value for cell in rows[0]]
    shaded = set()
    for ranges in sheet.conditional_formatting:
        for bounds in ranges.sqref.ranges:
            left = bounds.min_col
            for row in rows[1:]:
                a, b = row[left - 1].value, row[left].value
                if a not in (None, "") and str(a).strip().upper() == str(b or "").strip().upper():
                    shaded |= {(row[0].row, left), (row[0].row, left + 1)}
    choices = next(rule.formula1.strip('"').split(",") for rule in sheet.data_validations.dataValidation
               if rule.type == "list")

    def shown(cell) -> str:
        if cell.value is None:
            return "<select><option></option>" + "".join(f"<option>{c}</option>" for c in choices) + "</select>" \
                if header[cell.column - 1] == "decision" else ""
        if cell.number_format == "0.0%":
            return f"{cell.value:.1%}"
        if isinstance(cell.value, datetime.datetime):
            return cell.value.strftime("%d/%m/%Y")
        return html.escape(str(cell.value))

    body = "".join(
        "<tr>" + "".join(f"<td class='{'agree' if (cell.row, cell.column) in shaded else ''}'>{shown(cell)}</td>"
                         for cell in row) + "</tr>" for row in rows[1:])
    head = "".join(f"<th>{html.escape(str(name))}</th>" for name in header)
    return f"""<html><head><style>
      body {{ font: 12px Calibri, Arial, sans-serif; margin: 0; }} table {{ border-collapse: collapse; }}
      th {{ position: sticky; top: 0; background: #DDEBF7; border: 1px solid #999; padding: 3px; }}
      td {{ border: 1px solid #ddd; padding: 3px; white-space: nowrap; }}
      td.agree {{ background: #C6EFCE; color: #006100; }}
      </style></head><body><table><tr>{head}</tr>{body}</table></body></html>"""


def test_review_workbook_rendering(town, browser, tmp_path):
    rendering = tmp_path / "clerical_review.html"
    rendering.write_text(_workbook_as_html(town.paths.output(LAST) / "clerical_review.xlsx"), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1800, "height": 420})
    page.goto(rendering.as_uri())
    assert page.locator("td.agree").count() > 0
    assert page.locator("select").first.locator("option").all_inner_texts() == ["", "accept", "reject"]
    assert "%" in page.locator("tr").nth(1).inner_text()
    page.screenshot(path=IMAGES / "review_workbook.png")
    page.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def dagster_ui(town, tmp_path) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "CFAM_DATA_DIR": str(town.paths.root), "DAGSTER_HOME": str(tmp_path / "dagster")}
    (tmp_path / "dagster").mkdir()
    (tmp_path / "dagster" / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "dagster"), "dev", "-w", "workspace.yaml",
         "-h", "127.0.0.1", "-p", str(port)],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        while True:
            try:
                urllib.request.urlopen(url + "/server_info", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("dagster dev did not start")
                time.sleep(2)
        yield url
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def test_dagster_ui_launches_a_month_from_the_launchpad_and_shows_match_rates(dagster_ui, browser):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page = browser.new_page(viewport={"width": 1400, "height": 900})
    # A new instance greets the first visit with a community sign-up dialog, at a moment of its choosing:
    # skip it whenever it stands in the way of an action, and before each screenshot.
    skip = page.get_by_role("button", name="Skip")
    page.add_locator_handler(skip, lambda button: button.click())

    def dismiss_dialog() -> None:
        try:
            skip.wait_for(timeout=5_000)
            skip.click()
        except PlaywrightTimeout:
            pass

    page.goto(dagster_ui + "/assets/reports/month_status?view=lineage&lineageScope=upstream&lineageDepth=6")
    page.get_by_text("school_attendance", exact=True).first.wait_for(timeout=60_000)
    dismiss_dialog()
    for name in ("matches", "outcomes", "month_status", "police"):
        assert page.get_by_text(name, exact=True).count() > 0
    page.screenshot(path=IMAGES / "dagster_asset_graph.png")

    page.goto(dagster_ui + "/locations/connecting_families/jobs/monthly_pipeline/playground")
    partition = page.get_by_placeholder("Partition")
    partition.wait_for(timeout=60_000)
    partition.click()
    partition.fill(f"{LAST}-01")
    page.keyboard.press("Enter")
    page.wait_for_timeout(1500)
    page.get_by_role("button", name="Launch Run").click()
    page.wait_for_url("**/runs/**", timeout=30_000)
    assert "may fail" not in page.inner_text("body")
    page.get_by_text("Success", exact=True).first.wait_for(timeout=300_000)

    page.goto(dagster_ui + f"/assets/matching/matches?view=partitions&partition={LAST}-01")
    page.get_by_text("match_rate_dwp", exact=True).wait_for(timeout=60_000)
    body = page.inner_text("body")
    assert "match_rate_police" in body and "clerical_queue" in body
    page.get_by_text("match_rate_dwp", exact=True).scroll_into_view_if_needed()
    assert not skip.is_visible()
    page.screenshot(path=IMAGES / "dagster_match_rates.png", full_page=False)
    page.close()
