"""The form is usable at once and keeps up with typing (issue 23): the first frame is the form
with the dose field focused, the catalog's drug list is not unpacked before it is needed,
a key typed while the core loads never waits for it, and a keystroke redraws only what changed."""

from __future__ import annotations

import sys
import threading
from typing import Any

import pytest
from textual.widgets import Input, Static
from textual.widgets._footer import FooterKey

from infusion_calc.tui.app import InfusionCalcApp, make_app
from infusion_calc.tui.screens.main import MainScreen
from infusion_calc.tui.widgets.form_field import FormField
from infusion_calc.tui.widgets.key_bar import KeyBar
from tui_helpers import ready, screen_lines, type_fast, type_into


async def test_the_first_frame_is_the_form_with_the_dose_field_focused() -> None:
    app = make_app(cursor_blink=False)  # the real start-up: the catalog loads after the first frame
    seen: list[str | None] = []
    display = app._display

    def first_frame(screen: Any, renderable: Any) -> None:
        if renderable is not None and not seen:
            seen.append(app.focused.id if app.focused is not None else None)
        display(screen, renderable)

    app._display = first_frame  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
    assert seen == ["dose"]


@pytest.mark.parametrize(("width", "layout"), [(120, "-wide"), (80, "-narrow")])
async def test_the_first_frame_has_the_layout_of_its_width(width: int, layout: str) -> None:
    """Not the narrow layout first, restyled and laid out again by the resize that follows."""
    app = make_app(cursor_blink=False)
    seen: list[frozenset[str]] = []
    display = app._display

    def first_frame(screen: Any, renderable: Any) -> None:
        if renderable is not None and not seen:
            seen.append(frozenset(screen.classes))
        display(screen, renderable)

    app._display = first_frame  # type: ignore[method-assign]
    async with app.run_test(size=(width, 30)) as pilot:
        await pilot.pause()
    other = "-narrow" if layout == "-wide" else "-wide"
    assert seen and layout in seen[0] and other not in seen[0]


