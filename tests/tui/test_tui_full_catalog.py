"""The app on the CLI's full catalog: every CMS code searchable, a shared generic
asks which code, a CMS-only code plans from a typed vial, and Medicare's payment is shown."""

from __future__ import annotations

import functools

import pytest
from textual.widgets import Input

from infusion_calc.catalog_cache import Compiled
from infusion_calc.tui.app import InfusionCalcApp
from infusion_calc.tui.result_view import ResultView
from infusion_calc.tui.state import TYPED_SIZE
from infusion_calc.tui.widgets.drug_field import DrugField
from tui_helpers import calculation_of, choose, open_encounter, ready, result_of, type_into

SIZE = (100, 40)


@functools.cache
def compiled() -> Compiled:
    """Curated + the packaged CMS quarter, compiled once for this module (as `calc` loads it)."""
    from infusion_calc.catalog_cache import load

    return load()


@pytest.fixture
def full_app() -> InfusionCalcApp:
    from infusion_calc.tui.calculator import Calculator

    catalog = compiled().catalog
    return InfusionCalcApp(
        calculator=Calculator(catalog, quarters=compiled().quarters), cursor_blink=False
    )


def result(app: InfusionCalcApp) -> ResultView:
    return result_of(app)


async def test_the_drug_search_covers_every_code_the_cli_knows(full_app: InfusionCalcApp) -> None:
    catalog = compiled().catalog
    async with full_app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        drug = full_app.main_screen.query_one("#drug", DrugField)
        drug._open("")  # the list is built on the first search, if a thread has not built it sooner
        assert drug._index is not None and len(drug._index) == len(catalog.codes()) > 600
        for query, code in (
            ("inflectra", "Q5103"),
            ("avastin", "J9035"),
            ("gammagard", "J1569"),
            ("nuzyra", "J0121"),
        ):
            drug._open(query)
            assert code in drug.listed, query


async def test_a_generic_several_codes_share_is_a_pick_list_never_a_silent_choice(
    full_app: InfusionCalcApp,
) -> None:
    async with full_app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("shift+tab", *"infliximab")
        drug = full_app.main_screen.query_one("#drug", DrugField)
        assert {"J1745", "Q5103", "Q5104", "Q5121"} <= set(drug.listed)
        assert drug.matches.highlighted is None
        assert "codes share the name infliximab: pick one" in str(
            drug.matches.get_option_at_index(0).prompt
        )
        await pilot.press("enter")
        assert (
            full_app.main_screen.form.drug == "J2323" and drug.expanded
        )  # nothing chosen for the nurse
        listed = drug.listed
        await pilot.press(
            "down", "down", "enter"
        )  # the first ↓ reaches the first code, the second the next
        assert full_app.main_screen.form.drug == listed[1]


async def test_a_cms_only_code_plans_from_the_typed_vial_and_says_the_container_is_not_verified(
    full_app: InfusionCalcApp,
) -> None:
    async with full_app.run_test(size=SIZE) as pilot:
        await choose(
            pilot, "drug", "J0121"
        )  # omadacycline: CMS lists it, the curated catalog does not
        await choose(pilot, "vial-choice", TYPED_SIZE)
        await type_into(pilot, dose="200 mg", vial="100 mg")
        view = result(full_app)
        assert view is not None, full_app.main_screen.outcome
        assert view.vials[0].startswith("2 × 100 mg")
        assert any(
            "known only from CMS's files" in text and "Check the carton" in text
            for text in view.warnings
        )


async def test_the_medicare_payment_per_line_and_what_the_jw_line_recovers(
    full_app: InfusionCalcApp,
) -> None:
    async with full_app.run_test(size=SIZE) as pilot:
        await open_encounter(pilot)
        full_app.main_screen.query_one("#given-at", Input).value = "2026-02-10 09:40"
        await type_into(pilot, dose="250 mg")  # Tysabri 300 mg vial: 25 units given, 5 discarded
        payment = result(full_app).payment
        assert payment is not None and payment.startswith("Medicare allows $")
        assert (
            "J2323-JW $" in payment and "The JW line recovers $" in payment and "2026Q1" in payment
        )
        shown = full_app.main_screen.query_one("#payment")
        assert shown.display and "JW line recovers" in str(shown.render())


async def test_a_date_no_loaded_quarter_covers_names_the_quarter_to_import(
    full_app: InfusionCalcApp,
) -> None:
    async with full_app.run_test(size=SIZE) as pilot:
        await open_encounter(pilot)
        full_app.main_screen.query_one("#given-at", Input).value = "2026-05-02 09:40"
        await type_into(pilot, dose="300 mg")
        view = result(full_app)
        assert view.payment is None and not full_app.main_screen.query_one("#payment").display
        assert any(
            "no CMS quarter loaded covers 2026-05-02" in text and "2026Q2" in text
            for text in view.warnings
        )


async def test_the_whole_vial_option_shows_its_difference_in_dollars(
    full_app: InfusionCalcApp,
) -> None:
    async with full_app.run_test(size=SIZE) as pilot:
        await open_encounter(pilot)
        full_app.main_screen.query_one("#given-at", Input).value = "2026-02-10 09:40"
        await type_into(pilot, dose="290 mg", round_within="10")  # 300 mg is within 10%
        payment = result(full_app).payment
        assert payment is not None and "The whole-vial option: Medicare +$" in payment


async def test_a_product_picked_is_billed_under_the_code_in_effect_on_the_date_given(
    full_app: InfusionCalcApp,
) -> None:
    # The list offers the newest quarter's codes (eculizumab J1299, from
    # 2025Q2); on 2025-02-15 the code is J1300 (10 mg): the product
    # picked follows to it, priced from 2025Q1, and the result says so.
    async with full_app.run_test(size=SIZE) as pilot:
        await open_encounter(pilot)
        full_app.main_screen.query_one("#given-at", Input).value = "2025-02-15"
        await choose(pilot, "drug", "J1299")
        await choose(pilot, "vial-choice", TYPED_SIZE)
        await type_into(pilot, dose="900 mg", vial="300 mg/30 mL")
        calculation = calculation_of(full_app)
        assert calculation.drug.hcpcs == "J1300"
        assert [(line.hcpcs, line.units) for line in calculation.lines] == [("J1300", 90)]
        followed = [
            notice.message for notice in calculation.warnings if notice.code == "CODE_IN_EFFECT"
        ]
        assert (
            followed
            and "Billed as J1300" in followed[0]
            and "J1299 starts in 2025Q2" in followed[0]
        )
        assert calculation.payment is not None and "2025Q1" in str(calculation.payment.quarter)
