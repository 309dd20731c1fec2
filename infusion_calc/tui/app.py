"""The App and `make_app`, the one factory the CLI, the tests and the screenshots share.

Start-up order matters here: the first frame is drawn from Textual alone; the core
(pint, pydantic, the catalog) is imported in a thread worker started after that frame,
and the form comes alive when `CalculatorReady` arrives. A catalog passed in (tests)
skips the worker.

Nothing typed is lost while the focus is on its way somewhere: keys (and pastes) are
held here and replayed, in order, once it has arrived. At start-up they wait for the dose
field (a nurse types `300 mg` Enter the moment the app opens): text goes into it as soon as it
has the focus (the first frame), anything else (Enter, Tab, a function key), and all that
follows it, waits for the whole form (its later rows mount just after); after an Enter in the form
they wait for the field Enter goes to, which may only be appearing (`5 mg/kg` Enter
`73 kg`, typed in one go, fills the dose and then the weight). A pasted text of several
lines is the same: its lines, with an Enter between each.
"""

from __future__ import annotations

# ruff: noqa: E402  (the collector is paused before the imports below: see _COLLECTING)
import gc

# Paused while Textual and the app's modules import: they make only objects that live as long as
# the process, which 75 young collections walked again and again (about 10 ms of CPU before the
# first frame). Then what was imported is frozen and the collector is on again as it was.
_COLLECTING = gc.isenabled()
gc.disable()

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.driver import Driver
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input
from textual.worker import Worker, WorkerState

from infusion_calc.loading import Context
from infusion_calc.tui.background import beside_the_ui
from infusion_calc.tui.messages import CalculatorReady, DoseFocused, FormBuilt, KeymapLoaded
from infusion_calc.tui.screens.main import MainScreen
from infusion_calc.tui.styles import add_first_part, add_later_part
from infusion_calc.tui.terminal_input import tolerate_invalid_bytes
from infusion_calc.tui.themes import HIGH_CONTRAST, WARD_HIGH_CONTRAST

gc.freeze()
if _COLLECTING:
    gc.enable()

HOLD_AT_MOST = 2.0
"""Seconds keys are held after an Enter at most, should the form never say the focus arrived
(generous: on a loaded machine the field Enter goes to may take a while to appear)."""

if TYPE_CHECKING:
    from infusion_calc.core.catalog.catalog import Catalog
    from infusion_calc.tui.calculator import Calculator


