"""The main screen's widgets: those of the first frame (imported as it is built), and the key bar
and the site-catalog banner (hidden unless the site catalog failed), which the screen mounts right
after it, with the form's later rows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Header, Static

from infusion_calc.tui.widgets.order_form import OrderForm
from infusion_calc.tui.widgets.result_panel import ResultPanel

if TYPE_CHECKING:
    from infusion_calc.tui.widgets.key_bar import KeyBar


def main_widgets(round_within: str) -> list[Widget]:
    """Title bar, the form (its first rows) and the result."""
    return [
        Header(),
        VerticalScroll(
            OrderForm(round_within=round_within, id="order-form"),
            ResultPanel(id="result"),
            id="workspace",
            can_focus=False,
        ),
    ]


def catalog_banner() -> Static:
    """Above the form; hidden (app.tcss) until the site catalog could not be loaded."""
    return Static("", id="catalog-problem", markup=False)


def key_bar(*, command_palette_key: bool) -> KeyBar:
    """The key bar (docked at the bottom: nothing above it moves when it comes)."""
    # lazy: not in the first frame (it mounts just after it)
    from infusion_calc.tui.widgets.key_bar import KeyBar

    return KeyBar(compact=True, show_command_palette=command_palette_key)
