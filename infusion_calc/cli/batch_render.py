"""Turning order rows into output text, a chunk at a time, in this process or in worker processes.

Rows are cut into chunks of CHUNK_ROWS; each chunk is answered by the core and
rendered to CSV or JSON-lines text, and the chunks come back in file order. With
more than one CPU and more than one chunk, forked workers answer chunks side by side
while this process reads and writes; at most a few chunks are in flight, so memory
stays flat however long the file is.
"""

from __future__ import annotations

import io
import json
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from operator import itemgetter
from typing import IO, TYPE_CHECKING, Any, Protocol

from infusion_calc.core.pipeline.administration import Site
from infusion_calc.core.pipeline.batch import (
    RESULT_COLUMNS,
    VIAL_SEPARATOR,
    Answered,
    Columns,
    RowOutcome,
    UnreadableRow,
    answer_rows,
)
from infusion_calc.core.pipeline.batch_memo import RowMemo
from infusion_calc.core.pipeline.batch_records import PlanRecords, PlanTexts
from infusion_calc.core.record.csv_out import CsvWriter, csv_lines
from infusion_calc.core.record.safe_text import json_safe
from infusion_calc.core.visit.batch_visit import with_visit_lines

if TYPE_CHECKING:
    from concurrent.futures import Future

Row = Sequence[str] | UnreadableRow
"""A row's cells, or why the CSV reader could not read it."""

CHUNK_ROWS = 500
"""About 40 ms of work per chunk: long enough to make handing it to a worker cheap."""


class CsvOut:
    """One CSV row per record; a list (modifiers, warnings) becomes one cell joined by ';'."""

    LIST_COLUMNS = ("modifiers", "warnings")

    def __init__(self, stream: IO[str], columns: Columns) -> None:
        names = columns.output_names
        self.cells = itemgetter(*names)  # one C call per record instead of a loop over 20 columns
        self.lists = [names.index(name) for name in self.LIST_COLUMNS]
        # Formula-like cells neutralised, acting characters escaped, CR/LF cells quoted
        # (core/record/csv_out.py); None is written as an empty cell.
        self.writer = CsvWriter(stream)
        self.names = names

        self.held: list[Sequence[Any]] = []  # rows as cells: lists from `write`, tuples from
        # `write_outcome` once a row came from `write`
        self.pieces: list[Piece] | None = []
        """The rows held in pieces, while every row came from `write_outcome` (None once one
        came from `write`): first cells, doses, the plan's texts and the plan (`Piece`)."""
        self.own: list[Sequence[Any]] = []
        """Each row held in pieces as two rows of cells, its first cells then its doses: what is
        the row's own, written by one csv call for the chunk (`finish`). Not one row with the
        plan's cells between them: those are the same for every row of the plan (and often not
        ASCII, "375 mg/m²"), so csv writes them once per plan (`plan_texts`)."""

    @property
    def rows(self) -> list[Sequence[Any]]:
        """The rows held, as cells (a row held in pieces has its plan's cells worked out again)."""
        if self.pieces is None:
            return self.held
        return [
            row + _BEFORE(plan.head) + doses + after
            for row, doses, _, plan in self.pieces
            for after in after_cells(plan)
        ]

    def header(self) -> None:
        self.writer.writerow(self.names)

    def write(self, record: dict[str, Any]) -> None:
        if self.pieces is not None:  # the rows held so far, as cells, before this one
            self.held, self.pieces, self.own = self.rows, None, []
        cells = list(self.cells(record))
        for index in self.lists:
            cells[index] = VIAL_SEPARATOR.join(cells[index])
        self.held.append(cells)

    def write_outcome(self, outcome: RowOutcome) -> None:
        """The row's lines as `write` writes its `records`, from its pass-through cells, its
        number, its doses and its plan's texts (`plan_texts`), without a record per line."""
        if outcome.passthrough is None:
            for record in outcome.given:
                self.write(record)
            return
        plan, doses = outcome.parts
        row = (*outcome.passthrough, outcome.row)
        if self.pieces is None:
            row += _BEFORE(plan.head) + doses
            self.held.extend([row + after for after in after_cells(plan)])
            return
        self.pieces.append((row, doses, plan.written or plan_texts(plan), plan))
        self.own += (row, doses)

    def finish(self) -> None:
        """Write the records held, a block at a time: the guard looks at a block's text in a few
        C-level passes (core/record/csv_out.py), the same bytes as one row at a time. When
        every row came from `write_outcome`, a line's text is put together from its row's own
        cells' text (its first cells and its doses: one csv call for the chunk) and its plan's
        texts (kept with the plan), and its cells are made only for a block the guard's passes
        do not pass."""
        if self.pieces is None:
            self.writer.writerows(self.held)
        else:
            texts: list[str] = []
            add = texts.append
            own = iter(csv_lines(self.own))
            for first, doses, (_, _, (before, afters), _) in zip(own, own, self.pieces):
                start = first[:-1] + "," + before  # csv ended each row's cells with its LF
                middle = doses[:-1]
                for after in afters:  # a loop, not a comprehension: no frame per row
                    add(start + middle + after)
            self.writer.write_texts(texts, lambda: self.rows)
        self.held, self.pieces, self.own = [], [], []


