"""F8: the report screen at 80×24: summary, two terminal charts and the key to go back,
with no patient identifier."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual_plotext import PlotextPlot

from infusion_calc.cli import main
from infusion_calc.tui.app import InfusionCalcApp
from infusion_calc.tui.screens import report as report_screen
from tui_helpers import ready, screen_lines

PATIENT = "MRN-SECRET-4242"


@pytest.fixture
def seeded_log(
    isolated_user_dirs: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = isolated_user_dirs / "config"
    config.mkdir(parents=True, exist_ok=True)
    (config / "config.toml").write_text(
        "[log]\nstore_patient_id = true\n\n[dosing]\nround_within = 10\n"
    )
    for arguments in (
        ["--dose", "250 mg", "--given-at", "2026-01-10 09:00"],
        [
            "--hcpcs",
            "J1745",
            "--dose",
            "5 mg/kg",
            "--weight",
            "81.5 kg",
            "--given-at",
            "2026-02-15 09:00",
        ],
        ["--dose", "300 mg", "--given-at", "2026-03-03 09:00", "--patient-id", PATIENT],
    ):
        assert main(["calc", *arguments, "--save"]) == 0
    capsys.readouterr()
    monkeypatch.setattr(report_screen, "today", lambda: date(2026, 3, 31))


async def report_shown(pilot: Pilot[None]) -> report_screen.ReportScreen:
    await ready(pilot)
    await pilot.press("f8")
    screen = pilot.app.screen
    assert isinstance(screen, report_screen.ReportScreen)
    for _ in range(300):
        if screen.report is not None:
            break
        await pilot.pause(0.02)
    await pilot.pause()
    return screen


async def test_f8_shows_the_report_with_both_charts_at_80x24(
    seeded_log: None, app: InfusionCalcApp
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await report_shown(pilot)
        assert screen.report is not None and screen.report["totals"]["administrations"] == 3
        text = "\n".join(screen_lines(app))
        assert "Waste and revenue 2025-04-01 to 2026-03-31: 3 administrations" in text, text
        assert "NOT applied" in text and "rounding within 10%" in text, text
        assert PATIENT not in text
        for chart in screen.query(PlotextPlot):
            region = chart.region
            assert region.width >= 30 and region.height >= 9, (chart.id, region)
            assert region.bottom <= 23  # above the footer, nothing scrolled away
        assert "$ by drug" in text and "Monthly" in text and "J2323" in text
        assert "Back" in text  # the footer names the way out
        await pilot.press("escape")
        assert app.screen is app.main_screen


async def test_an_empty_log_shows_an_empty_report_not_an_error(
    app: InfusionCalcApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report_screen, "today", lambda: date(2026, 3, 31))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await report_shown(pilot)
        assert screen.report is not None and screen.report["totals"]["administrations"] == 0
        assert "0 administrations" in "\n".join(screen_lines(app))
