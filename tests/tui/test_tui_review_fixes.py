"""Behaviours a second review found missing: each test states what a nurse or biller would see."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from infusion_calc.tui.app import InfusionCalcApp, make_app
from infusion_calc.tui.state import TYPED_SIZE
from test_tui_outputs import log_rows, saved
from tui_helpers import choose, field_error, ready, type_into


def state_of(app: InfusionCalcApp) -> str:
    """The outcome's state now (read afresh: typing changes it)."""
    return app.main_screen.outcome.state


async def test_next_patient_is_a_new_log_entry_even_when_the_form_reads_the_same(
    app: InfusionCalcApp, isolated_user_dirs: Path
) -> None:
    """300 mg Tysabri with nothing else is the everyday case: two patients, two entries."""
    async with app.run_test(size=(120, 40)) as pilot:
        await type_into(pilot, dose="300 mg")
        await pilot.press("f6")
        await saved(pilot)
        await pilot.press("ctrl+n")
        await type_into(pilot, dose="300 mg")
        await pilot.press("f6")
        await saved(pilot)
        assert len(log_rows(isolated_user_dirs / "data")) == 2


async def test_the_site_rounding_policy_fills_the_rounding_field_and_offers_the_option(
    isolated_user_dirs: Path,
) -> None:
    config = isolated_user_dirs / "config"
    config.mkdir()
    (config / "config.toml").write_text("[dosing]\nround_within = 10\n", encoding="utf-8")
    app = make_app(
        cursor_blink=False
    )  # loads the catalog and the site config as `infusion-calc` does
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await type_into(pilot, dose="280 mg")
        screen = app.main_screen
        assert screen.query_one("#round-within", Input).value == "10"
        result = screen.outcome.result
        assert result is not None and result.rounding is not None and "300 mg" in result.rounding
        # The order stands: the lines are those of 280 mg.
        assert [(row.modifiers, row.units) for row in result.claim_rows] == [
            ("", "280"),
            ("JW", "20"),
        ]


async def test_a_bad_site_config_is_a_notice_not_a_catalog_failure(
    isolated_user_dirs: Path,
) -> None:
    config = isolated_user_dirs / "config"
    config.mkdir()
    (config / "config.toml").write_text("[dosing]\nround_within = 75\n", encoding="utf-8")
    app = make_app(cursor_blink=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        calculator = app.main_screen.calculator
        assert calculator is not None and calculator.catalog_problem is None
        notes = [note for note in app._notifications if "[dosing]" in note.message]
        assert notes and not any(
            note.markup for note in notes
        )  # "[dosing]" shown, not eaten as markup


async def test_messages_naming_config_tables_are_not_read_as_markup(
    app: InfusionCalcApp, isolated_user_dirs: Path
) -> None:
    config = isolated_user_dirs / "config"
    config.mkdir()
    (config / "config.toml").write_text('[chargemaster]\nJ2323 = "4.005"\n', encoding="utf-8")
    async with app.run_test(size=(120, 40)) as pilot:
        await type_into(pilot, dose="300 mg")
        await app.run_action("copy_as('cms1500')", app.main_screen)
        await pilot.pause()
        notes = [note for note in app._notifications if "[chargemaster]" in note.message]
        assert notes and not any(note.markup for note in notes)


async def test_other_size_with_nothing_typed_is_not_a_plan(app: InfusionCalcApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await choose(pilot, "drug", "J0490")
        await type_into(pilot, dose="600 mg")
        await choose(pilot, "vial-choice", TYPED_SIZE)
        assert app.main_screen.outcome.state == "invalid"
        assert "Type the vial size" in field_error(app, "vial")
        await type_into(pilot, vial="400 mg")
        assert state_of(app) == "valid"


async def test_palette_entries_for_export_formats_read_as_sentences(app: InfusionCalcApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        helps = [
            command.help
            for command in app.get_system_commands(app.main_screen)
            if command.title.startswith("Copy as")
        ]
        assert helps and not any("claim lines as claim lines" in text for text in helps)
