"""F5: choose the format to copy the claim lines in
(CMS-1500, UB-04, 837P/837I, FHIR, CSV, JSON, text).

Dismisses with the format name the core's exports know, or None (Esc). The formats and
their descriptions come from the core, through the actions service (tui/actions.py), so a new
format shows here without a change to this screen.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option


class CopyAsScreen(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel-copy-as")]

    def __init__(self, formats: tuple[tuple[str, str], ...]) -> None:
        super().__init__()
        self.formats = formats
        """(format name, description), in the order to offer them."""

    def compose(self) -> ComposeResult:
        width = max((len(fmt) for fmt, _ in self.formats), default=0)
        with Vertical(id="copy-as-dialog"):
            yield Label("Copy the claim lines as…", id="copy-as-title")
            yield OptionList(
                *(
                    Option(Content.assemble((fmt.ljust(width + 2), "bold"), description), id=fmt)
                    for fmt, description in self.formats
                ),
                id="copy-as-formats",
            )
            yield Label(
                "Enter copies · Esc cancels · warnings (no NDC, no charge) follow the copy",
                id="copy-as-hint",
            )

    def on_mount(self) -> None:
        self.app.clear_notifications()  # at 80 columns a notice would sit over the menu
        self.query_one(OptionList).highlighted = 0

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
