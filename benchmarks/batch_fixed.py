"""The priced batch's fixed cost, which the in-process floor (`batch_priced.py`) never pays:
whole-process CPU (user + system, start to exit) of `infusion-calc batch --jobs 1` on the
benchmark's first row (start-up, imports, the catalog from the user cache, exit) and on its first
ten rows (one of each scenario: the tenth, J9999, is a code no catalog lists, its drug validated
by the drug schema, pydantic with it). This tree beside another worktree (its own venv),
interleaved so a drift in load hits both, medians; the outputs compared byte for byte.
"""

from __future__ import annotations

import statistics
from pathlib import Path

from benchmarks.batch_priced import SERVICE_MONTH, _run_batch
from benchmarks.orders import write_orders

ROWS = (1, 10)
HERE = Path(__file__).resolve().parent.parent
"""This tree, run as the other is (`.venv/bin/python -m infusion_calc` from its root), so the two
start alike."""


def fixed_beside(workdir: Path, repeats: int, other: Path) -> list[str]:
    """One line per file: this tree's median CPU, the other's, and this ÷ the other pair by pair."""
    lines = []
    orders = {
        rows: write_orders(
            workdir / f"fixed-orders-{rows}.csv", rows, date_column="given_at", month=SERVICE_MONTH
        )
        for rows in ROWS
    }
    here: dict[int, list[float]] = {rows: [] for rows in ROWS}
    there: dict[int, list[float]] = {rows: [] for rows in ROWS}
    for _ in range(repeats):
        for rows, path in orders.items():
            here[rows].append(_run_batch(path, workdir / f"here-{rows}.csv", HERE))
            there[rows].append(_run_batch(path, workdir / f"there-{rows}.csv", other))
    for rows in ROWS:
        same = (workdir / f"here-{rows}.csv").read_bytes() == (
            workdir / f"there-{rows}.csv"
        ).read_bytes()
        ratio = statistics.median(mine / theirs for mine, theirs in zip(here[rows], there[rows]))
        lines.append(
            f"{rows} row{'s' if rows > 1 else ''}, medians of {repeats}: this tree "
            f"{statistics.median(here[rows]) * 1000:.0f} ms CPU, {other} "
            f"{statistics.median(there[rows]) * 1000:.0f} ms; this ÷ the other, pair by pair: "
            f"{ratio:.2f}×; outputs {'byte-identical' if same else 'DIFFER'}"
        )
    return lines


if __name__ == "__main__":
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--beside", type=Path, required=True, help="another worktree, with .venv")
    parser.add_argument("--repeats", type=int, default=15)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for line in fixed_beside(Path(folder), options.repeats, options.beside.resolve()):
            print(line)
