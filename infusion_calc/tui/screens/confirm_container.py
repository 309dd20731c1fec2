"""Asked before a result whose container nobody has
confirmed leaves the app (copied, written or saved).

A code known only from CMS's files does not say whether its vial is single-dose or
multi-dose, and the JW/JZ modifiers depend on it (core/catalog/container.py). The nurse holding the
carton answers here; the answer stays with this drug and vial size until either changes.
To ask it only once per product, the site catalog keeps it (`[[container]]`, README).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from infusion_calc.core.catalog.container import MULTI_DOSE, SINGLE_DOSE, fda_hint
from infusion_calc.loading import fda_2019_containers
from infusion_calc.tui.state import with_container_answer

if TYPE_CHECKING:
    from infusion_calc.tui.result_view import ResultView


class ConfirmContainerScreen(ModalScreen[str | None]):
    """Dismisses with "single-dose" or "multi-dose" as the carton says; None to go back."""

    BINDINGS = [Binding("escape", "back", "Go back", id="confirm-container-back")]
    DEFAULT_CSS = """
    ConfirmContainerScreen { align: center middle; }
    #confirm-container-dialog {
        width: 90%; max-width: 84; height: auto; max-height: 95%;
        padding: 0 1; border: thick $warning; background: $surface;
    }
    #confirm-container-title { text-style: bold; }
    #confirm-container-reason { margin: 1 0; }
    #confirm-container-buttons { height: auto; align-horizontal: center; }
    #confirm-container-buttons Button { margin: 0 1; }
    """

    def __init__(self, product: str, doing: str, hint: str | None = None) -> None:
        super().__init__()
        self.product = product
        self.doing = doing
        self.hint = hint
        """'FDA listing (2019): NDC … multi-dose':
        a dated hint beside the question, never the answer."""

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-container-dialog"):
            yield Label("Single-dose or multi-dose? Read the carton", id="confirm-container-title")
            yield Static(
                f"{self.product}: no catalog verifies whether this vial "
                "is single-dose or multi-dose, and the JW/JZ modifiers "
                "depend on it (none at all for a multi-dose vial).",
                id="confirm-container-reason",
                markup=False,
            )
            if self.hint:
                yield Static(
                    f"{self.hint} (seven years old: the carton decides)",
                    id="confirm-container-hint",
                    markup=False,
                )
            yield Static(f"Answer as the carton says to {self.doing}.", markup=False)
            with Horizontal(id="confirm-container-buttons"):
                yield Button("Go back", id="back", variant="primary")
                yield Button("Single-dose", id="single-dose")
                yield Button("Multi-dose", id="multi-dose")

    def on_mount(self) -> None:
        self.app.clear_notifications()
        self.query_one("#back", Button).focus()  # Enter alone never answers for the carton

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#single-dose")
    def _single(self) -> None:
        self.dismiss(SINGLE_DOSE)

    @on(Button.Pressed, "#multi-dose")
    def _multi(self) -> None:
        self.dismiss(MULTI_DOSE)


def ask(
    screen: Any, result: ResultView, nothing: str, doing: str, again: Callable[[], None]
) -> None:
    """Push the question; an answer recalculates with it and runs `again`
    (the action the nurse asked for)."""
    calc = result.calculation
    if (
        calc is None
    ):  # a result is always made with its calculation; nothing to ask about without one
        return
    product = f"{calc.drug.hcpcs} {', '.join(use.product.label for use in calc.vials)}"
    hint = fda_hint(tuple(use.product for use in calc.vials), fda_2019_containers())

    def answered(kind: str | None) -> None:
        if kind is None:
            screen.notify(
                f"{nothing}: single-dose or multi-dose is not confirmed; "
                "no JW/JZ is written until it is.",
                severity="warning",
                timeout=8,
            )
            return
        form = screen.form
        screen.container_answer = (form.drug, form.vial, kind)
        screen.form = with_container_answer(form, screen.container_answer)
        screen.call_after_refresh(again)

    screen.app.push_screen(ConfirmContainerScreen(product, doing, hint), answered)
