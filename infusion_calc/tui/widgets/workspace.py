"""The main screen's widgets, built just after the first frame (imported then, too)."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Header, Static

from infusion_calc.tui.widgets.key_bar import KeyBar
from infusion_calc.tui.widgets.order_form import OrderForm
from infusion_calc.tui.widgets.result_panel import ResultPanel


def main_widgets(round_within: str, *, command_palette_key: bool) -> list[Widget]:
    """Title bar, site-catalog banner, the form and the result, and the key bar."""
    return [
        Header(),
        Static("", id="catalog-problem", markup=False),
        VerticalScroll(
            OrderForm(round_within=round_within, id="order-form"),
            ResultPanel(id="result"),
            id="workspace",
            can_focus=False,
        ),
        KeyBar(compact=True, show_command_palette=command_palette_key),
    ]
