"""Priced batch beside its floor: `infusion-calc batch --jobs 1` on orders with a `given_at` column
(every line priced from the CMS quarter of its date), against the same arithmetic written plainly.

The floor reads the same file with `csv`, computes each row's dose (flat, per kg, per m² by
BSA or Mosteller, by volume), its vials (fewest labeled mg that cover the dose), the administered
and JW units, each line's NDC quantity and its payment, all in Decimal, and writes one CSV row
per claim line: what a batch row must do, without the parser, checks, notices or guard. Its
drug table is read from the catalog once, before timing. Both are timed as CPU time of whole
runs (batch: its own process, start to exit; the floor: in this process), medians of interleaved
runs, so load drifts hit both alike. The target is the issue's: at most 3x the floor per row.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import statistics
import subprocess
import time
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from pathlib import Path

from benchmarks.orders import write_orders
from benchmarks.report import Figure
from benchmarks.startup import cli_command

RATIO_TARGET = 3.0
SERVICE_MONTH = "2026-09"  # in the newest packaged quarter (2026Q3), so every listed code is priced
_CENT, _MILLI, _HUNDREDTH = Decimal("0.01"), Decimal("0.001"), Decimal("0.01")
_LB = Decimal("0.45359237")
DrugRow = tuple[Decimal, list[tuple[Decimal, Decimal | None]], Decimal | None]
"""A drug's billing unit, its (strength, volume) sizes and its payment limit."""


def _drug_table() -> dict[tuple[str, str], DrugRow]:
    """(drug cell, hcpcs cell) -> billing unit, [(strength, volume)],
    payment limit: read once, untimed."""
    from benchmarks.scenarios import SCENARIOS
    from infusion_calc.loading import Context

    context = Context()
    catalog, quarter = context.catalog, context.quarters[-1]
    table: dict[tuple[str, str], DrugRow] = {}
    for scenario in SCENARIOS:
        drug = (
            catalog.lookup(scenario.drug or "Tysabri")[0]
            if not scenario.hcpcs
            else catalog.by_code(scenario.hcpcs)
        )
        if drug is None:  # the unlisted code: its unit and vial as typed
            table[("", scenario.hcpcs or "")] = (Decimal(1), [(Decimal(100), Decimal(10))], None)
            continue
        sizes = [(p.strength.value, p.volume.value if p.volume else None) for p in drug.products]
        listed = quarter.prices.get(drug.hcpcs)
        limit = Decimal(listed["payment_limit"]) if listed else None
        table[(scenario.drug or ("" if scenario.hcpcs else "Tysabri"), scenario.hcpcs or "")] = (
            drug.billing_unit.value,
            sizes,
            limit,
        )
    return table


def _number(text: str) -> tuple[Decimal, str]:
    value, unit = text.split()
    return Decimal(value), unit


def _dose(cells: list[str], concentration: Decimal | None) -> Decimal:
    amount, unit = _number(cells[3])
    if unit.endswith("/kg") or unit.endswith("/m2"):
        weight = Decimal(0)  # a weight-based row always carries a weight in the benchmark's orders
        if cells[4]:
            value, weight_unit = _number(cells[4])
            weight = value * _LB if weight_unit == "lb" else value
        if unit.endswith("/kg"):
            return (amount * weight).quantize(_HUNDREDTH, ROUND_HALF_UP)
        if cells[6]:
            bsa = _number(cells[6])[0]
        else:
            bsa = (_number(cells[5])[0] * weight / 3600).sqrt().quantize(_HUNDREDTH, ROUND_HALF_UP)
        return (amount * bsa).quantize(_HUNDREDTH, ROUND_HALF_UP)
    if unit == "mL" and concentration is not None:
        return amount * concentration
    return amount


def _vials(
    sizes: list[tuple[Decimal, Decimal | None]], dose: Decimal
) -> tuple[tuple[int, ...], list[Decimal]]:
    """Counts per size (one or two sizes, largest first) covering the dose with the least left over,
    and the whole-vial totals met on the way (where a rounding option is looked for)."""
    if len(sizes) == 1:
        strength = sizes[0][0]
        whole = int((dose / strength).to_integral_value(ROUND_FLOOR))
        return (int((dose / strength).to_integral_value(ROUND_CEILING)),), [
            whole * strength,
            (whole + 1) * strength,
        ]
    large, small = sizes[1][0], sizes[0][0]
    best: tuple[Decimal, tuple[int, ...]] | None = None
    totals = []
    for big in range(int((dose / large).to_integral_value(ROUND_CEILING)) + 1):
        rest = dose - big * large
        few = int((rest / small).to_integral_value(ROUND_CEILING)) if rest > 0 else 0
        total = big * large + few * small
        totals += [total, total - small] if few else [total]
        if best is None or total < best[0]:
            best = (total, (few, big))
    assert best is not None
    return best[1], totals


