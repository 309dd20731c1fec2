"""Reading the orders file record by record, so one unreadable record costs that row only.

The csv module gives up on a record it cannot read (most often a cell longer than its
field limit, 131,072 characters: a pasted document, or a quotation mark never closed)
and, left alone, that error would end the whole batch. Here the record becomes an
`UnreadableRow` with the reason, the reader skips to where the next record starts, and
the rows after it still run (issue 6: bad rows are reported and the run carries on).
The field limit itself is left as it is: it is process-wide state, and it keeps one
runaway cell from filling memory.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from infusion_calc.core.batch import UnreadableRow


class RecordReader:
    """`csv.reader` over `lines` that turns an unreadable record into an `UnreadableRow` and reads on."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = iter(lines)
        self._quotes = 0  # quotation marks in the lines of the record being read
        self._reader = csv.reader(self._counted())

    def _counted(self) -> Iterator[str]:
        for line in self._lines:
            self._quotes += line.count('"')
            yield line

    @property
    def line_num(self) -> int:
        return self._reader.line_num

    def __iter__(self) -> RecordReader:
        return self

    def __next__(self) -> list[str] | UnreadableRow:
        self._quotes = 0
        try:
            return next(self._reader)
        except csv.Error as error:
            self._skip_rest_of_record()
            return UnreadableRow(_reason(error))

    def _skip_rest_of_record(self) -> None:
        """Drop the lines that still belong to the record that failed.

        The csv module drops the rest of the line it failed on and starts the next record
        on the next line; that is right unless the line ended inside a quoted cell (an odd
        number of quotation marks so far: an escaped quote is doubled). Then the lines up
        to the one that closes the quote are that same cell, and are skipped, one at a
        time, so memory stays flat even for a quote never closed.
        """
        while self._quotes % 2:
            line = next(self._lines, None)
            if line is None:
                return
            self._quotes += line.count('"')


def _reason(error: csv.Error) -> str:
    text = str(error)
    if "field larger than field limit" in text:
        return (
            f"a cell is longer than {csv.field_size_limit():,} characters, the most a cell may hold; "
            "the row was skipped (if that cell should be short, look for a quotation mark that is never closed)"
        )
    return f"not readable as CSV ({text}); the row was skipped"
