"""The encounter panel: what the nurse enters reaches the chart note and the checks.

Assertions are on what the nurse sees and copies: the chart text on screen and in the
clipboard, the checks listed with their severity, and errors under the fields.
"""

from __future__ import annotations

import pytest
from textual.widgets import Checkbox, Collapsible, Input, Label, Select, Static

from infusion_calc.core.record.encounter import EncounterText
from infusion_calc.tui.app import InfusionCalcApp
from infusion_calc.tui.widgets.checks_list import CheckLine, ChecksList
from tui_helpers import (
    choose,
    field_error,
    focused_id,
    open_encounter,
    ready,
    result_of,
    shown,
    type_into,
)


def chart_text(app: InfusionCalcApp) -> str:
    return str(app.main_screen.query_one("#chart-text", Static).content)


def check_codes(app: InfusionCalcApp) -> list[str]:
    return [row.code for row in app.main_screen.query_one("#checks", ChecksList).shown]


async def test_the_panel_is_collapsed_until_opened_from_the_keyboard(app: InfusionCalcApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await type_into(pilot, dose="300 mg")
        panel = app.main_screen.query_one("#encounter", Collapsible)
        assert panel.collapsed and not app.main_screen.query("#dx")  # the dose form stays short
        app.main_screen.query_one("#round-within", Input).focus()
        await pilot.press("tab")  # the panel's title comes right after the last dose field
        await pilot.press("enter")
        assert not panel.collapsed and shown(app, "#dx")
        assert (
            focused_id(app) == "given-at"
        )  # into the first field, so what is typed next is not lost
        await type_into(pilot, given_at="2026-03-02 09:40")
        await pilot.press("enter")  # Enter goes on to the next field
        assert focused_id(app) == "start"
        assert "Date/time given: 2026-03-02 09:40" in chart_text(app)


async def test_a_diagnosis_changes_the_note_and_the_checks(app: InfusionCalcApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await type_into(pilot, dose="300 mg")
        assert "Diagnosis" not in chart_text(app)
        assert "DX_MISSING" in check_codes(app)
        await open_encounter(pilot)
        await type_into(pilot, dx="g35a")  # typed loosely; the core writes it properly
        assert "Diagnosis (ICD-10-CM): G35.A" in chart_text(app)
        assert "DX_MISSING" not in check_codes(app)
        await type_into(pilot, dx="E11.9")  # type 2 diabetes: not what natalizumab is billed for
        assert "DX_NOT_INDICATED" in check_codes(app)


async def test_checks_show_their_severity_in_words_and_colour_errors_first(
    app: InfusionCalcApp,
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await type_into(pilot, dose="300 mg")  # Tysabri without the TOUCH checklist: an error
        lines = [
            line for line in app.main_screen.query(".check-line").results(CheckLine) if line.display
        ]
        first = lines[0]
        assert first.row.code == "REMS_NOT_CONFIRMED" and first.has_class("-error")
        badge = next(iter(first.render_lines(first.region.reset_offset)[0]))
        assert badge.text.startswith("✖ ERROR")  # in words ...
        colour = badge.style.color if badge.style else None
        assert colour is not None and colour.triplet is not None
        assert (
            colour.triplet.hex.lower() == app.theme_variables["text-error"].lower()
        )  # ... and colour
        severities = [line.row.severity for line in lines]
        assert severities == sorted(severities, key=["error", "warning", "info"].index)
        assert "1 error" in str(app.main_screen.query_one("#checks-title", Label).content)
        await open_encounter(pilot)
        app.main_screen.query_one("#rems-checked", Checkbox).value = True
        await pilot.pause()
        assert "REMS_NOT_CONFIRMED" not in check_codes(app)
        assert "TOUCH Prescribing Program: patient authorization" in chart_text(app)


async def test_a_long_check_wraps_under_its_message_not_under_the_badge(
    app: InfusionCalcApp,
) -> None:
    async with app.run_test(size=(100, 40)) as pilot:
        await type_into(pilot, dose="300 mg")
        first = next(line for line in app.main_screen.query(".check-line") if line.display)
        rows = [strip.text for strip in first.render_lines(first.region.reset_offset)]
        assert len(rows) > 1 and rows[0].startswith("✖ ERROR")
        assert all(row.startswith(" " * 11) and row.strip() for row in rows[1:])


async def test_a_bad_time_is_shown_under_its_field_and_nothing_crashes(
    app: InfusionCalcApp,
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await type_into(pilot, dose="250 mg")
        await open_encounter(pilot)
        await type_into(pilot, start="9:40", stop="10:45")
        assert "HH:MM" in field_error(app, "start")
        assert app.is_running and app.main_screen.outcome.valid  # the dose result stands
        assert "start 9:40" not in chart_text(app)
        assert shown(app, "#chart-text-note")  # the note says what it leaves out
        assert "Infusion start" in str(
            app.main_screen.query_one("#chart-text-note", Static).content
        )
        app.copy_to_clipboard("before")
        await pilot.press("f3")
        assert app.clipboard == "before"  # no note that silently lacks what was typed
        await type_into(pilot, start="09:40")
        assert field_error(app, "start") == ""
        assert not shown(app, "#chart-text-note")
        assert "Infusion: start 09:40, stop 10:45 (1 h 5 min)" in chart_text(app)


async def test_a_stop_before_the_start_is_an_error_under_the_stop(app: InfusionCalcApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await type_into(pilot, dose="300 mg")
        await open_encounter(pilot)
        await type_into(pilot, start="10:45", stop="09:40")
        assert "not after the start" in field_error(app, "stop")


async def test_one_lot_row_per_vial_opened_in_vial_order(app: InfusionCalcApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await choose(pilot, "drug", "J1745")
        await type_into(pilot, dose="5 mg/kg", weight="73 kg")  # four 100 mg vials
        await open_encounter(pilot)
        await pilot.pause()
        for number in range(1, 5):
            assert shown(app, f"#lot-{number}"), number
        await type_into(pilot, **{f"lot_{n}": f"L{n}" for n in range(1, 5)}, expires_4="2027-03")
        text = chart_text(app)
        assert "Vial 1 (100 mg): lot L1" in text and "Vial 4 (100 mg): lot L4, exp 2027-03" in text
        await type_into(pilot, weight="40 kg")  # 200 mg: two vials now
        await pilot.pause()
        assert not shown(app, "#lot-3") and "lot L3" not in chart_text(app)
        await type_into(pilot, weight="73 kg")  # and back: what was typed is still there
        await pilot.pause()
        assert "lot L3" in chart_text(app)


async def test_a_bad_expiry_names_the_vial_under_the_lots(app: InfusionCalcApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await type_into(pilot, dose="300 mg")
        await open_encounter(pilot)
        await type_into(pilot, lot_1="TY2291", expires_1="2027-13")
        assert "Vial 1" in field_error(app, "vials")


async def test_copy_chart_text_copies_the_whole_note_with_the_encounter(
    app: InfusionCalcApp,
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await type_into(pilot, dose="250 mg")
        await open_encounter(pilot)
        await type_into(
            pilot,
            given_at="2026-03-02 09:40",
            dx="G35.A",
            lot_1="TY2291",
            expires_1="2027-03",
            waste_reason="dose reduced per order",
            waste_witness="Ana Ruiz, RN",
        )
        app.main_screen.query_one("#payer", Select).value = "medicare"
        await pilot.pause()
        await pilot.press("f3")
        copied = app.clipboard
        assert copied == result_of(app).chart_text
        for entered in (
            "2026-03-02 09:40",
            "G35.A",
            "Payer type: Medicare",
            "lot TY2291, exp 2027-03",
            "dose reduced per order",
            "Ana Ruiz, RN",
            "J2323-JW × 50",
        ):
            assert entered in copied, entered


async def test_next_patient_clears_the_encounter_too(app: InfusionCalcApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await type_into(pilot, dose="300 mg")
        await open_encounter(pilot)
        await type_into(pilot, dx="G35.A", nurse="Sam Park, RN", lot_1="TY2291")
        app.main_screen.query_one("#consent", Checkbox).value = True
        await pilot.pause()
        await pilot.press("ctrl+n")
        await type_into(pilot, dose="300 mg")
        assert app.main_screen.form.encounter == ()
        assert "G35.A" not in chart_text(app) and "Sam Park" not in chart_text(app)


async def test_every_encounter_field_of_the_core_has_a_control(app: InfusionCalcApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        screen = app.main_screen
        controls = {"lots": "lot-1", "expires": "expires-1"}
        await open_encounter(pilot)
        for field in (
            EncounterText._fields
        ):  # each has a control, and what it reports goes back under that name
            widget = screen.query_one(f"#{controls.get(field, field.replace('_', '-'))}")
            if isinstance(widget, Checkbox):
                widget.value = True
            elif isinstance(widget, Select):
                widget.value = "commercial"
            else:
                assert isinstance(widget, Input), widget
                widget.value = "2027-03" if field == "expires" else "x"
        await pilot.pause()
        assert set(dict(screen.form.encounter)) == set(EncounterText._fields)


async def test_a_dose_stopped_early_bills_what_was_given_and_charts_why(
    app: InfusionCalcApp,
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await type_into(pilot, dose="300 mg")
        await open_encounter(pilot)
        await type_into(pilot, dose_given="200 mg", stop_reason="hives at 40 min, infusion stopped")
        result = result_of(app)
        assert [(row.modifiers, row.units) for row in result.claim_rows] == [
            ("", "200"),
            ("JW", "100"),
        ]
        assert (
            "Dose given: 200 mg of the 300 mg prepared; stopped early, "
            "reason: hives at 40 min, infusion stopped" in chart_text(app)
        )
        assert any("PARTIAL, not verified" in warning for warning in result.warnings)
        assert app.main_screen.query_one("#administered").border_subtitle == "200 mg given"


async def test_more_given_than_prepared_is_shown_under_the_dose_given_field(
    app: InfusionCalcApp,
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await type_into(pilot, dose="300 mg")
        await open_encounter(pilot)
        await type_into(pilot, dose_given="400 mg")
        assert not app.main_screen.outcome.valid  # no claim lines billed from an impossible amount
        assert "more than the 300 mg prepared" in field_error(app, "dose_given")
        await type_into(pilot, dose_given="")  # cleared: the whole dose prepared is given again
        assert result_of(app).claim_rows[0].units == "300"


async def test_administration_details_typed_in_the_panel_reach_the_note(
    app: InfusionCalcApp,
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await type_into(pilot, dose="300 mg")
        await open_encounter(pilot)
        await type_into(
            pilot,
            iv_site="left forearm, 22G",
            premeds="acetaminophen 650 mg PO",
            diluent="100 mL 0.9% NaCl",
            filter="0.2 micron in-line",
            rate_changes="slowed at 10:05",
            observation="60 min, no reaction",
        )
        text = chart_text(app)
        for line in (
            "IV site: left forearm, 22G",
            "Premedications: acetaminophen 650 mg PO",
            "Diluent and bag: 100 mL 0.9% NaCl",
            "Filter: 0.2 micron in-line",
            "Rate changes: slowed at 10:05",
            "Post-infusion observation: 60 min, no reaction",
        ):
            assert line in text
        await type_into(pilot, iv_site="x" * 81)  # the core's length limit, shown under the field
        assert "at most 80" in field_error(app, "iv_site") and "IV site:" not in chart_text(app)


async def test_a_check_that_raises_shows_one_error_to_check_by_hand_and_keeps_the_result(
    app: InfusionCalcApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("bug")

    monkeypatch.setattr("infusion_calc.core.pipeline.administration.run_checks", broken)
    async with app.run_test(size=(120, 40)) as pilot:
        await type_into(pilot, dose="300 mg")
        [row] = app.main_screen.query_one("#checks", ChecksList).shown
        assert row.code == "CHECKS_FAILED" and row.severity == "error"
        assert "KeyError" in row.message and "by hand" in row.message
        assert "J2323" in chart_text(app)  # the result and its note are still there
