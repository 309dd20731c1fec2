"""Layout snapshots at fixed sizes (pytest-textual-snapshot), cursor blink off.

Baselines live in tests/tui/__snapshots__/; after a deliberate change, look at the
report and accept with `pytest tests/tui/test_tui_snapshots.py --snapshot-update`.
The chart note (core/pipeline/documentation.py) and the checks (core/checks/checks.py), which grow
on their own, are replaced by fixed ones here, so these pin the app's layout rather than
the core's wording. Every snapshot shows the encounter panel: collapsed (the first four)
or open, with an error under a field, beside the checks.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import Collapsible

from infusion_calc.core.record.check_types import Check, Severity
from infusion_calc.loading import packaged_catalog
from infusion_calc.tui.app import InfusionCalcApp, make_app
from tui_helpers import choose, main_of, type_into

FIXED_NOTE = "Chart note: fixed text for the layout snapshots.\nSecond line.\n"
FIXED_CHECKS = (
    Check(
        "FIXED_ERROR",
        Severity.ERROR,
        "A fixed error for the layout snapshots: long enough to wrap onto a second "
        "line, which must stay indented under the message.",
    ),
    Check("FIXED_WARNING", Severity.WARNING, "A fixed warning."),
    Check("FIXED_INFO", Severity.INFO, "A fixed piece of information."),
)


@pytest.fixture(autouse=True)
def fixed_chart_note_and_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "infusion_calc.core.pipeline.administration.chart_note",
        lambda calc, *args, **kwargs: FIXED_NOTE,
    )
    monkeypatch.setattr(
        "infusion_calc.core.pipeline.administration.run_checks",
        lambda calc, *args, **kwargs: FIXED_CHECKS,
    )


def app() -> InfusionCalcApp:
    return make_app(packaged_catalog(), cursor_blink=False)


async def settled(pilot: Pilot[None]) -> None:
    """One more round of messages: a check line re-wraps when the scrollbar takes its width."""
    await pilot.pause()
    await pilot.pause()


def test_partial_dose_with_jw_line_wide(snap_compare: Callable[..., bool]) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await type_into(pilot, dose="250 mg")
        await settled(pilot)

    assert snap_compare(app(), terminal_size=(120, 30), run_before=run_before)


def test_weight_based_dose_waiting_for_the_weight(snap_compare: Callable[..., bool]) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await choose(pilot, "drug", "J1745")
        await type_into(pilot, dose="5 mg/kg")
        main_of(pilot).query_one("#dose").focus()
        await pilot.pause()

    assert snap_compare(app(), terminal_size=(120, 36), run_before=run_before)


def test_input_error_on_an_80x24_terminal(snap_compare: Callable[..., bool]) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await type_into(pilot, dose="1,5 mg")

    assert snap_compare(app(), terminal_size=(80, 24), run_before=run_before)


def test_full_vial_on_an_80x24_terminal(snap_compare: Callable[..., bool]) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await type_into(pilot, dose="300 mg")

    assert snap_compare(app(), terminal_size=(80, 24), run_before=run_before)


def test_encounter_panel_open_with_an_error_beside_the_checks(
    snap_compare: Callable[..., bool],
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await type_into(pilot, dose="250 mg")
        screen = main_of(pilot)
        screen.query_one("#encounter", Collapsible).collapsed = False
        await pilot.pause()  # its fields are built as it opens
        await type_into(
            pilot,
            given_at="2026-03-02 09:40",
            start="09:40",
            stop="9:5",
            dx="G35.A",
            lot_1="TY2291",
            expires_1="2027-03",
        )
        screen.query_one("#dx").focus()
        await settled(pilot)

    assert snap_compare(app(), terminal_size=(120, 40), run_before=run_before)
