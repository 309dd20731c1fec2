"""Shown when the site catalog fails to load: the nurse must read it before going on.

Why not refuse to calculate: the packaged catalog holds only verified data, so a
broken site file (a typo in a new entry, or a natalizumab entry filed under J2326)
must not stop every infusion in the unit. The nurse continues with the packaged
catalog, a banner stays on screen, and every result says to check the NDC.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static


class CatalogProblemScreen(ModalScreen[bool]):
    """Dismisses with True to continue with the packaged catalog, False to quit."""

    BINDINGS = [Binding("escape", "continue", "Continue", id="catalog-continue")]

    def __init__(self, problem: str) -> None:
        super().__init__()
        self.problem = problem

    def compose(self) -> ComposeResult:
        with Vertical(id="catalog-problem-dialog"):
            yield Label("The site catalog could not be loaded", id="catalog-problem-title")
            yield Static(self.problem, id="catalog-problem-reason", markup=False)
            yield Static(
                "The app will calculate with the packaged catalog only (verified data). Drugs, "
                "vials and NDCs that only the site file has are not available; check each NDC "
                "against the carton. Ask pharmacy to correct the site file.",
                id="catalog-problem-advice",
                markup=False,
            )
            with Horizontal(id="catalog-problem-buttons"):
                yield Button("Continue with the packaged catalog", id="continue", variant="warning")
                yield Button("Quit", id="quit", variant="default")

    def on_mount(self) -> None:
        self.query_one("#continue", Button).focus()

    @on(Button.Pressed, "#continue")
    def action_continue(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#quit")
    def _quit(self) -> None:
        self.dismiss(False)
