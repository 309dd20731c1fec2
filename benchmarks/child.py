"""Run one command and report its wall time and peak memory as JSON on stdout.

A process of its own, so that getrusage(RUSAGE_CHILDREN) sees only this command and
its workers: ru_maxrss is the peak of the largest of them. /proc is also sampled every
20 ms for the total over the whole process tree (the command plus its workers).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path


def _tree_rss_kib(pid: int) -> int:
    total = 0
    stack = [pid]
    while stack:
        current = stack.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += next(
                int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")
            )
            for task in Path(f"/proc/{current}/task").iterdir():
                stack.extend(int(child) for child in (task / "children").read_text().split())
        except (OSError, StopIteration, ValueError):
            continue
    return total


def main(command: list[str]) -> None:
    peak_tree = 0
    done = threading.Event()
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def sample() -> None:
        nonlocal peak_tree
        while not done.wait(0.02):
            peak_tree = max(peak_tree, _tree_rss_kib(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stderr = process.communicate()[1]
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        json.dumps(
            {
                "status": process.returncode,
                "wall": wall,
                "maxrss_mib": usage.ru_maxrss / 1024,
                "tree_peak_mib": peak_tree / 1024,
                "stderr_lines": stderr.decode(errors="replace").count("\n"),
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1:])
