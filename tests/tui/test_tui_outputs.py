"""Getting results out: copy as an export format, and save to the administration log.

Expected segments come from the X12 837 and CSV layouts (an SV1 line per
claim line: `SV1*HC:J2323:JZ`, units `UN*300`; LIN with N4 and the 11-digit NDC), not
from the code under test. The log is the isolated data folder tests/conftest.py sets.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList, Select

from infusion_calc.core.catalog.catalog import Catalog
from infusion_calc.log import SavedEntry
from infusion_calc.tui.app import InfusionCalcApp
from infusion_calc.tui.screens.copy_as import CopyAsScreen
from tui_helpers import choose, open_encounter, ready, type_into

TYSABRI_NDC = "64406000801"


def notices(app: InfusionCalcApp) -> list[str]:
    return [str(note.message) for note in app._notifications]


def log_rows(data_dir: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(data_dir / "administrations.sqlite3") as db:
        return db.execute(
            "SELECT id, hcpcs, administered_units, note, checks, encounter FROM administration"
        ).fetchall()


async def saved(pilot: Pilot[None]) -> None:
    """Wait for the save (it runs in a thread) and its notice."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_copy_as_837p_puts_the_sv1_service_line_in_the_clipboard(
    app: InfusionCalcApp,
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await type_into(pilot, dose="300 mg")
        await pilot.press("f5")
        assert isinstance(app.screen, CopyAsScreen)
        formats = [option.id for option in app.screen.query_one(OptionList).options]
        assert formats == ["cms1500", "ub04", "837p", "837i", "fhir", "csv", "json", "text"]
        await pilot.press("down", "down", "enter")  # the third: 837p
        assert not isinstance(app.screen, CopyAsScreen)
        segments = app.clipboard.split("~")
        assert "SV1*HC:J2323:JZ**UN*300***1" in [segment.strip() for segment in segments]
        assert f"LIN**N4*{TYSABRI_NDC}" in app.clipboard and "CTP****15*ML" in app.clipboard
        assert any("Copied the claim lines as 837p" in text for text in notices(app))
        # The packaged defaults have no chargemaster:
        # the export says so instead of inventing a charge.
        assert any("No charge for J2323" in text for text in notices(app))


