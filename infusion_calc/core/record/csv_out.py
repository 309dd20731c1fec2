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

The guard is `cell()`. Rows are checked a block at a time: csv writes the block, and a few
C-level passes over its text show whether every cell is one `cell()` leaves as it is (nearly
every block of a log export); only a block that is not is taken row by row, and a row that
is not cell by cell through `cell()`. The output is the same byte for byte.

A caller whose rows repeat runs of cells (a batch row's plan cells) may put each row's text
together from pieces csv wrote once (`csv_lines`) and hand it with the rows to `write_texts`:
the same passes look at that text, and a block they do not pass is written from its rows.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Sequence
from itertools import islice
from typing import IO, Any

from infusion_calc.core.record.safe_text import escape_controls

FORMULA_START = frozenset("=+-@\t\r")
"""A cell starting with one of these is read by spreadsheets as a formula (or stripped into one)."""
_BLANK = " \t\r\n"  # what a spreadsheet skips before it looks for a formula
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
TEXT_MARK = "'"
_PLAIN_START_UNSAFE = frozenset("=+-@ ")
"""Of the printable characters, those a cell may not start with and pass unchanged."""
BLOCK_ROWS = 500
"""Rows written and checked together by `CsvWriter.writerows` (a few dozen KB of text)."""


def _byte_classes() -> bytes:
    """A bytes.translate table sorting each byte of the text csv wrote: S where a cell may start
    after it (separator, line end, opening quote), U for a character of _PLAIN_START_UNSAFE,
    C for an ASCII control other than LF, x for the rest (UTF-8's bytes of other scripts too)."""
    table = bytearray(b"x" * 256)
    for char in ',\n"':
        table[ord(char)] = ord("S")
    for char in _PLAIN_START_UNSAFE:
        table[ord(char)] = ord("U")
    for code in (*range(0x20), 0x7F):
        if code != ord("\n"):
            table[code] = ord("C")
    return bytes(table)


_CLASSES = _byte_classes()
_ASCII = bytes(range(0x80))


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


class _Lines(list[str]):
    """Where csv writes: the lines it made, kept as they are until they are joined."""

    write = list.append


def csv_lines(rows: Iterable[Iterable[Any]]) -> list[str]:
    """Each row as csv writes it (minimal quoting, LF at the end), unguarded. csv quotes each
    cell on its own, so a run of cells written alone is the text it makes inside a longer
    row: a row's text can be put together from such runs joined by ','."""
    lines = _Lines()
    csv.writer(lines, lineterminator="\n").writerows(rows)
    return lines


class CsvWriter:
    """csv.writer with every cell made safe; rows end in LF, cells with CR or LF are quoted."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream
        self._lines = _Lines()
        self._minimal = csv.writer(self._lines, lineterminator="\n")
        # csv quotes a cell holding the line terminator (LF) but not a bare CR, which readers
        # then take as a line end: a row with a CR anywhere is written with every cell quoted.
        self._quoted = csv.writer(self._lines, lineterminator="\n", quoting=csv.QUOTE_ALL)

    def writerow(self, values: Iterable[Any]) -> None:
        self._stream.write(self._block_text([tuple(values)]))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        """Rows BLOCK_ROWS at a time, each block one write: memory stays flat on any number."""
        rows = iter(rows)
        # tuple() of a tuple (a database row) is that tuple: no copy
        while block := list(map(tuple, islice(rows, BLOCK_ROWS))):
            self._stream.write(self._block_text(block))

    def write_texts(self, texts: list[str], rows: Callable[[], list[Sequence[Any]]]) -> None:
        """`writerows(rows())`, where `texts[i]` is the text csv writes for row i (put together
        from `csv_lines` pieces by the caller): a block whose text passes the guard's passes is
        written as it is, any other from its rows (made only then), cell by cell where needed."""
        cells: list[Sequence[Any]] | None = None
        for start in range(0, len(texts), BLOCK_ROWS):
            text = "".join(texts[start : start + BLOCK_ROWS])
            if not _all_plain(text, min(BLOCK_ROWS, len(texts) - start)):
                cells = rows() if cells is None else cells
                text = self._block_text(list(map(tuple, cells[start : start + BLOCK_ROWS])))
            self._stream.write(text)

    def _written(self, writer: Any, rows: list[tuple[Any, ...]]) -> str:
        try:
            writer.writerows(rows)
            return "".join(self._lines)
        finally:  # a failed write leaves nothing behind for the next one
            self._lines.clear()

    def _block_text(self, block: list[tuple[Any, ...]]) -> str:
        """The block as csv writes it when the text shows every cell plain (most blocks: a few
        C-level passes over the text instead of a Python step per cell); otherwise row by row,
        and a row that is not plain cell by cell through `cell()`."""
        text = self._written(self._minimal, block)
        if _all_plain(text, len(block)):
            return text
        if len(block) > 1:
            return "".join(self._block_text([row]) for row in block)
        cells = [cell(value) for value in block[0]]
        carriage_return = any(isinstance(value, str) and "\r" in value for value in cells)
        return self._written(self._quoted if carriage_return else self._minimal, [tuple(cells)])


def _all_plain(text: str, rows: int) -> bool:
    """True when `text`, `rows` records that csv wrote (each ending in its one LF), holds only cells
    `cell()` leaves as they are: printable (csv's quotes are) with no LF but the row ends, and none
    starting with a character of _PLAIN_START_UNSAFE. A few C-level passes over the text: one
    byte table sorts every character, then the sorted text holds a control (C) or an unsafe
    character where a cell starts (SU, or U first). Conservative: `a,"b -c"` or the number -5
    fail here and are looked at cell by cell."""
    if text.count("\n") != rows:
        return False
    try:
        encoded = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate (an undecodable byte kept): not printable
        return False
    # The table sees ASCII only: the other characters are looked at on their own (the text's
    # UTF-8 without its ASCII bytes is theirs, in order), not the whole text once more.
    if not text.isascii() and not encoded.translate(None, _ASCII).decode("utf-8").isprintable():
        return False
    classes = encoded.translate(_CLASSES)
    return b"C" not in classes and b"SU" not in classes and not classes.startswith(b"U")
