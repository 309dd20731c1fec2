"""The drug field: search as you type by generic, brand or code, most-used first."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from infusion_calc.core.catalog.catalog import Catalog
from infusion_calc.tui.app import InfusionCalcApp
from infusion_calc.tui.widgets.drug_field import DrugField
from tui_helpers import focused_id, ready, screen_lines, type_fast

SIZE = (80, 24)


async def focus_drug(pilot: Pilot[None]) -> None:
    await ready(pilot)
    await pilot.press("shift+tab")  # from the dose back to the drug
    assert focused_id(pilot.app) == "drug-search"


async def test_typing_a_brand_lists_it_at_once_without_enter(app: InfusionCalcApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await focus_drug(pilot)
        await pilot.press(*"remi")
        drug = app.main_screen.query_one("#drug", DrugField)
        assert drug.expanded and drug.listed == ("J1745",)
        assert any("Remicade (infliximab) · J1745" in line for line in screen_lines(app))
        await pilot.press("enter")
        assert app.main_screen.form.drug == "J1745" and not drug.expanded
        assert focused_id(app) == "dose"  # on to the dose, ready to type


async def test_a_code_or_a_generic_name_finds_the_drug_too(app: InfusionCalcApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await focus_drug(pilot)
        await pilot.press(*"j93", "enter")
        assert app.main_screen.form.drug == "J9312"
        await pilot.press("shift+tab", *"natal")
        assert app.main_screen.query_one("#drug", DrugField).listed == ("J2323", "Q5134")
        await pilot.press("enter")  # natalizumab names two codes: Enter alone never picks one
        assert (
            app.main_screen.form.drug == "J9312"
            and app.main_screen.query_one("#drug", DrugField).expanded
        )
        await pilot.press("down", "down", "enter")
        assert app.main_screen.form.drug == "Q5134"


async def test_esc_keeps_the_drug_and_shows_its_name_again(app: InfusionCalcApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await focus_drug(pilot)
        await pilot.press(*"ritu", "escape")
        assert app.main_screen.form.drug == "J2323"
        assert app.main_screen.query_one("#drug-search", Input).value.startswith("Tysabri")


async def test_no_match_says_what_to_try(app: InfusionCalcApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await focus_drug(pilot)
        await pilot.press(*"zzz")
        assert any("No drug matches 'zzz'" in line for line in screen_lines(app))
        await pilot.press("enter")
        assert app.main_screen.form.drug == "J2323"  # Enter on no match changes nothing


async def test_the_most_used_drugs_come_first(
    monkeypatch: pytest.MonkeyPatch, catalog: Catalog
) -> None:
    from infusion_calc.tui.app import make_app

    monkeypatch.setattr(
        "infusion_calc.tui.calculator.drug_uses", lambda log_path: {"J9312": 12, "J1745": 3}
    )
    app = make_app(catalog, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(200):  # counted in a thread once the calculator is live
            if app.calculator is not None and app.calculator.drug_uses:
                break
            await pilot.pause()
        await focus_drug(pilot)
        await pilot.press("enter")  # Enter without typing lists every drug
        assert app.main_screen.query_one("#drug", DrugField).listed[:3] == (
            "J9312",
            "J1745",
            "J2323",
        )


async def test_the_usage_counts_come_from_the_administration_log(
    isolated_user_dirs: Path, catalog: Catalog
) -> None:
    from infusion_calc.core.calculation.engine import calculate
    from infusion_calc.core.calculation.request import CalcRequest
    from infusion_calc.log import default_log_path, save
    from infusion_calc.tui.calculator import drug_uses

    for code, dose in (("J1745", "300 mg"), ("J1745", "400 mg"), ("J9312", "500 mg")):
        save(calculate(catalog, CalcRequest(dose=dose, hcpcs=code)))
    assert drug_uses(default_log_path()) == {"J1745": 2, "J9312": 1}


async def test_a_search_typed_fast_then_the_dose_loses_nothing(app: InfusionCalcApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await focus_drug(pilot)
        await type_fast(pilot, *"remi", "enter", *"5 mg/kg", "enter", *"73 kg")
        screen = app.main_screen
        assert (screen.form.drug, screen.form.dose, screen.form.weight) == (
            "J1745",
            "5 mg/kg",
            "73 kg",
        )
