"""Single-dose or multi-dose, asked before anything leaves the app (issue 18 §2).

A code known only from CMS's files (J0121, omadacycline) planned from a typed vial is
UNCONFIRMED: the result carries neither JW nor JZ. F2 (or any copy or save) first asks the
nurse to read the carton; "Go back" (the default, and Esc) copies nothing, an answer
recalculates and carries on with the copy.
"""

from __future__ import annotations

import functools

import pytest
from textual.pilot import Pilot

from infusion_calc.catalog_cache import Compiled
from infusion_calc.tui.app import InfusionCalcApp
from infusion_calc.tui.screens.confirm_container import ConfirmContainerScreen
from infusion_calc.tui.state import TYPED_SIZE
from tui_helpers import calculation_of, choose, type_into

SIZE = (80, 24)


@functools.cache
def compiled() -> Compiled:
    from infusion_calc.catalog_cache import load

    return load()


@pytest.fixture
def full_app() -> InfusionCalcApp:
    from infusion_calc.tui.calculator import Calculator

    return InfusionCalcApp(
        calculator=Calculator(compiled().catalog, quarters=compiled().quarters), cursor_blink=False
    )


def question(app: InfusionCalcApp) -> ConfirmContainerScreen | None:
    return app.screen if isinstance(app.screen, ConfirmContainerScreen) else None


async def _omadacycline(pilot: Pilot[None]) -> None:
    await choose(pilot, "drug", "J0121")
    await choose(pilot, "vial-choice", TYPED_SIZE)
    await type_into(pilot, dose="150 mg", vial="100 mg")


async def test_go_back_copies_nothing(full_app: InfusionCalcApp) -> None:
    async with full_app.run_test(size=SIZE) as pilot:
        await _omadacycline(pilot)
        assert not calculation_of(full_app).container_confirmed
        await pilot.press("f2")
        assert question(full_app) is not None
        await pilot.press(
            "enter"
        )  # "Go back" has the focus: Enter alone never answers for the carton
        assert question(full_app) is None and full_app.clipboard == ""


async def test_single_dose_answer_recalculates_and_copies_with_jw(
    full_app: InfusionCalcApp,
) -> None:
    async with full_app.run_test(size=SIZE) as pilot:
        await _omadacycline(pilot)
        await pilot.press("f2")
        await pilot.press("tab", "enter")  # Single-dose
        for _ in range(20):
            await pilot.pause()
            if full_app.clipboard:
                break
        assert question(full_app) is None
        assert "J0121\tJW\t" in full_app.clipboard  # 150 of 200 mg: JW for the 50 mg discarded
        assert calculation_of(full_app).container_confirmed


async def test_multi_dose_answer_copies_without_a_modifier(full_app: InfusionCalcApp) -> None:
    async with full_app.run_test(size=SIZE) as pilot:
        await _omadacycline(pilot)
        await pilot.press("f2")
        await pilot.press("tab", "tab", "enter")  # Multi-dose
        for _ in range(20):
            await pilot.pause()
            if full_app.clipboard:
                break
        assert (
            "JW" not in full_app.clipboard
            and "JZ" not in full_app.clipboard
            and "J0121" in full_app.clipboard
        )


async def test_the_question_shows_the_dated_fda_listing_beside_it_never_as_the_answer(
    full_app: InfusionCalcApp,
) -> None:
    async with full_app.run_test(size=SIZE) as pilot:
        # Adcetris: CMS only, one NDC of 50 mg in the newest quarter;
        # FDA's 2019 listing says single-dose
        await choose(pilot, "drug", "J9042")
        await choose(pilot, "vial-choice", TYPED_SIZE)
        await type_into(pilot, dose="50 mg", vial="50 mg")
        assert not calculation_of(full_app).container_confirmed  # a hint is not an answer
        await pilot.press("f2")
        asked = question(full_app)
        assert asked is not None
        shown = str(asked.query_one("#confirm-container-hint").render())
        assert "FDA listing (2019): NDC 51144-0050-01 single-dose" in shown
