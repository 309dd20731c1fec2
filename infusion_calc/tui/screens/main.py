"""The one working screen: the order form beside (or above) the live result.

State: `form` (the text typed, replaced whole on each change) and `calculator` (set once the catalog
has loaded). `outcome` is computed from the two by the core engine;
its watcher hands it to the widgets.

Start-up: the first frame is the form's first part, the drug and dose fields with the dose field
focused, and the result's status line (a placeholder frame only put off the moment a nurse can
type); the key bar (docked at the bottom) and the other rows mount right after it, a group per
frame, below the dose field, which never moves, and
the catalog is loaded once the form is whole (see app.py, which also holds keys typed before the
dose field exists, hands text on to it at once and holds anything else until the form is whole).
"""

from __future__ import annotations

from asyncio import sleep
from dataclasses import replace
from typing import TYPE_CHECKING, cast

from textual import events
from textual.app import ComposeResult
from textual.binding import ActiveBinding
from textual.reactive import reactive, var
from textual.widget import Widget
from textual.widgets import Input, Static

from infusion_calc.tui.messages import DoseFocused, FormBuilt
from infusion_calc.tui.result_keys import ResultKeys
from infusion_calc.tui.screens.main_bindings import MAIN_BINDINGS
from infusion_calc.tui.screens.start_frames import StartFrames
from infusion_calc.tui.state import LOADING, FormValues, Outcome, with_container_answer
from infusion_calc.tui.visit_keys import VisitKeys

if TYPE_CHECKING:
    from textual.widgets import Footer

    from infusion_calc.tui.calculator import Calculator
    from infusion_calc.tui.result_view import ResultView
    from infusion_calc.tui.state import ContainerAnswer
    from infusion_calc.tui.widgets.order_form import OrderForm
    from infusion_calc.tui.widgets.result_panel import ResultPanel