_DOSE = RESULT_COLUMNS.index("dose")
_BEFORE = itemgetter(*RESULT_COLUMNS[1:_DOSE])  # hcpcs, drug, dose_ordered: a plan's head
_AFTER_NAMES = RESULT_COLUMNS[_DOSE + 2 :]  # after dose and dose_given: a line's tail
_AFTER = itemgetter(*_AFTER_NAMES)
_AFTER_LISTS = [_AFTER_NAMES.index(name) for name in CsvOut.LIST_COLUMNS]
Piece = tuple[tuple[Any, ...], tuple[str, str | None], PlanTexts, PlanRecords]
"""A row held by `CsvOut` in pieces: its first cells (pass-through, number), its doses, its
plan's texts (`plan_texts`) and its plan's parts."""


def after_cells(plan: PlanRecords) -> list[tuple[Any, ...]]:
    """Each line's CSV cells after `dose_given`, lists joined as `CsvOut.write` joins them."""
    cells = []
    for tail in plan.tails:
        after = list(_AFTER(tail))
        for index in _AFTER_LISTS:
            after[index] = VIAL_SEPARATOR.join(after[index])
        cells.append(tuple(after))
    return cells


def plan_texts(plan: PlanRecords) -> PlanTexts:
    """The plan's cells before `dose` and each line's `after_cells`, as csv writes them inside a
    row, kept with the plan's parts (`PlanRecords.written`): the batch keeps one per plan
    (`kept_record_parts`), shared by rows whose patients differ, and the text lives as long as
    they do. Only the texts are kept (the cells are worked out again for a block the guard's
    passes refuse)."""
    written = plan.written
    if written is None:
        before, *after = csv_lines([_BEFORE(plan.head), *after_cells(plan)])
        written = plan.written = (before[:-1] + ",", ["," + text for text in after])
    return written


class JsonLinesOut:
    """One JSON object per record, with the same keys as the CSV columns."""

    def __init__(self, stream: IO[str], columns: Columns) -> None:
        self.stream = stream

    def header(self) -> None:
        pass

    def write(self, record: dict[str, Any]) -> None:
        self.stream.write(
            json_safe(json.dumps(record, ensure_ascii=False))
        )  # same value, nothing that acts
        self.stream.write("\n")

    def write_outcome(self, outcome: RowOutcome) -> None:
        for record in outcome.records:
            self.write(record)

    def finish(self) -> None:
        pass


class Writer(Protocol):
    """What a batch output format does: its header (if any), then one record at a time, then
    `finish` (a chunk's end: what it holds written)."""

    def header(self) -> None: ...
    def write(self, record: dict[str, Any]) -> None: ...
    def write_outcome(self, outcome: RowOutcome) -> None: ...
    def finish(self) -> None: ...


WRITERS: dict[str, Callable[[IO[str], Columns], Writer]] = {"csv": CsvOut, "jsonl": JsonLinesOut}


