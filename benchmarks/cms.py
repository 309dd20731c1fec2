"""CMS data figures: the first start after an import (catalog cache miss) and importing one quarter.

Both are wall times a user waits for, each printed beside `python -c "import pint"`
measured in the same loop (the yardstick of the cold-start figure); their targets are
absolute (under 1 s, under 3 s) because the issue states them so.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.report import Figure
from benchmarks.startup import calc_command, cli_command

MISS_TARGET_S = 1.0
IMPORT_TARGET_S = 3.0
ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent.parent / "shared" / "data" / "cms"
SUBSET = ROOT / "tests" / "data" / "cms"


def _wall(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
    return time.perf_counter() - start


def _side_by_side(command: list[str], repeats: int, fresh: tuple[str, ...]) -> tuple[float, float]:
    """Median seconds of `command` (with each env var in `fresh` pointing at a new empty folder) and of pint."""
    ours, pint = [], []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory(prefix="infusion-calc-bench-") as folder:
            env = os.environ | {name: str(Path(folder) / name) for name in fresh}
            ours.append(_wall(command, env))
        pint.append(_wall([sys.executable, "-c", "import pint"], dict(os.environ)))
    return statistics.median(ours), statistics.median(pint)


def cache_miss(repeats: int) -> Figure:
    ours, pint = _side_by_side(calc_command(), repeats, ("INFUSION_CALC_CACHE_DIR",))
    return Figure(
        "catalog cache miss", f"{ours * 1000:.0f} ms", f"< {MISS_TARGET_S:g} s", ours < MISS_TARGET_S,
        f"calc with an empty cache folder (every source validated, compiled, cached) = {ours / pint:.2f}x "
        f"python -c \"import pint\" {pint * 1000:.0f} ms, medians of {repeats}",
    )


def import_quarter(repeats: int) -> Figure:
    folder, what = (SHARED, "2026Q1, full files") if (SHARED / "asp-ndc-hcpcs-crosswalk-2026Q1.csv").is_file() else (
        SUBSET, "2026Q1 test subset: the full CMS files are not on this machine")
    files = [str(folder / "asp-ndc-hcpcs-crosswalk-2026Q1.csv"), str(folder / "asp-payment-limits-2026Q1.csv")]
    # --replace: the test subset holds a few codes of a quarter that is packaged whole.
    ours, pint = _side_by_side([*cli_command(), "data", "import", "--replace", *files], repeats, ("INFUSION_CALC_DATA_DIR",))
    return Figure(
        "import one quarter", f"{ours:.2f} s", f"<= {IMPORT_TARGET_S:g} s", ours <= IMPORT_TARGET_S,
        f"infusion-calc data import crosswalk + payment limits ({what}) = {ours / pint:.1f}x "
        f"python -c \"import pint\" {pint * 1000:.0f} ms, medians of {repeats}",
    )
