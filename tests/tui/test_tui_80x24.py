"""The chair at 80×24: every figure whole, Enter in screen order, no key lost.

Each test drives the app at the size where the defect was seen, and reads what is on the
terminal (not only the state behind it), since a figure cut at the edge reads wrong.
"""

from __future__ import annotations

import re

import pytest
from textual.widgets import Input

from infusion_calc.tui.app import InfusionCalcApp
from tui_helpers import (
    choose,
    focused_id,
    ready,
    result_of,
    screen_lines,
    scroll_to,
    type_fast,
    type_into,
)

SIZE = (80, 24)


def rows_with(lines: list[str], *words: str) -> list[str]:
    return [
        line
        for line in lines
        if all(re.search(rf"(?<!\S){re.escape(word)}(?!\S)", line) for word in words)
    ]


async def test_claim_figures_stay_whole_after_a_patient_with_an_unverified_ndc(
    app: InfusionCalcApp,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await choose(
            pilot, "drug", "Q5134"
        )  # Tyruko: "not verified: take it from the carton" as its NDC
        await type_into(pilot, dose="300 mg")
        await pilot.press("ctrl+n")
        await choose(pilot, "drug", "J2323")
        await type_into(pilot, dose="250 mg")
        await scroll_to(pilot, "#claim-lines")
        lines = screen_lines(app)
        assert rows_with(lines, "J2323", "250", "64406000801", "ML", "12.5"), "\n".join(lines)
        assert rows_with(lines, "J2323", "JW", "50", "64406000801", "ML", "2.5"), "\n".join(lines)


async def test_a_three_decimal_ndc_quantity_is_shown_whole(app: InfusionCalcApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await choose(pilot, "drug", "Q5134")
        await type_into(pilot, dose="300 mg")
        await choose(pilot, "drug", "J0490")  # Benlysta: two presentations, quantities like 5.667
        await type_into(pilot, dose="680 mg")
        await scroll_to(pilot, "#claim-lines")
        lines = screen_lines(app)
        for row in result_of(app).claim_rows:
            cells = [
                cell
                for cell in (
                    row.hcpcs,
                    row.modifiers,
                    row.units,
                    row.ndc,
                    row.ndc_unit,
                    row.ndc_quantity,
                )
                if cell
            ]
            assert rows_with(lines, *cells), f"{cells} not whole on one line:\n" + "\n".join(lines)


async def test_an_unverified_ndc_wraps_inside_its_column_and_keeps_the_figures_whole(
    app: InfusionCalcApp,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await choose(pilot, "drug", "Q5134")
        await type_into(pilot, dose="300 mg")
        await scroll_to(pilot, "#claim-lines")
        lines = screen_lines(app)
        row = result_of(app).claim_rows[0]
        assert rows_with(lines, row.hcpcs, row.units, "not", row.ndc_unit, row.ndc_quantity), (
            "\n".join(lines)
        )
        assert any("carton" in line for line in lines)


async def test_a_terminal_too_narrow_for_the_claim_lines_says_so_instead_of_cutting_them(
    app: InfusionCalcApp,
) -> None:
    async with app.run_test(size=(50, 24)) as pilot:
        await choose(pilot, "drug", "Q5134")
        await type_into(pilot, dose="300 mg")
        await scroll_to(pilot, "#claim-lines")
        text = "\n".join(screen_lines(app))
        assert (
            "do not fit this terminal" in text
            and "Q5134" not in text.split("Claim lines")[-1].split("⚠")[0]
        )


async def test_enter_after_a_per_m2_dose_goes_to_height_then_weight_as_the_screen_shows_them(
    app: InfusionCalcApp,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await choose(pilot, "drug", "J9312")  # Rituxan
        app.main_screen.query_one("#dose").focus()
        await pilot.press(*"375 mg/m2", "enter", *"170 cm", "enter", *"70 kg")
        screen = app.main_screen
        assert (screen.form.dose, screen.form.height, screen.form.weight, screen.form.bsa) == (
            "375 mg/m2",
            "170 cm",
            "70 kg",
            "",
        )
        assert screen.outcome.valid
        rows = [
            row.id
            for row in screen.query("FormField")
            if row.display and row.id in ("height-field", "weight-field", "bsa-field")
        ]
        assert rows == ["height-field", "weight-field", "bsa-field"]  # the order Enter followed


async def test_a_weight_typed_right_after_enter_lands_in_the_weight_field(
    app: InfusionCalcApp,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await choose(pilot, "drug", "J1745")  # Remicade
        app.main_screen.query_one("#dose").focus()
        await type_fast(pilot, *"5 mg/kg", "enter", *"73 kg")
        screen = app.main_screen
        assert (screen.form.dose, screen.form.weight) == ("5 mg/kg", "73 kg")
        assert focused_id(app) == "weight"
        assert result_of(app).claim_rows[0].units == "37"


async def test_a_pasted_dose_and_weight_on_two_lines_fill_both_fields(app: InfusionCalcApp) -> None:
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


async def test_a_weight_in_lb_reads_to_two_decimals_and_the_dose_is_computed_exactly(
    app: InfusionCalcApp,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await choose(pilot, "drug", "J1745")
        await type_into(pilot, dose="5 mg/kg", weight="161 lb")
        result = result_of(app)
        steps = " / ".join(result.dose_steps)
        assert "161 lb ≈ 73.03 kg" in steps, steps
        assert "73.028" not in steps  # the exact 73.02837157 kg is used, not shown
        assert result.dose == "365.14 mg"  # 5 × 73.02837157 = 365.1418…, not 5 × 73.03 = 365.15
        assert "5 mg/kg × 161 lb = 365.14 mg" in steps


async def test_f7_jumps_to_the_result_then_the_checks_then_the_chart_text_then_back_to_the_form(
    app: InfusionCalcApp,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await type_into(pilot, dose="250 mg")
        assert focused_id(app) == "dose"
        for title in ("natalizumab (Tysabri)", "Pre-submission checks", "Chart text"):
            await pilot.press("f7")
            lines = screen_lines(app)
            first = next(line for line in lines[1:] if line.strip())
            assert first.strip().startswith(title), "\n".join(lines)
        await pilot.press("f7")
        assert any("Ordered dose" in line for line in screen_lines(app))
        assert focused_id(app) == "dose"  # typing goes on where it was; the drug list never opens


@pytest.mark.parametrize("size", [SIZE, (120, 24)])
async def test_page_down_and_up_scroll_the_result_from_the_form_wide_and_narrow(
    app: InfusionCalcApp, size: tuple[int, int]
) -> None:
    async with app.run_test(size=size) as pilot:
        await type_into(pilot, dose="250 mg")
        scroller = app.main_screen._result_scroller()
        await pilot.press("pagedown")
        assert scroller.scroll_y > 0
        assert focused_id(app) == "dose"
        await pilot.press("pageup", "pageup")
        assert scroller.scroll_y == 0


async def test_f1_and_the_key_bar_name_the_result_key(app: InfusionCalcApp) -> None:
    from textual.widgets import Footer
    from textual.widgets._footer import FooterKey

    from infusion_calc.tui.screens.help import HELP_TEXT

    async with app.run_test(size=SIZE) as pilot:
        await type_into(pilot, dose="250 mg")
        keys = {key.key for key in app.main_screen.query_one(Footer).query(FooterKey)}
        assert "f7" in keys
        assert "F7" in HELP_TEXT and "PageDown" in HELP_TEXT


async def test_f1_help_never_breaks_a_sentence_at_80_columns(app: InfusionCalcApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("f1")
        await pilot.pause()
        box = app.screen.query_one("#help-text")
        width = box.content_size.width
        left = box.content_region.x
        lines = [
            line[left : left + width].rstrip()
            for line in screen_lines(app)[box.content_region.y : box.content_region.bottom]
        ]
        for line, following in zip(lines, lines[1:]):
            if not line or not following.strip():
                continue
            first_word = following.split()[0]
            if (
                len(line) + 1 + len(first_word) <= width
            ):  # the next word would have fitted: a hard break
                assert line.endswith(
                    (".", ":", ")", "help", "vials)", "policy)")
                ) or following.lstrip().startswith("•"), (
                    f"broken mid-sentence:\n{line}\n{following}"
                )


async def test_placeholders_are_dim_and_italic_so_they_never_read_as_entered_data(
    app: InfusionCalcApp,
) -> None:
    from textual.widgets import Input

    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        dose = app.main_screen.query_one("#weight", Input)
        placeholder = dose.get_component_rich_style("input--placeholder")
        assert placeholder.italic
        assert placeholder.color != dose.rich_style.color  # not the colour of typed text


async def test_a_notice_at_80_columns_sits_along_the_bottom_not_over_the_form(
    app: InfusionCalcApp,
) -> None:
    from textual.widgets._toast import Toast

    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await type_into(pilot, dose="300 mg")
        await pilot.press("f2")
        await pilot.pause()
        toasts = list(app.screen.query(Toast))
        assert toasts
        for toast in toasts:
            assert (
                toast.region.width >= SIZE[0] - 4
            )  # one wide band, not the right half of the form
            assert toast.region.y >= SIZE[1] - 8  # along the bottom, above the key bar


async def test_the_copy_as_menu_opens_clear_of_notices(app: InfusionCalcApp) -> None:
    from textual.widgets._toast import Toast

    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await type_into(pilot, dose="300 mg")
        await pilot.press("f2", "f5")
        await pilot.pause()
        assert app.screen.query_one("#copy-as-dialog")
        assert not [toast for toast in app.screen.query(Toast) if toast.display]


@pytest.mark.parametrize("width", [80, 120, 140])
async def test_every_key_on_the_bar_is_shown_with_its_word_never_cut(
    app: InfusionCalcApp, width: int
) -> None:
    async with app.run_test(size=(width, 30)) as pilot:
        await type_into(pilot, dose="300 mg")
        await pilot.pause()
        bar = screen_lines(app)[-1]
        assert "f7 Result" in bar and "f1 Help" in bar, bar


async def test_text_typed_right_after_a_tab_from_the_expiry_lands_in_the_next_field(
    app: InfusionCalcApp,
) -> None:
    from tui_helpers import open_encounter

    async with app.run_test(size=SIZE) as pilot:
        await type_into(pilot, dose="250 mg")
        await open_encounter(pilot)
        app.main_screen.query_one("#expires-1", Input).focus()
        await pilot.pause()
        await type_fast(pilot, *"2027-03", "tab", *"abc")
        assert app.main_screen.query_one("#expires-1", Input).value == "2027-03"
        assert isinstance(app.focused, Input) and app.focused.value == "abc"
