"""Many orders at once: CSV rows in, one result per
claim line out. Pure: iterables in, iterables out.

The columns name what `calculate` needs (`drug` or `hcpcs`, `dose`, and `weight`,
`height`, `bsa`, `vial`, `round_within`, `billing_unit` as the dose form needs them, and
`dose_given` when an infusion stopped short of the dose prepared, `container` (single-dose or
multi-dose) for a vial no catalog verified);
any other column is encounter data and passes through untouched. Rows are read and
answered one at a time, so a file of any length costs the memory of one row. A bad
row becomes a `RowOutcome` carrying its sentence, and the rows after it still run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from operator import itemgetter
from typing import Any, NamedTuple

from infusion_calc.core.calculation.request import CalcRequest
from infusion_calc.core.checks.claim_invariants import require_valid_claim_lines
from infusion_calc.core.errors import InfusionCalcError, InputError
from infusion_calc.core.pipeline.administration import Administration, Site, administer
from infusion_calc.core.pipeline.batch_memo import RowMemo
from infusion_calc.core.pipeline.batch_records import (
    NO_LINES,
    RowParts,
    kept_record_parts,
    record_parts,
    rows_records,
)
from infusion_calc.core.record.encounter import Encounter
from infusion_calc.core.record.encounter_values import parse_given_at

ORDER_COLUMNS = (
    "drug",
    "hcpcs",
    "dose",
    "weight",
    "height",
    "bsa",
    "vial",
    "round_within",
    "billing_unit",
    "dose_given",
    "container",
)
"""The columns `calculate` reads. Every other column passes through to the output."""
_ALIASES = {"vials": "vial"}

RESULT_COLUMNS = (
    "row",
    "hcpcs",
    "drug",
    "dose_ordered",
    "dose",
    "dose_given",
    "vials",
    "draw_volume",
    "administered_units",
    "discarded_units",
    "dose_rounding",
    "line",
    "modifiers",
    "units",
    "ndc",
    "ndc_unit",
    "ndc_quantity",
    "warnings",
    "medicare_payment",
)
"""What each output record adds after the pass-through columns; names follow the JSON contract."""

VIAL_SEPARATOR = ";"


class HeaderError(ValueError):
    """The header row cannot be used; the message says what to change."""


def column_key(name: str) -> str:
    """'Round within', 'round-within' and 'ROUND_WITHIN' all name the same column."""
    key = "_".join(name.strip().lower().replace("-", " ").split())
    return _ALIASES.get(key, key)


@dataclass(frozen=True, slots=True)
class Columns:
    """Where each order field sits in a row, and which columns pass through."""

    header: tuple[str, ...]
    order: dict[str, int]
    passthrough: tuple[int, ...]

    @property
    def passthrough_names(self) -> tuple[str, ...]:
        return tuple(self.header[index] for index in self.passthrough)

    @property
    def output_names(self) -> tuple[str, ...]:
        return self.passthrough_names + RESULT_COLUMNS

    @property
    def given_at_index(self) -> int | None:
        """The pass-through `given_at` column (date of service), if the file has one."""
        return next(
            (index for index in self.passthrough if column_key(self.header[index]) == "given_at"),
            None,
        )

    def column_for(self, field: str) -> str:
        if field == "given_at" and self.given_at_index is not None:
            return self.header[self.given_at_index]
        """The header as the user wrote it for an engine field ("Dose" for "dose")."""
        index = self.order.get(field)
        return self.header[index] if index is not None else field


def read_header(header: Sequence[str]) -> Columns:
    """Check the header row and locate the order columns."""
    cells = [cell.strip() for cell in header]
    while cells and not cells[-1]:
        cells.pop()  # the unnamed empty columns a spreadsheet leaves at the right
    if not cells:
        raise HeaderError("the first row must name the columns, e.g. drug,dose,weight")
    order: dict[str, int] = {}
    passthrough: list[int] = []
    seen: dict[str, str] = {}
    for index, name in enumerate(cells):
        key = column_key(name)
        if not key:
            raise HeaderError(f"column {index + 1} has no name in the header row")
        if key in seen:
            raise HeaderError(f"columns '{seen[key]}' and '{name}' are the same column; keep one")
        seen[key] = name
        if key in ORDER_COLUMNS:
            order[key] = index
        elif key in RESULT_COLUMNS:
            raise HeaderError(
                f"column '{name}' would clash with the output column of that name; rename it"
            )
        else:
            passthrough.append(index)
    if "dose" not in order:
        raise HeaderError("no 'dose' column: add one with the ordered dose, e.g. 300 mg or 5 mg/kg")
    if "drug" not in order and "hcpcs" not in order:
        raise HeaderError("no 'drug' or 'hcpcs' column: add one so each row names what was given")
    return Columns(tuple(cells), order, tuple(passthrough))


@dataclass(frozen=True, slots=True)
class UnreadableRow:
    """A row the CSV reader could not read (a cell too long, say): in place of its cells,
    it is refused with this reason and the rows after it still run."""

    reason: str


class RowOutcome(NamedTuple):
    """One input row of a batch answered: its claim-line records, or the reason it was refused.

    Immutable; a NamedTuple rather than a frozen dataclass because batch makes one per row, and
    a NamedTuple is built in less than half the time (as `Administration` is).
    Not the app's `Outcome` (tui/state.py), which is what the screen shows for the form."""

    row: int
    """The row number as a spreadsheet shows it: the header is row 1."""
    given: tuple[dict[str, Any], ...] = ()
    """Records given whole (a visit's administration lines); a row's own are `records`."""
    error: str | None = None
    parts: RowParts = (NO_LINES, ("", None))
    """What each claim line's record says after `row` (`record_parts`): its plan's parts, shared
    by the rows whose doses share a plan, and the row's doses."""
    passthrough: tuple[str, ...] | None = None
    """The row's pass-through cells, in header order (None: records given whole)."""
    names: tuple[str, ...] = ()
    """The pass-through columns' names (`Columns.passthrough_names`), one per cell."""

    @property
    def records(self) -> tuple[dict[str, Any], ...]:
        """One record per claim line: pass-through columns, `row`, then RESULT_COLUMNS (contract
        key names). Built when read: the CSV output writes cells from `parts` without them."""
        if self.passthrough is None:
            return self.given
        return rows_records(self.parts, self.row, dict(zip(self.names, self.passthrough)))


