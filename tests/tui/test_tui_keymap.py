"""The site's key bindings: `[keys]` in config.toml, by binding id, replace the default keys."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from infusion_calc.core.errors import SiteConfigError
from infusion_calc.core.pipeline.site_config import parse_site_config
from infusion_calc.locations import site_config_path
from infusion_calc.tui.app import InfusionCalcApp
from tui_helpers import ready, result_of, type_into


def write_config(text: str) -> None:
    path = site_config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


async def keymap_applied(pilot: Pilot[None]) -> None:
    await ready(pilot)
    for _ in range(200):
        if not any(worker.name == "load-keymap" for worker in pilot.app.workers):
            break
        await pilot.pause()
    await pilot.pause()


async def test_a_key_from_the_site_config_runs_its_binding_and_the_default_key_no_longer_does(
    app: InfusionCalcApp,
) -> None:
    write_config('[keys]\ncopy-claim-lines = "ctrl+y"\n')
    async with app.run_test(size=(120, 40)) as pilot:
        await keymap_applied(pilot)
        await type_into(pilot, dose="250 mg")
        await pilot.press("f2")
        assert app.clipboard == ""  # F2 was given away
        await pilot.press("ctrl+y")
        assert app.clipboard.startswith("HCPCS\tModifier") and "J2323\tJW\t50" in app.clipboard


async def test_an_id_no_binding_has_is_named_and_the_others_still_apply(
    app: InfusionCalcApp,
) -> None:
    write_config('[keys]\ncopy-chart-text = "f9"\ncopy-claims = "f8"\n')
    async with app.run_test(size=(120, 40)) as pilot:
        await keymap_applied(pilot)
        messages = [notification.message for notification in app._notifications]
        assert any(
            "no binding has the id copy-claims" in message and "copy-claim-lines" in message
            for message in messages
        )
        await type_into(pilot, dose="250 mg")
        await pilot.press("f9")
        assert app.clipboard.rstrip("\n") == result_of(app).chart_text.rstrip("\n")


async def test_a_bad_keys_table_keeps_the_default_keys_and_says_why(app: InfusionCalcApp) -> None:
    write_config('[keys]\ncopy-claim-lines = "ctrl+"\n')
    async with app.run_test(size=(120, 40)) as pilot:
        await keymap_applied(pilot)
        assert any(
            "key bindings are not in use" in notification.message
            and "'ctrl+' is not a key" in notification.message
            for notification in app._notifications
        )
        await type_into(pilot, dose="250 mg")
        await pilot.press("f2")
        assert app.clipboard.startswith("HCPCS")


@pytest.mark.parametrize("value", ['"ctrl+"', '""', "3", '"f2;rm"', '"ctrl y"'])
def test_a_keys_entry_must_be_key_names(value: str) -> None:
    with pytest.raises(SiteConfigError, match="is not a key"):
        parse_site_config(f"[keys]\nclear = {value}\n", "config.toml")


def test_several_keys_for_one_binding_are_kept_in_textuals_form() -> None:
    assert parse_site_config('[keys]\nclear = "ctrl+n , f12"\n', "config.toml").keys == {
        "clear": "ctrl+n,f12"
    }
