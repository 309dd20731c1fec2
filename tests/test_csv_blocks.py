"""The guarded CSV writer checks a block of rows at once and writes exactly what the guard cell by
cell wrote: the same cells refused (a text mark), escaped or quoted, byte for byte.

`_reference_writerow` is the guard as it was before the block check (one cell at a time), kept
here only as the yardstick the property tests compare against.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Literal

from hypothesis import given, settings
from hypothesis import strategies as st

from infusion_calc.core.record.csv_out import BLOCK_ROWS, CsvWriter, csv_lines
from infusion_calc.core.record.safe_text import escape_controls

_FORMULA_START = frozenset("=+-@\t\r")
_BLANK = " \t\r\n"
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def _reference_cell(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if value.isprintable() and value[:1] not in "=+-@ ":
        return value
    if not value.isprintable():
        value = escape_controls(value, keep="\n\r\t")
    first = value[:1]
    if not first:
        return value
    starts = first in _FORMULA_START or (
        first in _BLANK and value.lstrip(_BLANK)[:1] in _FORMULA_START
    )
    if starts and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def _reference_writerow(stream: io.StringIO, row: list[Any]) -> None:
    cells = [_reference_cell(value) for value in row]
    carriage_return = any(isinstance(text, str) and "\r" in text for text in cells)
    quoting: Literal[0, 1, 2, 3] = csv.QUOTE_ALL if carriage_return else csv.QUOTE_MINIMAL
    csv.writer(stream, lineterminator="\n", quoting=quoting).writerow(cells)


# Text made of what the check looks at: separators, quotes, line ends, blanks, formula starts,
# controls, non-ASCII blanks and marks, and ordinary letters and digits.
_TRICKY = st.text(alphabet=st.sampled_from(',"\n\r \t=+-@\x1b\x07\u00a0\u2028\u202eé×a1.'))
_CELLS = st.one_of(
    _TRICKY,
    st.text(),
    st.sampled_from(["", "-5", "-0.5", " =1", "'=1", '"=1', "1 × 300 mg/15 mL", "J2323", "JW"]),
    st.integers(-(10**6), 10**6),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.floats(allow_nan=False),
    st.none(),
)
_ROWS = st.lists(st.lists(_CELLS, min_size=1, max_size=7), max_size=12)


def _reference(rows: list[list[Any]]) -> str:
    stream = io.StringIO()
    for row in rows:
        _reference_writerow(stream, row)
    return stream.getvalue()


@settings(max_examples=500, deadline=None)
@given(_ROWS)
def test_a_block_is_written_as_the_guard_cell_by_cell_wrote_it(rows: list[list[Any]]) -> None:
    written = io.StringIO()
    CsvWriter(written).writerows(rows)
    assert written.getvalue() == _reference(rows)


@settings(max_examples=300, deadline=None)
@given(_ROWS, st.lists(st.lists(st.sampled_from(["a", "12", "J2323", ""]), min_size=1), max_size=3))
def test_one_unsafe_row_among_plain_ones_changes_only_itself(
    rows: list[list[Any]], plain: list[list[Any]]
) -> None:
    """A block that fails the check as a whole is looked at row by row: plain rows around an
    unsafe one are written as they are, row by row too (writerow)."""
    mixed = [*plain, *rows, *plain]
    block, one_by_one = io.StringIO(), io.StringIO()
    CsvWriter(block).writerows(mixed)
    writer = CsvWriter(one_by_one)
    for row in mixed:
        writer.writerow(row)
    assert block.getvalue() == one_by_one.getvalue() == _reference(mixed)


def test_the_rows_a_generator_gives_are_written_once_each() -> None:
    written = io.StringIO()
    CsvWriter(written).writerows(iter(["=1", 2]) for _ in range(3))  # rows that are iterators
    assert written.getvalue() == "'=1,2\n" * 3


class _CountingStream(io.StringIO):
    writes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        return super().write(text)


def test_plain_rows_are_checked_and_written_a_block_at_a_time() -> None:
    """A log export's rows are checked together, one test over the block's text, not one Python
    step per cell: a block of plain rows reaches the stream in one write."""
    rows = [
        (index, "2026-01-01T09:00:00+00:00", "natalizumab (Tysabri)", "250 mg", None, "")
        for index in range(3 * BLOCK_ROWS + 1)
    ]
    stream = _CountingStream()
    CsvWriter(stream).writerows(rows)
    assert stream.writes == math.ceil(len(rows) / BLOCK_ROWS)
    assert stream.getvalue() == _reference([list(row) for row in rows])


def test_numbers_that_start_like_formulas_stay_numbers_in_a_block() -> None:
    rows: list[list[Any]] = [[-5, Decimal("-0.5"), "-12.5", "-1e5"], [-0.25, "@x", None]]
    written = io.StringIO()
    CsvWriter(written).writerows(rows)
    assert written.getvalue() == "-5,-0.5,-12.5,'-1e5\n-0.25,'@x,\n"


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(_ROWS.filter(bool), st.integers(1, 6)), min_size=1, max_size=3))
def test_rows_put_together_from_csv_pieces_are_written_as_their_cells(
    groups: list[tuple[list[list[Any]], int]],
) -> None:
    """`csv_lines` pieces joined by ',' make the text csv writes for the whole row, and
    `write_texts` writes what `writerows` writes for the rows: the guard's passes read that text,
    and a block they refuse is written from its rows (asked for only then)."""
    rows: list[tuple[Any, ...]] = []
    texts: list[str] = []
    for group, cut in groups:
        for row in group:
            whole = (*row, *row[:cut], "x")  # at least two cells on each side of the cut
            head, tail = whole[: len(row)], whole[len(row) :]
            if len(head) < 2:
                head, tail = (*head, "a"), tail
                whole = (*head, *tail)
            first, second = csv_lines([head, tail])
            texts.append(first[:-1] + "," + second)
            rows.append(whole)
    assert texts == csv_lines(rows)
    asked: list[int] = []

    def cells() -> list[Sequence[Any]]:
        asked.append(1)
        return list(rows)

    pieces, whole_rows = io.StringIO(), io.StringIO()
    CsvWriter(pieces).write_texts(texts, cells)
    CsvWriter(whole_rows).writerows(rows)
    assert pieces.getvalue() == whole_rows.getvalue() == _reference([list(row) for row in rows])
    plain = whole_rows.getvalue() == "".join(csv_lines(rows))
    assert len(asked) <= 1 and (plain or asked)


@settings(max_examples=200, deadline=None)
@given(_ROWS, st.sampled_from(["\udc80", "a\udcff", "\ud800x", "×\udc9f", "\u00a0", "\u2028×"]))
def test_a_block_with_an_undecodable_byte_or_an_unprintable_character_is_looked_at_cell_by_cell(
    rows: list[list[Any]], odd: str
) -> None:
    """The block check reads the characters other than ASCII on their own: a lone surrogate (a
    byte batch kept undecoded) or another unprintable one still sends the block cell by cell."""
    mixed = [*rows, ["×", odd, "J2323"], *rows]
    written = io.StringIO()
    CsvWriter(written).writerows(mixed)
    assert written.getvalue() == _reference(mixed)
