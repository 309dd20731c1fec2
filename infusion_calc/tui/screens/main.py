"""The one working screen: the order form beside (or above) the live result.

State: `form` (the text typed, replaced whole on each change) and `calculator` (set once the catalog
has loaded). `outcome` is computed from the two by the core engine; its watcher hands it to the widgets.

Start-up: the first frame is the form itself, with the dose field focused (a placeholder frame only put
off the moment a nurse can type); the catalog is loaded after it (see app.py, which also holds keys typed
before the form exists and replays them into the dose field).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, cast

from textual import events
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.reactive import reactive, var
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from infusion_calc.tui import sharing
from infusion_calc.tui.messages import FormBuilt
from infusion_calc.tui.state import LOADING, Delivery, FormValues, Outcome, ResultView, encounter_label, with_container_answer
from infusion_calc.tui.visit_keys import VisitKeys

if TYPE_CHECKING:
    from infusion_calc.tui.calculator import Calculator
    from infusion_calc.tui.state import ContainerAnswer
    from infusion_calc.tui.widgets.order_form import OrderForm
    from infusion_calc.tui.widgets.result_panel import ResultPanel


class MainScreen(VisitKeys, Screen[None]):
    AUTO_FOCUS = None  # the dose field gets the focus once it exists
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    BINDING_GROUP_TITLE = "Result"
    BINDINGS = [
        Binding("f2", "copy_claim_lines", "Copy claim", id="copy-claim-lines",
                tooltip="Copy the claim lines (HCPCS, modifier, units, NDC) as tab-separated text"),
        Binding("f3", "copy_chart_text", "Copy chart", id="copy-chart-text",
                tooltip="Copy the chart documentation text"),
        Binding("f4", "save_to_file", "Write to file", id="save-to-file",
                tooltip="Write the chart text and claim lines to a new text file in the user data folder"),
        Binding("f5", "copy_as", "Copy as…", id="copy-as",
                tooltip="Copy the claim lines as CMS-1500, UB-04, 837P, 837I, FHIR, CSV, JSON or text"),
        Binding("f6", "save_to_log", "Save to log", id="save-to-log",
                tooltip="Save this administration (result, chart note, checks, encounter) to the administration log"),
        Binding("f7", "jump_to_result", "Result", id="jump-to-result",
                tooltip="Jump to the result, then the checks, then the chart text, then back to the form"),
        Binding("f8", "report", "Report", id="report",
                tooltip="Waste and revenue from the administration log: charts by drug and by month, what-ifs"),
        Binding("f9", "add_to_visit", "Add drug", id="add-to-visit", show=False,  # the bar is full: F1 and README list it
                tooltip="Add the drug on screen to this patient's visit, and start the next drug of the visit"),
        Binding("ctrl+n", "clear", "Next patient", id="clear",
                tooltip="Clear the form for the next patient"),
        # Tab moves the focus at once, in the app, before the next key is handed on (not later, in
        # the field's own queue): text typed right after a Tab lands in the next field.
        Binding("tab", "app.focus_next", "Next field", show=False, priority=True, id="next-field"),
        Binding("shift+tab", "app.focus_previous", "Previous field", show=False, priority=True,
                id="previous-field"),
        # From the form too (priority): the form is never scrolled by a page, the result is.
        Binding("pagedown", "scroll_result(1)", "Scroll the result down", id="scroll-result-down",
                show=False, priority=True),
        Binding("pageup", "scroll_result(-1)", "Scroll the result up", id="scroll-result-up",
                show=False, priority=True),
    ]

    KEY_BAR_SHORT = {"save-to-log": "Save log", "clear": "Next", "copy-claim-lines": "Claim",
                     "copy-chart-text": "Chart"}
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
    container_answer: ContainerAnswer | None = None  # "single-dose or multi-dose?" answered for one drug and vial size
    """What the engine makes of `form`: a result, or the problem to fix first."""

    def __init__(self, *, round_within: str = "", cursor_blink: bool = True) -> None:
        super().__init__()
        self._round_within = round_within
        self._cursor_blink = cursor_blink
        self.built = False
        """True once the form and result exist (mounted before the first frame)."""
        self._saving = False
        self._jumps = 0
        """How many places F7 has gone to since it was last back at the form."""
        self._visit: list[ResultView] = []  # this patient's drugs added so far (F9); Ctrl+N starts a new visit
        self._last_saved: tuple[FormValues, str] | None = None
        """The form last saved to the log, and where it went: the same one is not saved twice."""
        self._unsaved: tuple[FormValues, str] | None = None  # a failed save's form and entry id (actions.retry_identifier)

    def compose(self) -> ComposeResult:
        yield from ()  # the form is mounted on mount (below), before the first frame

    async def on_mount(self) -> None:
        await self._build()

    async def _build(self) -> None:
        from textual.widgets import Input

        from infusion_calc.tui.widgets.workspace import main_widgets

        await self.mount_all(main_widgets(self._round_within))
        if not self._cursor_blink:
            for field in self.query(Input):
                field.cursor_blink = False
        self.built = True
        self._fit_key_bar()
        self.result_panel.show(self.outcome)
        self.set_focus(self.query_one("#dose"))  # now, not later: the app replays early keys into it
        self.post_message(FormBuilt())

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
        return {key: self._fitted_key(active, short_of_keys=width < self.KEY_BAR_FULL_WIDTH)
                for key, active in bindings.items()}

    def _fitted_key(self, active: ActiveBinding, *, short_of_keys: bool) -> ActiveBinding:
        binding = active.binding
        if short_of_keys and binding.id in self.KEY_BAR_WIDE_ONLY:
            return active._replace(binding=replace(binding, show=False))
        if binding.id in self.KEY_BAR_SHORT:
            return active._replace(binding=replace(binding, description=self.KEY_BAR_SHORT[binding.id]))
        return active

    def on_resize(self) -> None:
        if self.built:
            self._fit_key_bar()

    def _fit_key_bar(self) -> None:
        from textual.widgets import Footer

        self.query_one(Footer).show_command_palette = self.size.width >= self.KEY_BAR_FULL_WIDTH
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
        if self.built:
            self.order_form.show_outcome(outcome)
            self.result_panel.show(outcome)

    def watch_calculator(self, calculator: "Calculator | None") -> None:
        if calculator is None:
            return
        banner = self.query_one("#catalog-problem", Static)
        if calculator.catalog_problem:
            banner.update(
                "⚠ Site catalog NOT loaded: using the packaged catalog only. Check NDCs against the carton. "
                f"Reason: {calculator.catalog_problem}"
            )
        banner.display = bool(calculator.catalog_problem)
        self.order_form.load_choices(calculator)
        self.form = self.order_form.values()  # now, not after the message: no flash of a stale state

    def on_order_form_changed(self, event: "OrderForm.Changed") -> None:
        self.form = with_container_answer(event.values, self.container_answer)  # the carton's answer, for this product only

    # -- actions --------------------------------------------------------------------------------

    def _result(self, nothing: str, *, with_encounter: bool) -> ResultView | None:
        """The current valid result, or None and a notice saying why `nothing` was done.

        With `with_encounter`, an encounter field the core could not read also refuses:
        the chart note would silently leave it out.
        """
        outcome = self.outcome
        if not outcome.valid or outcome.result is None:
            self.notify(f"{nothing}: there is no valid result yet.", severity="warning")
            return None
        if with_encounter and outcome.encounter_problems:
            fields = ", ".join(dict.fromkeys(
                encounter_label(str(problem.field)) for problem in outcome.encounter_problems
            ))
            self.notify(f"{nothing}: fix the encounter field marked in red first ({fields}); "
                        "the chart note would leave it out.", severity="warning", timeout=10)
            return None
        return outcome.result

    def _copy(self, what: str, text: str, done: str = "") -> None:
        text = sharing.encodable(text)
        self.app.copy_to_clipboard(text)
        extra = " (also in the tmux buffer)" if sharing.load_tmux_buffer(text) else ""
        fallback = ("press F4 to write the chart text and claim lines to a file" if not done else
                    "`infusion-calc calc --format` prints every format")  # F4 writes no export format
        self.notify(f"{done or f'Copied the {what}'}{extra}. If your terminal ignores the copy, {fallback}.", markup=False)

    def _when_dose_confirmed(self, result: ResultView, nothing: str, doing: str, then: Callable[[], None],
                             again: Callable[[], None] | None = None) -> None:
        """Run `then` at once, or, for a dose far outside the label's range, only once the nurse confirms it.
        First, a vial nobody confirmed as single- or multi-dose is asked about; an answer recalculates and runs `again`."""
        from infusion_calc.tui.screens.confirm_container import ask
        from infusion_calc.tui.screens.confirm_dose import ConfirmDoseScreen, out_of_range_message

        if again is not None and result.calculation is not None and not result.calculation.container_confirmed:
            return ask(self, result, nothing, doing, again)

        message = out_of_range_message(result.checks)
        if message is None:
            then()
            return

        def answered(confirmed: bool | None) -> None:
            if confirmed:
                then()
                return
            self.notify(f"{nothing}: the dose is far outside the labeled dose. Fix it, or confirm it as ordered.",
                        severity="warning", timeout=8)
            self.order_form.query_one("#dose").focus()

        self.app.push_screen(ConfirmDoseScreen(message, doing), answered)

    def action_copy_claim_lines(self) -> None:
        result = self._result("Nothing copied", with_encounter=False)
        if result is not None:
            self._when_dose_confirmed(result, "Nothing copied", "copy the claim lines",
                                      lambda: self._copy("claim lines", result.claim_text), self.action_copy_claim_lines)

    def action_copy_chart_text(self) -> None:
        result = self._result("Nothing copied", with_encounter=True)
        if result is not None:
            self._when_dose_confirmed(result, "Nothing copied", "copy the chart text",
                                      lambda: self._copy("chart text", result.chart_text), self.action_copy_chart_text)

    def action_copy_as(self, fmt: str = "") -> None:
        """Copy the claim lines in an export format: `fmt`, or the one chosen from the menu."""
        result = self._result("Nothing copied", with_encounter=False)
        if result is None or self.calculator is None:
            return
        if any(problem.field == "given_at" for problem in self.outcome.encounter_problems):
            self.notify("Nothing copied: fix the date/time given first; the export carries it.",
                        severity="warning", timeout=10)
            return
        self._when_dose_confirmed(result, "Nothing copied", "copy the claim lines in an export format",
                                  lambda: self._copy_as(result, fmt), lambda: self.action_copy_as(fmt))

    def _copy_as(self, result: ResultView, fmt: str) -> None:
        from infusion_calc.tui import actions

        assert self.calculator is not None  # a result is only made by the calculator
        context = self.calculator.context
        if fmt:
            self._deliver(actions.copy_as(result, fmt, context))
            return
        from infusion_calc.tui.screens.copy_as import CopyAsScreen

        def chosen(choice: str | None) -> None:
            if choice:
                self._deliver(actions.copy_as(result, choice, context))

        self.app.push_screen(CopyAsScreen(actions.export_formats()), chosen)

    def _deliver(self, delivery: Delivery) -> None:
        if not delivery.ok:
            self.notify(delivery.message, severity="error", timeout=15, markup=False)
            return
        self._copy("export", delivery.text, delivery.message)
        for notice in delivery.notices:
            self.notify(notice, title="Check before submitting", severity="warning", timeout=20, markup=False)

    def action_save_to_log(self) -> None:
        result = self._result("Nothing saved to the log", with_encounter=True)
        if result is not None:
            self._when_dose_confirmed(result, "Nothing saved to the log", "save it to the administration log",
                                      lambda: self._save_to_log(result), self.action_save_to_log)

    def _save_to_log(self, result: ResultView) -> None:
        if self.calculator is None:
            return
        if self._saving:
            self.notify("Still saving the last one to the log…")
            return
        if self._last_saved is not None and self._last_saved[0] == self.form:
            self.notify(f"Already in the log ({self._last_saved[1]}); not saved twice. Change the form, or press "
                        "Ctrl+N for the next patient.", severity="warning", timeout=10, markup=False)
            return
        from infusion_calc.tui.actions import retry_identifier, save_to_log

        form, save, log_path, self._unsaved = self.form, save_to_log, self.calculator.context.log_path, retry_identifier(self._unsaved, self.form)
        self._saving, entry_uuid = True, self._unsaved[1]
        # In a thread: a log locked by another program is waited for (up to 5 s) without freezing the form.
        self.run_worker(lambda: (form, save(result, log_path, entry_uuid)), thread=True, name="save-to-log", exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.name != "save-to-log" or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR):
            return
        self._saving = False
        if event.state is WorkerState.ERROR:
            error = event.worker.error
            self.notify(f"Nothing was saved to the log: internal error ({type(error).__name__}: {error}). "
                        "Please report it.", severity="error", timeout=20, markup=False)
            return
        form, delivery = cast("tuple[FormValues, Delivery]", event.worker.result)  # a success carries its result
        if delivery.ok:
            self._last_saved, self._unsaved = (form, delivery.message), None
            self.notify(delivery.message, title="Saved to the log", timeout=15, markup=False)
        else:
            self.notify(delivery.message, title="NOT saved", severity="error", timeout=20, markup=False)

    def action_save_to_file(self) -> None:
        result = self._result("Nothing written", with_encounter=True)
        if result is not None:
            self._when_dose_confirmed(result, "Nothing written", "write it to a file", lambda: self._save_to_file(result),
                                      self.action_save_to_file)

    def _save_to_file(self, result: ResultView) -> None:
        text = f"{result.chart_text.rstrip()}\n\nClaim lines\n{result.claim_text}"
        try:
            path = sharing.save_text(text)
        except OSError as error:
            self.notify(f"Could not write the file: {error.strerror or error}", severity="error", timeout=10, markup=False)
            return
        self.notify(f"Written to {path} (a text file; not the administration log)", title="Written", timeout=15, markup=False)

    def action_toggle_encounter(self) -> None:
        """Open (and go to) or close the encounter panel."""
        if not self.built:
            return
        panel = self.order_form.encounter_panel
        panel.collapsed = not panel.collapsed
        if not panel.collapsed:
            self.set_focus(self.query_one("#given-at"))

    def _result_scroller(self) -> Widget:
        """What scrolls to show the result: the whole page when stacked, the result pane when side by side."""
        return self.query_one("#workspace") if self.has_class("-narrow") else self.result_panel

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "scroll_result":  # a list that is open (the drug list) keeps its own PageDown
            focused = self.focused
            return self.built and (focused is None or self.order_form in focused.ancestors or focused is self.result_panel) \
                and not getattr(focused, "expanded", False) and type(focused).__name__ != "SelectOverlay"
        return True

    def action_scroll_result(self, pages: int) -> None:
        scroller = self._result_scroller()
        (scroller.scroll_page_down if pages > 0 else scroller.scroll_page_up)(animate=False)

    def action_jump_to_result(self) -> None:
        """F7: the result, the checks, the chart text in turn, then back to the field being typed in."""
        if not self.built:
            return
        scroller = self._result_scroller()
        targets = [target for target in map(self.query_one, self.JUMPS) if target.display and target.region.height]
        if self._jumps < len(targets):
            scroller.scroll_to_widget(targets[self._jumps], top=True, animate=False)
            self._jumps += 1
            return
        self._jumps = 0
        scroller.scroll_home(animate=False)
        if self.focused is not None:
            self.focused.scroll_visible(animate=False)

    def action_report(self) -> None:
        from infusion_calc.tui.screens.report import ReportScreen

        # The app's context, whether or not the calculator has loaded yet (the report loads its own).
        context = self.calculator.context if self.calculator else self.app._the_context()  # type: ignore[attr-defined]
        self.app.push_screen(ReportScreen(context))
