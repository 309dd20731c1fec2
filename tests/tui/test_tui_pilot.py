"""The chair-side app driven through Textual's pilot; assertions are on what a nurse sees.

Expected figures come from the billing rules (administered units round up, discarded units
round down, a JW line for whole discarded units) and their worked examples
(Tysabri 300 mg: J2323-JZ × 300; 250 mg: J2323 × 250 + J2323-JW × 50; infliximab
5 mg/kg × 73 kg: J1745 × 37 + J1745-JW × 3), not from the code under test.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.binding import Binding
from textual.widgets import Input, Select, Static

from infusion_calc.tui.app import InfusionCalcApp
from infusion_calc.tui.result_view import ClaimRow
from infusion_calc.tui.widgets.big_figure import BigFigure
from infusion_calc.tui.widgets.claim_lines import ClaimLines
from infusion_calc.tui.widgets.drug_field import DrugField
from tui_helpers import (
    calculation_of,
    choose,
    field_error,
    focused_id,
    open_encounter,
    ready,
    result_of,
    shown,
    status_text,
    type_into,
)

TYSABRI_NDC = "64406000801"
REMICADE_NDC = "57894003001"


def claim_table(app: InfusionCalcApp) -> list[list[str]]:
    rows = app.main_screen.query_one("#claim-lines", ClaimLines).rows
    return [
        [row.hcpcs, row.modifiers, row.units, row.ndc, row.ndc_unit, row.ndc_quantity]
        for row in rows
    ]


def figures(app: InfusionCalcApp) -> tuple[int | None, int | None]:
    screen = app.main_screen
    return screen.query_one("#administered", BigFigure).value, screen.query_one(
        "#discarded", BigFigure
    ).value


async def test_typing_300_mg_and_enter_gives_one_jz_line_with_nothing_else_touched(
    app: InfusionCalcApp,
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        assert focused_id(app) == "dose"  # the nurse starts typing at once
        await pilot.press(*"300 mg", "enter")
        outcome = app.main_screen.outcome
        assert outcome.valid and outcome.result is not None
        assert outcome.result.claim_rows == (
            ClaimRow("J2323", "JZ", "300", TYSABRI_NDC, "ML", "15"),
        )
        assert claim_table(app) == [["J2323", "JZ", "300", TYSABRI_NDC, "ML", "15"]]
        assert figures(app) == (300, 0)
        assert focused_id(app) == "dose"  # nothing else is needed, so Enter stays put


async def test_250_mg_adds_a_jw_line_for_the_50_units_discarded(app: InfusionCalcApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await type_into(pilot, dose="250 mg")
        assert claim_table(app) == [
            ["J2323", "", "250", TYSABRI_NDC, "ML", "12.5"],
            ["J2323", "JW", "50", TYSABRI_NDC, "ML", "2.5"],
        ]
        assert figures(app) == (250, 50)
        result = result_of(app)
        assert "Draw 12.5 mL" in result.preparation
        assert any("1 × 300 mg/15 mL" in line and "64406-0008-01" in line for line in result.vials)


async def test_a_per_kg_dose_asks_for_the_weight_then_bills_the_worked_example(
    app: InfusionCalcApp,
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        assert not shown(app, "#weight")  # a flat dose needs no weight
        await choose(pilot, "drug", "J1745")
        app.main_screen.query_one("#dose", Input).focus()
        await type_into(pilot, dose="5 mg/kg")
        assert shown(app, "#weight")
        assert "weight" in field_error(app, "weight").lower()
        assert "NOT VALID" in status_text(app)
        assert not shown(app, "#claim-lines")  # no figures while the result is not valid
        await pilot.press("enter")
        assert focused_id(app) == "weight"  # Enter goes to the field still needed
        await type_into(pilot, weight="73 kg")
        assert field_error(app, "weight") == ""
        assert claim_table(app) == [
            ["J1745", "", "37", REMICADE_NDC, "UN", "3.65"],
            ["J1745", "JW", "3", REMICADE_NDC, "UN", "0.35"],
        ]
        assert result_of(app).vials[0].startswith("4 × 100 mg")


async def test_a_per_m2_dose_shows_height_weight_and_bsa(app: InfusionCalcApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await choose(pilot, "drug", "J9312")
        await type_into(pilot, dose="375 mg/m2")
        assert shown(app, "#height") and shown(app, "#bsa") and shown(app, "#weight")
        await type_into(pilot, bsa="1.9 m2")
        # 375 × 1.9 = 712.5 mg; 10 mg units: 71.25 rounded up.
        assert result_of(app).administered_units == 72


GARBAGE = [
    "1,5 mg",
    "three hundred",
    "[red]300[/red] mg",
    "10**10**10 mg",
    "-5 mg",
    "nan mg",
    "300 mgs",
    "5 µg",
    "300",
    "mg",
    "1 000 mg",
    "x" * 200,
    "300 mg/",
    "3 cc",
]


async def test_garbage_doses_show_an_inline_error_and_no_result_and_never_crash(
    app: InfusionCalcApp,
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        for text in GARBAGE:
            await type_into(pilot, dose=text)
            assert field_error(app, "dose"), f"no message under the dose for {text!r}"
            assert "NOT VALID" in status_text(app), text
            assert not shown(app, "#result-figures"), text
        assert app.is_running
        await type_into(pilot, dose="300 mg")  # fixing the input brings the result back
        assert field_error(app, "dose") == ""
        assert figures(app) == (300, 0)


async def test_the_error_says_what_to_type(app: InfusionCalcApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await type_into(pilot, dose="1,5 mg")
        message = field_error(app, "dose")
        assert "dot for decimals" in message and "300 mg" in message


async def test_a_weight_left_in_a_hidden_field_does_not_block_a_flat_dose(
    app: InfusionCalcApp,
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await type_into(pilot, dose="5 mg/kg", weight="seventy")
        assert field_error(app, "weight")
        await type_into(pilot, dose="300 mg")
        assert not shown(app, "#weight")
        assert app.main_screen.outcome.valid


async def test_weight_outside_a_human_range_is_an_error_not_a_dose(app: InfusionCalcApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await type_into(pilot, dose="5 mg/kg", weight="700 kg")
        assert "plausible" in field_error(app, "weight")
        assert not app.main_screen.outcome.valid


async def test_copy_claim_lines_puts_tab_separated_lines_in_the_clipboard(
    app: InfusionCalcApp,
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await type_into(pilot, dose="250 mg")
        await pilot.press("f2")
        assert app.clipboard == (
            "HCPCS\tModifier\tUnits\tNDC\tNDC unit\tNDC quantity\n"
            f"J2323\t\t250\t{TYSABRI_NDC}\tML\t12.5\n"
            f"J2323\tJW\t50\t{TYSABRI_NDC}\tML\t2.5\n"
        )


async def test_copy_chart_text_puts_the_chart_note_in_the_clipboard(app: InfusionCalcApp) -> None:
    from infusion_calc.core.pipeline.documentation import chart_note
    from infusion_calc.loading import clinical_rules

    async with app.run_test(size=(120, 40)) as pilot:
        await type_into(pilot, dose="250 mg")
        await pilot.press("f3")
        assert app.clipboard == chart_note(calculation_of(app), rules=clinical_rules())
        assert "250 mg" in app.clipboard


async def test_nothing_is_copied_while_the_input_is_not_valid(app: InfusionCalcApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await type_into(pilot, dose="250 mg")
        await pilot.press("f2")
        await type_into(pilot, dose="25O mg")  # letter O: not valid
        await pilot.press("f3")
        assert app.clipboard.startswith("HCPCS")  # still the last good copy, not a stale chart
        assert any("Nothing copied" in str(note.message) for note in app._notifications)


async def test_save_writes_the_text_to_the_data_folder_and_says_where(
    app: InfusionCalcApp, isolated_user_dirs: Path
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await type_into(pilot, dose="250 mg")
        await pilot.press("f4")
        saved = list((isolated_user_dirs / "data").glob("infusion-calc-*.txt"))
        assert len(saved) == 1
        text = saved[0].read_text(encoding="utf-8")
        assert f"J2323\tJW\t50\t{TYSABRI_NDC}" in text and "Drug" in text
        assert any(str(saved[0]) in str(note.message) for note in app._notifications)


async def test_next_patient_clears_the_form_and_returns_to_the_dose(app: InfusionCalcApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await choose(pilot, "drug", "J1745")
        await type_into(pilot, dose="5 mg/kg", weight="73 kg")
        app.main_screen.query_one("#weight", Input).focus()
        await pilot.press("ctrl+n")
        screen = app.main_screen
        assert (
            screen.query_one("#dose", Input).value == ""
            and screen.query_one("#weight", Input).value == ""
        )
        assert screen.form.drug == "J1745"  # a Remicade day stays Remicade
        assert focused_id(app) == "dose"
        assert screen.outcome.state == "waiting"


async def test_rounding_option_is_offered_but_never_applied(app: InfusionCalcApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await type_into(pilot, dose="280 mg", round_within="10")
        result = result_of(app)
        assert (
            result.rounding is not None
            and "300 mg" in result.rounding
            and "NOT applied" in result.rounding
        )
        assert [row.units for row in result.claim_rows] == ["280", "20"]  # the order as written
        assert shown(app, "#rounding-option")


async def test_a_vial_size_typed_by_hand_is_checked_and_flagged_without_ndc(
    app: InfusionCalcApp,
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await choose(pilot, "vial-choice", "typed")
        assert shown(app, "#vial")
        await type_into(pilot, dose="250 mg", vial="300 mg/")
        assert field_error(app, "vial")
        await type_into(pilot, vial="150 mg/7.5 mL")
        result = result_of(app)
        assert result.vials[0].startswith("2 × 150 mg/7.5 mL")
        assert "not verified" in result.vials[0]


async def test_a_drug_with_two_vial_sizes_offers_both_and_the_least_waste_plan(
    app: InfusionCalcApp,
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await choose(pilot, "drug", "J0490")
        select = app.main_screen.query_one("#vial-choice", Select)
        labels = [str(prompt) for prompt, _ in select._options]
        assert labels[0].startswith("Least waste from 120 mg and 400 mg")
        assert "120 mg only" in labels and "400 mg only" in labels
        await choose(pilot, "vial-choice", "120 mg")
        await type_into(pilot, dose="400 mg")
        assert result_of(app).vials[0].startswith("4 × 120 mg")


async def test_f1_opens_help_on_jw_jz_rounding_and_j2326(app: InfusionCalcApp) -> None:
    from textual.widgets import Static

    from infusion_calc.tui.screens.help import HelpScreen

    async with app.run_test(size=(100, 40)) as pilot:
        await ready(pilot)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-text", Static).render())
        for words in (
            "JW",
            "JZ",
            "rounded up",
            "rounded down",
            "never applied",
            "nusinersen",
            "J2323",
            "Q5134",
        ):
            assert words in text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_every_action_is_in_the_command_palette_and_runs_from_there(
    app: InfusionCalcApp,
) -> None:
    from textual.command import CommandList

    async with app.run_test(size=(120, 40)) as pilot:
        await type_into(pilot, dose="300 mg")
        names = {command.title for command in app.get_system_commands(app.screen)}
        assert {
            "Copy claim",
            "Copy chart",
            "Write to file",
            "Copy as…",
            "Save to log",
            "Next patient",
            "Help",
            "Quit",
            "High contrast",
            "Theme",
            "Encounter details",
        } <= names
        assert {
            f"Copy as {fmt}"
            for fmt in ("cms1500", "ub04", "837p", "837i", "fhir", "csv", "json", "text")
        } <= names
        await pilot.press("ctrl+p")
        await pilot.press(*"copy claim")
        for _ in range(100):  # the palette searches in the background
            hits = app.screen.query(CommandList)
            if hits and hits.first().option_count and hits.first().highlighted is not None:
                break
            await pilot.pause(0.02)
        await pilot.press("enter")
        await pilot.pause()
        assert app.clipboard.splitlines()[1] == f"J2323\tJZ\t300\t{TYSABRI_NDC}\tML\t15"


async def test_bindings_have_ids_so_sites_can_remap_keys(app: InfusionCalcApp) -> None:
    from infusion_calc.tui.screens.main import MainScreen

    for binding in [*MainScreen.BINDINGS, *type(app).BINDINGS]:
        assert isinstance(binding, Binding) and binding.id, binding


async def test_high_contrast_theme_is_available_and_switchable(app: InfusionCalcApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(
            pilot
        )  # not mid-build: an app torn down while its Selects mount raises inside Textual
        assert "ward-high-contrast" in app.available_themes
        # A theme change restyles every widget: wait until the form's Selects have their
        # overlays, or restyling a Select still composing finds no SelectOverlay (seen under load).
        for _ in range(200):
            if app.main_screen.query("SelectOverlay"):
                break
            await pilot.pause()
        else:
            raise AssertionError("the Selects never got their overlays")
        await pilot.pause()
        app.action_toggle_high_contrast()
        await pilot.pause()
        assert app.theme == "ward-high-contrast"
        assert (
            app.current_theme.background == "#ffffff" and app.current_theme.foreground == "#000000"
        )


@pytest.mark.parametrize(("size", "side_by_side"), [((120, 40), True), ((80, 24), False)])
async def test_form_and_result_side_by_side_when_wide_stacked_when_narrow(
    app: InfusionCalcApp, size: tuple[int, int], side_by_side: bool
) -> None:
    async with app.run_test(size=size) as pilot:
        await type_into(pilot, dose="250 mg")
        form = app.main_screen.query_one("#order-form").region
        result = app.main_screen.query_one("#result").region
        if side_by_side:
            assert result.x >= form.right and result.y == form.y
        else:
            assert result.y >= form.bottom and result.x == form.x
            assert shown(app, "#administered")  # the key figures fit on an 80×24 screen
            assert app.main_screen.query_one("#administered").region.bottom <= 24


async def test_the_drug_list_is_searchable_from_the_keyboard(app: InfusionCalcApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("shift+tab")  # from the dose back to the drug
        assert focused_id(app) == "drug-search"
        await pilot.press("enter", *"remi", "enter")
        assert app.main_screen.form.drug == "J1745"


async def test_the_mouse_works_too(app: InfusionCalcApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await type_into(pilot, dose="250 mg")
        app.main_screen.query_one("#round-within", Input).blur()
        await pilot.click("#round-within")
        assert focused_id(app) == "round-within"
        await pilot.click("#drug")
        assert app.main_screen.query_one(
            "#drug", DrugField
        ).expanded  # the list opened under the pointer


async def test_a_bad_rounding_threshold_is_shown_under_its_field(app: InfusionCalcApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await type_into(pilot, dose="280 mg", round_within="ten")
        assert "percent" in field_error(app, "round_within")
        assert not app.main_screen.outcome.valid


async def test_warnings_are_shown_with_the_result(app: InfusionCalcApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await choose(pilot, "drug", "Q5134")  # Tyruko: NDC not verified
        await type_into(pilot, dose="300 mg")
        warnings = app.main_screen.query_one("#result-warnings", Static)
        assert shown(app, "#result-warnings")
        assert "from the carton" in str(warnings.render())
        assert result_of(app).claim_rows[0].ndc.startswith("not verified")


async def test_keys_typed_before_the_form_exists_land_in_the_dose_field(
    app: InfusionCalcApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A nurse types `300 mg` Enter the moment the app opens, before the form is built."""
    from infusion_calc.tui.screens.main import MainScreen

    # Hold the form back (it is built on mount, just after the first frame),
    # so the keys surely come first.
    monkeypatch.setattr(MainScreen, "on_mount", lambda screen: None)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"300 mg", "enter")
        screen = app.main_screen
        assert not screen.built and not screen.query("#dose")  # typed into nothing yet
        screen.call_after_refresh(screen._build)  # what on_mount does
        await ready(pilot)
        await pilot.pause()
        assert screen.query_one("#dose", Input).value == "300 mg"
        assert focused_id(app) == "dose"
        assert claim_table(app) == [["J2323", "JZ", "300", TYSABRI_NDC, "ML", "15"]]
        await pilot.press(
            "backspace", "backspace", "backspace", "backspace", *"0 mg"
        )  # later keys follow them, in order
        assert screen.query_one("#dose", Input).value == "300 mg"