def _rounding_option(cells: list[str], dose: Decimal, totals: list[Decimal]) -> Decimal | None:
    """The whole-vial total nearest the dose within the row's round_within percent, if any."""
    if not cells[8]:
        return None
    band = dose * Decimal(cells[8]) / 100
    near = [total for total in totals if dose - band <= total <= dose + band]
    return min(near, key=lambda total: abs(total - dose)) if near else None


def floor_rows(orders: Path, table: dict[tuple[str, str], DrugRow], sink: io.StringIO) -> int:
    """The floor: every row of `orders` answered with plain Decimal arithmetic and written with
    csv."""
    written = 0
    with orders.open(encoding="utf-8", newline="") as stream:
        rows = csv.reader(stream)
        next(rows)
        writer = csv.writer(sink, lineterminator="\n")
        for cells in rows:
            try:
                unit, sizes, limit = table[(cells[1], cells[2])]
                concentration = sizes[0][0] / sizes[0][1] if sizes[0][1] else None
                dose = _dose(cells, concentration)
            except (ArithmeticError, ValueError, TypeError):  # the row spoiled on purpose
                continue
            counts, totals = _vials(sizes, dose)
            option = _rounding_option(cells, dose, totals)
            option_paid = (
                (int((option / unit).to_integral_value(ROUND_CEILING)) * limit).quantize(
                    _CENT, ROUND_HALF_UP
                )
                if option is not None and limit is not None
                else None
            )
            opened = sum(strength * count for (strength, _), count in zip(sizes, counts))
            administered = int((dose / unit).to_integral_value(ROUND_CEILING))
            labeled = int((opened / unit).to_integral_value(ROUND_FLOOR))
            discarded = min(
                int(((opened - dose) / unit).to_integral_value(ROUND_FLOOR)),
                max(labeled - administered, 0),
            )
            lines = [(administered, "" if discarded else "JZ", dose)]
            if discarded:
                lines.append((discarded, "JW", opened - dose))
            strength, volume = sizes[0]
            for units, modifier, mg in lines:
                quantity = (mg * volume / strength if volume else mg / strength).quantize(
                    _MILLI, ROUND_HALF_UP
                )
                paid = (units * limit).quantize(_CENT, ROUND_HALF_UP) if limit is not None else None
                writer.writerow(
                    [
                        *cells,
                        dose,
                        ";".join(map(str, counts)),
                        units,
                        modifier,
                        quantity,
                        paid,
                        option,
                        option_paid,
                    ]
                )
                written += 1
    return written


def _run_batch(orders: Path, out: Path, tree: Path | None = None) -> float:
    """CPU seconds (user + system) of `infusion-calc batch --jobs 1`, start to exit; `tree`: another
    worktree's, with its own venv (`.venv/bin/python -m infusion_calc`, run from there)."""
    cli = cli_command() if tree is None else [str(tree / ".venv/bin/python"), "-m", "infusion_calc"]
    command = [*cli, "batch", str(orders), "--out", str(out), "--jobs", "1"]
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tree
    )
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) not in (0, 2):  # 2: the rows refused on purpose
        raise RuntimeError(f"{' '.join(command)} exited with {os.waitstatus_to_exitcode(status)}")
    return usage.ru_utime + usage.ru_stime


def _run_floor(orders: Path, table: dict[tuple[str, str], DrugRow]) -> float:
    start = time.process_time()
    floor_rows(orders, table, io.StringIO())
    return time.process_time() - start


def batch_priced(rows: int, workdir: Path, repeats: int) -> Figure:
    orders = write_orders(
        workdir / f"priced-orders-{rows}.csv", rows, date_column="given_at", month=SERVICE_MONTH
    )
    table = _drug_table()
    batch_cpu, floor_cpu = [], []
    for _ in range(repeats):  # interleaved: a drift in load hits both
        batch_cpu.append(_run_batch(orders, workdir / "priced-claims.csv"))
        floor_cpu.append(_run_floor(orders, table))
    batch_us = statistics.median(batch_cpu) / rows * 1e6
    floor_us = statistics.median(floor_cpu) / rows * 1e6
    ratio = batch_us / floor_us
    spread = (max(batch_cpu) - min(batch_cpu)) / statistics.median(batch_cpu) * 100
    return Figure(
        "batch priced ÷ floor",
        f"{ratio:.2f}×",
        f"<= {RATIO_TARGET:.0f}×",
        ratio <= RATIO_TARGET,
        f"one process (--jobs 1), {rows:,} rows with given_at in {SERVICE_MONTH}: {batch_us:.1f} "
        f"µs/row CPU ({1e6 / batch_us:,.0f} rows/s, start to exit) against the Decimal+csv floor's "
        f"{floor_us:.1f} µs/row (target {RATIO_TARGET * floor_us:.0f} µs/row); medians of "
        f"{repeats}, batch spread {spread:.0f}%",
    )


