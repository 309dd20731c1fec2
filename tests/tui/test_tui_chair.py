"""The chair between patients (issue 22 §4): Ctrl+N closes the encounter
panel, keeps the clinic day, puts the result first and F7 back at its
start; an unticked box looks unticked; REMS only for REMS drugs."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Checkbox, Collapsible, Input, Static

from infusion_calc.tui.app import InfusionCalcApp
from tui_helpers import choose, open_encounter, screen_lines, shown, type_into


async def test_next_patient_closes_the_panel_keeps_the_day_and_shows_the_result_first(
    app: InfusionCalcApp,
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await type_into(pilot, dose="300 mg")
        await open_encounter(pilot)
        await type_into(pilot, given_at="2026-03-02 09:40", dx="G35.A")
        await pilot.press("f7")
        await pilot.press("f7")
        screen = app.main_screen
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.pause()
        assert screen.query_one("#encounter", Collapsible).collapsed
        assert screen.query_one("#given-at", Input).value.startswith("2026-03-02 ")
        assert screen.query_one("#dx", Input).value == ""
        assert screen._jumps == 0
        await type_into(pilot, dose="300 mg")
        assert any(
            "2026-03-02" in value for field, value in screen.form.encounter if field == "given_at"
        )
        await pilot.press("f7")
        await pilot.pause()
        assert screen._jumps == 1  # F7 lands on the result again, not on the checks
        assert screen.query_one("#workspace").scroll_y == 0 or shown(app, "#result")


async def test_an_unticked_box_is_drawn_empty_and_a_ticked_one_with_its_x(
    app: InfusionCalcApp,
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await type_into(pilot, dose="300 mg")
        await open_encounter(pilot)
        box = app.main_screen.query_one("#consent", Checkbox)
        assert "X" not in box._button.plain
        box.value = True
        await pilot.pause()
        assert "X" in box._button.plain


async def test_the_rems_box_shows_only_for_a_drug_with_a_rems_program(app: InfusionCalcApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await type_into(pilot, dose="300 mg")  # natalizumab: TOUCH
        await open_encounter(pilot)
        screen = app.main_screen
        assert shown(app, "#rems-checked")
        screen.query_one("#rems-checked", Checkbox).value = True
        await choose(pilot, "drug", "J1745")  # infliximab: no REMS program
        await type_into(pilot, dose="5 mg/kg", weight="70 kg")
        await pilot.pause()
        assert not shown(app, "#rems-checked")
        assert "rems_checked" not in dict(screen.form.encounter)
        assert not any("REMS" in line for line in screen_lines(app))


async def _add(pilot: Pilot[None], drug: str, start: str, stop: str, **fields: str) -> None:
    await choose(pilot, "drug", drug)
    await type_into(pilot, **fields)
    await open_encounter(pilot)
    await type_into(pilot, given_at="2026-03-02 09:00", start=start, stop=stop)
    await pilot.press("f9")
    await pilot.pause()


async def test_a_three_drug_visit_lists_its_drugs_and_the_whole_claim(app: InfusionCalcApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await _add(pilot, "J1756", "09:00", "09:05", dose="200 mg")  # iron sucrose, a 5-minute push
        await _add(pilot, "J3380", "09:10", "09:40", dose="300 mg")  # vedolizumab
        await _add(pilot, "J9312", "09:45", "13:45", dose="375 mg/m2", bsa="1.9 m2")  # rituximab
        screen = app.main_screen
        text = str(screen.query_one("#visit", Static).content)
        assert "Visit: 3 drugs" in text
        assert text.index("J1756") < text.index("J3380") < text.index("J9312")
        for line in ("J9312-JW × 8", "96413 × 1", "96415 × 3", "96417 × 1", "96375 × 1"):
            assert line in text, line
        assert screen.query_one(
            "#encounter", Collapsible
        ).collapsed  # the next drug starts with the panel closed
        assert (
            screen.query_one("#given-at", Input).value == "2026-03-02 09:00"
        )  # the visit's day stays
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert not screen.query_one("#visit").display
