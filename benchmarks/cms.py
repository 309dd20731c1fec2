"""CMS data figures: the first start after an import (catalog cache miss) and importing one quarter.

The import is of the real quarter files when they are beside the repository (the figure says
which files it read). Both are wall times a user waits for, each printed beside `python -c "import
pint"` measured in the same loop (the yardstick of the cold-start figure); their targets are
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
SHARED = ROOT.parent / "shared" / "data" / "cms"
"""The real CMS files, beside the repository (`../shared`, as the tests reach them)."""
SUBSET = ROOT / "tests" / "data" / "cms"


def quarter_files(with_hcpcs: bool = False, real: bool = True) -> tuple[list[str], str]:
    """A user's import: the newest quarter's crosswalk and payment limits
    (and the HCPCS workbook) as CMS publishes them when ../shared/data/cms
    holds them (and `real`), else the test subsets; and which."""
    subset = (
        SUBSET,
        "test subset" + (": the real files are not beside the repository" if real else ""),
    )
    for folder, kind in ((SHARED, "real CMS files"), subset) if real else (subset,):
        crosswalks = sorted(folder.glob("asp-ndc-hcpcs-crosswalk-20[0-9][0-9]Q[1-4].csv"))
        quarter = crosswalks[-1].stem.rsplit("-", 1)[-1] if crosswalks else ""
        limits = folder / f"asp-payment-limits-{quarter}.csv"
        workbooks = sorted(folder.glob("HCPC*.xlsx"))
        if crosswalks and limits.is_file() and (workbooks or not with_hcpcs):
            files = [crosswalks[-1], limits, *(workbooks[-1:] if with_hcpcs else [])]
            return [
                str(file) for file in files
            ], f"{quarter}, {kind}: {', '.join(file.name for file in files)}"
    raise FileNotFoundError(f"no CMS quarter in {SHARED} or {SUBSET}")


def _wall(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False
    )
    return time.perf_counter() - start


def _side_by_side(command: list[str], repeats: int, fresh: tuple[str, ...]) -> tuple[float, float]:
    """Median seconds of `command` (with each env var in
    `fresh` pointing at a new empty folder) and of pint."""
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
        "catalog cache miss",
        f"{ours * 1000:.0f} ms",
        f"< {MISS_TARGET_S:g} s",
        ours < MISS_TARGET_S,
        "calc with an empty cache folder (the shipped compiled catalog checked by its seal, "
        f"kept as the cache) = {ours / pint:.2f}x "
        f'python -c "import pint" {pint * 1000:.0f} ms, medians of {repeats}',
    )


def import_quarter(repeats: int) -> Figure:
    files, what = quarter_files()
    # --replace: the test subset holds a few codes of a quarter that is packaged whole.
    ours, pint = _side_by_side(
        [*cli_command(), "data", "import", "--replace", *files],
        repeats,
        ("INFUSION_CALC_DATA_DIR",),
    )
    return Figure(
        "import one quarter",
        f"{ours:.2f} s",
        f"<= {IMPORT_TARGET_S:g} s",
        ours <= IMPORT_TARGET_S,
        f"infusion-calc data import ({what}) = {ours / pint:.1f}x "
        f'python -c "import pint" {pint * 1000:.0f} ms, medians of {repeats}',
    )
