"""The priced batch's engine miss path: what a batch row costs the engine when the row memo has not
seen its order and patient (core/pipeline/batch_memo.py), the weight-varied orders of the benchmark
file (per kg, per m², by BSA or Mosteller, in kg or lb).

For each such row of `benchmarks/orders.py`'s file (given_at in the priced month), `administer`
with `document=False` and the records' parts, as `answer_rows` asks them, timed as CPU time per row
in this process after one pass (so the engine's kept orders, plans and payments are warm, as in a
long batch; the patients' doses are worked out every time). `--beside` times another worktree's the
same way, alternating, and compares what the two gave, row by row.
"""

from __future__ import annotations

import csv
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

SERVICE_MONTH = "2026-09"
FLAT = {"Tysabri", "Tyruko", "Ocrevus"}


def miss_rows(orders: Path) -> list[list[str]]:
    """The file's rows whose dose scales with the patient (and none spoiled on purpose)."""
    with orders.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    return [rows[0]] + [
        row for row in rows[1:] if row[1] not in FLAT and not row[2] and "," not in row[3]
    ]


def time_here(orders: Path, repeats: int) -> tuple[float, str]:
    """Median µs of CPU per row over `repeats` passes, and a digest of what the rows gave."""
    import hashlib  # the timing child only: the parent imports nothing of the package

    from infusion_calc.core.pipeline.administration import administer
    from infusion_calc.core.pipeline.batch import _encounter, read_header, request_from_cells
    from infusion_calc.core.pipeline.batch_records import kept_record_parts
    from infusion_calc.loading import Context

    site = Context().site()
    header, *rows = miss_rows(orders)
    columns = read_header(header)
    work = [
        (request_from_cells(row, columns), _encounter(row, columns.given_at_index)) for row in rows
    ]
    today = date(2026, 9, 1)

    def one_pass() -> None:
        for request, encounter in work:
            kept_record_parts(administer(request, encounter, site, today=today, document=False))

    digest = hashlib.sha256()  # what the rows gave, worked out once (the engine's answers kept)
    for request, encounter in work:
        done = administer(request, encounter, site, today=today, document=False)
        digest.update(repr((done.claim, done.payment, kept_record_parts(done))).encode())
    answers = digest.hexdigest()
    cpu = []
    for _ in range(repeats):
        start = time.process_time()
        one_pass()
        cpu.append(time.process_time() - start)
    return statistics.median(cpu) / len(work) * 1e6, answers


def _child(tree: Path, orders: Path, repeats: int) -> tuple[float, str]:
    """This file run by `tree`'s interpreter, so it times that tree's package (the other tree
    need not have this file)."""
    command = [str(tree / ".venv/bin/python"), str(Path(__file__).resolve()), str(orders)]
    ran = subprocess.run(
        [*command, "--child", "--repeats", str(repeats)],
        capture_output=True,
        text=True,
        cwd=tree,
        check=True,
    )
    per_row, digest = ran.stdout.split()
    return float(per_row), digest


def beside(workdir: Path, rows: int, repeats: int, other: Path) -> str:
    from benchmarks.orders import write_orders  # the parent only: a child imports no benchmark

    orders = write_orders(
        workdir / f"miss-orders-{rows}.csv", rows, date_column="given_at", month=SERVICE_MONTH
    )
    here_tree = Path(__file__).resolve().parent.parent
    here, there, same = [], [], True
    for _ in range(repeats):  # alternating: a drift in load hits both
        mine, mine_digest = _child(here_tree, orders, 3)
        theirs, their_digest = _child(other, orders, 3)
        here.append(mine)
        there.append(theirs)
        same = same and mine_digest == their_digest
    ratio = statistics.median(a / b for a, b in zip(here, there))
    return (
        f"engine miss path, {len(miss_rows(orders)) - 1:,} weight-varied rows of {rows:,}: this "
        f"tree {statistics.median(here):.1f} µs/row, {other} {statistics.median(there):.1f} "
        f"µs/row; pair by pair {ratio:.2f}×; answers {'identical' if same else 'DIFFER'}"
    )


if __name__ == "__main__":
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("orders", nargs="?", type=Path)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--beside", type=Path, help="another worktree (with .venv)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        per_row, digest = time_here(options.orders, options.repeats)
        print(f"{per_row:.3f} {digest}")
        sys.exit(0)
    with tempfile.TemporaryDirectory() as folder:
        if options.beside is not None:
            print(beside(Path(folder), options.rows, options.repeats, options.beside.resolve()))
        else:
            from benchmarks.orders import write_orders  # the parent only, as above

            orders = options.orders or write_orders(
                Path(folder) / "orders.csv",
                options.rows,
                date_column="given_at",
                month=SERVICE_MONTH,
            )
            per_row, _ = time_here(orders, options.repeats)
            print(f"engine miss path: {per_row:.1f} µs of CPU per weight-varied row")
