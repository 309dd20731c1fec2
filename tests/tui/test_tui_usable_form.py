"""The form is usable before it is whole: the first frame has the drug and dose fields (dose
focused); the key bar and the other rows mount right after it. Keys typed in
between are never lost nor reordered: text goes into the dose field at once, anything else
(Enter, Tab, a function key) waits, with everything after it, until the whole form is there.
"""

from __future__ import annotations

import subprocess
import sys
from asyncio import get_running_loop
from time import monotonic, sleep
from typing import Any

import pytest
from textual import events
from textual._compositor import Compositor
from textual.geometry import Size
from textual.pilot import Pilot
from textual.screen import UPDATE_PERIOD, Screen
from textual.widgets import Footer, Input

from infusion_calc.tui.app import InfusionCalcApp
from infusion_calc.tui.screens.main import MainScreen
from infusion_calc.tui.widgets import workspace
from infusion_calc.tui.widgets.form_field import FormField
from infusion_calc.tui.widgets.key_bar import KeyBar
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
        assert not screen.query("#drug-matches")  # the drug list comes with the first search
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


def _frames_drawn(screen: MainScreen, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each full layout ("layout") and each frame sent out ("frame") from now on."""
    drawn: list[str] = []
    layout, refresh = screen._refresh_layout, screen._compositor_refresh

    def laid_out(*args: object, **kwargs: bool) -> None:
        drawn.append("layout")
        layout(*args, **kwargs)  # type: ignore[arg-type]

    def sent() -> None:
        drawn.append("frame")
        refresh()

    monkeypatch.setattr(screen, "_refresh_layout", laid_out)
    monkeypatch.setattr(screen, "_compositor_refresh", sent)
    return drawn


async def test_a_resize_to_the_size_already_laid_out_lays_nothing_out_again(
    app: InfusionCalcApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Textual resizes the screen three times at start, to the size its first frame has: each
    was a layout of the whole screen before a key typed at once could be drawn."""
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        screen = main_of(pilot)
        await pilot.pause()
        drawn = _frames_drawn(screen, monkeypatch)
        screen._screen_resized(screen.size)
        assert drawn == []
        screen._screen_resized(Size(100, 40))  # a new size is laid out at once
        assert drawn[0] == "layout"


async def test_a_change_is_drawn_once_a_sixtieth_of_a_second_has_passed_since_the_last_frame(
    app: InfusionCalcApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not at the screen timer's next tick (a grid set when it started: up to 17 ms after a
    key): when the last frame went out 1/60 s ago or more, the next goes out at once."""
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        screen = main_of(pilot)
        await pilot.pause()
        drawn = _frames_drawn(screen, monkeypatch)
        screen.refresh()  # a change waiting to be drawn
        screen._update_timer.pause()
        monkeypatch.setattr(screen, "_update_due", None, raising=False)
        monkeypatch.setattr(screen, "_updated_at", monotonic() - UPDATE_PERIOD, raising=False)
        await screen._on_idle(events.Idle())
        assert "frame" in drawn


async def test_the_sixtieth_of_a_second_counts_from_when_the_last_frame_went_out(
    app: InfusionCalcApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A frame with a new result takes longer than 1/60 s to draw; the layout Textual asks for
    after it (the sizes it changed) waits 1/60 s from when it went out, not from when it began:
    run at once, it stood in front of the key typed next (the keystroke's p95)."""
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        screen = main_of(pilot)
        await pilot.pause()
        draw = Screen._compositor_refresh

        def slow_frame(self: Screen[Any]) -> None:
            draw(self)
            sleep(UPDATE_PERIOD * 1.5)  # the frame takes longer than 1/60 s to go out

        monkeypatch.setattr(Screen, "_compositor_refresh", slow_frame)
        began = monotonic()
        screen._compositor_refresh()
        assert screen._updated_at - began >= UPDATE_PERIOD * 1.5
        drawn = _frames_drawn(screen, monkeypatch)
        screen._update_timer.pause()
        monkeypatch.setattr(screen, "_update_due", None, raising=False)
        screen.refresh()  # the layout asked for after the frame
        await screen._on_idle(events.Idle())
        assert drawn == [] and screen._update_due is not None  # a key typed now goes first
        screen._update_due.cancel()


async def test_while_a_frame_is_paced_textuals_own_screen_timer_stays_paused(
    app: InfusionCalcApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Textual's idle handler resumes its 1/60 s screen timer, whose tick may come before the
    frame this screen paces: a layout of the whole screen between a key and its result (the
    keystroke's p95 was 9 to 11 ms for a median of 3 ms)."""
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        screen = main_of(pilot)
        await pilot.pause()
        screen._update_timer.pause()
        monkeypatch.setattr(screen, "_update_due", None, raising=False)
        monkeypatch.setattr(screen, "_updated_at", monotonic(), raising=False)  # a frame just out
        screen.refresh()  # a change to draw
        await screen._dispatch_message(events.Idle())  # every class's idle handler, in turn
        assert screen._update_due is not None  # paced: 1/60 s after the last frame
        assert not screen._update_timer._active.is_set()  # and no earlier tick
        screen._update_due.cancel()


async def test_text_typed_at_the_first_frame_is_drawn_before_the_later_rows_mount(
    app: InfusionCalcApp, later_rows_held: list[MainScreen], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The later rows (a third of a frame's work and more) wait for the frame that shows what
    was typed, when it is in the dose field but not drawn yet."""
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await dose_focused(pilot)
        await pilot.pause()
        drawn_when_the_rows_came: list[str] = []

        def key_bar(*, command_palette_key: bool) -> KeyBar:
            drawn_when_the_rows_came.append(screen._dose_drawn)
            return KeyBar(compact=True, show_command_palette=command_palette_key)

        monkeypatch.setattr(workspace, "key_bar", key_bar)
        screen.query_one("#dose", Input).value = "3"  # in the field, not drawn yet
        assert screen._typed_ahead_of_the_rows()
        await MOUNT_LATER_ROWS(later_rows_held[0])
        for _ in range(4):
            await pilot.pause()
            if not drawn_when_the_rows_came and later_rows_held[1:]:
                await MOUNT_LATER_ROWS(later_rows_held.pop())  # asked for again
        assert drawn_when_the_rows_came == ["3"]  # the frame showing it went out first
        await ready(pilot)
        assert screen.query(Footer) and screen.query_one("#dose", Input).value == "3"


async def test_a_notification_still_shows_though_the_first_frame_hides_the_toasts(
    app: InfusionCalcApp,
) -> None:
    """The toasts are hidden before the first frame (as Textual hides them just after it)."""
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await ready(pilot)
        toasts = main_of(pilot).query_one("#textual-toastrack")
        assert not toasts.display
        app.notify("Saved to the log")
        await pilot.pause()
        assert toasts.display and toasts.children


async def test_text_typed_while_the_form_is_built_is_drawn_without_waiting_a_sixtieth(
    app: InfusionCalcApp, later_rows_held: list[MainScreen], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A key typed ahead (or at the first frame) goes out in the very next frame, not 1/60 s
    after the first frame: the form is usable a frame's wait sooner."""
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await dose_focused(pilot)
        await pilot.pause()
        drawn = _frames_drawn(screen, monkeypatch)
        screen._update_timer.pause()
        monkeypatch.setattr(screen, "_update_due", None, raising=False)
        monkeypatch.setattr(screen, "_updated_at", monotonic(), raising=False)  # a frame just out
        screen._update_due = get_running_loop().call_later(1, screen._update_if_needed)
        screen.query_one("#dose", Input).value = "3"  # in the field, not drawn yet
        screen.refresh()
        await screen._on_idle(events.Idle())
        assert "frame" in drawn
        assert screen._dose_drawn == "3"


async def test_a_key_sent_to_the_app_and_not_handed_on_yet_holds_the_later_rows_back(
    app: InfusionCalcApp, later_rows_held: list[MainScreen]
) -> None:
    """A key typed at the first frame may still be on its way to the dose field when the rows
    are asked for: it is drawn first (the rows cost a frame's work and more)."""
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await dose_focused(pilot)
        await pilot.pause()
        app.post_message(events.Key("3", "3"))  # on its way: not handled yet
        await MOUNT_LATER_ROWS(later_rows_held[0])
        assert not screen.query(Footer)
        await pilot.pause()
        assert screen.query_one("#dose", Input).value == "3"
        assert app.input_in_flight == 0


def _styles_of(screen: MainScreen) -> dict[int, dict[str, object]]:
    return {
        id(node): dict(node._css_styles._rules) for node in screen.walk_children(with_self=True)
    }


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["wide", "narrow"])
async def test_the_stylesheet_s_later_rules_style_nothing_in_the_first_frame(
    app: InfusionCalcApp, later_rows_held: list[MainScreen], size: tuple[int, int]
) -> None:
    """The first frame parses only the rules above LATER_STYLES; the rest come as the later rows
    mount, and restyle nothing already there."""
    async with app.run_test(size=size) as pilot:
        screen = await dose_focused(pilot)
        await pilot.pause()
        first = _styles_of(screen)
        assert app._later_styles  # not added yet
        app.add_later_styles()
        app.stylesheet.update_nodes(screen.walk_children(with_self=True), animate=False)
        assert _styles_of(screen) == first


async def test_a_row_s_error_line_mounts_with_its_first_error_last_in_the_row(
    app: InfusionCalcApp,
) -> None:
    """The first frame has no hidden error lines; an error shown (even before the row has
    composed its parts) puts its line below them, where compose used to."""
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await dose_focused(pilot)
        assert not screen.query(".field-error")
        await ready(pilot)
        early = FormField("Early", Input(id="early"), field="early", hint="a hint")
        early.show_error("shown before the row was there")
        await screen.order_form.mount(early)
        screen.order_form.query_one("#dose-field", FormField).show_error("a bad dose")
        for _ in range(3):
            await pilot.pause()
        for row in (early, screen.order_form.query_one("#dose-field", FormField)):
            assert row.children[-1].has_class("field-error") and row.children[-1].display
            assert row.has_class("-has-error") and row.error.startswith("✖ ")


async def test_the_screen_is_drawn_whole_once_at_start(
    app: InfusionCalcApp, later_rows_held: list[MainScreen], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Textual's first resume draws the first frame whole, then asked for the whole screen
    again: a second whole frame, the same as the first, before a key typed at once."""
    wholes: list[int] = []
    render_whole = Compositor.render_full_update

    def counted(compositor: Compositor, *args: Any, **kwargs: Any) -> Any:
        wholes.append(1)
        return render_whole(compositor, *args, **kwargs)

    monkeypatch.setattr(Compositor, "render_full_update", counted)
    async with app.run_test(size=(120, 40)) as pilot:
        await dose_focused(pilot)
        for _ in range(4):
            await pilot.pause()
        assert len(wholes) == 1


LATER_WIDGET_MODULES = (
    "textual.widgets._checkbox",
    "textual.widgets._collapsible",
    "textual.widgets._footer",
    "textual.widgets._toggle_button",
)
"""Textual's modules for what mounts after the first frame (the key bar, the encounter panel):
importing them cost the first frame about 3 ms."""


def test_the_first_frame_imports_no_widget_module_of_the_later_rows() -> None:
    loaded = _at_first_frame(f"sorted(m for m in sys.modules if m in {LATER_WIDGET_MODULES!r})")
    assert loaded == "[]"


def test_importing_the_app_runs_no_collection_and_freezes_what_it_imported() -> None:
    """The app's modules and Textual's make only objects that live as long as the process:
    young collections during their import walked them again and again (about 10 ms of CPU
    before the first frame). The collector is paused meanwhile, then on again as it was."""
    check = (
        "import gc\n"
        "runs = []\n"
        "gc.callbacks.append(lambda phase, info: phase == 'start' and runs.append(info))\n"
        "import infusion_calc.tui.app\n"
        "print(len(runs), gc.isenabled(), gc.get_freeze_count() > 0)\n"
    )
    output = _python(check)
    runs, enabled, frozen = output.split()
    # (loading the module's own code, before its first line runs, may start one or two)
    assert int(runs) <= 3, f"{runs} collections while the app imported (75 unpaused)"
    assert (enabled, frozen) == ("True", "True")


def test_what_the_first_frame_s_widget_modules_made_is_frozen_once_imported() -> None:
    """Run for real (not run_test), the first frame's widget modules import as the screen is
    built: what they make lives as long as the process and is kept out of the collector's
    passes (two older-generation passes walked it during the first frame's mount)."""
    walked = _at_first_frame(
        "any(each is sys.modules['infusion_calc.tui.widgets.order_form'].OrderForm"
        " for each in gc.get_objects())"
    )
    assert walked == "False"  # frozen: not among the objects the collector walks


def _python(check: str) -> str:
    """What a fresh interpreter running `check` prints (it must exit 0)."""
    result = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def _at_first_frame(expression: str) -> str:
    """What `expression` (with gc and sys at hand) evaluates to when the app, run for real in a
    fresh interpreter, sends out its first frame."""
    check = (
        "import gc, os, sys\n"
        "from infusion_calc.tui.app import make_app\n"
        "app = make_app()\n"
        "display = app._display\n"
        "def frame(screen, renderable):\n"
        "    display(screen, renderable)\n"
        "    if renderable is not None and not app._batch_count:\n"
        f"        print({expression})\n"
        "        sys.stdout.flush()\n"
        "        os._exit(0)\n"
        "app._display = frame\n"
        "app.run(headless=True, size=(100, 32))\n"
    )
    return _python(check).strip()
