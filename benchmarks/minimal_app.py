"""The yardstick for the TUI's first frame: the smallest Textual app that shows a line of text."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Static


class MinimalApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("infusion-calc")


def make_app() -> MinimalApp:
    return MinimalApp()