async def test_the_form_is_styled_once_before_the_first_frame(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each widget is styled as it is mounted; the whole screen is not restyled again before
    the first frame (Textual's first ScreenResume did, doubling the work of that frame)."""
    app = make_app(cursor_blink=False)
    restyled_with_children: list[int] = []
    drawn: list[bool] = []
    update_styles = InfusionCalcApp.update_styles

    def noting(self: InfusionCalcApp, node: Any = None, animate: bool = True) -> None:
        if not drawn and isinstance(node, MainScreen) and node.children:
            restyled_with_children.append(len(node.children))
        update_styles(self, node, animate)

    monkeypatch.setattr(InfusionCalcApp, "update_styles", noting)
    display = app._display

    def first_frame(screen: Any, renderable: Any) -> None:
        if renderable is not None:
            drawn.append(True)
        display(screen, renderable)

    app._display = first_frame  # type: ignore[method-assign]
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
    assert drawn and restyled_with_children == []


async def test_the_key_bar_comes_with_its_keys_and_is_not_rebuilt_by_moving_between_fields(
    app: InfusionCalcApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It mounts just after the first frame (docked at the bottom: nothing above it moves), and
    the first frame it is in already shows its keys."""
    keys_when_first_drawn: list[int] = []
    display = app._display

    def first_frame(screen: Any, renderable: Any) -> None:
        if renderable is not None and not keys_when_first_drawn and screen.query(KeyBar):
            keys_when_first_drawn.append(len(screen.query(FooterKey)))
        display(screen, renderable)

    app._display = first_frame  # type: ignore[method-assign]
    rebuilt: list[str] = []
    recompose = KeyBar.recompose

    async def noting(bar: KeyBar) -> None:
        rebuilt.append(str(app.focused))
        await recompose(bar)

    monkeypatch.setattr(KeyBar, "recompose", noting)
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(pilot)
        await pilot.press("tab", "tab", "shift+tab")
        await pilot.pause()
        assert keys_when_first_drawn and keys_when_first_drawn[0] >= 7
        assert rebuilt == []  # the same keys in every field of the form
        app.set_keymap({"save-to-log": "f10"})  # a site's keymap changes what the bar shows
        await pilot.pause()
        await pilot.pause()
        assert rebuilt and "f10" in {key.key for key in app.main_screen.query(FooterKey)}


async def test_the_result_body_is_built_after_the_first_frame_and_before_the_first_result() -> None:
    app = make_app(cursor_blink=False)
    bodies_at_first_frame: list[int] = []
    display = app._display

    def first_frame(screen: Any, renderable: Any) -> None:
        if renderable is not None and not bodies_at_first_frame:
            bodies_at_first_frame.append(len(screen.query("#result-body")))
        display(screen, renderable)

    app._display = first_frame  # type: ignore[method-assign]
    async with app.run_test(size=(120, 30)) as pilot:
        await type_into(pilot, dose="300 mg")
        assert bodies_at_first_frame == [0]
        assert app.main_screen.outcome.valid
        assert "Administered units" in "\n".join(screen_lines(app))


async def test_keys_typed_before_the_core_loads_are_checked_once_it_has(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No check imports the core in the UI thread (the key would wait for it);
    none is skipped either."""
    from infusion_calc.tui import validators

    checked: list[tuple[str, bool]] = []
    validate = validators.CoreParser.validate

    def noting(parser: validators.CoreParser, value: str) -> Any:
        checked.append((value, threading.current_thread() is threading.main_thread()))
        return validate(parser, value)

    monkeypatch.setattr(validators.CoreParser, "validate", noting)
    monkeypatch.setattr(
        InfusionCalcApp, "_start_loading", lambda app: None
    )  # the catalog never comes by itself
    app = make_app(cursor_blink=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await type_fast(pilot, *"300 furlongs")
        assert app.main_screen.query_one("#dose", Input).value == "300 furlongs"
        assert checked == []  # nothing parsed before the core is there
        app._load()  # what the loading worker does, here at once
        await ready(pilot)
        await pilot.pause()
        assert ("300 furlongs", True) in checked
        assert (
            "furlongs" in app.main_screen.query_one("#dose-field", FormField).error
        )  # the same check, as soon as it can run


def test_loading_the_calculator_leaves_the_drug_list_for_later() -> None:
    from infusion_calc.loading import Context
    from infusion_calc.tui.calculator_loading import load_calculator

    calculator = load_calculator(Context())
    assert calculator._drug_entries is None  # not unpacked in the loading thread
    assert calculator.drug_label_of(calculator.default_drug).startswith(
        "Tysabri (natalizumab) · J2323"
    )
    calculator.prepare_drug_list()
    entries = calculator.drug_entries()
    assert len(entries) > 600
    # A chosen code's label is the one the list shows for it, without unpacking the list.
    assert all(calculator.drug_label_of(code) == label for code, label, _ in entries)
    assert len(calculator.drug_index()) == len(entries)


async def test_showing_the_same_result_again_redraws_nothing(
    app: InfusionCalcApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await type_into(pilot, dose="250 mg")
        panel = app.main_screen.result_panel
        outcome = app.main_screen.outcome
        assert outcome.valid
        updated: list[str | None] = []
        update = Static.update

        def noting(widget: Static, *args: Any, **kwargs: Any) -> None:
            updated.append(widget.id)
            update(widget, *args, **kwargs)

        monkeypatch.setattr(Static, "update", noting)
        panel.show(outcome)
        assert updated == []
        await type_into(
            pilot, dose="270 mg"
        )  # the same drug and vials: the heading and the notes stay
        assert (
            "result-heading" not in updated
            and "result-facts" in updated
            and "chart-text" in updated
        )
        assert str(panel.query_one("#result-facts", Static).render()) != ""


async def test_reading_the_outcome_again_hands_nothing_to_the_widgets(
    app: InfusionCalcApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Textual runs a computed reactive's watcher on every read: the outcome already shown is
    not shown again (actions and benchmarks read it)."""
    async with app.run_test(size=(100, 30)) as pilot:
        await type_into(pilot, dose="250 mg")
        screen = app.main_screen
        shown: list[object] = []
        monkeypatch.setattr(screen.result_panel, "show", shown.append)
        assert screen.outcome.valid and screen.outcome.valid
        assert shown == []
        await type_into(pilot, dose="270 mg")
        assert len(shown) == 1 and screen.outcome is shown[0]


async def test_checks_that_shift_by_a_line_are_not_wrapped_again(app: InfusionCalcApp) -> None:
    """A dose far off adds a check at the top: every line below shows a check it showed before."""
    from infusion_calc.tui.widgets.checks_list import check_text

    async with app.run_test(size=(120, 40)) as pilot:
        await type_into(pilot, dose="250 mg")
        await type_into(pilot, dose="20 mg")  # DOSE_OUT_OF_RANGE comes first: the rest shift
        await type_into(pilot, dose="250 mg")
        wrapped = check_text.cache_info().misses
        await type_into(pilot, dose="20 mg")
        assert check_text.cache_info().misses == wrapped


def test_background_work_hands_the_interpreter_to_the_ui_sooner_and_gives_the_interval_back() -> (
    None
):
    from infusion_calc.tui.background import UI_TURN, beside_the_ui

    before = sys.getswitchinterval()
    inner = beside_the_ui(
        lambda: beside_the_ui(sys.getswitchinterval)
    )  # nested: two threads at once
    assert inner == pytest.approx(UI_TURN) and UI_TURN < before
    assert sys.getswitchinterval() == before
    with pytest.raises(ZeroDivisionError):
        beside_the_ui(lambda: 1 / 0)
    assert sys.getswitchinterval() == before
