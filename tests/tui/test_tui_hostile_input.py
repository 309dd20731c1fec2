"""Nothing typed may crash the app: a lone surrogate in a free-text field, then F3.

The invalid UTF-8 byte from the terminal is tested end to end in tmux
(test_tui_tmux.py), since it breaks in the terminal driver's input thread, which the
pilot does not use.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from infusion_calc.tui.app import InfusionCalcApp
from tui_helpers import field_error, open_encounter, type_into


async def test_a_lone_surrogate_in_a_free_text_field_then_f3_says_what_to_fix_and_keeps_running(
    app: InfusionCalcApp,
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await type_into(pilot, dose="300 mg")
        await open_encounter(pilot)
        app.main_screen.query_one("#nurse", Input).value = "Sam \udcff RN"
        await pilot.pause()
        await pilot.press("f3")
        assert app.is_running
        assert "U+DCFF" in field_error(app, "nurse")
        assert any("Nothing copied" in str(note.message) for note in app._notifications)
        await pilot.press("f2")  # the claim lines hold no free text: they copy
        assert app.clipboard.startswith("HCPCS")


async def test_text_that_cannot_be_encoded_is_copied_and_written_with_a_replacement_character(
    app: InfusionCalcApp, isolated_user_dirs: Path
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await type_into(pilot, dose="300 mg")
        app.main_screen._copy(
            "chart text", "Given by Sam \udcff RN"
        )  # should any text ever carry one
        assert app.is_running and app.clipboard == "Given by Sam \ufffd RN"
        from infusion_calc.tui import sharing

        path = sharing.save_text("Sam \udcff RN")
        assert path.read_text(encoding="utf-8") == "Sam \ufffd RN"


async def test_a_lone_surrogate_in_the_dose_is_an_error_under_the_field_not_a_crash(
    app: InfusionCalcApp,
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await type_into(pilot, dose="300\udcffmg")
        await pilot.press("f2")
        assert app.is_running
        assert not app.main_screen.outcome.valid
