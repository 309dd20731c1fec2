"""screenshots/report-html.png: the report's HTML page in Debian's Chromium; report-charts.png
(--format png); report-80x24.svg and .png: the app's F8 report screen on an 80×24 terminal.

A demonstration log is saved through the real `calc --save` in a temporary data folder
(two CMS quarters, five drugs, six months, a dose given short, a multi-dose drug, a vial typed
beside the catalog's); the page is opened offline, as tests/test_report_browser.py does.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
DATA = ROOT / "tests" / "data" / "cms"

ORDERS = [
    ["--dose", "300 mg", "--rems-checked"],
    ["--dose", "250 mg", "--rems-checked"],
    ["--hcpcs", "J1745", "--dose", "5 mg/kg", "--weight", "81.5 kg"],
    ["--hcpcs", "J1745", "--dose", "5 mg/kg", "--weight", "68 kg"],
    ["--hcpcs", "J9045", "--dose", "420 mg"],
    ["--hcpcs", "J9035", "--dose", "450 mg", "--vial", "400 mg/16 mL"],
    ["--dose", "250 mg", "--dose-given", "200 mg", "--stop-reason", "reaction", "--rems-checked"],
]
DAYS = ["2025-08-05", "2025-09-09", "2026-01-13", "2026-02-10", "2026-03-10", "2025-07-15"]


async def app_screen(svg_path: Path) -> None:
    """F8 in the app at 80×24, the twelve months ending 2026-03-31 (the demonstration log's)."""
    from datetime import date

    from infusion_calc.loading import packaged_catalog
    from infusion_calc.tui.app import make_app
    from infusion_calc.tui.screens import report as report_screen

    report_screen.today = lambda: date(2026, 3, 31)
    app = make_app(packaged_catalog(), cursor_blink=False)
    async with app.run_test(size=(80, 24)) as pilot:
        while not app.main_screen.built:
            await pilot.pause(0.05)
        await pilot.press("f8")
        while getattr(app.screen, "report", None) is None:
            await pilot.pause(0.05)
        await pilot.pause(0.3)
        svg_path.write_text(
            app.export_screenshot(title="infusion-calc · report (F8) at 80×24"), encoding="utf-8"
        )


def main() -> int:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as home:
        for name in ("CONFIG", "DATA", "CACHE"):
            os.environ[f"INFUSION_CALC_{name}_DIR"] = str(Path(home) / name.lower())
        config = Path(home) / "config"
        config.mkdir()
        (config / "config.toml").write_text(
            "[dosing]\nround_within = 10\n", encoding="utf-8"
        )  # the app's rounding what-if
        from infusion_calc.cli import main as cli

        cli(
            [
                "data",
                "import",
                str(DATA / "asp-ndc-hcpcs-crosswalk-2025Q3.csv"),
                str(DATA / "asp-payment-limits-2025Q3.csv"),
            ]
        )
        for number, day in enumerate(DAYS):
            for order in ORDERS[: 3 + number % 5]:
                cli(
                    [
                        "calc",
                        *order,
                        "--given-at",
                        f"{day} 09:00",
                        "--payer",
                        "medicare",
                        "--waste-reason",
                        "vial size",
                        "--save",
                    ]
                )
        page_file = Path(home) / "report.html"
        period = ["--from", "2025-07-01", "--to", "2026-03-31", "--round-within", "10"]
        cli(["report", *period, "--format", "html", "--out", str(page_file)])
        cli(
            [
                "report",
                *period,
                "--format",
                "png",
                "--out",
                str(ROOT / "screenshots" / "report-charts.png"),
            ]
        )
        import asyncio

        sys.path.insert(0, str(ROOT / "scripts"))
        from screenshots import for_png, png_converter

        svg = ROOT / "screenshots" / "report-80x24.svg"
        asyncio.run(app_screen(svg))
        convert = png_converter()
        if convert is not None:
            drawable = Path(home) / "report-80x24.svg"
            drawable.write_text(for_png(svg.read_text(encoding="utf-8")), encoding="utf-8")
            convert(drawable, ROOT / "screenshots" / "report-80x24.png")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.route(lambda url: url != page_file.as_uri(), lambda route: route.abort())
            page.goto(page_file.as_uri())
            page.screenshot(path=str(ROOT / "screenshots" / "report-html.png"), full_page=True)
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
