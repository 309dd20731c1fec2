"""One form row: a label, its control, a hint, and the line where its problem is shown."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Label, Static


class FormField(Vertical):
    """A labelled control whose error, when there is one, sits right under it."""

    def __init__(self, label: str, control: Widget, *, field: str, hint: str = "", classes: str = "") -> None:
        super().__init__(id=f"{field}-field", classes=classes)
        self.field = field
        """The form field name (the core's InputError.field) this row shows errors for."""
        self._label = label
        self._hint = hint
        self.control = control

    def compose(self) -> ComposeResult:
        yield Label(self._label, classes="field-label")
        yield self.control
        if self._hint:
            yield Static(self._hint, classes="field-hint", markup=False)
        yield Static("", classes="field-error", markup=False)

    @property
    def error(self) -> str:
        return str(self.query_one(".field-error", Static).content)

    def show_error(self, message: str | None) -> None:
        self.query_one(".field-error", Static).update(f"✖ {message}" if message else "")
        self.set_class(bool(message), "-has-error")
