"""One printed line per figure: what was measured, the value, its target and PASS or MISS."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Figure:
    name: str
    value: str
    target: str
    passed: bool
    detail: str = ""

    def line(self) -> str:
        verdict = "PASS" if self.passed else "MISS"
        return (
            f"{self.name:<24} {self.value:>16}   target {self.target:<16} {verdict}   {self.detail}"
        ).rstrip()


def machine() -> str:
    """Which machine the figures came from: they are only comparable side by side."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = (
        " ".join(f"{value:.2f}" for value in os.getloadavg())
        if hasattr(os, "getloadavg")
        else "n/a"
    )
    return (
        f"machine: {os.cpu_count()} CPUs ({model}), Python {platform.python_version()} "
        f"({sys.executable}), load average {load}"
    )


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def interleaved_medians(
    commands: dict[str, list[str]], repeats: int
) -> dict[str, tuple[float, float]]:
    """Median wall time and median CPU time (user + system), in seconds, of each command.

    The commands run in turn (A B A B ...) so that drifts in machine load hit all alike.
    CPU time is reported beside wall time because it moves less when other work shares
    the machine; the figures themselves are wall time, what a user waits for.
    """
    walls: dict[str, list[float]] = {name: [] for name in commands}
    cpus: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeats):
        for name, command in commands.items():
            start = time.perf_counter()
            process = subprocess.Popen(
                command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            _, status, usage = os.wait4(process.pid, 0)
            walls[name].append(time.perf_counter() - start)
            process.returncode = os.waitstatus_to_exitcode(status)
            if process.returncode != 0:
                raise RuntimeError(f"{' '.join(command)} exited with {process.returncode}")
            cpus[name].append(usage.ru_utime + usage.ru_stime)
    return {
        name: (statistics.median(walls[name]), statistics.median(cpus[name])) for name in commands
    }
