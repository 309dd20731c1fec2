"""The chair at 80×24 (issue 13): every figure whole, Enter in screen order, no key lost.

Each test drives the app at the size where the defect was seen, and reads what is on the
terminal (not only the state behind it), since a figure cut at the edge reads wrong.
"""

from __future__ import annotations

import re

from tui_helpers import choose, ready, screen_lines, scroll_to, type_fast, type_into

SIZE = (80, 24)


def rows_with(lines: list[str], *words: str) -> list[str]:
    return [line for line in lines if all(re.search(rf"(?<!\S){re.escape(word)}(?!\S)", line) for word in words)]


async def test_claim_figures_stay_whole_after_a_patient_with_an_unverified_ndc(app):
    async with app.run_test(size=SIZE) as pilot:
        await choose(pilot, "drug", "J3380")  # Entyvio: "not verified: take it from the carton" as its NDC
        await type_into(pilot, dose="300 mg")
        await pilot.press("ctrl+n")
        await choose(pilot, "drug", "J2323")
        await type_into(pilot, dose="250 mg")
        await scroll_to(pilot, "#claim-lines")
        lines = screen_lines(app)
        assert rows_with(lines, "J2323", "250", "64406000801", "ML", "12.5"), "\n".join(lines)
        assert rows_with(lines, "J2323", "JW", "50", "64406000801", "ML", "2.5"), "\n".join(lines)


async def test_a_three_decimal_ndc_quantity_is_shown_whole(app):
    async with app.run_test(size=SIZE) as pilot:
        await choose(pilot, "drug", "J3380")
        await type_into(pilot, dose="300 mg")
        await choose(pilot, "drug", "J0490")  # Benlysta: two presentations, quantities like 5.667
        await type_into(pilot, dose="680 mg")
        await scroll_to(pilot, "#claim-lines")
        lines = screen_lines(app)
        for row in app.main_screen.outcome.result.claim_rows:
            cells = [cell for cell in (row.hcpcs, row.modifiers, row.units, row.ndc, row.ndc_unit, row.ndc_quantity) if cell]
            assert rows_with(lines, *cells), f"{cells} not whole on one line:\n" + "\n".join(lines)


async def test_an_unverified_ndc_wraps_inside_its_column_and_keeps_the_figures_whole(app):
    async with app.run_test(size=SIZE) as pilot:
        await choose(pilot, "drug", "J3380")
        await type_into(pilot, dose="300 mg")
        await scroll_to(pilot, "#claim-lines")
        lines = screen_lines(app)
        row = app.main_screen.outcome.result.claim_rows[0]
        assert rows_with(lines, row.hcpcs, row.units, "not", row.ndc_unit, row.ndc_quantity), "\n".join(lines)
        assert any("carton" in line for line in lines)


async def test_a_terminal_too_narrow_for_the_claim_lines_says_so_instead_of_cutting_them(app):
    async with app.run_test(size=(50, 24)) as pilot:
        await choose(pilot, "drug", "J3380")
        await type_into(pilot, dose="300 mg")
        await scroll_to(pilot, "#claim-lines")
        text = "\n".join(screen_lines(app))
        assert "do not fit this terminal" in text and "J3380" not in text.split("Claim lines")[-1].split("⚠")[0]


async def test_enter_after_a_per_m2_dose_goes_to_height_then_weight_as_the_screen_shows_them(app):
    async with app.run_test(size=SIZE) as pilot:
        await choose(pilot, "drug", "J9312")  # Rituxan
        app.main_screen.query_one("#dose").focus()
        await pilot.press(*"375 mg/m2", "enter", *"170 cm", "enter", *"70 kg")
        screen = app.main_screen
        assert (screen.form.dose, screen.form.height, screen.form.weight, screen.form.bsa) == (
            "375 mg/m2", "170 cm", "70 kg", "")
        assert screen.outcome.valid
        rows = [row.id for row in screen.query("FormField") if row.display and row.id in
                ("height-field", "weight-field", "bsa-field")]
        assert rows == ["height-field", "weight-field", "bsa-field"]  # the order Enter followed


async def test_a_weight_typed_right_after_enter_lands_in_the_weight_field(app):
    async with app.run_test(size=SIZE) as pilot:
        await choose(pilot, "drug", "J1745")  # Remicade
        app.main_screen.query_one("#dose").focus()
        await type_fast(pilot, *"5 mg/kg", "enter", *"73 kg")
        screen = app.main_screen
        assert (screen.form.dose, screen.form.weight) == ("5 mg/kg", "73 kg")
        assert app.focused.id == "weight"
        assert screen.outcome.result.claim_rows[0].units == "37"


async def test_a_pasted_dose_and_weight_on_two_lines_fill_both_fields(app):
    from textual import events

    async with app.run_test(size=SIZE) as pilot:
        await choose(pilot, "drug", "J1745")
        app.main_screen.query_one("#dose").focus()
        await pilot.pause()
        app.post_message(events.Paste("5 mg/kg\n73 kg"))  # a bracketed paste from the terminal
        for _ in range(6):
            await pilot.pause()
        screen = app.main_screen
        assert (screen.form.dose, screen.form.weight) == ("5 mg/kg", "73 kg")


async def test_a_weight_in_lb_reads_to_two_decimals_and_the_dose_is_computed_exactly(app):
    async with app.run_test(size=SIZE) as pilot:
        await choose(pilot, "drug", "J1745")
        await type_into(pilot, dose="5 mg/kg", weight="161 lb")
        result = app.main_screen.outcome.result
        steps = " / ".join(result.dose_steps)
        assert "161 lb ≈ 73.03 kg" in steps, steps
        assert "73.028" not in steps  # the exact 73.02837157 kg is used, not shown
        assert result.dose == "365.14 mg"  # 5 × 73.02837157 = 365.1418…, not 5 × 73.03 = 365.15
        assert "5 mg/kg × 161 lb = 365.14 mg" in steps
