"""The chair at 80×24 (issue 13): every figure whole, Enter in screen order, no key lost.

Each test drives the app at the size where the defect was seen, and reads what is on the
terminal (not only the state behind it), since a figure cut at the edge reads wrong.
"""

from __future__ import annotations

import re

from tui_helpers import choose, ready, screen_lines, scroll_to, type_into

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
