"""A dose far outside the label's range: nothing leaves the app without the nurse's explicit word.

The core's DOSE_OUT_OF_RANGE check (an error) says how far the dose is from the label.
Before F2, F3, F5 copy, F4 writes or F6 saves such a result, a dialog shows that
sentence and asks to confirm the dose or go back and fix it; Esc and "Fix" leave
everything where it was. Most tests use the real check (Tysabri 300 mL = 6,000 mg);
one injects a check to pin the dialog to the code, whatever the core's wording.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from infusion_calc.core.record.check_types import Check, Severity
from infusion_calc.tui.app import InfusionCalcApp
from infusion_calc.tui.screens.confirm_dose import ConfirmDoseScreen
from tui_helpers import focused_id, result_of, type_into

SIZE = (80, 24)


def dialog(app: InfusionCalcApp) -> ConfirmDoseScreen | None:
    return app.screen if isinstance(app.screen, ConfirmDoseScreen) else None


def shown_dialog(app: InfusionCalcApp) -> ConfirmDoseScreen:
    """The dose dialog, which the test has just made appear."""
    screen = dialog(app)
    assert screen is not None, app.screen
    return screen


def notices(app: InfusionCalcApp) -> str:
    return " | ".join(str(note.message) for note in app._notifications)


@pytest.mark.parametrize("key", ["f2", "f3", "f5"])
async def test_no_copy_of_a_dose_far_outside_the_label_without_confirming(
    app: InfusionCalcApp, key: str
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await type_into(pilot, dose="300 mL")  # Tysabri: 6,000 mg, twenty times the labeled 300 mg
        assert any(check.code == "DOSE_OUT_OF_RANGE" for check in result_of(app).checks)
        await pilot.press(key)
        assert dialog(app) is not None
        assert "far outside the labeled dose" in shown_dialog(app).message
        await pilot.press("escape")
        assert dialog(app) is None and app.screen is app.main_screen
        assert app.clipboard == ""
        assert "Nothing copied" in notices(app)


async def test_fix_is_the_default_and_confirm_must_be_chosen(app: InfusionCalcApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await type_into(pilot, dose="300 mL")
        await pilot.press("f2")
        await pilot.press(
            "enter"
        )  # the focused button is "Fix the dose": Enter alone never confirms
        assert dialog(app) is None and app.clipboard == ""
        assert (
            app.focused is not None and focused_id(app) == "dose"
        )  # back in the dose field, to fix it
        await pilot.press("f2")
        await pilot.press("tab", "enter")  # "Confirm this dose" chosen on purpose
        assert dialog(app) is None
        assert "J2323\tJZ" in app.clipboard or "J2323\t" in app.clipboard


async def test_write_to_file_and_save_to_log_ask_too(
    app: InfusionCalcApp, isolated_user_dirs: Path
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await type_into(pilot, dose="300 mL")
        for key in ("f4", "f6"):
            await pilot.press(key)
            assert dialog(app) is not None, key
            await pilot.press("escape")
        assert "Written to" not in notices(app) and "Saved as entry" not in notices(app)
        assert not list(isolated_user_dirs.glob("**/*.txt"))  # nothing written
        await pilot.press("f6")
        await pilot.press("tab", "enter")
        for _ in range(50):
            await pilot.pause()
            if "Saved as entry" in notices(app):
                break
        assert "Saved as entry" in notices(app)


async def test_a_dose_within_the_label_asks_nothing(app: InfusionCalcApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await type_into(pilot, dose="300 mg")
        await pilot.press("f2")
        assert dialog(app) is None
        assert "J2323\tJZ\t300" in app.clipboard


async def test_the_dialog_follows_the_check_code_and_says_its_message(
    app: InfusionCalcApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    injected = Check(
        "DOSE_OUT_OF_RANGE",
        Severity.ERROR,
        "The dose 0.3 mg is 1,000 times below the labeled 300 mg.",
    )
    monkeypatch.setattr(
        "infusion_calc.core.pipeline.administration.run_checks", lambda *args, **kwargs: (injected,)
    )
    async with app.run_test(size=SIZE) as pilot:
        await type_into(pilot, dose="300 mcg")
        await pilot.press("f3")
        assert dialog(app) is not None
        assert shown_dialog(app).message == injected.message
        shown = str(shown_dialog(app).query_one("#confirm-dose-reason").render())
        assert "1,000 times below" in shown


async def test_the_problem_is_on_the_result_at_once_at_80x24_above_the_vials(
    app: InfusionCalcApp,
) -> None:
    from tui_helpers import screen_lines

    async with app.run_test(size=SIZE) as pilot:
        await type_into(pilot, dose="300 mL")
        lines = screen_lines(app)
        alert = next(index for index, line in enumerate(lines) if "CHECK THE DOSE" in line)
        opened = next(
            index for index, line in enumerate(lines) if "Open" in line and "20 ×" in line
        )
        assert alert < opened, "\n".join(lines)
        await type_into(pilot, dose="300 mg")
        assert not any("CHECK THE DOSE" in line for line in screen_lines(app))