async def test_copy_as_from_the_palette_and_every_format_copies_something(
    app: InfusionCalcApp,
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await type_into(pilot, dose="250 mg")
        copied = {}
        for fmt in ("cms1500", "ub04", "837i", "fhir", "csv", "json", "text"):
            await app.run_action(f"copy_as('{fmt}')", app.main_screen)
            copied[fmt] = app.clipboard
        assert copied["csv"].splitlines()[2].startswith(f"2,J2323,JW,50,{TYSABRI_NDC},ML,2.5")
        assert '"resourceType": "MedicationAdministration"' in copied["fhir"]
        assert "SV2*0636*HC:J2323:JW" in copied["837i"]
        assert len(set(copied.values())) == len(copied)


async def test_copy_as_uses_the_date_given_and_warns_about_an_unverified_ndc(
    app: InfusionCalcApp,
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await choose(pilot, "drug", "Q5134")  # Tyruko: NDC not verified
        await open_encounter(pilot)
        await type_into(pilot, dose="300 mg", given_at="2026-03-02 09:40")
        await app.run_action("copy_as('837p')", app.main_screen)
        await pilot.pause()
        assert "DTP*472*D8*20260302" in app.clipboard
        assert any("no verified NDC" in text for text in notices(app))


async def test_escape_closes_the_menu_without_copying(app: InfusionCalcApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await type_into(pilot, dose="300 mg")
        app.copy_to_clipboard("before")
        await pilot.press("f5", "escape")
        assert not isinstance(app.screen, CopyAsScreen) and app.clipboard == "before"


async def test_a_broken_site_config_is_a_message_not_a_crash(
    app: InfusionCalcApp, isolated_user_dirs: Path
) -> None:
    config = isolated_user_dirs / "config"
    config.mkdir()
    (config / "config.toml").write_text('[chargemaster]\nJ2323 = "4.005"\n', encoding="utf-8")
    async with app.run_test(size=(120, 40)) as pilot:
        await type_into(pilot, dose="300 mg")
        app.copy_to_clipboard("before")
        await app.run_action("copy_as('cms1500')", app.main_screen)
        await pilot.pause()
        assert app.is_running and app.clipboard == "before"
        message = next(text for text in notices(app) if "Nothing copied" in text)
        assert "config.toml" in message and "fractions of a cent" in message


async def test_the_payer_types_own_rules_from_the_site_config_apply(
    app: InfusionCalcApp, isolated_user_dirs: Path
) -> None:
    config = isolated_user_dirs / "config"
    config.mkdir()
    (config / "config.toml").write_text(
        '[payer.medicaid]\nndc_units = ["ML", "UN"]\n', encoding="utf-8"
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await type_into(pilot, dose="300 mg")
        await app.run_action("copy_as('csv')", app.main_screen)
        await pilot.pause()
        assert not any(
            "[payer.medicaid]" in text for text in notices(app)
        )  # no payer type: the defaults
        await open_encounter(pilot)
        app.main_screen.query_one("#payer", Select).value = "medicaid"
        await pilot.pause()
        await app.run_action("copy_as('csv')", app.main_screen)
        await pilot.pause()
        assert any("with the [payer.medicaid] rules" in text for text in notices(app))


async def test_save_to_log_lands_an_entry_in_the_data_folder_and_says_where(
    app: InfusionCalcApp, isolated_user_dirs: Path
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await open_encounter(pilot)
        await type_into(pilot, dose="250 mg", dx="G35.A", lot_1="TY2291")
        await pilot.press("f6")
        await saved(pilot)
        rows = log_rows(isolated_user_dirs / "data")
        assert len(rows) == 1
        entry_id, hcpcs, units, note, checks, encounter = rows[0]
        assert (hcpcs, units) == ("J2323", 250)
        assert (
            "G35.A" in note and "lot TY2291" in note
        )  # the chart note as shown, encounter included
        assert '"REMS_NOT_CONFIRMED"' in checks and '"G35.A"' in encounter
        path = isolated_user_dirs / "data" / "administrations.sqlite3"
        assert f"Saved as entry {entry_id} in {path}" in notices(app)


async def test_the_same_administration_is_not_saved_twice(
    app: InfusionCalcApp, isolated_user_dirs: Path
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await type_into(pilot, dose="300 mg")
        await pilot.press("f6")
        await saved(pilot)
        await pilot.press("f6")
        await saved(pilot)
        assert len(log_rows(isolated_user_dirs / "data")) == 1
        assert any("Already in the log" in text for text in notices(app))
        await type_into(pilot, dose="250 mg")  # another dose is another entry
        await pilot.press("f6")
        await saved(pilot)
        assert len(log_rows(isolated_user_dirs / "data")) == 2


async def test_nothing_is_saved_while_an_encounter_field_is_wrong(
    app: InfusionCalcApp, isolated_user_dirs: Path
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await open_encounter(pilot)
        await type_into(pilot, dose="300 mg", stop="25:00")
        await pilot.press("f6")
        await saved(pilot)
        assert not (isolated_user_dirs / "data" / "administrations.sqlite3").exists()
        assert any(
            "Nothing saved to the log" in text and "Infusion stop" in text for text in notices(app)
        )


async def test_a_log_that_cannot_be_written_says_nothing_was_saved(
    app: InfusionCalcApp, isolated_user_dirs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = isolated_user_dirs / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("INFUSION_CALC_DATA_DIR", str(blocker / "data"))
    async with app.run_test(size=(120, 40)) as pilot:
        await type_into(pilot, dose="300 mg")
        await pilot.press("f6")
        await saved(pilot)
        assert app.is_running
        assert any("NOT saved" in text for text in notices(app))


async def test_save_to_log_and_write_to_file_are_told_apart(app: InfusionCalcApp) -> None:
    from textual.binding import Binding

    from infusion_calc.tui.screens.main import MainScreen

    labels = {
        binding.id: binding.description
        for binding in MainScreen.BINDINGS
        if isinstance(binding, Binding)
    }
    assert labels["save-to-log"] == "Save to log" and labels["save-to-file"] == "Write to file"
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await type_into(pilot, dose="300 mg")
        await pilot.press("f4")
        assert any("not the administration log" in text for text in notices(app))


async def test_save_to_log_writes_the_log_the_apps_context_names(
    catalog: Catalog, tmp_path: Path
) -> None:
    from infusion_calc.loading import Context
    from infusion_calc.tui.app import make_app

    elsewhere = tmp_path / "elsewhere" / "log.sqlite3"
    app = make_app(catalog, context=Context(log_file=elsewhere), cursor_blink=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await type_into(pilot, dose="250 mg")
        await pilot.press("f6")
        await saved(pilot)
        assert f"Saved as entry 1 in {elsewhere}" in notices(app)
    assert not (tmp_path / "data" / "administrations.sqlite3").exists()


async def test_a_save_whose_acknowledgement_was_lost_is_not_made_twice_when_tried_again(
    app: InfusionCalcApp,
    isolated_user_dirs: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The log took the entry but the app heard an error (a center log's
    connection dropped at commit): saving the same form again sends the
    same identifier, and the log answers with the entry it has."""
    import infusion_calc.log as log_package

    real_save, identifiers = log_package.save, []

    def acknowledgement_lost_once(*args: Any, **kwargs: Any) -> SavedEntry:
        identifiers.append(kwargs.get("entry_uuid"))
        entry = real_save(*args, **kwargs)
        if len(identifiers) == 1:
            raise log_package.LogError(
                "The center log could not be reached. This calculation was probably NOT saved."
            )
        return entry

    monkeypatch.setattr(log_package, "save", acknowledgement_lost_once)
    async with app.run_test(size=(120, 40)) as pilot:
        await type_into(pilot, dose="300 mg")
        await pilot.press("f6")
        await saved(pilot)
        assert any("NOT saved" in text for text in notices(app))
        await pilot.press("f6")  # the nurse tries again
        await saved(pilot)
        assert any("Saved as entry 1" in text for text in notices(app))
    assert len(identifiers) == 2 and identifiers[0] == identifiers[1] is not None
    assert len(log_rows(isolated_user_dirs / "data")) == 1
