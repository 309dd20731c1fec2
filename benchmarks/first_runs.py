"""First runs a user waits for, each beside `python -c "import pint"` measured in the same loop.

- `fresh-install first run`: `calc --dose "300 mg" --json` from a copy of the package that holds no
  bytecode (a source checkout, or an install made without compiling), with empty cache, data and
  config folders: Python compiles every module it imports, and the catalog cache is the one the
  build compiled and shipped (data/compiled-catalog.json), checked by its seal.
  The installed libraries (pint, pydantic) keep their bytecode, as a pip install leaves them.
- `import with HCPCS file`: `data import` of the newest quarter with the HCPCS Level II workbook, as
  the import figure's files plus the xlsx (the real files when they are beside the repository,
  except with --quick).
- `first start after import`: a warm `calc`, then `data import` of the quarter, then the `calc`
  timed: the import changed a catalog source, so this start compiles again (the curated catalog
  and pint's answers from the shipped cache, the quarters compiled).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.cms import IMPORT_TARGET_S, MISS_TARGET_S, quarter_files
from benchmarks.report import Figure
from benchmarks.startup import calc_command, cli_command

ROOT = Path(__file__).resolve().parent.parent
FRESH_TARGET = 1.63
"""x `import pint`: what the version before issue 19's start-up work took
(issue 23 measured 2.82x)."""
FIGURE_NAMES = ("fresh-install first run", "import with HCPCS file", "first start after import")
"""In the order `first_runs` gives them."""
PINT = [sys.executable, "-c", "import pint"]


def _wall(command: list[str], env: dict[str, str]) -> float:
    """Seconds `command` took; it must succeed (a failed start is not a fast one)."""
    started = time.perf_counter()
    done = subprocess.run(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, check=False
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} exited with {done.returncode}: {done.stderr.decode()[-500:]}"
        )
    return elapsed


def _folders(root: Path) -> dict[str, str]:
    return {
        name: str(root / name.lower())
        for name in (
            "INFUSION_CALC_CACHE_DIR",
            "INFUSION_CALC_DATA_DIR",
            "INFUSION_CALC_CONFIG_DIR",
        )
    }


def _medians(repeats: int, timed: Callable[[Path], float]) -> tuple[float, float]:
    """Median seconds of `timed(a new empty folder)` and of `import pint`, run in turn."""
    ours, pint = [], []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory(prefix="infusion-calc-first-") as folder:
            ours.append(timed(Path(folder)))
        pint.append(_wall(PINT, dict(os.environ)))
    return statistics.median(ours), statistics.median(pint)


def _fresh_install(folder: Path) -> float:
    source = folder / "source"
    shutil.copytree(
        ROOT / "infusion_calc",
        source / "infusion_calc",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    env = (
        os.environ | _folders(folder) | {"PYTHONPATH": str(source)}
    )  # found before the installed package
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # a first run writes its bytecode, as a user's does
    return _wall(calc_command(), env)


def fresh_install_first_run(repeats: int) -> Figure:
    ours, pint = _medians(repeats, _fresh_install)
    ratio = ours / pint
    return Figure(
        "fresh-install first run",
        f"{ratio:.2f}x",
        f"<= {FRESH_TARGET}x",
        ratio <= FRESH_TARGET,
        f'calc --dose "300 mg" --json {ours * 1000:.0f} ms, no bytecode of the package, empty '
        f'cache / python -c "import pint" {pint * 1000:.0f} ms, medians of {repeats}',
    )


def import_with_hcpcs(repeats: int, real: bool = True) -> Figure:
    files, what = quarter_files(with_hcpcs=True, real=real)
    command = [*cli_command(), "data", "import", "--replace", *files]
    ours, pint = _medians(repeats, lambda folder: _wall(command, os.environ | _folders(folder)))
    return Figure(
        "import with HCPCS file",
        f"{ours:.2f} s",
        f"<= {IMPORT_TARGET_S:g} s",
        ours <= IMPORT_TARGET_S,
        f'infusion-calc data import ({what}) = {ours / pint:.1f}x python -c "import pint" '
        f"{pint * 1000:.0f} ms, medians of {repeats}",
    )


def _after_import(files: list[str]) -> Callable[[Path], float]:
    def timed(folder: Path) -> float:
        env = os.environ | _folders(folder)
        _wall(calc_command(), env)  # the cache warm, as before any import
        _wall([*cli_command(), "data", "import", "--replace", *files], env)
        return _wall(calc_command(), env)

    return timed


def first_start_after_import(repeats: int) -> Figure:
    files, what = quarter_files()
    ours, pint = _medians(repeats, _after_import(files))
    return Figure(
        "first start after import",
        f"{ours * 1000:.0f} ms",
        f"< {MISS_TARGET_S:g} s",
        ours < MISS_TARGET_S,
        f'calc right after data import ({what}) = {ours / pint:.2f}x python -c "import pint" '
        f"{pint * 1000:.0f} ms, medians of {repeats}",
    )


def first_runs(quick: bool) -> list[Figure]:
    # --quick reads the test subset's workbook: the real one alone takes seconds to read.
    return [
        fresh_install_first_run(1 if quick else 9),
        import_with_hcpcs(1 if quick else 5, real=not quick),
        first_start_after_import(1 if quick else 7),
    ]
