"""The one CSV writer behind every CSV infusion-calc
writes (log export, batch, `calc --format csv`).

A spreadsheet opening a CSV runs a cell that starts with `=`, `+`, `-` or `@` as a
formula (and a leading TAB or CR is stripped before it looks), so a patient id
`=1+1` or a pass-through cell `=HYPERLINK(...)` would run on the biller's machine
(CWE-1236). Such a cell is written with a leading apostrophe, which spreadsheets
take as "this is text" (OWASP's advice); a plain number such as `-5` or `-0.5` is
data, not a formula, and is written as it is. Characters that act on a terminal are
escaped (core/record/safe_text.py); line breaks stay, and a cell holding a CR or LF is
always quoted, so a reader finds as many records as were written.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import IO, Any

from infusion_calc.core.record.safe_text import escape_controls

FORMULA_START = frozenset("=+-@\t\r")
"""A cell starting with one of these is read by spreadsheets as a formula (or stripped into one)."""
_BLANK = " \t\r\n"  # what a spreadsheet skips before it looks for a formula
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
TEXT_MARK = "'"
_PLAIN_START_UNSAFE = frozenset("=+-@ ")
"""Of the printable characters, those a cell may not start with and pass unchanged."""


def _plain(value: str) -> bool:
    """A cell `cell()` leaves as it is without looking further: printable (nothing to escape,
    no CR or LF), and not starting with a formula character or a blank. Empty counts as plain."""
    return value.isprintable() and value[:1] not in _PLAIN_START_UNSAFE


def cell(value: Any) -> Any:
    """A value as it is safe to write in a CSV cell; numbers and None unchanged."""
    if not isinstance(value, str) or _plain(value):
        return value
    if not value.isprintable():
        value = escape_controls(value, keep="\n\r\t")
    first = value[0]
    if first in FORMULA_START or (first in _BLANK and value.lstrip(_BLANK)[:1] in FORMULA_START):
        if not _NUMBER.fullmatch(value):
            return TEXT_MARK + value
    return value


class CsvWriter:
    """csv.writer with every cell made safe; rows end in LF, cells with CR or LF are quoted."""

    def __init__(self, stream: IO[str]) -> None:
        self._minimal = csv.writer(stream, lineterminator="\n")
        # csv quotes a cell holding the line terminator (LF) but not a bare CR, which readers
        # then take as a line end: a row with a CR anywhere is written with every cell quoted.
        self._quoted = csv.writer(stream, lineterminator="\n", quoting=csv.QUOTE_ALL)

    def writerow(self, values: Iterable[Any]) -> None:
        # One pass: a plain cell (most of them) is left as it is and cannot hold a CR, so only
        # the cells `cell()` changes are looked at again.
        cells = list(values)
        for (
            value
        ) in cells:  # _plain() inlined: a row of plain cells (most rows) costs no call per cell
            kind = value.__class__
            if kind is str:
                if value.isprintable() and value[:1] not in _PLAIN_START_UNSAFE:
                    continue
                break
            if kind is int or value is None:
                continue
            if isinstance(value, str):  # a str subclass: the full check below
                break
        else:
            self._minimal.writerow(cells)
            return
        writer = self._minimal
        for index, value in enumerate(cells):
            if isinstance(value, str) and not _plain(value):
                cells[index] = value = cell(value)
                if "\r" in value:
                    writer = self._quoted
        writer.writerow(cells)

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)