def beside(rows: int, workdir: Path, repeats: int, other: Path) -> str:
    """This tree's batch, `other` tree's and the floor, interleaved (a drift in load hits all
    three), with the medians and the median of this tree's ratio to the other's, pair by pair;
    the two outputs compared byte for byte."""
    orders = write_orders(
        workdir / f"priced-orders-{rows}.csv", rows, date_column="given_at", month=SERVICE_MONTH
    )
    table = _drug_table()
    here, there, floor = [], [], []
    for _ in range(repeats):
        here.append(_run_batch(orders, workdir / "here.csv"))
        there.append(_run_batch(orders, workdir / "there.csv", other))
        floor.append(_run_floor(orders, table))
    same = (workdir / "here.csv").read_bytes() == (workdir / "there.csv").read_bytes()
    per_row = [statistics.median(cpu) / rows * 1e6 for cpu in (here, there, floor)]
    ratio = statistics.median(mine / theirs for mine, theirs in zip(here, there))
    return (
        f"{rows:,} rows, medians of {repeats}: this tree {per_row[0]:.1f} µs/row "
        f"({per_row[0] / per_row[2]:.2f}× the floor), {other} {per_row[1]:.1f} µs/row "
        f"({per_row[1] / per_row[2]:.2f}×), floor {per_row[2]:.1f} µs/row; this tree ÷ the other, "
        f"pair by pair: {ratio:.2f}×; outputs {'byte-identical' if same else 'DIFFER'}"
    )


def _instructions(orders: Path, out: Path, tree: Path | None) -> int:
    """Instructions callgrind counts for `batch --jobs 1` on `orders`, start to exit."""
    cli = cli_command() if tree is None else [str(tree / ".venv/bin/python"), "-m", "infusion_calc"]
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]
    command += [*cli, "batch", str(orders), "--out", str(out), "--jobs", "1"]
    ran = subprocess.run(command, capture_output=True, text=True, cwd=tree, check=False)
    counted = re.search(r"Collected : ([0-9]+)", ran.stderr)
    if counted is None:
        raise RuntimeError(f"callgrind counted nothing: {ran.stderr[-500:]}")
    return int(counted.group(1))


def instructions_beside(rows: int, workdir: Path, other: Path) -> str:
    """Instructions per row (callgrind: the same count whatever else the machine runs), this tree
    beside `other`: each tree's count on `rows` rows less its count on one row (start-up), over
    `rows`; the ratio of the two per-row counts. Instructions are not time (a cache miss costs
    many), but a change that makes fewer shows here when the machine is too loaded to time it."""
    if shutil.which("valgrind") is None:
        return "valgrind is not installed: no instruction counts"
    orders = write_orders(
        workdir / f"priced-orders-{rows}.csv", rows, date_column="given_at", month=SERVICE_MONTH
    )
    one = write_orders(
        workdir / "priced-orders-1.csv", 1, date_column="given_at", month=SERVICE_MONTH
    )
    per_row = []
    for tree in (None, other):
        whole = _instructions(orders, workdir / "counted.csv", tree)
        start = _instructions(one, workdir / "counted.csv", tree)
        per_row.append((whole - start) / rows)
    return (
        f"{rows:,} rows, instructions per row (start-up taken off): this tree {per_row[0]:,.0f}, "
        f"{other} {per_row[1]:,.0f}: {per_row[0] / per_row[1]:.3f}x"
    )


if __name__ == "__main__":
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("rows", nargs="?", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--beside", type=Path, help="another worktree (with .venv) to time too")
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="with --beside: count instructions per row under callgrind instead of timing",
    )
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        if options.instructions and options.beside is not None:
            print(instructions_beside(options.rows, Path(folder), options.beside.resolve()))
        elif options.beside is None:
            print(batch_priced(options.rows, Path(folder), options.repeats).line())
        else:
            print(beside(options.rows, Path(folder), options.repeats, options.beside.resolve()))
