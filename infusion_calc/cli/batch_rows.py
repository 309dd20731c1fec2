"""Reading the orders file record by record, so one unreadable record costs that row only.

The csv module gives up on a record it cannot read (most often a cell longer than its
field limit, 131,072 characters: a pasted document, or a quotation mark never closed)
and, left alone, that error would end the whole batch. Here the record becomes an
`UnreadableRow` with the reason, the reader skips to where the next record starts, and
the rows after it still run (a bad row is reported; the run carries on).
The field limit itself is left as it is: it is process-wide state, and it keeps one
runaway cell from filling memory.

Two more ways a file goes wrong without the csv module noticing:
- A byte that is not UTF-8 (a file saved in another encoding, one corrupt sector). The
  file is decoded with `surrogateescape`, so such a byte arrives as a lone surrogate;
  the record holding it is refused with the byte named, and the rows around it run.
- A line with no end (a file of one endless line, or `/dev/zero`) would be read into memory
  whole. Lines are read at most `LINE_LIMIT` characters at a time; a longer one is refused
  as a row, and the rest of it is skipped piece by piece, only when the next row is asked for
  (so a header that is one endless line fails at once).
- A quotation mark opened and never closed turns the lines after it into one cell.
  A record that ends at the end of the file still inside quotes, or whose order cell
  (drug, dose, ...) runs over several lines, is refused with the lines it swallowed,
  so no row disappears without a word.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Iterator
from typing import IO, cast

from infusion_calc.core.pipeline.batch import UnreadableRow

_UNDECODABLE = re.compile(
    "[\udc80-\udcff]"
)  # what surrogateescape makes of a byte that is not UTF-8

LINE_LIMIT = 1 << 20
"""Characters in one line of the orders file: eight cells at the csv module's own cell limit."""
_LINE_ENDS = ("\n", "\r")


def _line_reader(lines: IO[str] | Iterable[str]) -> Callable[[int], str]:
    """`readline(limit)` of a stream, or the same over lines given one by one ("" at the end)."""
    if hasattr(lines, "readline"):
        return cast("IO[str]", lines).readline
    iterator = iter(lines)
    return lambda _limit: next(iterator, "")


class RecordReader:
    """`csv.reader` over `lines` that turns an unreadable
    record into an `UnreadableRow` and reads on."""

    def __init__(self, lines: IO[str] | Iterable[str]) -> None:
        self._read = _line_reader(lines)
        self._overlong = False  # the record being read holds a line longer than LINE_LIMIT
        self._quotes = 0  # quotation marks in the lines of the record being read
        self._bad_byte: int | None = None  # the first undecodable byte in the record being read
        self._ended = False
        self._reader = csv.reader(self._counted())
        self.single_line_cells: dict[int, str] = {}
        """Cells (index -> column name) that never hold a line break: the order columns."""

    def _counted(self) -> Iterator[str]:
        """The lines, read at most LINE_LIMIT characters at a time, counted as they pass (one
        generator per file, so a line costs one step here). A longer line is an empty record,
        and the rest of it is dropped only when the next row is asked for (so a header that is
        one endless line fails at once)."""
        read = self._read
        while line := read(LINE_LIMIT):
            if len(line) >= LINE_LIMIT and not line.endswith(_LINE_ENDS):
                self._overlong = True
                yield "\n"  # an empty record stands in for it
                while (piece := read(LINE_LIMIT)) and not piece.endswith(_LINE_ENDS):
                    pass
                continue
            self._quotes += line.count('"')
            if self._bad_byte is None and not line.isascii():
                found = _UNDECODABLE.search(line)
                if found:
                    self._bad_byte = ord(found.group()) - 0xDC00
            yield line
        self._ended = True

    def __iter__(self) -> RecordReader:
        return self

    def __next__(self) -> list[str] | UnreadableRow:
        self._quotes = 0
        self._bad_byte = None
        self._overlong = False
        first_line = self._reader.line_num + 1
        try:
            cells = next(self._reader)
        except csv.Error as error:
            self._skip_rest_of_record()
            return UnreadableRow(_reason(error))
        if self._overlong:
            return UnreadableRow(
                f"a line is longer than {LINE_LIMIT:,} characters, more than any order needs; the "
                "row was skipped (is this the orders file?)"
            )
        if self._bad_byte is not None:
            return UnreadableRow(
                f"byte 0x{self._bad_byte:02X} is not UTF-8 text; the row was skipped "
                "(save the file as CSV UTF-8, or retype that cell)"
            )
        last_line = self._reader.line_num
        if last_line > first_line:
            problem = self._swallowed(cells, first_line, last_line)
            if problem:
                return UnreadableRow(problem)
        return cells

    def _swallowed(self, cells: list[str], first_line: int, last_line: int) -> str | None:
        """Why a record that spans lines looks like an unclosed quotation mark, or None."""
        lines = f"lines {first_line}–{last_line} of the file"
        if self._ended and self._quotes % 2:
            return (
                f"a quotation mark in this row is never closed, so {lines} "
                "(to the end) were read as one cell and the rows on lines "
                f"{first_line + 1}–{last_line} were not read; close the quote"
            )
        for index, name in self.single_line_cells.items():
            if index < len(cells) and "\n" in cells[index]:
                return (
                    f"the '{name}' cell runs over {lines}: a quotation mark is not "
                    "closed where it should be, so the rows on lines "
                    f"{first_line + 1}–{last_line} were not read as rows; fix the quote"
                )
        return None

    def _skip_rest_of_record(self) -> None:
        """Drop the lines that still belong to the record that failed.

        The csv module drops the rest of the line it failed on and starts the next record
        on the next line; that is right unless the line ended inside a quoted cell (an odd
        number of quotation marks so far: an escaped quote is doubled). Then the lines up
        to the one that closes the quote are that same cell, and are skipped, one at a
        time, so memory stays flat even for a quote never closed.
        """
        while self._quotes % 2:
            line = self._read(LINE_LIMIT)
            if not line:
                return
            self._quotes += line.count('"')


def _reason(error: csv.Error) -> str:
    text = str(error)
    if "field larger than field limit" in text:
        return (
            f"a cell is longer than {csv.field_size_limit():,} characters, "
            "the most a cell may hold; the row was skipped (if that cell "
            "should be short, look for a quotation mark that is never closed)"
        )
    return f"not readable as CSV ({text}); the row was skipped"