class InfusionCalcApp(App[None]):
    # No CSS_PATH: the stylesheet is read in two parts (styles.py).
    TITLE = "infusion-calc"
    SUB_TITLE = "dose, vials, billing units"
    BINDINGS = [
        Binding(
            "f1", "help", "Help", id="help", tooltip="JW/JZ, the rounding rule and the J2326 matter"
        ),
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
    ]

    @property
    def calculator(self) -> "Calculator | None":
        """The presenter, once loaded: the main screen owns it, beside the form and the outcome."""
        screens = [screen for screen in self.screen_stack if isinstance(screen, MainScreen)]
        return screens[0].calculator if screens else None

    def __init__(
        self,
        *,
        calculator: "Calculator | None" = None,
        context: "Context | None" = None,
        round_within: str = "",
        theme: str | None = None,
        cursor_blink: bool = True,
    ) -> None:
        super().__init__()
        self._later_styles = add_first_part(self.stylesheet)  # see styles.py
        self._given_calculator = calculator
        self._loading_context = context  # not `_context`: Textual's own (MessagePump._context)
        self._round_within = round_within
        self._cursor_blink = cursor_blink
        self._held_input: list[events.Key | events.Paste] | None = []
        """Keys and pastes held while the focus moves (None when nothing is held); held from the
        start until the form is built."""
        self._text_passes = False
        """True while only the first part of the form exists: text typed goes into the dose
        field, anything else is held (with all after it) until the form is whole."""
        self._early_calculator: CalculatorReady | None = None
        self._freezes_what_loads = False
        """Run for real (not under a test): the core and catalog, once loaded, are kept out of
        the collector's passes too (they live for the session; a full pass over them would
        stall a keystroke)."""
        self._hold_timer: Timer | None = None
        self._loading = False
        self.input_in_flight = 0  # keys and pastes posted, not handed on: the later rows wait
        self.register_theme(WARD_HIGH_CONTRAST)
        if theme:
            self.theme = theme

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Without blinking (tests, screenshots), every text field's cursor is steady when it
        gets the focus, including fields built later (the encounter panel, a vial's lot row):
        a snapshot never depends on when the blink timer last fired."""
        if not self._cursor_blink and isinstance(event.widget, Input) and event.widget.cursor_blink:
            event.widget.cursor_blink = False  # pauses the blink with the cursor shown

    def run(self, *args: Any, **kwargs: Any) -> Any:
        """As Textual's; first, what importing made (it lives as long as the process) is kept
        out of the collector's passes: with it, a full pass during start-up walked hundreds of
        thousands of objects and delayed the first frame by tens of ms. (Not in `run_test`:
        a test process builds many apps, whose garbage must stay collectable.)"""
        gc.freeze()
        self._freezes_what_loads = True
        return super().run(*args, **kwargs)

    def freeze_what_loaded(self) -> None:
        """Run for real: what was just loaded for the session is out of the collector's passes."""
        if self._freezes_what_loads:
            gc.freeze()

    def add_later_styles(self) -> None:
        """The stylesheet's later rules (styles.py), before anything they style mounts: the later
        rows, and every dialog (each opens from a key, held until the rows are there)."""
        if self._later_styles:
            add_later_part(self.stylesheet, self._later_styles)
            self._later_styles = ""

    def get_driver_class(self) -> type[Driver]:
        return tolerate_invalid_bytes(super().get_driver_class())

    def get_default_screen(self) -> Screen[Any]:
        return MainScreen(round_within=self._round_within, cursor_blink=self._cursor_blink)

    @property
    def main_screen(self) -> MainScreen:
        return next(screen for screen in self.screen_stack if isinstance(screen, MainScreen))

    def post_message(self, message: Message) -> bool:
        posted = super().post_message(message)
        if posted and isinstance(message, (events.Key, events.Paste)) and not message.is_forwarded:
            self.input_in_flight += 1
        return posted

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            self.input_in_flight = max(0, self.input_in_flight - 1)
            await self._take_input(event)
            return
        await super().on_event(event)

    async def _take_input(self, event: events.Key | events.Paste) -> None:
        """Hand a key or paste on, unless the focus is moving: then hold it until it has moved."""
        if self._held_input is not None:
            if self._text_passes and not self._held_input and _is_text(event):
                await super().on_event(event)  # nothing held before it: the order is kept
            else:
                self._held_input.append(event)
            return
        enter_moves_focus = self._enter_moves_focus()
        if (
            isinstance(event, events.Paste)
            and enter_moves_focus
            and len(lines := event.text.splitlines()) > 1
        ):
            for index, line in enumerate(lines):  # each line in its own field, as if typed
                if index:
                    await self._take_input(events.Key("enter", "\r"))
                if line:
                    await self._take_input(events.Paste(line))
            return
        await super().on_event(event)
        if enter_moves_focus and isinstance(event, events.Key) and event.key == "enter":
            # The form answers Enter by moving the focus, maybe to a field only now appearing.
            self._held_input = []
            self._hold_timer = self.set_timer(HOLD_AT_MOST, self.release_input)

    def _enter_moves_focus(self) -> bool:
        screen = self.screen
        return (
            isinstance(screen, MainScreen)
            and screen.built
            and screen.order_form.enter_moves_focus(self.focused)
        )

    async def release_input(self) -> None:
        """The focus has arrived: hand on what was held, in order
        (an Enter among it holds the rest again)."""
        if self._hold_timer is not None:
            self._hold_timer.stop()
            self._hold_timer = None
        held, self._held_input = self._held_input or [], None
        for index, event in enumerate(held):
            await self._take_input(event)
            if self._held_input is not None:
                self._held_input.extend(held[index + 1 :])
                return

    async def on_dose_focused(self, message: DoseFocused) -> None:
        """Hand on the text typed so far (up to the first key that is not text) to the dose field:
        a key typed at the first frame is drawn in the next one."""
        self._text_passes = True
        held = self._held_input or []
        while held and _is_text(held[0]):
            await super().on_event(held.pop(0))

    async def on_form_built(self, message: FormBuilt) -> None:
        # Replayed here, in the app's own queue, so keys typed after this come after them.
        self._text_passes = False
        await self.release_input()
        self.run_worker(self._load_keymap, thread=True, name="load-keymap", exit_on_error=False)
        if self._given_calculator is not None:
            self.post_message(CalculatorReady(self._given_calculator))
        elif self._early_calculator is not None:
            self.post_message(self._early_calculator)

    def start_loading(self) -> None:
        """The core and the catalog, in a thread, once: as the later rows mount (after the frame
        showing what was typed at the first; beside the rows, so a typed-ahead dose shows its
        result no later)."""
        if self._given_calculator is None and not self._loading:
            self._loading = True
            self._start_loading()

    def _start_loading(self) -> None:
        self.run_worker(self._load, thread=True, name="load-catalog", exit_on_error=False)

    def _the_context(self) -> Context:
        """The context given, or one built here: catalog, config and keymap all come from it."""
        if self._loading_context is None:
            self._loading_context = Context()
        return self._loading_context

    def _load(self) -> None:
        # lazy: the core, in the worker after the first frame
        from infusion_calc.tui.calculator_loading import load_calculator

        self.post_message(
            CalculatorReady(beside_the_ui(lambda: load_calculator(self._the_context())))
        )

    def _load_keymap(self) -> None:
        # lazy: imports the core (its errors): after the first frame
        from infusion_calc.tui.keymap import site_keymap

        self.post_message(KeymapLoaded(*site_keymap(self._the_context())))

    def on_keymap_loaded(self, message: KeymapLoaded) -> None:
        """The site's keys replace the defaults of the bindings they name (config.toml [keys])."""
        # lazy: imports the core (its errors): after the first frame
        from infusion_calc.tui.keymap import binding_ids, known_only

        keymap, unknown = known_only(
            message.keymap, binding_ids(self.BINDINGS, MainScreen.BINDINGS)
        )
        if keymap:
            self.set_keymap(keymap)
        for problem in (message.problem, unknown):
            if problem:
                self.notify(
                    problem, title="Site config", severity="warning", timeout=30, markup=False
                )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if (
            event.worker.name == "prepare-drug-list"
            and event.state is WorkerState.SUCCESS
            and self.calculator
        ):
            if any(isinstance(screen, MainScreen) for screen in self.screen_stack):  # not closing
                self.main_screen.order_form.reorder_drugs(self.calculator)
        if event.worker.name == "load-catalog" and event.state is WorkerState.ERROR:
            error = event.worker.error
            self.main_screen.query_one("#result-status").update(  # type: ignore[attr-defined]
                f"The calculator could not start ({type(error).__name__}: "
                f"{error}). Please report it."
            )

    async def on_calculator_ready(self, message: CalculatorReady) -> None:
        main = next((each for each in self.screen_stack if isinstance(each, MainScreen)), None)
        if main is None:  # the app closed before the loading thread was done
            return
        if not main.built:  # loaded before the later rows came: handed on with them
            self._early_calculator = CalculatorReady(message.calculator)
            return
        self.freeze_what_loaded()
        # What only a result shows is built now, before the first result can come.
        await main.result_panel.build_body()
        main.calculator = message.calculator
        # The drug list (most-used first: the log's counts) is built in a thread once the first
        # result is drawn: importing the log and unpacking every code would delay it (a search
        # sooner builds it).
        self.call_after_refresh(
            self.run_worker,
            lambda: beside_the_ui(message.calculator.prepare_drug_list),
            thread=True,
            name="prepare-drug-list",
            exit_on_error=False,
        )
        if message.calculator.config_problem:
            self.notify(
                message.calculator.config_problem,
                title="Site config",
                severity="warning",
                timeout=30,
                markup=False,
            )
        if message.calculator.catalog_problem:
            # lazy: a modal shown on demand: not in the first frame
            from infusion_calc.tui.screens.catalog_problem import CatalogProblemScreen

            def decided(go_on: bool | None) -> None:
                if go_on is False:
                    self.exit()

            self.push_screen(CatalogProblemScreen(message.calculator.catalog_problem), decided)

    # -- actions ------------------------------------------------------------------------------

    def action_help(self) -> None:
        # lazy: a modal shown on demand: not in the first frame
        from infusion_calc.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_toggle_high_contrast(self) -> None:
        self.theme = "textual-dark" if self.theme == HIGH_CONTRAST else HIGH_CONTRAST

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Every binding of the main screen and the app, plus the high-contrast switch."""
        # lazy: the palette's commands are built when it opens, not before the first frame
        from infusion_calc.tui.palette import main_commands

        yield from super().get_system_commands(screen)
        yield from main_commands(self)


def _is_text(event: events.Key | events.Paste) -> bool:
    """A character or a one-line paste: what goes into a text field as typed, with no effect on
    the focus or on the form's other rows."""
    if isinstance(event, events.Key):
        return event.is_printable
    return "\n" not in event.text and "\r" not in event.text


def make_app(
    catalog: "Catalog | None" = None,
    *,
    context: "Context | None" = None,
    site_catalog: Path | None = None,
    round_within: str = "",
    theme: str | None = None,
    cursor_blink: bool = True,
) -> InfusionCalcApp:
    """The app over `context` (the catalog, clinical rules and site config the front end built;
    by default one for `site_catalog`, or the site file in the config folder), loaded after the
    first frame as `infusion-calc` does. With `catalog`, it calculates with that catalog at
    once (tests, scripts).
    """
    context = context or Context(catalog_file=site_catalog)
    calculator = None
    if catalog is not None:
        # lazy: the core: never before the first frame
        from infusion_calc.tui.calculator import Calculator

        calculator = Calculator(catalog, context=context)
    return InfusionCalcApp(
        calculator=calculator,
        context=context,
        round_within=round_within,
        theme=theme,
        cursor_blink=cursor_blink,
    )
