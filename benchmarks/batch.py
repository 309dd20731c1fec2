"""Batch figures: rows per second through `infusion-calc
batch` on a generated file, and peak memory."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from benchmarks.orders import write_orders
from benchmarks.report import Figure
from benchmarks.startup import cli_command

RATE_TARGET = 20_000
MEMORY_TARGET_MIB = 150


def run_batch(orders: Path, out: Path, jobs: int | None = None) -> dict[str, Any]:
    """`infusion-calc batch` under benchmarks/child.py, which reports wall time and peak memory."""
    command = [*cli_command(), "batch", str(orders), "--out", str(out)]
    if jobs is not None:
        command += ["--jobs", str(jobs)]
    child = Path(__file__).with_name("child.py")
    result = subprocess.run(
        [sys.executable, str(child), *command], capture_output=True, text=True, check=True
    )
    summary: dict[str, Any] = json.loads(result.stdout)
    return summary


def batch(rows: int, workdir: Path, single_process_too: bool) -> list[Figure]:
    orders = write_orders(workdir / f"orders-{rows}.csv", rows)
    measured = run_batch(orders, workdir / "claims.csv")
    refused = rows // 1000  # the generator spoils one row in a thousand on purpose
    sane = measured["status"] == 2 and measured["stderr_lines"] == refused + 1
    rate = rows / measured["wall"]
    detail = (
        f"{rows:,} generated rows ({refused} refused on purpose), all CPUs, process start to exit"
    )
    if not sane:
        detail += (
            f"; UNEXPECTED exit {measured['status']} with {measured['stderr_lines']} stderr lines"
        )
    if single_process_too:
        alone = run_batch(orders, workdir / "claims-1.csv", jobs=1)
        detail += f"; one process (--jobs 1): {rows / alone['wall']:,.0f} rows/s"
    peak = max(measured["tree_peak_mib"], measured["maxrss_mib"])
    return [
        Figure(
            "batch",
            f"{rate:,.0f} rows/s",
            f">= {RATE_TARGET:,} rows/s",
            rate >= RATE_TARGET and sane,
            detail,
        ),
        Figure(
            "batch peak memory",
            f"{peak:.0f} MB",
            f"< {MEMORY_TARGET_MIB} MB",
            peak < MEMORY_TARGET_MIB,
            "all processes together (sampled from /proc); largest single process "
            f"{measured['maxrss_mib']:.0f} MB (getrusage RUSAGE_CHILDREN)",
        ),
    ]
