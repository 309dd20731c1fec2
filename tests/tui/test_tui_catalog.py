"""Loading the catalog after the first frame, and a site catalog that fails to load."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Button, Static

from infusion_calc.tui.app import make_app
from infusion_calc.tui.screens.catalog_problem import CatalogProblemScreen
from infusion_calc.tui.widgets.drug_field import DrugField
from tests.catalog_entries import drug_entry, product_entry, write_site_catalog
from tui_helpers import app_of, built, result_of, shown, type_into

NATALIZUMAB_AS_J2326 = drug_entry(
    "J2326",
    generic="natalizumab",
    brands=["Tysabri"],
    billing_unit="1 mg",
    products=[product_entry("Tysabri", ndc="64406-0008-01", strength="300 mg", volume="15 mL")],
)


async def loaded(pilot: Pilot[None]) -> None:
    await built(pilot)
    for _ in range(
        100
    ):  # the loading worker starts after the form's first frame (the keymap's, at once)
        if (
            any(worker.name == "load-catalog" for worker in pilot.app.workers)
            or app_of(pilot).calculator is not None
        ):
            break
        await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def test_without_a_catalog_the_app_loads_the_packaged_one_after_the_first_frame() -> None:
    app = make_app(cursor_blink=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        assert app.main_screen.query_one("#drug", DrugField).value == "J2323"
        assert not shown(app, "#catalog-problem")
        await type_into(pilot, dose="300 mg")
        assert result_of(app).claim_rows[0].modifiers == "JZ"


async def test_a_natalizumab_j2326_site_entry_is_a_blocking_error_naming_the_right_codes(
    tmp_path: Path,
) -> None:
    site = write_site_catalog(tmp_path, NATALIZUMAB_AS_J2326, name="catalog.toml")
    app = make_app(site_catalog=site, cursor_blink=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        assert isinstance(app.screen, CatalogProblemScreen)  # nothing can be typed until it is read
        reason = str(app.screen.query_one("#catalog-problem-reason", Static).content)
        assert str(site) in reason
        assert (
            "J2326" in reason and "nusinersen" in reason and "J2323" in reason and "Q5134" in reason
        )
        assert app.focused is app.screen.query_one("#continue", Button)
        await pilot.press("enter")  # continue with the packaged catalog
        assert not isinstance(app.screen, CatalogProblemScreen)
        assert shown(app, "#catalog-problem")  # the banner stays
        await type_into(pilot, dose="300 mg")
        result = result_of(app)
        assert result.claim_rows[0].hcpcs == "J2323"  # never J2326 for natalizumab
        assert any("site catalog is not loaded" in warning for warning in result.warnings)


async def test_quitting_from_the_catalog_problem_ends_the_app(tmp_path: Path) -> None:
    site = tmp_path / "catalog.toml"
    site.write_text("this is = not [valid toml", encoding="utf-8")
    app = make_app(site_catalog=site, cursor_blink=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        assert "not valid TOML" in str(
            app.screen.query_one("#catalog-problem-reason", Static).content
        )
        await pilot.click("#quit")
        await pilot.pause()
        assert not app.is_running


async def test_the_site_file_in_the_config_folder_is_used(isolated_user_dirs: Path) -> None:
    write_site_catalog(isolated_user_dirs / "config", NATALIZUMAB_AS_J2326, name="catalog.toml")
    app = make_app(cursor_blink=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        assert isinstance(app.screen, CatalogProblemScreen)


def test_opening_the_app_imports_neither_pint_nor_the_core_before_the_first_frame() -> None:
    """Start-up speed: the modules the first frame needs leave the core for the worker."""
    check = (
        "import sys\n"
        "import infusion_calc.cli, infusion_calc.cli.tui_launcher, infusion_calc.tui.app\n"
        "from infusion_calc.tui.app import make_app\n"
        "make_app()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'pint', 'pydantic'} "
        "or m.startswith(('infusion_calc.core', 'infusion_calc.tui.calculator'))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
