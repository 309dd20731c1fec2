"""Layout snapshots at fixed sizes (pytest-textual-snapshot), cursor blink off.

Baselines live in tests/tui/__snapshots__/; after a deliberate change, look at the
report and accept with `pytest tests/tui/test_tui_snapshots.py --snapshot-update`.
The chart note (core/documentation.py, which grows on its own) is replaced by a fixed
text here, so these pin the app's layout rather than the wording of the chart note.
"""

from __future__ import annotations

import pytest

from infusion_calc.core.catalog import packaged_catalog
from infusion_calc.tui.app import make_app
from tui_helpers import choose, type_into


FIXED_NOTE = "Chart note: fixed text for the layout snapshots.\nSecond line.\n"


@pytest.fixture(autouse=True)
def fixed_chart_note(monkeypatch):
    monkeypatch.setattr("infusion_calc.tui.calculator.chart_note", lambda calc, *args, **kwargs: FIXED_NOTE)


def app():
    return make_app(packaged_catalog(), cursor_blink=False)


def test_partial_dose_with_jw_line_wide(snap_compare):
    async def run_before(pilot):
        await type_into(pilot, dose="250 mg")

    assert snap_compare(app(), terminal_size=(120, 30), run_before=run_before)


def test_weight_based_dose_waiting_for_the_weight(snap_compare):
    async def run_before(pilot):
        await choose(pilot, "drug", "J1745")
        await type_into(pilot, dose="5 mg/kg")
        pilot.app.main_screen.query_one("#dose").focus()
        await pilot.pause()

    assert snap_compare(app(), terminal_size=(120, 36), run_before=run_before)


def test_input_error_on_an_80x24_terminal(snap_compare):
    async def run_before(pilot):
        await type_into(pilot, dose="1,5 mg")

    assert snap_compare(app(), terminal_size=(80, 24), run_before=run_before)


def test_full_vial_on_an_80x24_terminal(snap_compare):
    async def run_before(pilot):
        await type_into(pilot, dose="300 mg")

    assert snap_compare(app(), terminal_size=(80, 24), run_before=run_before)
