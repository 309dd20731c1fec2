"""The one working screen: the order form beside (or above) the live result.

State: `form` (the text typed, replaced whole on each change) and `calculator` (set
once the catalog has loaded). `outcome` is computed from the two by the core engine;
its watcher only hands the outcome to the widgets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.reactive import reactive, var
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static

from infusion_calc.tui import sharing
from infusion_calc.tui.state import LOADING, FormValues, Outcome
from infusion_calc.tui.widgets.order_form import OrderForm
from infusion_calc.tui.widgets.result_panel import ResultPanel

if TYPE_CHECKING:
    from infusion_calc.tui.calculator import Calculator


class MainScreen(Screen[None]):
    AUTO_FOCUS = "#dose"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    BINDING_GROUP_TITLE = "Result"
    BINDINGS = [
        Binding("f2", "copy_claim_lines", "Copy claim", id="copy-claim-lines",
                tooltip="Copy the claim lines (HCPCS, modifier, units, NDC) as tab-separated text"),
        Binding("f3", "copy_chart_text", "Copy chart", id="copy-chart-text",
                tooltip="Copy the chart documentation text"),
        Binding("f4", "save_to_file", "Save", id="save-to-file",
                tooltip="Save the chart text and claim lines to a file in the user data folder"),
        Binding("ctrl+n", "clear", "Next patient", id="clear",
                tooltip="Clear the form for the next patient"),
    ]

    form: var[FormValues] = var(FormValues)
    """The text in every field, exactly as typed."""
    calculator: var["Calculator | None"] = var(None)
    """The catalog and engine bridge; None until they have loaded (after the first frame)."""
    outcome: reactive[Outcome] = reactive(LOADING, init=False)
    """What the engine makes of `form`: a result, or the problem to fix first."""

    def __init__(self, *, round_within: str = "", cursor_blink: bool = True) -> None:
        super().__init__()
        self._round_within = round_within
        self._cursor_blink = cursor_blink
        self._catalog_problem: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="catalog-problem", markup=False)
        with VerticalScroll(id="workspace", can_focus=False):
            yield OrderForm(round_within=self._round_within, id="order-form")
            yield ResultPanel(id="result")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        if not self._cursor_blink:
            for field in self.query(Input):
                field.cursor_blink = False
        self.query_one(ResultPanel).show(self.outcome)
        self.watch(self.app, "calculator", self._calculator_arrived)

    def _calculator_arrived(self, calculator: "Calculator | None") -> None:
        if calculator is not None:
            self.calculator = calculator

    # -- reactives ----------------------------------------------------------------------------

    def compute_outcome(self) -> Outcome:
        if self.calculator is None:
            return LOADING
        return self.calculator.evaluate(self.form)

    def watch_outcome(self, outcome: Outcome) -> None:
        self.query_one(OrderForm).show_outcome(outcome)
        self.query_one(ResultPanel).show(outcome)

    def watch_calculator(self, calculator: "Calculator | None") -> None:
        if calculator is None:
            return
        self._catalog_problem = calculator.catalog_problem
        banner = self.query_one("#catalog-problem", Static)
        if calculator.catalog_problem:
            banner.update(
                "⚠ Site catalog NOT loaded: using the packaged catalog only. Check NDCs against the carton. "
                f"Reason: {calculator.catalog_problem}"
            )
        banner.display = bool(calculator.catalog_problem)
        self.query_one(OrderForm).load_choices(calculator)

    @on(OrderForm.Changed)
    def _form_changed(self, event: OrderForm.Changed) -> None:
        self.form = event.values

    # -- actions --------------------------------------------------------------------------------

    def _valid_text(self, what: str) -> str | None:
        """The text of the current result, or None (and a notice) when there is no valid result."""
        outcome = self.outcome
        if not outcome.valid or outcome.result is None:
            self.notify(f"Nothing copied: there is no valid result to take the {what} from.", severity="warning")
            return None
        return outcome.result.claim_text if what == "claim lines" else outcome.result.chart_text

    def _copy(self, what: str) -> None:
        text = self._valid_text(what)
        if text is None:
            return
        self.app.copy_to_clipboard(text)
        extra = " (also in the tmux buffer)" if sharing.load_tmux_buffer(text) else ""
        self.notify(f"Copied the {what}{extra}. If your terminal ignores the copy, press F4 to save to a file.")

    def action_copy_claim_lines(self) -> None:
        self._copy("claim lines")

    def action_copy_chart_text(self) -> None:
        self._copy("chart text")

    def action_save_to_file(self) -> None:
        outcome = self.outcome
        if not outcome.valid or outcome.result is None:
            self.notify("Nothing saved: there is no valid result yet.", severity="warning")
            return
        text = f"{outcome.result.chart_text.rstrip()}\n\nClaim lines\n{outcome.result.claim_text}"
        try:
            path = sharing.save_text(text)
        except OSError as error:
            self.notify(f"Could not save the file: {error.strerror or error}", severity="error", timeout=10)
            return
        self.notify(f"Saved to {path}", title="Saved", timeout=15)

    def action_clear(self) -> None:
        self.query_one(OrderForm).clear()
