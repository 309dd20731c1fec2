"""The report's HTML page in Debian's Chromium: offline, every chart drawn and visible, printable.

The page is opened from a file with every request but that file aborted and recorded: a
self-contained page makes none. Each chart must be an inline SVG with a real size that
paints pixels; the page also prints to PDF with its charts (print CSS).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_report_seeded_log import run, seeded  # noqa: F401  (the seeded log fixture)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

playwright_api = pytest.importorskip(
    "playwright.sync_api",
    reason="the Python package playwright is not installed (pip install -e '.[test]')",
)
if not Path(CHROMIUM).exists():
    pytest.skip(
        f"{CHROMIUM} not found: install Debian's chromium package (.ci/run does)",
        allow_module_level=True,
    )


def test_the_html_report_renders_offline_with_every_chart_visible(
    seeded: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:  # noqa: F811
    page_file = tmp_path / "report.html"
    status, _, err = run(
        capsys,
        "report",
        "--from",
        "2025-07-01",
        "--to",
        "2026-06-30",
        "--round-within",
        "10",
        "--format",
        "html",
        "--out",
        str(page_file),
    )
    assert status == 0, err
    html = page_file.read_text(encoding="utf-8")
    assert "<script" not in html.lower() and "http://" not in html.replace("http://www.w3.org/", "")
    url = page_file.as_uri()
    requests: list[str] = []
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            context = browser.new_context(viewport={"width": 1100, "height": 900})
            context.on("request", lambda request: requests.append(request.url))
            context.route(lambda target: target != url, lambda route: route.abort())
            page = context.new_page()
            page.goto(url)
            charts = page.locator("figure.chart > svg")
            assert charts.count() == 3
            for index in range(3):
                chart = charts.nth(index)
                chart.scroll_into_view_if_needed()
                assert chart.is_visible()
                box = chart.bounding_box()
                assert box is not None and box["width"] > 400 and box["height"] > 150, box
                painted = chart.evaluate("svg => svg.querySelectorAll('path, use, rect').length")
                assert painted > 20  # bars, lines, axes and text drawn as paths
            assert page.locator("table#by-drug tbody tr").count() == 5  # four drugs and the total
            assert "NOT applied" in page.inner_text(".what-if") or "not applied" in page.inner_text(
                ".what-if"
            )
            pdf = page.pdf(format="A4")
            assert pdf.startswith(b"%PDF") and len(pdf) > 20_000
        finally:
            browser.close()
    assert requests == [url], f"the page asked for more than itself: {requests}"
