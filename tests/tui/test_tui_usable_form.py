"""The form is usable before it is whole: the first frame has the drug and dose fields (dose
focused); the key bar and the other rows mount right after it. Keys typed in
between are never lost nor reordered: text goes into the dose field at once, anything else
(Enter, Tab, a function key) waits, with everything after it, until the whole form is there.
"""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Footer, Input

from infusion_calc.tui.app import InfusionCalcApp
from infusion_calc.tui.screens.main import MainScreen
from tui_helpers import focused_id, main_of, ready, result_of, type_fast

MOUNT_LATER_ROWS = MainScreen._mount_later_rows
"""The real one, kept before a test holds it back."""
LATER_ROWS = ("#height", "#weight", "#bsa", "#vial-choice", "#vial", "#round-within", "#encounter")


async def dose_focused(pilot: Pilot[None]) -> MainScreen:
    """Wait for the first part of the form: the dose field exists and has the focus."""
    screen = main_of(pilot)
    for _ in range(200):
        if focused_id(pilot.app) == "dose":
            return screen
        await pilot.pause()
    raise AssertionError("the dose field never got the focus")


@pytest.fixture
def later_rows_held(monkeypatch: pytest.MonkeyPatch) -> list[MainScreen]:
    """Hold the later rows back (they mount right after the first frame), so that keys typed
    surely come before them; the test mounts them itself."""
    held: list[MainScreen] = []
    monkeypatch.setattr(MainScreen, "_mount_later_rows", lambda screen: held.append(screen))
    return held


async def mount_the_held_rows(pilot: Pilot[None], held: list[MainScreen]) -> None:
    assert held, "the later rows were never asked for"
    await MOUNT_LATER_ROWS(held[0])
    await ready(pilot)
    for _ in range(4):
        await pilot.pause()


async def test_the_first_frame_has_the_dose_field_focused_and_no_later_rows(
    app: InfusionCalcApp, later_rows_held: list[MainScreen]
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await dose_focused(pilot)
        assert screen.query("#drug") and screen.query("#result-status")
        assert not any(screen.query(selector) for selector in LATER_ROWS)
        assert not screen.query(Footer)  # the key bar comes with them
        assert not screen.built


async def test_text_typed_before_the_later_rows_mount_is_drawn_at_once(
    app: InfusionCalcApp, later_rows_held: list[MainScreen]
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await dose_focused(pilot)
        await pilot.press(*"300 mg")
        assert screen.query_one("#dose", Input).value == "300 mg"
        assert not screen.built  # typed into the first part of the form only
        await mount_the_held_rows(pilot, later_rows_held)
        assert [line.hcpcs for line in result_of(app).claim_rows] == ["J2323"]
        assert result_of(app).claim_rows[0].units == "300"


async def test_enter_and_what_follows_wait_for_the_whole_form(
    app: InfusionCalcApp, later_rows_held: list[MainScreen]
) -> None:
    """`5 mg/kg` Enter `73 kg` typed in one go before the weight row exists: the dose, then
    the weight, as when the form is whole."""
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await dose_focused(pilot)
        await type_fast(pilot, *"5 mg/kg", "enter", *"73 kg")
        assert screen.query_one("#dose", Input).value == "5 mg/kg"  # the rest is held
        assert not screen.query("#weight")
        await mount_the_held_rows(pilot, later_rows_held)
        assert screen.query_one("#dose", Input).value == "5 mg/kg"
        assert screen.query_one("#weight", Input).value == "73 kg"
        assert focused_id(app) == "weight"
        assert main_of(pilot).outcome.valid


async def test_the_whole_form_is_built_without_help(app: InfusionCalcApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        screen = main_of(pilot)
        assert all(screen.query(selector) for selector in LATER_ROWS)
        order = [field.id for field in screen.order_form.query(Input)]
        assert order[:7] == [
            "drug-search",
            "dose",
            "height",
            "weight",
            "bsa",
            "vial",
            "round-within",
        ]
