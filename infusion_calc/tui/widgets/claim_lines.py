"""The claim lines as a table sized from the current rows on every draw.

A figure must never be cut at the terminal's edge ("12" for 12.5 reads as a different
quantity). Columns are measured afresh from the rows shown, the figures never wrap,
and a long text cell (an NDC that reads "not verified: take it from the carton")
wraps inside its own column. If even that cannot fit, the table is not drawn at all:
a sentence says so instead.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text
from textual.widget import Widget

from infusion_calc.tui.result_view import ClaimRow

COLUMNS = ("HCPCS", "Modifier", "Units", "NDC", "NDC unit", "NDC qty")
NDC = COLUMNS.index("NDC")
"""The one column that may wrap (its text can be a sentence); the others hold codes and figures."""
GAP = 2

TOO_NARROW = (
    "The claim lines do not fit this terminal's width: widen it, or press F2 to copy them "
    "(nothing is shown cut short)."
)


class ClaimLines(Widget):
    """The claim lines of the current result, every figure whole."""

    DEFAULT_CSS = "ClaimLines { height: auto; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows: tuple[ClaimRow, ...] = ()

    @property
    def rows(self) -> tuple[ClaimRow, ...]:
        return self._rows

    def show(self, rows: tuple[ClaimRow, ...]) -> None:
        if rows != self._rows:
            self._rows = rows
            self.refresh(layout=True)

    def render(self) -> RenderableType:
        return _FitOrSay(self._rows)


class _FitOrSay:
    """The table at the width it is drawn at, or the sentence when it cannot fit without a cut.

    Every figure column is exactly as wide as its widest cell (header included); the NDC
    column takes the rest, and wraps between words, never inside one.
    """

    def __init__(self, rows: tuple[ClaimRow, ...]) -> None:
        cells = [
            (row.hcpcs, row.modifiers, row.units, row.ndc, row.ndc_unit, row.ndc_quantity)
            for row in rows
        ]
        self.rows = cells
        self.widths = [
            max(cell_len(text) for text in (name, *(row[index] for row in cells)))
            for index, name in enumerate(COLUMNS)
        ]
        words = [word for row in cells for word in row[NDC].split()] or [COLUMNS[NDC]]
        self.minimum = (
            sum(self.widths)
            - self.widths[NDC]
            + max(map(cell_len, words))
            + GAP * (len(COLUMNS) - 1)
        )

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if self.minimum > options.max_width:
            yield Text(TOO_NARROW, style="bold")
            return
        table = Table(
            box=None,
            padding=(0, GAP, 0, 0),
            show_edge=False,
            header_style="bold",
            collapse_padding=True,
        )
        for index, name in enumerate(COLUMNS):
            if index == NDC:
                table.add_column(name, ratio=1, overflow="fold")
            else:
                table.add_column(name, width=self.widths[index], no_wrap=True)
        for row in self.rows:
            table.add_row(*row)
        yield table
