"""The pre-submission checks, one line each: the severity in words and colour, then what to fix.

The severity is written out (ERROR, WARNING, INFO) as well as coloured, so it reads on
a monochrome screen and for colour-blind eyes. Each check is one Static whose message is
wrapped here, to the width it has, under itself (a hanging indent): a two-column layout
doubled the time to draw a keystroke's frame. Lines are reused from one keystroke to the
next (updated, hidden or added), rather than rebuilt.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from textual import events
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

if TYPE_CHECKING:
    from infusion_calc.core.record.check_types import Check

BADGES = {"error": "✖ ERROR", "warning": "▲ WARNING", "info": "• INFO"}
SEVERITIES = tuple(BADGES)
BADGE_STYLES = {
    "error": "bold $text-error",
    "warning": "bold $text-warning",
    "info": "bold $text-primary",
}
BADGE_WIDTH = 11


class CheckLine(Static):
    def __init__(self, row: Check) -> None:
        super().__init__("", classes="check-line")
        self._row = row
        self._drawn_for: tuple[Check, int] | None = None
        self._draw()

    @property
    def row(self) -> Check:
        return self._row

    def show(self, row: Check) -> None:
        self._row = row
        self._draw()

    def on_resize(self, event: events.Resize) -> None:
        self._draw()

    def _draw(self) -> None:
        row, width = self._row, self.content_size.width
        if self._drawn_for == (row, width):
            return
        self._drawn_for = (row, width)
        # The severity as a class, for what reads the DOM; no stylesheet rule
        # selects it (the badge carries the colour), so no restyle: when the
        # checks shift by one line, restyling them was most of a keystroke.
        self.update_classes(
            {f"-{severity}": row.severity == severity for severity in SEVERITIES}, update=False
        )
        self.update(check_text(row, width))


@lru_cache(maxsize=256)
def check_text(row: Check, width: int) -> Content:
    """The badge and the message wrapped under itself, for a line `width` wide. Kept: when a
    check comes or goes, the lines below it shift and show checks already wrapped."""
    badge = Content.styled(
        BADGES.get(row.severity, row.severity.upper()).ljust(BADGE_WIDTH),
        BADGE_STYLES.get(row.severity, "bold"),
    )
    message = Content.assemble(row.message, " ", (f"[{row.code}]", "dim"))
    if width <= BADGE_WIDTH + 10:  # not laid out yet (or absurdly narrow): let the Static wrap it
        return badge + message
    first, *rest = message.wrap(width - BADGE_WIDTH)
    indent = Content(" " * BADGE_WIDTH)
    return Content("\n").join([badge + first, *(indent + line for line in rest)])


class ChecksList(Vertical):
    """Every check of the current result, errors first (the core's order)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._lines: list[CheckLine] = []
        """Every line made so far, in order (the ones past the checks shown are hidden)."""

    def show(self, rows: tuple[Check, ...]) -> None:
        lines = self._lines
        for line, row in zip(lines, rows):
            line.show(row)
            if not line.display:
                line.display = True
        for line in lines[len(rows) :]:
            if line.display:
                line.display = False
        if len(rows) > len(lines):
            added = [CheckLine(row) for row in rows[len(lines) :]]
            lines.extend(added)
            self.mount_all(added)

    @property
    def shown(self) -> tuple[Check, ...]:
        """The checks on screen, in order (for tests)."""
        return tuple(line.row for line in self.query_children(CheckLine) if line.display)


def summary(rows: tuple[Check, ...]) -> str:
    """'1 error, 5 warnings, 2 info' (or 'none')."""
    counts = [(sum(row.severity == severity for row in rows), severity) for severity in SEVERITIES]
    parts = [
        f"{count} {severity}{'s' if count > 1 and severity != 'info' else ''}"
        for count, severity in counts
        if count
    ]
    return ", ".join(parts) or "none"