_REQUEST_FIELDS = (
    "dose",
    "drug",
    "hcpcs",
    "vial",
    "weight",
    "height",
    "bsa",
    "round_within",
    "billing_unit",
    "dose_given",
    "container",
)
"""The order columns in `CalcRequest`'s field order, so a request is made by position."""


def request_from_cells(cells: Sequence[str], columns: Columns) -> CalcRequest:
    width = len(columns.header)
    if len(cells) < width:  # a short row: the missing cells are empty
        cells = [*cells, *[""] * (width - len(cells))]
    dose, drug, hcpcs, vials, *measures = [
        (cells[index].strip() or None) if index is not None else None
        for index in _request_indices(columns)
    ]
    if dose is None:
        raise InputError(
            "dose", "Enter the ordered dose, e.g. 300 mg, 5 mg/kg, 375 mg/m2 or 15 mL."
        )
    if drug is None and hcpcs is None:
        # calc's default drug is for a person at a keyboard; a file names every row's drug.
        field = "drug" if "drug" in columns.order else "hcpcs"
        raise InputError(field, "Name the drug or its HCPCS code on every row.")
    sizes = (
        tuple([size.strip() for size in vials.split(VIAL_SEPARATOR) if size.strip()])
        if vials
        else ()
    )
    return CalcRequest(dose, drug, hcpcs, sizes, *measures)


_LAST_INDICES: tuple[Columns | None, tuple[int | None, ...]] = (None, ())


def _request_indices(columns: Columns) -> tuple[int | None, ...]:
    """Where each of `_REQUEST_FIELDS` sits in a row of `columns` (None: no such column): found
    once per file, not once per order. The last file's are kept, with its columns (read once, as
    one tuple: safe between threads; held, so its id is not reused)."""
    global _LAST_INDICES
    kept_for, indices = _LAST_INDICES
    if kept_for is not columns:
        indices = tuple([columns.order.get(field) for field in _REQUEST_FIELDS])
        _LAST_INDICES = (columns, indices)
    return indices


def claim_records(
    done: Administration, row: int, passthrough: dict[str, str]
) -> tuple[dict[str, Any], ...]:
    """One record per claim line: pass-through columns, then RESULT_COLUMNS (contract key names).

    The claim lines are checked here, for every row (never a broken line in a batch output)."""
    require_valid_claim_lines(done.claim, "written for this row")
    return rows_records(record_parts(done), row, passthrough)


