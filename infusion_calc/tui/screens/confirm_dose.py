"""Asked before a dose far outside the label's range leaves the app (copied, written or saved).

The core's DOSE_OUT_OF_RANGE check says how far the dose is from the label (6,000 mg of
Tysabri typed as `300 mL`; `300 mcg` for 300 mg). A copy or a save of such a result
would carry a dose the nurse may never have meant, so the sentence is shown and the
nurse must choose: fix the dose (the default, and Esc) or confirm it as ordered. Only
"Confirm" lets the copy or save go ahead.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

if TYPE_CHECKING:
    from infusion_calc.core.record.check_types import Check

CHECK_CODE = "DOSE_OUT_OF_RANGE"


class ConfirmDoseScreen(ModalScreen[bool]):
    """Dismisses with True only when the nurse confirms the dose; False to go back and fix it."""

    BINDINGS = [Binding("escape", "fix", "Fix the dose", id="confirm-dose-fix")]
    DEFAULT_CSS = """
    ConfirmDoseScreen { align: center middle; }
    #confirm-dose-dialog {
        width: 90%; max-width: 84; height: auto; max-height: 95%;
        padding: 0 1; border: thick $error; background: $surface;
    }
    #confirm-dose-title { text-style: bold; color: $text-error; }
    #confirm-dose-reason { margin: 1 0; text-style: bold; }
    #confirm-dose-buttons { height: auto; align-horizontal: center; }
    #confirm-dose-buttons Button { margin: 0 1; }
    """

    def __init__(self, message: str, doing: str) -> None:
        super().__init__()
        self.message = message
        """The core's sentence: how far the dose is from the label's range."""
        self.doing = doing
        """What waits for the answer, e.g. "copy the claim lines"."""

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dose-dialog"):
            yield Label(
                "Is this dose right? It is far outside the labeled dose", id="confirm-dose-title"
            )
            yield Static(self.message, id="confirm-dose-reason", markup=False)
            yield Static(
                f"Confirm the dose as ordered to {self.doing}, or go back and fix it.",
                id="confirm-dose-question",
                markup=False,
            )
            with Horizontal(id="confirm-dose-buttons"):
                yield Button("Fix the dose", id="fix", variant="primary")
                yield Button("Confirm this dose", id="confirm", variant="error")

    def on_mount(self) -> None:
        self.app.clear_notifications()  # nothing may sit over the question
        self.query_one("#fix", Button).focus()  # Enter alone must never confirm

    @on(Button.Pressed, "#fix")
    def action_fix(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#confirm")
    def _confirm(self) -> None:
        self.dismiss(True)


def out_of_range_message(checks: Iterable[Check]) -> str | None:
    """The DOSE_OUT_OF_RANGE check's sentence(s), or None when the dose is within range."""
    messages = [check.message for check in checks if check.code == CHECK_CODE]
    return "\n".join(messages) if messages else None
