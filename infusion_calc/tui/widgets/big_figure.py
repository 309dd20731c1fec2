"""A number in large block digits inside a titled box: the figures nobody may misread."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical

from infusion_calc.tui.widgets.big_number import BigNumber


class BigFigure(Vertical):
    def __init__(self, title: str, *, id: str) -> None:
        super().__init__(id=id)
        self.border_title = title
        self._shown: tuple[int, str] | None = None

    def compose(self) -> ComposeResult:
        yield BigNumber()

    @property
    def value(self) -> int | None:
        return self.query_one(BigNumber).number

    def show(self, value: int, note: str = "") -> None:
        if self._shown == (value, note):  # on every keystroke: redraw only a change
            return
        self._shown = (value, note)
        self.query_one(BigNumber).show(value)
        self.border_subtitle = note