def describe(error: Exception, columns: Columns) -> str:
    """The sentence for a refused row, naming the column at fault as the header spells it."""
    if isinstance(error, InputError):
        return f"{columns.column_for(error.field)}: {error.message}"
    if isinstance(error, InfusionCalcError):
        return str(error)
    return f"internal error ({type(error).__name__}: {error}); please report it"


def answer_rows(
    rows: Iterable[Sequence[str] | UnreadableRow],
    columns: Columns,
    site: Site,
    first_row: int = 2,
    today: date | None = None,
    memo: RowMemo[Answered] | None = None,
) -> Iterator[RowOutcome]:
    """Answer each data row in turn (rows after the header; `first_row` is the first one's number).

    Each row is administered at `site` (core/pipeline/administration.py) on its date of service: the
    row's `given_at` (a pass-through column), else `today`. That date dates the 340B modifier
    and the payment quarter, as for `calc` and the app. `memo` keeps the answers across calls
    (a batch's chunks): a row whose order and `given_at` cells were answered before takes that
    answer (core/pipeline/batch_memo.py); its claim lines are still checked, row by row.
    """
    width = len(columns.header)
    names = columns.passthrough_names
    given_at = columns.given_at_index  # found once per file, not per row
    memo = memo if memo is not None else RowMemo()
    memo.scope(site, today, columns)
    pick = _cells_at(columns.passthrough)
    find, touch = memo.lookup()  # `memo.get` without a Python call per row
    read = itemgetter(*columns.order.values(), *([given_at] if given_at is not None else []))
    for row, cells in enumerate(rows, start=first_row):
        if isinstance(cells, UnreadableRow):
            yield RowOutcome(row, error=cells.reason)
            continue
        if not (cells and cells[0].strip()) and not "".join(cells).strip():
            # blank lines and the ",,,," rows spreadsheets leave at the end (C-level tests
            # only; a row whose first cell holds text is not blank, without joining its cells)
            continue
        if len(cells) > width and "".join(cells[width:]).strip():
            yield RowOutcome(row, error=f"{len(cells)} cells, but the header names {width} columns")
            continue
        if len(cells) < width:  # a short row: the missing cells are empty
            cells = [*cells, *[""] * (width - len(cells))]
        passthrough = pick(cells)
        try:
            key = read(cells)
            found = find(key)
            if found is not None:
                touch(key)
                memo.hits += 1
                done, parts = found
            else:
                done, parts = memo.keep(key, _answered(cells, columns, site, today, given_at))
            require_valid_claim_lines(
                done.claim, "written for this row"
            )  # every row, kept answer or not
            yield RowOutcome(row, (), None, parts, passthrough, names)
        except Exception as error:  # one bad row never stops the file
            yield RowOutcome(row, error=describe(error, columns))


def _cells_at(indices: tuple[int, ...]) -> Callable[[Sequence[str]], tuple[str, ...]]:
    """A row's cells at `indices` as a tuple, in one C call (itemgetter alone gives a bare cell
    for one index)."""
    if len(indices) > 1:
        return itemgetter(*indices)
    return lambda cells: tuple([cells[index] for index in indices])


Answered = tuple[Administration, RowParts]
"""A row's administration and its records' parts (`record_parts`): what a batch keeps per order."""


def _answered(
    cells: Sequence[str], columns: Columns, site: Site, today: date | None, given_at: int | None
) -> Answered:
    """`given_at`: the file's `Columns.given_at_index`, found once per file (a property that
    reads the header), not once per order."""
    done = administer(
        request_from_cells(cells, columns),
        _encounter(cells, given_at),
        site,
        today=today,
        document=False,
    )  # claim lines only: a batch writes no note and no checks
    return done, kept_record_parts(done)


def _encounter(cells: Sequence[str], index: int | None) -> Encounter | None:
    """The row's encounter: its `given_at` cell (Columns.given_at_index),
    the one encounter column batch reads."""
    return _given_at(cells[index]) if index is not None and index < len(cells) else None


@lru_cache(
    maxsize=512
)  # a batch's rows share a few days; a refused cell raises (not kept) every time
def _given_at(text: str) -> Encounter | None:
    given = parse_given_at(text, "given_at")
    return Encounter(given_at=given) if given is not None else None
