"""The one working screen: the order form beside (or above) the live result.

State: `form` (the text typed, replaced whole on each change) and `calculator` (set
once the catalog has loaded). `outcome` is computed from the two by the core engine;
its watcher only hands the outcome to the widgets.

Start-up: the first frame is a single line, as cheap as a bare Textual app; the form
and result (and the widget modules behind them) are built right after it, and the
catalog is loaded after that (see app.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.reactive import reactive, var
from textual.screen import Screen
from textual.widgets import Static

from infusion_calc.tui import sharing
from infusion_calc.tui.messages import FormBuilt
from infusion_calc.tui.state import LOADING, FormValues, Outcome

if TYPE_CHECKING:
    from infusion_calc.tui.calculator import Calculator
    from infusion_calc.tui.widgets.order_form import OrderForm
    from infusion_calc.tui.widgets.result_panel import ResultPanel

OPENING = "infusion-calc · dose, vials, billing units · opening the form…"


class MainScreen(Screen[None]):
    AUTO_FOCUS = None  # the dose field gets the focus once it exists
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
        self.built = False
        """True once the form and result exist (just after the first frame)."""

    def compose(self) -> ComposeResult:
        yield Static(OPENING, id="opening", markup=False)

    def on_mount(self) -> None:
        self.call_after_refresh(self._build)

    async def _build(self) -> None:
        from textual.widgets import Input

        from infusion_calc.tui.widgets.workspace import main_widgets

        await self.mount_all(main_widgets(self._round_within))
        await self.query_one("#opening").remove()
        if not self._cursor_blink:
            for field in self.query(Input):
                field.cursor_blink = False
        self.built = True
        self.result_panel.show(self.outcome)
        self.set_focus(self.query_one("#dose"))  # now, not later: the app replays early keys into it
        self.watch(self.app, "calculator", self._calculator_arrived)
        self.post_message(FormBuilt())

    @property
    def order_form(self) -> "OrderForm":
        return self.query_one("#order-form")  # type: ignore[return-value]

    @property
    def result_panel(self) -> "ResultPanel":
        return self.query_one("#result")  # type: ignore[return-value]

    def _calculator_arrived(self, calculator: "Calculator | None") -> None:
        if calculator is not None:
            self.calculator = calculator

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
        if self.built:
            self.order_form.clear()