class MainScreen(VisitKeys, ResultKeys, StartFrames):
    AUTO_FOCUS = None  # the dose field gets the focus once it exists
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    BINDING_GROUP_TITLE = "Result"
    BINDINGS = MAIN_BINDINGS

    KEY_BAR_SHORT = {
        "save-to-log": "Save log",
        "clear": "Next",
        "copy-claim-lines": "Claim",
        "copy-chart-text": "Chart",
    }
    """Shorter words on the key bar below KEY_BAR_LONG_WORDS columns, so every key it shows fits."""
    JUMPS = ("#result", "#visit", "#checks-title", "#chart-text-title")
    """Where F7 goes, in turn, before going back to the form."""

    KEY_BAR_WIDE_ONLY = frozenset({"save-to-file", "quit", "report"})
    """Bindings the key bar leaves out below KEY_BAR_FULL_WIDTH columns, with the palette key,
    so that the rest fits 80 columns; F1 Help lists every key, and they all still work."""
    KEY_BAR_FULL_WIDTH = 120
    KEY_BAR_LONG_WORDS = 140

    form: var[FormValues] = var(FormValues)
    """The text in every field, exactly as typed."""
    calculator: var["Calculator | None"] = var(None)
    """The presenter over the catalog; None until it has loaded (after the first frame). The
    app sets it here, its one owner; `app.calculator` reads it."""
    outcome: reactive[Outcome] = reactive(LOADING, init=False)
    container_answer: ContainerAnswer | None = (
        None  # "single-dose or multi-dose?" answered for one drug and vial size
    )
    """What the engine makes of `form`: a result, or the problem to fix first."""

    def __init__(self, *, round_within: str = "", cursor_blink: bool = True) -> None:
        super().__init__()
        self._round_within = round_within
        self._cursor_blink = cursor_blink
        self.built = False
        """True once the whole form exists (its later rows mount just after the first frame)."""
        self._shown: Outcome | None = None
        """The outcome the form and the result panel were last handed."""
        self._saving = False
        self._jumps = 0
        """How many places F7 has gone to since it was last back at the form."""
        self._visit: list[
            ResultView
        ] = []  # this patient's drugs added so far (F9); Ctrl+N starts a new visit
        self._last_saved: tuple[object, str] | None = None
        """The form last saved to the log, and where it went: the same one is not saved twice."""
        self._unsaved: tuple[object, str] | None = (
            None  # a failed save's form and entry id (actions.retry_identifier)
        )

    def compose(self) -> ComposeResult:
        yield from ()  # the form is mounted on mount (below), before the first frame

    async def on_mount(self) -> None:
        await self._build()

    async def _build(self) -> None:
        """The first part: title, drug and dose (focused) and the result's status line, in the
        first frame; the key bar and the later rows follow it at once."""
        # lazy: make_app returns before the form's widgets load
        from infusion_calc.tui.widgets.workspace import main_widgets

        # What that import made lives as long as the process: out of the collector's passes
        # while the first frame mounts (two older-generation passes walked it, about 3 ms).
        self.app.freeze_what_loaded()  # type: ignore[attr-defined]  # (InfusionCalcApp's)
        # The layout class for this width now: Textual's own resize sets it only after the
        # first frame, which then was the narrow layout, restyled and laid out again at once.
        width = self.app.size.width
        self.update_classes(self._breakpoint_classes(width), animate=False)
        await self.mount_all(main_widgets(self._round_within))
        # Hidden, as Textual sets it when the screen resumes, just after the first frame: then a
        # change laying the whole screen out again before a key typed at once is drawn.
        for toasts in self.query_children("#textual-toastrack"):
            toasts.display = False
        self._steady_cursors()
        self._shown = self.outcome
        self.result_panel.show(self._shown)
        self.set_focus(self.query_one("#dose"))  # now: the app hands typed text on to it
        self.post_message(DoseFocused())
        # After the first frame, in the form's own task: this screen's task stays free to draw
        # a key typed meanwhile without waiting for a whole group of rows.
        self.call_after_refresh(self.order_form.call_later, self._mount_later_rows)

    async def _mount_later_rows(self) -> None:
        """The key bar, then the rows after the dose (a group per frame); then the form is whole.
        (The key bar, a widget per key, cost the first frame a third of its time; the keys it
        names are held until the form is whole anyway.)"""
        # lazy: imported with the first frame's widgets (already loaded by then)
        from infusion_calc.tui.widgets.workspace import catalog_banner, key_bar

        # A key the driver's thread has sent reaches the app's queue two turns of the event
        # loop later (run_coroutine_threadsafe: one turn makes its task, the next runs it).
        for _ in range(2):
            await sleep(0)
        if self._typed_ahead_of_the_rows():
            # Text typed at the first frame, not drawn yet: its frame first, then the rows.
            self.call_after_refresh(self.order_form.call_later, self._mount_later_rows)
            return

        self.app.start_loading()  # type: ignore[attr-defined]  # (InfusionCalcApp's)
        self.app.add_later_styles()  # type: ignore[attr-defined]
        self.mount(catalog_banner(), before="#workspace")  # (hidden: not waited for)
        await self.mount(key_bar(command_palette_key=self.size.width >= self.KEY_BAR_FULL_WIDTH))
        self._fit_key_bar()
        await self._mount_next_rows()

    def _typed_ahead_of_the_rows(self) -> bool:
        """A key on its way to the dose field (sent to the app, or waiting in the field's queue)
        or in it and not drawn yet: mounting the rows first would delay its frame by theirs."""
        dose = self.query_one("#dose", Input)
        return (
            bool(getattr(self.app, "input_in_flight", 0))
            or dose.message_queue_size > 0
            or dose.value != self._dose_drawn
        )

    async def _mount_next_rows(self) -> None:
        if await self.order_form.mount_next_rows():
            # The next group after the frame that shows this one, in the form's task again. Not
            # awaited here: a handler waiting for a frame would hang an app closing meanwhile.
            self.call_after_refresh(self.order_form.call_later, self._mount_next_rows)
            return
        self._steady_cursors()
        self.built = True
        self.post_message(FormBuilt())

    def _steady_cursors(self) -> None:
        if not self._cursor_blink:
            for field in self.query(Input):
                field.cursor_blink = False

    def _breakpoint_classes(self, width: int) -> dict[str, bool]:
        """-narrow or -wide for this width, as Textual's resize sets them."""
        reached = max((edge, name) for edge, name in self.HORIZONTAL_BREAKPOINTS if width >= edge)
        return {name: name == reached[1] for _, name in self.HORIZONTAL_BREAKPOINTS}

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # Fields built later (the encounter panel's, on opening) follow the app's cursor_blink too.
        if not self._cursor_blink and hasattr(event.widget, "cursor_blink"):
            event.widget.cursor_blink = False

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        bindings = super().active_bindings
        width = self.size.width
        if width >= self.KEY_BAR_LONG_WORDS:
            return bindings
        return {
            key: self._fitted_key(active, short_of_keys=width < self.KEY_BAR_FULL_WIDTH)
            for key, active in bindings.items()
        }

    def _fitted_key(self, active: ActiveBinding, *, short_of_keys: bool) -> ActiveBinding:
        binding = active.binding
        if short_of_keys and binding.id in self.KEY_BAR_WIDE_ONLY:
            return active._replace(binding=replace(binding, show=False))
        if binding.id in self.KEY_BAR_SHORT:
            return active._replace(
                binding=replace(binding, description=self.KEY_BAR_SHORT[binding.id])
            )
        return active

    def on_resize(self) -> None:
        # By its type name: importing Footer cost the first frame (the key bar mounts after it).
        if self.query_children("Footer"):  # mounted just after the first frame
            self._fit_key_bar()

    def _fit_key_bar(self) -> None:
        key_bar = cast("Footer", self.query_one("Footer"))
        key_bar.show_command_palette = self.size.width >= self.KEY_BAR_FULL_WIDTH
        self.refresh_bindings()

    @property
    def order_form(self) -> "OrderForm":
        return self.query_one("#order-form")  # type: ignore[return-value]

    @property
    def result_panel(self) -> "ResultPanel":
        return self.query_one("#result")  # type: ignore[return-value]

    # -- reactives ----------------------------------------------------------------------------

    def compute_outcome(self) -> Outcome:
        if self.calculator is None:
            return LOADING
        return self.calculator.evaluate(self.form)

    def watch_outcome(self, outcome: Outcome) -> None:
        # Textual calls this on every read of `outcome` too (a computed reactive): the outcome
        # already shown is not handed to the widgets again (the calculator returns the same
        # object for the same form).
        if self.built and outcome is not self._shown:
            self._shown = outcome
            self.order_form.show_outcome(outcome)
            self.result_panel.show(outcome)

    def watch_calculator(self, calculator: "Calculator | None") -> None:
        if calculator is None:
            return
        banner = self.query_one("#catalog-problem", Static)
        if calculator.catalog_problem:
            banner.update(
                "⚠ Site catalog NOT loaded: using the packaged catalog only. Check NDCs against "
                f"the carton. Reason: {calculator.catalog_problem}"
            )
        banner.display = bool(calculator.catalog_problem)
        self.order_form.load_choices(calculator)
        self.form = (
            self.order_form.values()
        )  # now, not after the message: no flash of a stale state

    def on_order_form_changed(self, event: "OrderForm.Changed") -> None:
        self.form = with_container_answer(
            event.values, self.container_answer
        )  # the carton's answer, for this product only

    # -- actions --------------------------------------------------------------------------------

    def action_toggle_encounter(self) -> None:
        """Open (and go to) or close the encounter panel."""
        if not self.built:
            return
        panel = self.order_form.encounter_panel
        panel.collapsed = not panel.collapsed
        if (
            not panel.collapsed
        ):  # the first opening builds its fields: they exist after the next refresh
            self.call_after_refresh(self._focus_first_encounter_field)

    def _focus_first_encounter_field(self) -> None:
        for field in self.query("#given-at"):
            self.set_focus(field)

    def _result_scroller(self) -> Widget:
        """What scrolls to show the result: the whole page when stacked,
        the result pane when side by side."""
        return self.query_one("#workspace") if self.has_class("-narrow") else self.result_panel

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "scroll_result":  # a list that is open (the drug list) keeps its own PageDown
            focused = self.focused
            return (
                self.built
                and (
                    focused is None
                    or self.order_form in focused.ancestors
                    or focused is self.result_panel
                )
                and not getattr(focused, "expanded", False)
                and type(focused).__name__ != "SelectOverlay"
            )
        return True

    def action_scroll_result(self, pages: int) -> None:
        scroller = self._result_scroller()
        (scroller.scroll_page_down if pages > 0 else scroller.scroll_page_up)(animate=False)

    def action_jump_to_result(self) -> None:
        """F7: the result, the checks, the chart text in turn,
        then back to the field being typed in."""
        if not self.built:
            return
        scroller = self._result_scroller()
        targets = [
            target
            for selector in self.JUMPS
            for target in self.query(selector)  # the result's body exists once the core has loaded
            if target.display and target.region.height
        ]
        if self._jumps < len(targets):
            scroller.scroll_to_widget(targets[self._jumps], top=True, animate=False)
            self._jumps += 1
            return
        self._jumps = 0
        scroller.scroll_home(animate=False)
        if self.focused is not None:
            self.focused.scroll_visible(animate=False)

    def action_report(self) -> None:
        # lazy: imports the core: not before the first frame
        from infusion_calc.tui.screens.report import ReportScreen

        # The app's context, whether or not the calculator
        # has loaded yet (the report loads its own).
        if self.calculator:
            context = self.calculator.context
        else:
            context = self.app._the_context()  # type: ignore[attr-defined]
        self.app.push_screen(ReportScreen(context))
