"""`infusion-calc batch ORDERS.csv`: a file of orders in, one row per claim line out.

Streams: the csv module reads rows a chunk at a time, the engine answers them (in
worker processes when there are CPUs to spare, see batch_render.py), their lines are
written in file order, and the next chunk follows, so a million-row month costs the
memory of a few chunks.
A bad row is one `error: row N: ...` line on stderr and the file carries on; the exit
status is 2 if any row was refused, after every good row has been written. The
progress bar goes to stderr and only when stderr is a terminal, never into a pipe.
Nothing here imports Textual or rich.
"""

from __future__ import annotations

import argparse
import gc
import io
import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from typing import IO, TYPE_CHECKING

from infusion_calc.cli.batch_render import WRITERS, Job, render, render_all
from infusion_calc.cli.batch_rows import RecordReader
from infusion_calc.cli.common import add_catalog_option, fail
from infusion_calc.cli.options import CommandOptions
from infusion_calc.core.errors import CatalogError, SiteConfigError
from infusion_calc.core.pipeline.batch import HeaderError, UnreadableRow, read_header
from infusion_calc.core.record.safe_text import terminal_safe
from infusion_calc.core.visit.batch_visit import visit_groups, visit_index

if TYPE_CHECKING:
    from infusion_calc.cli.batch_render import Job, Rendered, Row
    from infusion_calc.core.pipeline.administration import Site
    from infusion_calc.core.pipeline.batch import Columns, UnreadableRow

# The batch modules are imported when the command runs: every command builds this
# parser, and `calc` must not pay for multiprocessing or the batch core at start-up.

FORMATS = ("csv", "jsonl")
JOBS_PER_CPU = 4


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "batch",
        help="calculate every order in a CSV file; one output row per claim line",
        description=(
            "Calculate every order in ORDERS (a CSV file with a header row; '-' reads standard "
            "input) and write one row per claim line. Order columns: drug, hcpcs, dose, weight, "
            "height, bsa, vial, round_within, billing_unit, dose_given, container (drug or hcpcs, "
            "and dose, are required; several vial sizes go in one cell separated by ';'). "
            "Any other column passes through to the output. Header names ignore case, spaces and "
            "dashes. Rows are numbered as a spreadsheet shows them (the header is row 1). A "
            "refused row is reported on stderr and the rest still run; the exit status is then 2."
        ),
    )
    parser.add_argument(
        "orders", metavar="ORDERS", help="CSV file of orders, or '-' for standard input"
    )
    parser.add_argument(
        "--out", metavar="FILE", help="write the results to FILE instead of standard output"
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="csv",
        help="csv (default) or jsonl: one JSON object per claim line, with the same keys",
    )
    parser.add_argument(
        "--jobs",
        type=_jobs,
        default=default_jobs(),
        metavar="N",
        help=(
            "worker processes answering rows side by side (default: one per CPU, here %(default)s; "
            f"1: none; at most {JOBS_PER_CPU} per CPU)"
        ),
    )
    add_catalog_option(parser)
    parser.set_defaults(run=run)


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def max_jobs() -> int:
    """Past a few workers per CPU, more only cost forks, memory and start-up time:
    thousands hang the machine."""
    return default_jobs() * JOBS_PER_CPU


def _jobs(text: str) -> int:
    digits = text.strip()
    # [0-9], not isdigit(): that also takes other scripts' digits and superscripts.
    if not re.fullmatch(r"[0-9]{1,9}", digits) or int(digits) < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of workers, 1 or more")
    limit = max_jobs()
    if int(digits) > limit:
        raise argparse.ArgumentTypeError(
            f"{int(digits):,} workers is more than this machine can use: give at most {limit} "
            f"({JOBS_PER_CPU} per CPU, {default_jobs()} CPUs here)"
        )
    return int(digits)


class Progress:
    """A one-line bar on stderr, redrawn at most ten times a second;
    silent when stderr is not a terminal."""

    def __init__(
        self, stream: IO[str], total_bytes: int | None, position: Callable[[], int] | None
    ) -> None:
        self.stream = stream
        self.enabled = stream.isatty()
        self.total = total_bytes
        self.position = position
        self.next_draw = 0.0
        self.drawn = False

    def update(self, rows: int, refused: int) -> None:
        """Called once per chunk of rows written."""
        if not self.enabled:
            return
        now = time.monotonic()
        if now < self.next_draw:
            return
        self.next_draw = now + 0.1
        counts = f"{rows:,} rows" + (f", {refused:,} refused" if refused else "")
        if self.total and self.position is not None:
            fraction = min(self.position() / self.total, 1.0)
            bar = "#" * int(fraction * 30)
            self.stream.write(f"\r[{bar:<30}] {fraction:4.0%}  {counts}\x1b[K")
        else:
            self.stream.write(f"\r{counts}\x1b[K")
        self.stream.flush()
        self.drawn = True

    def clear(self) -> None:
        """Wipe the bar so an error line or the shell prompt starts on a clean line."""
        if self.drawn:
            self.stream.write("\r\x1b[K")
            self.drawn = False


def _open_orders(path: str) -> tuple[IO[str], int | None]:
    # utf-8-sig: a spreadsheet's "CSV UTF-8" export starts with a byte-order mark.
    # surrogateescape: a byte that is not UTF-8 refuses its row only (batch_rows.py), not the file.
    # newline="": the csv module reads line ends itself, so a line break inside a quoted cell stays.
    if path == "-":
        if not hasattr(sys.stdin, "buffer"):  # already text (a test's StringIO)
            return sys.stdin, None
        return io.TextIOWrapper(
            sys.stdin.buffer, encoding="utf-8-sig", errors="surrogateescape", newline=""
        ), None
    stream = open(path, encoding="utf-8-sig", errors="surrogateescape", newline="")
    return stream, os.fstat(stream.fileno()).st_size