@dataclass(frozen=True, slots=True)
class Rendered:
    """A chunk answered: its output text, its refusals ("row N: reason"), and counts."""

    text: str
    errors: tuple[str, ...]
    answered: int


@dataclass(frozen=True, slots=True)
class Job:
    columns: Columns
    site: Site
    output_format: str
    today: date | None = None
    """The date of service of a row without a `given_at` cell (the day the batch runs)."""
    visit: bool = False
    """Set when the file has `visit` and `route` columns: each chunk is one visit,
    its administration lines after its rows."""
    memo: RowMemo[Answered] = field(default_factory=RowMemo, compare=False, repr=False)
    """The orders answered so far in this process, for the chunks after
    (core/pipeline/batch_memo.py); a worker has its own copy."""


def render(job: Job, first_row: int, rows: Sequence[Row]) -> Rendered:
    sink = io.StringIO()
    out = WRITERS[job.output_format](sink, job.columns)
    errors: list[str] = []
    answered = 0
    outcomes = answer_rows(rows, job.columns, job.site, first_row, job.today, job.memo)
    if job.visit:
        outcomes = with_visit_lines(outcomes, job.columns, job.site.catalog, job.site.policy)
    for outcome in outcomes:
        if outcome.error is not None:
            errors.append(f"row {outcome.row}: {outcome.error}")
            continue
        # a visit's administration lines (given whole) are not a row answered
        answered += outcome.given[0].get("line") != "admin" if outcome.given else 1
        out.write_outcome(outcome)
    out.finish()
    return Rendered(sink.getvalue(), tuple(errors), answered)


def chunks(rows: Iterable[Row], first_row: int = 2) -> Iterator[tuple[int, list[Row]]]:
    """(number of the chunk's first row, its rows), reading only as far as asked."""
    rows = iter(rows)
    while chunk := list(islice(rows, CHUNK_ROWS)):
        yield first_row, chunk
        first_row += len(chunk)


def _can_fork() -> bool:
    # Forked workers inherit the loaded catalog and registry; elsewhere one process it is.
    # Imported here: `--jobs 1` and a one-chunk file never start a worker (about 35 ms).
    import multiprocessing

    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def render_all(job: Job, rows: Iterable[Row], jobs: int) -> Iterator[Rendered]:
    """Every chunk rendered, in file order; in worker processes when that can help."""
    pieces = chunks(rows)
    first = next(pieces, None)
    if first is None:
        return
    second = next(pieces, None)
    if second is None or jobs <= 1 or not _can_fork():
        for first_row, chunk in [first] if second is None else [first, second]:
            yield render(job, first_row, chunk)
        for first_row, chunk in pieces:
            yield render(job, first_row, chunk)
        return
    yield from _render_in_workers(job, [first, second], pieces, jobs)


_WORKER_JOB: Job | None = None


def _start_worker(job: Job) -> None:
    global _WORKER_JOB
    _WORKER_JOB = job
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle, once


def _render_in_worker(first_row: int, rows: list[Row]) -> Rendered:
    assert _WORKER_JOB is not None
    return render(_WORKER_JOB, first_row, rows)


def _render_in_workers(
    job: Job,
    started: list[tuple[int, list[Row]]],
    pieces: Iterator[tuple[int, list[Row]]],
    jobs: int,
) -> Iterator[Rendered]:
    # Imported here: only a run with workers pays for the pool (see _can_fork).
    import multiprocessing

    # Imported here, as multiprocessing above: the pool is for a run with workers only.
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork")
    window = jobs * 2  # chunks in flight: enough to keep every worker busy, few enough to stay flat
    with ProcessPoolExecutor(
        jobs, mp_context=context, initializer=_start_worker, initargs=(job,)
    ) as pool:
        pending: deque[Future[Rendered]] = deque(
            pool.submit(_render_in_worker, *piece) for piece in started
        )
        try:
            for piece in pieces:
                pending.append(pool.submit(_render_in_worker, *piece))
                while len(pending) >= window:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()
