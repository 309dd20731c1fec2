"""One form row: a label, its control, a hint, and the line where its problem is shown."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Label, Static


class FormField(Vertical):
    """A labelled control whose error, when there is one, sits right under it."""

    def __init__(
        self, label: str, control: Widget, *, field: str, hint: str = "", classes: str = ""
    ) -> None:
        super().__init__(id=f"{field}-field", classes=classes)
        self.field = field
        """The form field name (the core's InputError.field) this row shows errors for."""
        self._label = label
        self._hint = hint
        self.control = control
        self._error = Static("", classes="field-error", markup=False)
        self._message: str | None = None

    def compose(self) -> ComposeResult:
        yield Label(self._label, classes="field-label")
        yield self.control
        if self._hint:
            yield Static(self._hint, classes="field-hint", markup=False)
        # The error line (hidden without an error, app.tcss) mounts with the first error: the
        # first frame and the later rows do without a hidden widget per row.

    @property
    def error(self) -> str:
        return str(self._error.content)

    def show_error(self, message: str | None) -> None:
        if message == self._message:  # called for every row on each keystroke: redraw only a change
            return
        self._message = message
        self._error.update(f"✖ {message}" if message else "")
        if message and self._error.parent is None:
            if self.is_mounted:
                self.mount(self._error)  # last, where compose would have put it
            else:  # after what compose puts first
                self.call_later(self._mount_error)
        self.set_class(bool(message), "-has-error")

    def _mount_error(self) -> None:
        if self._error.parent is None:
            self.mount(self._error)