@pytest.mark.parametrize("width", [80, 100, 120])
async def test_the_key_bar_fits_the_terminal_with_help_always_on_it(
    app: InfusionCalcApp, width: int
) -> None:
    from textual.widgets import Footer
    from textual.widgets._footer import FooterKey

    async with app.run_test(size=(width, 30)) as pilot:
        await type_into(pilot, dose="300 mg")
        await pilot.pause()
        keys = list(app.main_screen.query_one(Footer).query(FooterKey))
        assert sum(key.outer_size.width for key in keys) <= width
        shown_keys = {key.key for key in keys}
        assert {"f1", "f2", "f3", "f5", "f6", "ctrl+n"} <= shown_keys
        if width >= 120:
            assert {"f4", "ctrl+q", "ctrl+p"} <= shown_keys
        await pilot.press("f4")  # left off the bar on a narrow terminal, but it still works
        assert any("Written to" in str(note.message) for note in app._notifications)


async def test_without_blink_every_focused_field_has_a_steady_cursor_even_ones_built_later(
    app: InfusionCalcApp,
) -> None:
    """Snapshots must not depend on the blink timer:
    the encounter fields are built after the form."""
    from textual.widgets import Input

    async with app.run_test(size=(120, 40)) as pilot:
        await open_encounter(pilot)
        dx = app.main_screen.query_one("#dx", Input)
        for _ in range(100):  # under load the form may still be placing the focus as it settles
            dx.focus()
            await pilot.pause()
            if dx.has_focus and not dx.cursor_blink:
                break
        await pilot.pause(0.7)  # longer than one blink
        assert dx.has_focus
        assert not dx.cursor_blink
        assert dx._cursor_visible


async def test_the_calculator_has_one_owner_the_main_screen(app: InfusionCalcApp) -> None:
    """The app reads the screen's calculator; there is no second copy to fall out of step."""
    from textual.reactive import Reactive

    from infusion_calc.tui.app import InfusionCalcApp

    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        assert app.calculator is app.main_screen.calculator is not None
        assert not isinstance(InfusionCalcApp.__dict__["calculator"], Reactive)