@dataclass(frozen=True, kw_only=True)
class BatchOptions(CommandOptions):
    """`batch`'s options (see `register` for their help)."""

    orders: str
    out: str | None = None
    format: str = "csv"
    jobs: int = 1


def run(namespace: argparse.Namespace) -> int:
    options = BatchOptions.read(namespace)
    try:
        site = options.context.site()
    except (CatalogError, SiteConfigError) as error:
        return fail(str(error))
    try:
        source, size = _open_orders(options.orders)
    except OSError as error:
        return fail(f"{options.orders}: cannot read the orders file ({error.strerror})")
    with source if options.orders != "-" else _keep_open(source):
        try:
            rows = RecordReader(
                source
            )  # an unreadable record is refused as one row; the rest still run
            header = next(rows, [])
            if isinstance(header, UnreadableRow):
                return fail(f"{options.orders}: the header row (row 1): {header.reason}")
            try:
                columns = read_header(header)
            except HeaderError as error:
                return fail(f"{options.orders}: {error}")
            rows.single_line_cells = {
                index: columns.header[index] for index in columns.order.values()
            }
            return _answer_all(options, source, size, rows, columns, site)
        except UnicodeDecodeError:
            return fail(f"{options.orders}: not UTF-8 text; save the file as CSV UTF-8")


def _answer_all(
    options: BatchOptions,
    source: IO[str],
    size: int | None,
    rows: Iterator[list[str] | UnreadableRow],
    columns: Columns,
    site: Site,
) -> int:
    buffer = getattr(source, "buffer", None)
    progress = Progress(sys.stderr, size, buffer.tell if size and buffer is not None else None)
    if (
        options.out
        and options.orders != "-"
        and os.path.exists(options.out)
        and os.path.samefile(options.out, options.orders)
    ):
        return fail(f"{options.out}: that is the orders file; write the results to another file")
    try:
        target = open(options.out, "w", encoding="utf-8", newline="") if options.out else sys.stdout
    except OSError as error:
        return fail(f"{options.out}: cannot write the results ({error.strerror})")
    answered = refused = 0
    with target if options.out else _keep_open(target), _collector_spaced():
        WRITERS[options.format](target, columns).header()
        job = Job(columns, site, options.format, date.today())
        for chunk in _rendered(job, rows, options.jobs):
            target.write(chunk.text)
            answered += chunk.answered
            if chunk.errors:
                progress.clear()
                refused += len(chunk.errors)
                sys.stderr.writelines(f"error: {terminal_safe(error)}\n" for error in chunk.errors)
            progress.update(answered + refused, refused)
        progress.clear()
    if refused:
        sys.stderr.write(
            f"error: {refused:,} of {answered + refused:,} rows refused (above); "
            "the other rows were written\n"
        )
        return 2
    return 0


def _rendered(job: Job, rows: Iterable[Row], jobs: int) -> Iterator[Rendered]:
    """The chunks in file order; a file with a `visit` column is answered visit by visit, in this
    process, each visit's administration lines after its rows (core/visit/batch_visit.py)."""

    index = visit_index(job.columns)
    if index is None:
        yield from render_all(job, rows, jobs)
        return
    job = replace(job, visit=True)
    for first_row, group in visit_groups(rows, index):
        yield render(job, first_row, group)


COLLECT_EVERY = 250_000
"""Objects allocated (less those freed) between two young collections while rows are answered.
A row's objects are freed as it is written, so what counts up is what the kept answers hold
(the engine's and the batch's, bounded): about 150,000 objects once they are full, on the
benchmark's file (146,391 after 20,000 rows, 154,773 after 50,000). At 50,000, three young
collections walked those each time (about 27 ms each, 1.6 µs per row of a 50,000-row file);
above what the kept answers hold, none does. Cycles are still collected past this count
(the benchmark's rows leave none but 197 objects at start), so memory stays flat."""


class _collector_spaced:
    """`with` for the rows: the cycle collector runs every COLLECT_EVERY allocations, not 700.

    A row's objects are freed by their reference counts as soon as the row is written; what
    survives is start-up's catalog and the kept answers, which each young collection walked
    again (about an eighth of a batch's CPU). Cycles are still collected, only less often, so
    memory stays flat. What start-up made is frozen out of the collections meanwhile (the catalog
    never becomes garbage mid-batch): about 3% of a priced batch's CPU. Both undone on exit."""

    def __enter__(self) -> None:
        self.thresholds = gc.get_threshold()
        gc.freeze()
        gc.set_threshold(COLLECT_EVERY, *self.thresholds[1:])

    def __exit__(self, *exc: object) -> None:
        # What the rows left young (the kept answers, about 150,000 objects) joins the oldest
        # generation with the rest, untraversed: restoring the threshold first made the next
        # young collection walk them all (75 ms after a 20,000-row file).
        gc.freeze()
        gc.set_threshold(*self.thresholds)
        gc.unfreeze()


class _keep_open:
    """`with` for standard output: flush it at the end, never close it."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    def __enter__(self) -> IO[str]:
        return self.stream

    def __exit__(self, *exc: object) -> None:
        self.stream.flush()
