"""The pre-submission checks, one line each: the severity in words and colour, then what to fix.

The severity is written out (ERROR, WARNING, INFO) as well as coloured, so it reads on
a monochrome screen and for colour-blind eyes. Lines are reused from one keystroke to the
next (updated, hidden or added), rather than rebuilt.
"""

from __future__ import annotations

from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Static

from infusion_calc.tui.state import CheckRow

BADGES = {"error": "✖ ERROR", "warning": "▲ WARNING", "info": "• INFO"}
SEVERITIES = tuple(BADGES)


class CheckLine(Horizontal):
    def __init__(self, row: CheckRow) -> None:
        self._badge = Static("", classes="check-badge", markup=False)
        self._message = Static("", classes="check-message")
        super().__init__(self._badge, self._message, classes="check-line")
        self.show(row)

    def show(self, row: CheckRow) -> None:
        if getattr(self, "_row", None) == row:
            return
        self._row = row
        for severity in SEVERITIES:
            self.set_class(row.severity == severity, f"-{severity}")
        self._badge.update(BADGES.get(row.severity, row.severity.upper()))
        self._message.update(Content.assemble(row.message, " ", (f"[{row.code}]", "dim")))

    @property
    def row(self) -> CheckRow:
        return self._row


class ChecksList(Vertical):
    """Every check of the current result, errors first (the core's order)."""

    def show(self, rows: tuple[CheckRow, ...]) -> None:
        lines = list(self.query_children(CheckLine))
        for line, row in zip(lines, rows):
            line.show(row)
            line.display = True
        for line in lines[len(rows):]:
            line.display = False
        if len(rows) > len(lines):
            self.mount_all(CheckLine(row) for row in rows[len(lines):])

    @property
    def shown(self) -> tuple[CheckRow, ...]:
        """The checks on screen, in order (for tests)."""
        return tuple(line.row for line in self.query_children(CheckLine) if line.display)


def summary(rows: tuple[CheckRow, ...]) -> str:
    """'1 error, 5 warnings, 2 info' (or 'none')."""
    counts = [(sum(row.severity == severity for row in rows), severity) for severity in SEVERITIES]
    parts = [f"{count} {severity}{'s' if count > 1 and severity != 'info' else ''}" for count, severity in counts if count]
    return ", ".join(parts) or "none"
