"""Small helpers the TUI tests share (imported by name: pytest puts this folder on sys.path)."""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Collapsible, Input, Select, Static

from infusion_calc.core.calculation.engine import Calculation
from infusion_calc.tui.app import InfusionCalcApp
from infusion_calc.tui.result_view import ResultView
from infusion_calc.tui.screens.main import MainScreen
from infusion_calc.tui.widgets.drug_field import DrugField
from infusion_calc.tui.widgets.form_field import FormField


def app_of(pilot: Pilot[None]) -> InfusionCalcApp:
    """The app a pilot drives, as its own class (Pilot is typed by the app's return value only)."""
    assert isinstance(pilot.app, InfusionCalcApp)
    return pilot.app


def main_of(pilot: Pilot[None]) -> MainScreen:
    return app_of(pilot).main_screen


async def built(pilot: Pilot[None]) -> None:
    """Wait until the form exists: it is built just after the first frame."""
    for _ in range(200):
        if main_of(pilot).built:
            return
        await pilot.pause()
    raise AssertionError("the form was never built")


async def ready(pilot: Pilot[None]) -> None:
    """Wait until the form exists and calculates (the catalog given to make_app has arrived)."""
    await built(pilot)
    for _ in range(200):
        if main_of(pilot).calculator is not None:
            return
        await pilot.pause()
    raise AssertionError("the calculator never arrived")


async def type_into(pilot: Pilot[None], **fields: str) -> None:
    """Set fields as if typed: Input.Changed fires as for keys, without ~75 ms per key."""
    await ready(pilot)  # also for snap_compare, which calls run_before at once
    screen = main_of(pilot)
    for name, text in fields.items():
        screen.query_one(f"#{name.replace('_', '-')}", Input).value = text
    await pilot.pause()


async def open_encounter(pilot: Pilot[None]) -> None:
    """Open the encounter panel (its fields are built the first time it opens)."""
    await ready(pilot)
    main_of(pilot).query_one("#encounter", Collapsible).collapsed = False
    await pilot.pause()


async def choose(pilot: Pilot[None], select_id: str, value: str) -> None:
    await ready(pilot)
    widget = main_of(pilot).query_one(f"#{select_id}")
    assert isinstance(widget, (Select, DrugField)), widget
    widget.value = value
    await pilot.pause()


def result_of(app: InfusionCalcApp) -> ResultView:
    """The result the panel shows now (the test has typed an order that calculates)."""
    result = app.main_screen.outcome.result
    assert result is not None, app.main_screen.outcome
    return result


def calculation_of(app: InfusionCalcApp) -> Calculation:
    """The calculation behind the result the panel shows now."""
    calculation = result_of(app).calculation
    assert calculation is not None, "the result is a drug line, not a visit's"
    return calculation


def focused_id(app: App[Any]) -> str | None:
    """The id of the widget that has the focus (None when nothing has it)."""
    return app.focused.id if app.focused is not None else None


def field_error(app: InfusionCalcApp, field: str) -> str:
    """The text under a form field ('' when it shows no problem)."""
    return app.main_screen.query_one(f"#{field}-field", FormField).error


def shown(app: InfusionCalcApp, selector: str) -> bool:
    """Whether a widget is on screen: displayed itself and inside displayed ancestors."""
    widget = app.main_screen.query_one(selector)
    return widget.display and all(
        node.display for node in widget.ancestors if hasattr(node, "display")
    )


def status_text(app: InfusionCalcApp) -> str:
    return str(app.main_screen.query_one("#result-status", Static).content)


def screen_lines(app: InfusionCalcApp) -> list[str]:
    """The terminal's text as the nurse sees it now, one string per row."""
    update = app.screen._compositor.render_full_update(simplify=True)
    return [next(iter(strips)).text for strips in update.strips]


async def scroll_to(pilot: Pilot[None], selector: str) -> None:
    """Scroll the workspace so the widget is at the top of what is visible (as PageDown would)."""
    screen = main_of(pilot)
    widget = screen.query_one(selector)
    for container in widget.ancestors:
        if (
            isinstance(container, Widget)
            and container.id in ("result", "workspace")
            and container.is_scrollable
        ):
            container.scroll_to_widget(widget, top=True, animate=False)
    await pilot.pause()
    await pilot.pause()


async def type_fast(pilot: Pilot[None], *keys: str) -> None:
    """Send every key at once, as a fast typist (or tmux's paste) does: none waits for the
    app to finish with the one before, unlike `pilot.press`."""

    from textual import events
    from textual.keys import _character_to_key

    driver = pilot.app._driver
    assert driver is not None, "the app runs headless under the pilot"
    for key in keys:
        char = key if len(key) == 1 else {"enter": "\r", "tab": "\t"}.get(key)
        name = _character_to_key(key) if len(key) == 1 and not key.isalnum() else key
        event = events.Key(name, char)
        event.set_sender(pilot.app)
        driver.send_message(event)
    for _ in range(6):
        await pilot.pause()
